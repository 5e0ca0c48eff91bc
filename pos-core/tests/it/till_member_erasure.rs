//! A member erased at head office is forgotten here: a registration made here is kept
//! in its hashed form with its values beside it (sent whole, erased by deleting the
//! values), one written before sealing is redacted; afterwards no byte of the till's
//! files holds the phone or the name, and the journal still verifies.

use std::convert::Infallible;
use std::path::Path;

use pos_core::document::{Document, DocumentBody, MemberRegistration};
use pos_core::store::Store;
use uuid::Uuid;

use crate::common::*;

const KEY: &str = "chain-key-1";

/// Whether any of the till's files (the database, its log and its index) holds `text`.
fn files_hold(db: &Path, text: &str) -> bool {
    ["", "-wal", "-shm"].iter().any(|suffix| {
        let path = format!("{}{suffix}", db.display());
        std::fs::read(&path)
            .is_ok_and(|bytes| bytes.windows(text.len()).any(|w| w == text.as_bytes()))
    })
}

/// A registration as a till wrote it before registrations were sealed.
fn unsealed_registration(store: &mut Store, member_id: &str, phone: &str, name: &str) {
    store
        .commit_document(false, |_, sequence| {
            Ok::<_, Infallible>(Document {
                id: Uuid::now_v7(),
                store_id: "S1".into(),
                terminal_id: "T01".into(),
                sequence,
                business_date: now().date_naive(),
                created_at: now(),
                operator_id: "1001".into(),
                approvals: Vec::new(),
                body: DocumentBody::MemberRegistration(MemberRegistration {
                    member_id: member_id.into(),
                    card_no: format!("LS1-T01-{sequence:07}"),
                    phone: phone.into(),
                    name: name.into(),
                    seal: None,
                }),
            })
        })
        .unwrap();
}

#[test]
fn an_erased_member_leaves_no_phone_or_name_in_the_till_files_and_the_journal_verifies() {
    let mut t = selling_till();
    let sealed = t
        .till
        .register_member("13912345678", "王小明", now())
        .expect("registered offline");
    let path = t.path();
    let TestTill { dir: _dir, till } = t;
    drop(till);
    let mut store = Store::open_existing(&path).unwrap();
    unsealed_registration(&mut store, "old-1", "13700001111", "赵老六");
    // Another member, who stays.
    unsealed_registration(&mut store, "old-2", "13600002222", "钱七");
    let page = store.begin_feed_page().unwrap();
    page.set_member_lookup_key(KEY).unwrap();
    page.commit(1).unwrap();

    // The document's body holds no value; the outbox sends it whole.
    let outbox = store.outbox_batch(100, 1 << 20).unwrap();
    let sent: Vec<Document> = outbox
        .iter()
        .map(|row| serde_json::from_slice(&row.body).unwrap())
        .collect();
    let whole = sent
        .iter()
        .find_map(|d| match &d.body {
            DocumentBody::MemberRegistration(r) if r.member_id == sealed.id => Some(r.clone()),
            _ => None,
        })
        .expect("the registration is sent");
    assert_eq!(
        (whole.phone.as_str(), whole.name.as_str()),
        ("13912345678", "王小明")
    );
    assert_eq!(whole.check_seal(), Ok(()));
    assert!(files_hold(&path, "13912345678"), "kept until erased");

    let page = store.begin_feed_page().unwrap();
    page.forget_member(&sealed.id, &[]).unwrap();
    // Head office merged the old till id into a member of its own, then erased that one.
    page.forget_member("H-9", &["old-1".to_string()]).unwrap();
    page.commit(2).unwrap();
    assert!(
        !store.checkpoint_erasures().unwrap(),
        "no reader holds the log"
    );

    for gone in ["13912345678", "王小明", "13700001111", "赵老六"] {
        assert!(
            !files_hold(&path, gone),
            "{gone} is still in the till's files"
        );
    }
    assert!(
        files_hold(&path, "13600002222"),
        "another member's registration stays"
    );
    assert!(store.find_member("13912345678").unwrap().is_none());
    assert!(store.find_member(&sealed.card_no).unwrap().is_none());
    let report = store.verify_journal().unwrap();
    assert!(report.chain_ok, "{report:?}");
    assert_eq!(report.redacted, 1, "{report:?}");
    // Sent again (head office's answer was lost), the sealed one still hashes the same.
    let again = store.outbox_batch(100, 1 << 20).unwrap();
    let resent: Document = again
        .iter()
        .map(|row| serde_json::from_slice::<Document>(&row.body).unwrap())
        .find(
            |d| matches!(&d.body, DocumentBody::MemberRegistration(r) if r.member_id == sealed.id),
        )
        .unwrap();
    let original = sent.iter().find(|d| d.id == resent.id).unwrap();
    assert_eq!(resent.content_hash(), original.content_hash());
}

#[test]
fn a_registrations_values_changed_beside_its_document_break_the_journal() {
    let mut t = selling_till();
    t.till
        .register_member("13912345678", "王小明", now())
        .unwrap();
    let path = t.path();
    drop(t.till);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("UPDATE member_personal SET phone = '13912345679'", [])
        .unwrap();
    let report = Store::open_existing(&path)
        .unwrap()
        .verify_journal()
        .unwrap();
    assert!(!report.chain_ok);
    assert!(report.first_broken_link.is_some(), "{report:?}");
}
