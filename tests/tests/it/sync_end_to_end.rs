//! Tills and head office over real HTTP on 127.0.0.1, on a real PostgreSQL and real till
//! files: offline selling then connecting, rejected documents, pulls that must not
//! forget local sales, and a feed whose products come after their barcodes.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use pos_core::data_dir::ServerConfig;
use pos_core::document::{Document, DocumentBody};
use pos_core::import::CatalogImport;
use pos_core::stock_document::{GoodsReceipt, ReceiptLine, StockLine};
use sync_agent::client::{HeadOfficeClient, Timeouts};
use sync_agent::protocol::{BatchRequest, DocumentStatus};
use sync_agent::{Agent, SyncHandle, SyncStatus};
use tests::head_office::TestHeadOffice;
use tests::ledger::{Effects, apply};
use tests::tills::{PIN, TestTill};
use tests::{demo_catalog, fast_agent_config, first_sale_at, nonzero, wait_for};

const SALES_PER_TILL: u64 = 150;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_tills_sell_offline_then_head_office_ends_with_exactly_their_documents_stock_and_points()
 {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S1", "S2"]).await;
    let tills = [
        ho.enrolled_till("S1", "T1", ho.url()).await,
        ho.enrolled_till("S1", "T2", ho.url()).await,
        ho.enrolled_till("S2", "T1", ho.url()).await,
    ];
    for till in &tills {
        assert!(
            till.drain().await.pull.changes > 100,
            "the first pull brings the catalog"
        );
    }
    let stock_before: BTreeMap<&str, _> =
        [("S1", ho.stock("S1").await), ("S2", ho.stock("S2").await)].into();
    let balances_before = ho.balances().await;
    for till in &tills {
        let stock = &stock_before[till.store_id.as_str()];
        assert_eq!(
            &till.stock_view(stock.keys().cloned()),
            stock,
            "{} took head office's stock",
            till.terminal_id
        );
        assert_eq!(
            till.balance_view(balances_before.keys()),
            balances_before,
            "{} took the balances",
            till.terminal_id
        );
    }

    // Offline: two tills of different stores sign up the same customer, one another.
    for (till, phone) in [
        (&tills[0], "13900000001"),
        (&tills[2], "13900000001"),
        (&tills[1], "13900000002"),
    ] {
        let mut t = till.open();
        t.login("manager", PIN, first_sale_at()).unwrap();
        t.register_member(phone, "王五", first_sale_at()).unwrap();
    }
    std::thread::scope(|s| {
        for (i, till) in tills.iter().enumerate() {
            s.spawn(move || till.sell(SALES_PER_TILL, 100 + i as u64, first_sale_at()));
        }
    });
    let documents: Vec<_> = tills.iter().map(TestTill::documents).collect();
    let mut effects = Effects::default();
    for (till, docs) in tills.iter().zip(&documents) {
        assert!(
            docs.len() as u64 > SALES_PER_TILL,
            "{}: {} documents",
            till.terminal_id,
            docs.len()
        );
        let mut own = Effects::default();
        own.add_till(docs);
        let expected = apply(
            &stock_before[till.store_id.as_str()],
            &own.stock_of(&till.store_id),
        );
        assert_eq!(
            till.stock_view(expected.keys().cloned()),
            expected,
            "{} counts its own sales",
            till.terminal_id
        );
        effects.add_till(docs);
    }

    // Connect: all three agents at once, as the till app runs them.
    let connected = Utc::now();
    let handles: Vec<SyncHandle> = tills
        .iter()
        .map(|t| {
            SyncHandle::spawn_with(t.data.path().to_path_buf(), t.server(), fast_agent_config())
        })
        .collect();
    for (till, handle) in tills.iter().zip(&handles) {
        let pushed = |s: &SyncStatus| s.last_push_ok.is_some_and(|t| t > connected);
        let status = wait_for(handle, &till.terminal_id, |s| {
            pushed(s) && s.waiting == 0 && s.last_error.is_none()
        })
        .await;
        assert!(status.online, "{status:?}");
        assert_eq!(status.rejected, 0, "{status:?}");
    }
    // One more pull each, now that every till's sales are in.
    let all_pushed = Utc::now();
    for (till, handle) in tills.iter().zip(&handles) {
        handle.nudge();
        wait_for(handle, &till.terminal_id, |s| {
            s.last_pull_ok.is_some_and(|t| t > all_pushed)
        })
        .await;
    }
    for handle in handles {
        handle.stop();
    }

    // Exactly their documents: the same ids under the same sequences, nothing else.
    for (till, docs) in tills.iter().zip(&documents) {
        let sent: Vec<_> = docs.iter().map(|d| (d.sequence, d.id)).collect();
        assert_eq!(
            ho.documents(&till.store_id, &till.terminal_id).await,
            sent,
            "{}",
            till.terminal_id
        );
    }
    assert_eq!(
        ho.document_count().await as usize,
        documents.iter().map(Vec::len).sum::<usize>()
    );
    assert_eq!(ho.open_gap_count().await, 0);

    // Stock per store: before plus every till's moves; each till now shows head office's.
    for store in ["S1", "S2"] {
        let expected = apply(&stock_before[store], &effects.stock_of(store));
        assert_eq!(
            nonzero(&ho.stock(store).await),
            nonzero(&expected),
            "stock of {store}"
        );
        for till in tills.iter().filter(|t| t.store_id == store) {
            assert_eq!(
                till.stock_view(expected.keys().cloned()),
                expected,
                "{} after the pull",
                till.terminal_id
            );
        }
    }

    // Points: before plus every till's earn and redeem, the shared customer merged.
    let aliases = ho.aliases().await;
    assert_eq!(
        aliases.len(),
        1,
        "the customer signed up twice is one member: {aliases:?}"
    );
    let expected = apply(&balances_before, &effects.points_resolved(&aliases));
    let balances = ho.balances().await;
    assert_eq!(nonzero(&balances), nonzero(&expected), "point balances");
    for till in &tills {
        let shown = till.balance_view(expected.keys());
        let known: BTreeMap<_, _> = expected
            .iter()
            .filter(|(id, _)| shown.contains_key(*id))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        assert_eq!(
            shown, known,
            "{} shows head office's balances",
            till.terminal_id
        );
        assert!(
            shown.len() >= balances_before.len(),
            "{} knows every member",
            till.terminal_id
        );
    }
    ho.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_document_stays_at_the_till_and_later_ones_still_sync() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S1"]).await;
    // The terminal's old PC sold and synced; its replacement starts a new file, so its
    // first sequences are taken at head office by other documents.
    let old = ho.enrolled_till("S1", "T1", ho.url()).await;
    old.drain().await;
    old.sell(3, 1, first_sale_at());
    old.drain().await;
    let taken = old.documents().len() as u64;
    let replacement = ho.enrolled_till("S1", "T1", ho.url()).await;
    replacement.drain().await;
    replacement.sell(8, 2, first_sale_at() + chrono::Duration::days(1));
    let report = replacement.drain().await;
    assert_eq!(report.push.rejected, taken, "{report:?}");
    assert_eq!(
        report.waiting_after_push, 0,
        "the rejected ones hold nothing up"
    );

    let rejected = replacement.store().rejected_documents().unwrap();
    assert_eq!(
        rejected.iter().map(|r| r.sequence).collect::<Vec<_>>(),
        (1..=taken).collect::<Vec<_>>()
    );
    for r in &rejected {
        assert!(r.reason.contains("already belongs to document"), "{r:?}");
    }
    let new_docs = replacement.documents();
    let mut expected: Vec<_> = old.documents().iter().map(|d| (d.sequence, d.id)).collect();
    expected.extend(
        new_docs
            .iter()
            .filter(|d| d.sequence > taken)
            .map(|d| (d.sequence, d.id)),
    );
    assert_eq!(ho.documents("S1", "T1").await, expected);

    // Later sales still go; the rejected ones stay visible.
    replacement.sell(2, 3, first_sale_at() + chrono::Duration::days(2));
    let connected = Utc::now();
    let handle = SyncHandle::spawn_with(
        replacement.data.path().to_path_buf(),
        replacement.server(),
        fast_agent_config(),
    );
    let status = wait_for(&handle, "the later sales", |s| {
        s.waiting == 0 && s.last_push_ok.is_some_and(|t| t > connected)
    })
    .await;
    handle.stop();
    assert_eq!(status.rejected, taken, "{status:?}");
    let last = replacement
        .documents()
        .last()
        .map(|d| (d.sequence, d.id))
        .unwrap();
    assert_eq!(ho.documents("S1", "T1").await.last(), Some(&last));
    assert_eq!(replacement.store().rejected_documents().unwrap(), rejected);
    ho.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_never_forgets_a_sale_head_office_has_not_acknowledged() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S1"]).await;
    let till = ho.enrolled_till("S1", "T1", ho.url()).await;
    till.drain().await;
    till.sell(30, 4, first_sale_at());
    let mut own = Effects::default();
    own.add_till(&till.documents());
    let moves = own.stock_of("S1");

    // The store receives 100 more of every line meanwhile (a goods receipt the
    // back-office till T9 sends); this till pulls before it pushes.
    let restock = demo_catalog()
        .stock
        .into_iter()
        .map(|s| ReceiptLine {
            goods: StockLine {
                sku: s.sku,
                lot: s.lot_no,
                expiry_date: None,
                serials: vec![],
                quantity: 100,
            },
            expected: None,
        })
        .collect();
    let receipt = Document {
        id: pos_core::till::new_document_id(first_sale_at()),
        store_id: "S1".into(),
        terminal_id: "T9".into(),
        sequence: 1,
        business_date: first_sale_at().date_naive(),
        created_at: first_sale_at(),
        operator_id: "manager".into(),
        approvals: vec![],
        body: DocumentBody::GoodsReceipt(GoodsReceipt {
            reference: "DN-RESTOCK".into(),
            supplier: String::new(),
            lines: restock,
        }),
    };
    let back_office = ServerConfig {
        url: ho.url(),
        token: ho.enroll("S1", "T9").await,
    };
    let batch = BatchRequest {
        store_id: "S1".into(),
        terminal_id: "T9".into(),
        documents: vec![receipt],
    };
    let answer = HeadOfficeClient::new(&back_office, Timeouts::default())
        .unwrap()
        .post_batch(&serde_json::to_vec(&batch).unwrap())
        .await
        .unwrap();
    assert_eq!(
        answer.results[0].status,
        DocumentStatus::Accepted,
        "{answer:?}"
    );
    let head_office_now = ho.stock("S1").await;
    let client = HeadOfficeClient::new(&till.server(), Timeouts::default()).unwrap();
    let mut store = till.store();
    let pulled = sync_agent::pull::pull_all(&mut store, &client, 50, &mut |_| {})
        .await
        .unwrap();
    assert!(pulled.drained && pulled.changes > 0, "{pulled:?}");
    let expected = apply(&head_office_now, &moves);
    assert_eq!(
        till.stock_view(expected.keys().cloned()),
        expected,
        "restocked, and the unsent sales still count"
    );

    till.drain().await;
    let after = ho.stock("S1").await;
    assert_eq!(
        nonzero(&after),
        nonzero(&expected),
        "head office took the sales"
    );
    assert_eq!(
        till.stock_view(after.keys().cloned()),
        after,
        "counted once, not twice"
    );
    ho.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_from_zero_gets_every_barcode_even_when_products_changed_after_them() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S1"]).await;
    // A price change moves each product behind its barcodes in the feed.
    let mut repriced = demo_catalog();
    for p in &mut repriced.products {
        p.price += rust_decimal::Decimal::ONE;
    }
    let catalog = CatalogImport {
        barcodes: vec![],
        lots: vec![],
        stock: vec![],
        serials: vec![],
        members: vec![],
        promotions: vec![],
        ..repriced.clone()
    };
    ho.import(&catalog, None).await;
    let till = ho.enrolled_till("S1", "T1", ho.url()).await;
    let mut agent = Agent::new(
        till.data.clone(),
        &till.server(),
        sync_agent::AgentConfig {
            feed_page_limit: 25,
            ..fast_agent_config()
        },
    )
    .unwrap();
    let report = agent
        .drain(3, Duration::from_secs(10), &mut |_| {})
        .await
        .unwrap();
    assert!(report.pull.pages > 10, "{report:?}");
    let store = till.store();
    for (sku, barcode) in &repriced.barcodes {
        let product = store
            .product_by_code(barcode)
            .unwrap()
            .unwrap_or_else(|| panic!("barcode {barcode} of {sku} missing"));
        assert_eq!(&product.sku, sku);
    }
    for lot in &repriced.lots {
        assert!(
            store.lot(&lot.sku, &lot.lot_no).unwrap().is_some(),
            "lot {lot:?} missing"
        );
    }
    let p = &repriced.products[0];
    assert_eq!(
        store.product(&p.sku).unwrap().unwrap().price,
        p.price,
        "the new price arrived"
    );
    ho.stop().await;
}
