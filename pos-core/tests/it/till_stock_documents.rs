//! Goods received, units written off and stock counted at the till: what each moves in
//! the till's own file, what needs a manager, and what is refused with its reason and
//! changes nothing (business date 2026-11-22; ST01's lots L-EXP expired, L-NEAR within 90
//! days, L-OK fine; 3 monitors SN001–SN003, 100 masks).

use crate::common::*;
use chrono::NaiveDate;
use pos_core::document::DocumentBody;
use pos_core::operator::ManagerAction;
use pos_core::operator::Role;
use pos_core::stock_document::{ReceiptLine, StockLine, WriteOffReason};
use pos_core::store::TillIdentity;
use pos_core::till::{
    Counted, ExpiredHolding, ItemInput, NewOperator, StockDocumentError, Till, TillConfig,
    TillError,
};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn goods(sku: &str, lot: Option<&str>, quantity: u32) -> StockLine {
    StockLine {
        sku: sku.into(),
        lot: lot.map(Into::into),
        expiry_date: None,
        serials: vec![],
        quantity,
    }
}

fn line(goods: StockLine, expected: Option<u32>) -> ReceiptLine {
    ReceiptLine { goods, expected }
}

/// Documents the till has written so far.
fn written(t: &TestTill) -> u64 {
    t.till.store().outbox_stats().unwrap().waiting
}

fn stock(t: &TestTill, sku: &str, lot: Option<&str>) -> i64 {
    t.till.store().stock(sku, lot).unwrap()
}

/// The till of another store, S002, with the same catalog and its manager signed in.
fn store_s002() -> TestTill {
    let dir = tempfile::tempdir().unwrap();
    let identity = TillIdentity {
        store_id: "S002".into(),
        terminal_id: "T01".into(),
    };
    let manager = NewOperator {
        id: "manager",
        name: "店长",
        role: Role::Manager,
        pin: MANAGER_PIN,
    };
    let path = dir.path().join("till.sqlite");
    let mut till = Till::init(&path, identity, manager, TillConfig::default()).unwrap();
    till.store_mut().import_catalog(&catalog()).unwrap();
    till.login("manager", MANAGER_PIN, now()).unwrap();
    TestTill { dir, till }
}

fn refusal(e: TillError) -> StockDocumentError {
    match e {
        TillError::Stock(e) => e,
        other => panic!("a stock refusal, not {other:?}"),
    }
}

#[test]
fn a_receipt_adds_stock_a_new_lot_and_serials_and_keeps_the_shortage() {
    let mut t = selling_till();
    let mut new_lot = goods("ST01", Some("L-NEW"), 8);
    new_lot.expiry_date = Some(day("2027-12-31"));
    let mut monitors = goods("BP01", None, 2);
    monitors.serials = vec!["SN100".into(), "SN101".into()];
    let doc = t
        .till
        .receive_goods(
            " DN-7781 ",
            "鱼跃医疗",
            vec![
                line(new_lot, Some(10)),
                line(monitors, Some(2)),
                line(goods("MK01", None, 50), None),
            ],
            None,
            now(),
        )
        .expect("nothing here needs a manager");
    let DocumentBody::GoodsReceipt(receipt) = &doc.body else {
        panic!("a goods receipt")
    };
    assert_eq!(receipt.reference, "DN-7781");
    assert_eq!(receipt.lines[0].shortage(), 2);
    assert_eq!(receipt.lines[2].excess(), 50);
    assert_eq!(stock(&t, "ST01", Some("L-NEW")), 8);
    assert_eq!(stock(&t, "MK01", None), 150);
    assert_eq!(stock(&t, "BP01", None), 5);
    let lot = t
        .till
        .store()
        .lot("ST01", "L-NEW")
        .unwrap()
        .expect("sellable at once");
    assert_eq!(lot.expiry_date, day("2027-12-31"));
    assert!(
        t.till
            .store()
            .available_serials("BP01", 10)
            .unwrap()
            .contains(&"SN101".to_owned())
    );
    // A received serial sells like any other.
    let sold = ItemInput {
        serial: Some("SN101".into()),
        ..ItemInput::code(monitor_barcode())
    };
    t.till.scan(&sold, now()).expect("the new monitor sells");
}

#[test]
fn a_lot_close_to_expiry_needs_a_manager_and_an_expired_one_is_never_received() {
    let mut t = selling_till();
    let before = written(&t);
    let near = || vec![line(goods("ST01", Some("L-NEAR"), 5), None)];
    let e = t
        .till
        .receive_goods("DN-1", "", near(), None, now())
        .unwrap_err();
    assert!(
        matches!(e, TillError::ApprovalRequired { action } if action == "near_expiry_receipt"),
        "{e:?}"
    );
    let e = t
        .till
        .receive_goods(
            "DN-1",
            "",
            vec![line(goods("ST01", Some("L-EXP"), 5), None)],
            None,
            now(),
        )
        .unwrap_err();
    assert_eq!(
        refusal(e),
        StockDocumentError::ExpiredLot {
            sku: "ST01".into(),
            lot: "L-EXP".into(),
            expiry: day("2026-11-01"),
        }
    );
    // A serial device's UDI gives an expiry without a lot: checked the same.
    let device = StockLine {
        serials: vec!["SN777".into()],
        expiry_date: Some(day("2026-12-01")),
        ..goods("BP01", None, 1)
    };
    let e = t
        .till
        .receive_goods("DN-1", "", vec![line(device, None)], None, now())
        .unwrap_err();
    assert!(
        matches!(e, TillError::ApprovalRequired { action } if action == "near_expiry_receipt"),
        "{e:?}"
    );
    assert_eq!(written(&t), before, "nothing written");
    let approval = t.manager_approves(ManagerAction::NearExpiryReceipt);
    let doc = t
        .till
        .receive_goods("DN-1", "", near(), Some(&approval), now())
        .unwrap();
    assert_eq!(doc.approvals[0].action, "near_expiry_receipt");
    assert_eq!(stock(&t, "ST01", Some("L-NEAR")), 15);
}

#[test]
fn receipts_refuse_what_the_catalog_and_the_stock_contradict() {
    let mut t = selling_till();
    let before = written(&t);
    let mut held = goods("BP01", None, 1);
    held.serials = vec!["SN001".into()];
    let cases = [
        (goods("XX99", None, 1), "unknown SKU"),
        (goods("ST01", None, 1), "lot required"),
        (goods("ST01", Some("L-NEW2"), 1), "new lot without expiry"),
        (goods("BP01", None, 2), "serials missing"),
        (
            goods("MK01", Some("L1"), 1),
            "an untracked product with a lot",
        ),
        (held, "a serial already held"),
    ];
    let mut reasons = Vec::new();
    for (goods, what) in cases {
        let e = t
            .till
            .receive_goods("DN-2", "", vec![line(goods, None)], None, now())
            .expect_err(what);
        reasons.push(refusal(e));
    }
    assert_eq!(
        reasons,
        [
            StockDocumentError::UnknownSku { sku: "XX99".into() },
            StockDocumentError::LotRequired { sku: "ST01".into() },
            StockDocumentError::ExpiryRequired {
                sku: "ST01".into(),
                lot: "L-NEW2".into()
            },
            StockDocumentError::SerialsRequired {
                sku: "BP01".into(),
                quantity: 2,
                given: 0
            },
            StockDocumentError::NotTracked { sku: "MK01".into() },
            StockDocumentError::SerialAlreadyHeld {
                sku: "BP01".into(),
                serial: "SN001".into()
            },
        ]
    );
    assert_eq!(
        refusal(
            t.till
                .receive_goods("DN-3", "", vec![], None, now())
                .unwrap_err()
        ),
        StockDocumentError::NoLines
    );
    assert_eq!(written(&t), before, "nothing written");
}

#[test]
fn a_write_off_takes_held_units_out_with_a_manager() {
    let mut t = selling_till();
    assert_eq!(
        t.till.expired_holdings(now()).unwrap(),
        [ExpiredHolding {
            sku: "ST01".into(),
            lot: "L-EXP".into(),
            expiry_date: day("2026-11-01"),
            quantity: 5,
            serials: vec![],
        }],
        "the till proposes its expired lot"
    );
    let expired = || vec![goods("ST01", Some("L-EXP"), 5)];
    let e = t
        .till
        .write_off(WriteOffReason::Expired, "", expired(), None, now())
        .unwrap_err();
    assert!(matches!(e, TillError::ApprovalRequired { action } if action == "write_off"));
    let approval = t.manager_approves(ManagerAction::WriteOff);
    let before = written(&t);
    for (reason, lines, expected) in [
        (
            WriteOffReason::Expired,
            vec![goods("ST01", Some("L-OK"), 1)],
            StockDocumentError::NotExpired {
                sku: "ST01".into(),
                lot: "L-OK".into(),
                expiry: day("2027-06-30"),
            },
        ),
        (
            WriteOffReason::Damaged,
            vec![goods("MK01", None, 101)],
            StockDocumentError::NotEnoughStock {
                sku: "MK01".into(),
                lot: String::new(),
                held: 100,
                asked: 101,
            },
        ),
        (
            WriteOffReason::Damaged,
            vec![StockLine {
                serials: vec!["SN999".into()],
                ..goods("BP01", None, 1)
            }],
            StockDocumentError::SerialNotHeld {
                sku: "BP01".into(),
                serial: "SN999".into(),
            },
        ),
    ] {
        let e = t
            .till
            .write_off(reason, "", lines, Some(&approval), now())
            .unwrap_err();
        assert_eq!(refusal(e), expected);
    }
    assert_eq!(written(&t), before, "nothing written");

    t.till
        .write_off(
            WriteOffReason::Expired,
            "",
            expired(),
            Some(&approval),
            now(),
        )
        .unwrap();
    t.till
        .write_off(
            WriteOffReason::Damaged,
            "外壳破裂",
            vec![StockLine {
                serials: vec!["SN002".into()],
                ..goods("BP01", None, 1)
            }],
            Some(&approval),
            now(),
        )
        .unwrap();
    assert_eq!(stock(&t, "ST01", Some("L-EXP")), 0);
    assert!(t.till.expired_holdings(now()).unwrap().is_empty());
    assert_eq!(
        t.till.store().available_serials("BP01", 10).unwrap(),
        ["SN001", "SN003"],
        "the damaged monitor cannot be sold"
    );
}

#[test]
fn a_count_during_sales_posts_what_was_missing_at_the_count_and_later_sales_apply_on_top() {
    let mut t = selling_till();
    let masks = || ItemInput {
        quantity: 3,
        ..ItemInput::code(masks_barcode())
    };
    t.till.scan(&masks(), now()).unwrap();
    t.till.pay(&[cash("45")], None, now()).unwrap();
    assert_eq!(stock(&t, "MK01", None), 97);

    let approval = t.manager_approves(ManagerAction::Stocktake);
    let doc = t
        .till
        .count_stock(
            false,
            vec![Counted::units("MK01", None, 95)],
            Some(&approval),
            now(),
        )
        .unwrap();
    let DocumentBody::Stocktake(count) = &doc.body else {
        panic!("a stocktake")
    };
    assert_eq!(
        (count.lines[0].expected, count.lines[0].variance()),
        (97, -2)
    );
    assert_eq!(stock(&t, "MK01", None), 95, "the counted quantity stands");
    t.till.scan(&masks(), now()).unwrap();
    t.till.pay(&[cash("45")], None, now()).unwrap();
    assert_eq!(
        stock(&t, "MK01", None),
        92,
        "a sale after the count applies on top"
    );

    let e = t
        .till
        .count_stock(
            false,
            vec![Counted::units("ST01", Some("L-XX".into()), 1)],
            Some(&approval),
            now(),
        )
        .unwrap_err();
    assert_eq!(
        refusal(e),
        StockDocumentError::UnknownLot {
            sku: "ST01".into(),
            lot: "L-XX".into()
        }
    );
}

#[test]
fn a_full_count_sets_what_was_not_counted_to_zero() {
    let mut t = new_till();
    t.till.login("manager", MANAGER_PIN, now()).unwrap();
    let doc = t
        .till
        .count_stock(true, vec![Counted::units("MK01", None, 100)], None, now())
        .expect("a manager approves their own count");
    let DocumentBody::Stocktake(count) = &doc.body else {
        panic!("a stocktake")
    };
    let zeroed: Vec<(&str, Option<&str>, u32, i64)> = count.lines[1..]
        .iter()
        .map(|l| (l.sku.as_str(), l.lot.as_deref(), l.counted, l.expected))
        .collect();
    assert_eq!(
        zeroed,
        [
            ("BP01", None, 0, 3),
            ("ST01", Some("L-EXP"), 0, 5),
            ("ST01", Some("L-NEAR"), 0, 10),
            ("ST01", Some("L-OK"), 0, 20),
        ]
    );
    assert_eq!(
        t.till
            .store()
            .stock_levels()
            .unwrap()
            .iter()
            .map(|l| l.2)
            .sum::<i64>(),
        100
    );
}

#[test]
fn a_transfer_leaves_with_a_manager_and_is_received_once_with_its_difference() {
    let mut a = selling_till();
    let monitor = || StockLine {
        serials: vec!["SN003".into()],
        ..goods("BP01", None, 1)
    };
    let lines = || vec![goods("ST01", Some("L-OK"), 6), monitor()];
    let e = a
        .till
        .dispatch_transfer("TR-1", "S002", lines(), None, now())
        .unwrap_err();
    assert!(matches!(e, TillError::ApprovalRequired { action } if action == "transfer_dispatch"));
    let approval = a.manager_approves(ManagerAction::TransferDispatch);
    let before = written(&a);
    for (to, lines, expected) in [
        (
            "S001",
            lines(),
            StockDocumentError::TransferToItself {
                store: "S001".into(),
            },
        ),
        (
            "S002",
            vec![goods("ST01", Some("L-EXP"), 1)],
            StockDocumentError::ExpiredLot {
                sku: "ST01".into(),
                lot: "L-EXP".into(),
                expiry: day("2026-11-01"),
            },
        ),
        (
            "S002",
            vec![StockLine {
                serials: vec!["SN404".into()],
                ..goods("BP01", None, 1)
            }],
            StockDocumentError::SerialNotHeld {
                sku: "BP01".into(),
                serial: "SN404".into(),
            },
        ),
    ] {
        let e = a
            .till
            .dispatch_transfer("TR-1", to, lines, Some(&approval), now())
            .unwrap_err();
        assert_eq!(refusal(e), expected);
    }
    assert_eq!(written(&a), before, "nothing written");
    let sent = a
        .till
        .dispatch_transfer("TR-1", "S002", lines(), Some(&approval), now())
        .unwrap();
    assert_eq!(stock(&a, "ST01", Some("L-OK")), 14);
    let e = a
        .till
        .dispatch_transfer(
            "TR-1",
            "S002",
            vec![goods("ST01", Some("L-OK"), 1)],
            Some(&approval),
            now(),
        )
        .unwrap_err();
    assert_eq!(
        refusal(e),
        StockDocumentError::TransferAlreadyDispatched {
            transfer_id: "TR-1".into(),
            sequence: sent.sequence,
        },
        "a transfer leaves once"
    );
    assert_eq!(stock(&a, "ST01", Some("L-OK")), 14);
    assert!(
        !a.till
            .store()
            .available_serials("BP01", 10)
            .unwrap()
            .contains(&"SN003".to_owned()),
        "the monitor left"
    );

    // Store S002's till receives 5 of the 6 strips and the monitor.
    let mut b = store_s002();
    let arrived = || {
        vec![
            line(goods("ST01", Some("L-OK"), 5), Some(6)),
            line(
                StockLine {
                    serials: vec!["SN900".into()],
                    ..goods("BP01", None, 1)
                },
                Some(1),
            ),
        ]
    };
    let doc = b
        .till
        .receive_transfer("TR-1", "S001", arrived(), now())
        .expect("a receipt needs no manager");
    let DocumentBody::TransferReceipt(t) = &doc.body else {
        panic!("a transfer receipt")
    };
    assert_eq!(t.lines[0].shortage(), 1);
    assert_eq!(stock(&b, "ST01", Some("L-OK")), 25);
    let e = b
        .till
        .receive_transfer("TR-1", "S001", arrived(), now())
        .unwrap_err();
    assert_eq!(
        refusal(e),
        StockDocumentError::TransferAlreadyReceived {
            transfer_id: "TR-1".into(),
            sequence: doc.sequence,
        }
    );
    assert_eq!(stock(&b, "ST01", Some("L-OK")), 25, "received once");
}
