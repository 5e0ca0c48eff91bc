//! The till file itself: the journal chain catches tampering, the outbox keeps rejected
//! documents, a feed page never forgets a local sale, a locked file is a clear error.

use crate::common::*;
use pos_core::store::{Ack, AckStatus, StoreError};
use pos_core::till::{ItemInput, TillError};
use rusqlite::Connection;

fn sell_masks(t: &mut TestTill, quantity: u32) -> pos_core::document::Document {
    t.till
        .scan(
            &ItemInput {
                quantity,
                ..ItemInput::code(masks_barcode())
            },
            now(),
        )
        .unwrap();
    t.till.pay(&[cash("1000")], None, now()).unwrap()
}

#[test]
fn verify_names_the_first_tampered_document() {
    let mut t = selling_till();
    for _ in 0..4 {
        sell_masks(&mut t, 1);
    }
    assert!(t.till.store().verify_journal().unwrap().chain_ok);
    let raw = Connection::open(t.path()).unwrap();
    raw.execute("UPDATE document SET body = CAST(replace(body, '\"15.00\"', '\"1.50\"') AS BLOB) WHERE sequence = 3", []).unwrap();
    let report = t.till.store().verify_journal().unwrap();
    assert!(!report.chain_ok);
    assert_eq!(report.first_broken_link, Some(3));
    let e = raw
        .execute("DELETE FROM journal WHERE sequence = 2", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
}

#[test]
fn acknowledged_documents_leave_the_outbox_and_rejected_ones_stay_visible() {
    let mut t = selling_till();
    let a = sell_masks(&mut t, 1);
    let b = sell_masks(&mut t, 1);
    let c = sell_masks(&mut t, 1);
    let batch = t.till.store().outbox_batch(100, 1 << 20).unwrap();
    assert_eq!(
        batch.iter().map(|r| r.sequence).collect::<Vec<_>>(),
        vec![1, 2, 3, 4]
    );
    let acks = [
        Ack {
            sequence: 1,
            status: AckStatus::Accepted,
            reason: None,
        },
        Ack {
            sequence: a.sequence,
            status: AckStatus::Duplicate,
            reason: None,
        },
        Ack {
            sequence: b.sequence,
            status: AckStatus::Rejected,
            reason: Some("total does not add up".into()),
        },
        Ack {
            sequence: c.sequence,
            status: AckStatus::Accepted,
            reason: None,
        },
    ];
    t.till.store_mut().record_acks(&acks, now()).unwrap();
    let stats = t.till.store().outbox_stats().unwrap();
    assert_eq!((stats.waiting, stats.rejected), (0, 1));
    let rejected = t.till.store().rejected_documents().unwrap();
    assert_eq!(
        (rejected[0].sequence, rejected[0].reason.as_str()),
        (b.sequence, "total does not add up")
    );
    assert!(
        t.till
            .store()
            .outbox_batch(100, 1 << 20)
            .unwrap()
            .is_empty(),
        "rejected rows are not resent by themselves"
    );
    assert!(t.till.store_mut().retry_rejected(b.sequence).unwrap());
    assert_eq!(
        t.till.store().outbox_batch(100, 1 << 20).unwrap()[0].sequence,
        b.sequence
    );
}

#[test]
fn batches_are_bounded_by_count_and_bytes() {
    let mut t = selling_till();
    for _ in 0..5 {
        sell_masks(&mut t, 1);
    }
    assert_eq!(t.till.store().outbox_batch(2, 1 << 20).unwrap().len(), 2);
    assert_eq!(
        t.till.store().outbox_batch(100, 1).unwrap().len(),
        1,
        "always at least one document"
    );
}

#[test]
fn a_feed_page_never_forgets_a_local_sale() {
    let mut t = selling_till();
    let sale = sell_masks(&mut t, 10);
    assert_eq!(t.till.store().stock("MK01", None).unwrap(), 90);

    // Head office has not seen the sale yet and sends its old stock: the sale still counts.
    let page = t.till.store_mut().begin_feed_page().unwrap();
    page.set_stock("MK01", None, 100).unwrap();
    page.commit(7).unwrap();
    assert_eq!(t.till.store().stock("MK01", None).unwrap(), 90);
    assert_eq!(t.till.store().feed_cursor().unwrap(), 7);

    // Acknowledged, then a full pull brings head office's stock with the sale in it.
    t.till
        .store_mut()
        .record_acks(
            &[Ack {
                sequence: sale.sequence,
                status: AckStatus::Accepted,
                reason: None,
            }],
            now(),
        )
        .unwrap();
    let watermark = t.till.store().acked_watermark().unwrap();
    assert_eq!(
        t.till.store().stock("MK01", None).unwrap(),
        90,
        "acknowledged but not yet pulled"
    );
    let page = t.till.store_mut().begin_feed_page().unwrap();
    page.set_stock("MK01", None, 90).unwrap();
    page.commit(8).unwrap();
    t.till.store().mark_reflected(watermark).unwrap();
    assert_eq!(t.till.store().stock("MK01", None).unwrap(), 90);
}

#[test]
fn an_unfinished_feed_page_changes_nothing() {
    let mut t = new_till();
    {
        let page = t.till.store_mut().begin_feed_page().unwrap();
        page.set_stock("MK01", None, 1).unwrap();
        page.delete_product("ST01").unwrap();
    }
    assert_eq!(t.till.store().stock("MK01", None).unwrap(), 100);
    assert!(t.till.store().product("ST01").unwrap().is_some());
    assert_eq!(t.till.store().feed_cursor().unwrap(), 0);
}

#[test]
fn a_locked_file_is_a_clear_error_and_the_sale_waits_in_the_cart() {
    let mut t = selling_till();
    t.till
        .scan(&ItemInput::code(masks_barcode()), now())
        .unwrap();
    let blocker = Connection::open(t.path()).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let e = t.till.pay(&[cash("20")], None, now()).unwrap_err();
    assert!(matches!(e, TillError::Store(StoreError::Locked)), "{e}");
    blocker.execute_batch("ROLLBACK").unwrap();
    t.till.pay(&[cash("20")], None, now()).unwrap();
}

#[test]
fn a_file_that_is_not_a_till_says_where_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.sqlite");
    std::fs::write(&path, vec![0x42; 8192]).unwrap();
    let e = pos_core::till::Till::open(&path, Default::default())
        .err()
        .unwrap();
    assert!(e.to_string().contains(&path.display().to_string()), "{e}");
    let missing = dir.path().join("nope.sqlite");
    let e = pos_core::till::Till::open(&missing, Default::default())
        .err()
        .unwrap();
    assert!(e.to_string().contains("pos init"), "{e}");
}

#[test]
fn an_import_giving_a_member_another_members_card_is_refused_whole() {
    let mut t = new_till();
    let holder = catalog().members[0].clone();
    let mut clash = holder.clone();
    clash.id = "M-OTHER".into();
    clash.phone = "13900000000".into();
    let mut import = pos_core::import::CatalogImport {
        members: vec![clash],
        ..Default::default()
    };
    import.products.push(catalog().products[0].clone());
    import.products[0].name = "renamed by the refused import".into();

    let e = t.till.store_mut().import_catalog(&import).unwrap_err();
    assert!(
        matches!(&e, StoreError::CardTaken { holder_id, .. } if *holder_id == holder.id),
        "{e}"
    );
    assert!(e.to_string().contains(&holder.card_no), "{e}");
    let kept = t
        .till
        .store()
        .find_member(&holder.card_no)
        .unwrap()
        .unwrap();
    assert_eq!(kept.id, holder.id);
    let product = t
        .till
        .store()
        .product_by_code(&monitor_barcode())
        .unwrap()
        .unwrap();
    assert_ne!(
        product.name, "renamed by the refused import",
        "half an import"
    );
}

#[test]
fn a_sale_waits_for_one_feed_page_at_most_not_for_the_whole_pull() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::{Arc, Barrier};

    let mut t = selling_till();
    let path = t.path();
    let pages = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let started = Arc::new(Barrier::new(2));
    // The sync agent's connection applies page after page, each holding the write lock
    // a while, as a full catalog pull does.
    let agent = {
        let (pages, stop, started) = (pages.clone(), stop.clone(), started.clone());
        std::thread::spawn(move || {
            let mut store = pos_core::store::Store::open_existing(&path).unwrap();
            let mut first = true;
            while !stop.load(Ordering::SeqCst) {
                let page = store.begin_feed_page().unwrap();
                for i in 0..2_000 {
                    page.set_stock(&format!("FEED-{i}"), None, i).unwrap();
                }
                page.commit(1).unwrap();
                pages.fetch_add(1, Ordering::SeqCst);
                if first {
                    started.wait();
                    first = false;
                }
            }
            store.checkpoint_after_feed().unwrap();
        })
    };
    started.wait();
    for _ in 0..20 {
        t.till
            .scan(&ItemInput::code(masks_barcode()), now())
            .unwrap();
        // Only the payment writes: pages are counted while it waits and commits.
        let before = pages.load(Ordering::SeqCst);
        t.till.pay(&[cash("1000")], None, now()).unwrap();
        let during = pages.load(Ordering::SeqCst) - before;
        // The page in progress when the sale asked, and at most one that began in the
        // instant before the sale said it was waiting.
        assert!(during <= 2, "the sale waited for {during} feed pages");
    }
    stop.store(true, Ordering::SeqCst);
    agent.join().unwrap();
    assert_eq!(t.till.store().outbox_stats().unwrap().waiting, 21);
}
