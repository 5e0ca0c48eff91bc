//! Ringing up sales through the `Till` on a real SQLite file: what is stored, and what
//! bad input is refused without changing anything.

use crate::common::*;
use pos_core::document::DocumentBody;
use pos_core::till::{ItemInput, TillError};

fn snapshot(t: &TestTill) -> (u64, i64, i64, i64) {
    let s = t.till.store();
    (
        s.last_sequence().unwrap(),
        s.stock("MK01", None).unwrap(),
        s.stock("ST01", None).unwrap(),
        s.find_member("8800001").unwrap().unwrap().points_balance,
    )
}

#[test]
fn a_sale_stores_lines_tenders_stock_journal_and_outbox_together() {
    let mut t = selling_till();
    t.till
        .scan(
            &ItemInput {
                quantity: 2,
                ..ItemInput::code(masks_barcode())
            },
            now(),
        )
        .unwrap();
    t.till
        .scan(&ItemInput::code(strips_barcode()), now())
        .unwrap();
    let doc = t.till.pay(&[cash("200")], None, now()).unwrap();

    let DocumentBody::Sale(sale) = &doc.body else {
        panic!("not a sale: {doc:?}")
    };
    assert_eq!(sale.total, dec("119.00"));
    assert_eq!(sale.change, dec("81.00"));
    assert_eq!(
        sale.lines[1].lot.as_deref(),
        Some("L-NEAR"),
        "first expiry, first out; the expired lot is skipped"
    );
    assert_eq!(doc.sequence, 2, "shift open was 1");
    assert!(t.till.cart().lines.is_empty());

    let store = t.till.store();
    assert_eq!(store.stock("MK01", None).unwrap(), 98);
    assert_eq!(store.stock("ST01", Some("L-NEAR")).unwrap(), 9);
    assert_eq!(store.outbox_stats().unwrap().waiting, 2);
    assert_eq!(store.document_by_id(doc.id).unwrap().unwrap(), doc);
    let chain = store.verify_journal().unwrap();
    assert!(
        chain.chain_ok && chain.first_sequence_gap.is_none() && chain.documents == 2,
        "{chain:?}"
    );
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let mut t = selling_till();
    let before = snapshot(&t);

    let e = t
        .till
        .scan(&ItemInput::code("6900000000000"), now())
        .unwrap_err();
    assert!(matches!(e, TillError::UnknownCode { .. }), "{e}");
    let e = t
        .till
        .scan(
            &ItemInput {
                quantity: 0,
                ..ItemInput::code(masks_barcode())
            },
            now(),
        )
        .unwrap_err();
    assert!(matches!(e, TillError::ZeroQuantity), "{e}");
    let e = t.till.pay(&[cash("10")], None, now()).unwrap_err();
    assert!(matches!(e, TillError::EmptyCart), "{e}");

    t.till
        .scan(&ItemInput::code(masks_barcode()), now())
        .unwrap();
    let e = t.till.pay(&[cash("10")], None, now()).unwrap_err();
    assert!(matches!(e, TillError::Tender(_)), "short payment: {e}");
    assert!(e.to_string().contains("5"), "names what is missing: {e}");
    let e = t.till.pay(&[wechat("20")], None, now()).unwrap_err();
    assert!(
        matches!(e, TillError::Tender(_)),
        "overpay on a wallet: {e}"
    );
    let e = t.till.set_quantity(1, 0).unwrap_err();
    assert!(matches!(e, TillError::ZeroQuantity), "{e}");

    assert_eq!(snapshot(&t), before);
    assert_eq!(
        t.till.cart().lines.len(),
        1,
        "the cart survives a refused payment"
    );
}

#[test]
fn expired_lots_are_refused_and_near_expiry_warns() {
    let mut t = selling_till();
    let expired = ItemInput {
        lot: Some("L-EXP".into()),
        ..ItemInput::code(strips_barcode())
    };
    let e = t.till.scan(&expired, now()).unwrap_err();
    assert!(matches!(e, TillError::ExpiredLot { .. }), "{e}");
    assert!(
        e.to_string().contains("L-EXP") && e.to_string().contains("2026-11-01"),
        "{e}"
    );

    let near = ItemInput {
        lot: Some("L-NEAR".into()),
        ..ItemInput::code(strips_barcode())
    };
    let outcome = t.till.scan(&near, now()).unwrap();
    assert_eq!(
        outcome.near_expiry.map(|(lot, _, days)| (lot, days)),
        Some(("L-NEAR".to_string(), 9))
    );

    let ok = ItemInput {
        lot: Some("L-OK".into()),
        ..ItemInput::code(strips_barcode())
    };
    assert_eq!(t.till.scan(&ok, now()).unwrap().near_expiry, None);

    // A UDI with a lot head office has not sent: the package's own expiry decides.
    let udi = ItemInput {
        lot: Some("NEWLOT".into()),
        expiry_date: Some("2026-10-31".parse().unwrap()),
        ..ItemInput::code(format!("0{}", strips_barcode()))
    };
    assert!(matches!(
        t.till.scan(&udi, now()).unwrap_err(),
        TillError::ExpiredLot { .. }
    ));
}

#[test]
fn a_serial_is_sold_once_and_again_only_after_its_return() {
    let mut t = selling_till();
    let sn = |s: &str| ItemInput {
        serial: Some(s.into()),
        ..ItemInput::code(monitor_barcode())
    };

    let e = t
        .till
        .scan(&ItemInput::code(monitor_barcode()), now())
        .unwrap_err();
    assert!(matches!(e, TillError::SerialRequired { .. }), "{e}");

    t.till.scan(&sn("SN001"), now()).unwrap();
    assert!(matches!(
        t.till.scan(&sn("SN001"), now()).unwrap_err(),
        TillError::SerialInCart { .. }
    ));
    let sale = t.till.pay(&[cash("299")], None, now()).unwrap();

    let e = t.till.scan(&sn("SN001"), now()).unwrap_err();
    assert!(
        matches!(e, TillError::SerialAlreadySold { sequence, .. } if sequence == sale.sequence),
        "{e}"
    );

    let back = [pos_core::returns::ReturnRequestLine {
        original_line_no: 1,
        quantity: 1,
    }];
    let ret = t
        .till
        .return_from_sale(
            &sale.id.to_string(),
            &back,
            pos_core::returns::RefundTo::OriginalTenders,
            "不想要了",
            now(),
        )
        .unwrap();
    let DocumentBody::Return(r) = &ret.body else {
        panic!()
    };
    assert_eq!(r.lines[0].serial.as_deref(), Some("SN001"));
    assert_eq!(r.total, dec("299.00"));

    t.till.scan(&sn("SN001"), now()).unwrap();
}

#[test]
fn held_sales_survive_a_restart_and_resume_with_their_member() {
    let mut t = selling_till();
    t.till
        .scan(
            &ItemInput {
                quantity: 3,
                ..ItemInput::code(masks_barcode())
            },
            now(),
        )
        .unwrap();
    t.till.attach_member("13812345678", now()).unwrap();
    t.till.hold(now()).unwrap();
    assert!(t.till.cart().lines.is_empty() && t.till.member().is_none());

    let path = t.path();
    drop(t.till);
    let mut till = pos_core::till::Till::open(&path, Default::default()).unwrap();
    till.login("cashier", CASHIER_PIN, now()).unwrap();
    let held = till.held_sales().unwrap();
    assert_eq!(held.len(), 1);
    assert!(held[0].label.contains("口罩"), "{}", held[0].label);
    till.resume(&held[0].id, now()).unwrap();
    assert_eq!(till.cart().lines[0].quantity, 3);
    assert_eq!(till.member().unwrap().card_no, "8800001");
    assert!(till.held_sales().unwrap().is_empty());
}

#[test]
fn searching_by_pinyin_name_and_sku() {
    let t = new_till();
    let s = t.till.store();
    assert_eq!(s.search_products("xyj", 10).unwrap()[0].sku, "BP01");
    assert_eq!(s.search_products("口罩", 10).unwrap()[0].sku, "MK01");
    assert_eq!(s.search_products("ST01", 10).unwrap()[0].sku, "ST01");
    assert!(
        s.search_products("%", 10).unwrap().is_empty(),
        "LIKE wildcards are literal"
    );
    assert_eq!(
        s.search_products("血糖试纸", 10).unwrap()[0].sku,
        "ST01",
        "a whole name"
    );
    assert_eq!(
        s.search_products("\"x", 10).unwrap().len(),
        0,
        "quotes are plain characters"
    );
}

#[test]
fn search_follows_catalog_changes() {
    let mut t = new_till();
    let mut renamed = catalog()
        .products
        .into_iter()
        .find(|p| p.sku == "MK01")
        .unwrap();
    renamed.name = "儿童医用口罩".into();
    renamed.pinyin = "etyykz".into();
    let page = t.till.store_mut().begin_feed_page().unwrap();
    page.upsert_product(&renamed).unwrap();
    page.delete_product("ST01").unwrap();
    page.commit(1).unwrap();
    let s = t.till.store();
    assert_eq!(s.search_products("etyy", 10).unwrap()[0].sku, "MK01");
    assert!(
        s.search_products("外科口罩", 10).unwrap().is_empty(),
        "the old name is gone from the index"
    );
    assert!(
        s.search_products("血糖试纸", 10).unwrap().is_empty(),
        "deleted products are not offered"
    );
}

#[test]
fn a_receipt_waits_in_the_file_until_printed_and_survives_a_restart() {
    let mut t = selling_till();
    t.till
        .scan(&ItemInput::code(masks_barcode()), now())
        .unwrap();
    let first = t.till.pay(&[cash("50")], None, now()).unwrap();
    t.till
        .scan(&ItemInput::code(masks_barcode()), now())
        .unwrap();
    let second = t.till.pay(&[cash("50")], None, now()).unwrap();
    // Queued in the sale's own transaction: both wait, oldest first; the shift open
    // prints nothing and is not there.
    let waiting = |till: &pos_core::till::Till| -> Vec<(u64, String)> {
        till.unprinted_receipts()
            .unwrap()
            .into_iter()
            .map(|w| (w.document.sequence, w.error))
            .collect()
    };
    assert_eq!(
        waiting(&t.till),
        [
            (first.sequence, String::new()),
            (second.sequence, String::new())
        ]
    );
    t.till.receipt_done(first.sequence).unwrap();
    t.till
        .receipt_failed(second.sequence, "打印机缺纸")
        .unwrap();

    // A power cut: the process is gone, the file is what is left.
    let path = t.path();
    drop(t.till);
    let till = pos_core::till::Till::open(&path, Default::default()).unwrap();
    assert_eq!(
        waiting(&till),
        [(second.sequence, "打印机缺纸".to_string())]
    );
    assert_eq!(till.forget_unprinted_receipts().unwrap(), 1);
    assert!(waiting(&till).is_empty());
}
