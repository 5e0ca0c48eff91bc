//! Serial-tracked units in a count and in a write-off of expired lots, and the lot a
//! dispatch proposes (first expiry, first out). Business date 2026-11-22; 3 monitors
//! SN001–SN003 held without a lot; ST01's lots L-EXP expired, L-NEAR and L-OK held.

use crate::common::*;
use pos_core::catalog::Lot;
use pos_core::document::DocumentBody;
use pos_core::import::{SerialRecord, StockRecord};
use pos_core::operator::ManagerAction;
use pos_core::stock_document::WriteOffReason;
use pos_core::till::{Counted, HeldLot, StockDocumentError, TillError};

fn refusal(e: TillError) -> StockDocumentError {
    match e {
        TillError::Stock(e) => e,
        other => panic!("a stock refusal, not {other:?}"),
    }
}

fn monitors(counted: u32, serials: &[&str]) -> Counted {
    Counted {
        serials: serials.iter().map(|s| (*s).to_owned()).collect(),
        ..Counted::units("BP01", None, counted)
    }
}

#[test]
fn a_count_of_serials_writes_off_the_held_serials_not_found() {
    let mut t = selling_till();
    let approval = t.manager_approves(ManagerAction::Stocktake);
    let doc = t
        .till
        .count_stock(
            false,
            vec![monitors(2, &["SN001", "SN003"])],
            Some(&approval),
            now(),
        )
        .expect("two of three monitors found");
    let DocumentBody::Stocktake(count) = &doc.body else {
        panic!("a stocktake")
    };
    assert_eq!(count.lines[0].serials, ["SN001", "SN003"]);
    assert_eq!(count.lines[0].missing_serials, ["SN002"]);
    assert_eq!(count.lines[0].variance(), -1);
    assert_eq!(t.till.store().stock("BP01", None).unwrap(), 2);
    assert_eq!(
        t.till.store().held_serials("BP01", None).unwrap(),
        ["SN001", "SN003"],
        "the monitor not found is no longer held, so it cannot be sold"
    );
}

#[test]
fn a_count_of_serials_needs_one_held_serial_per_unit() {
    let mut t = selling_till();
    let approval = t.manager_approves(ManagerAction::Stocktake);
    let before = t.till.store().outbox_stats().unwrap().waiting;
    let mut count = |c: Counted| {
        refusal(
            t.till
                .count_stock(false, vec![c], Some(&approval), now())
                .unwrap_err(),
        )
    };
    assert_eq!(
        count(monitors(2, &["SN001"])),
        StockDocumentError::SerialsRequired {
            sku: "BP01".into(),
            quantity: 2,
            given: 1
        }
    );
    assert_eq!(
        count(monitors(1, &["SN999"])),
        StockDocumentError::SerialNotHeld {
            sku: "BP01".into(),
            serial: "SN999".into()
        },
        "a unit found that the store does not hold is not counted in"
    );
    assert_eq!(
        count(Counted {
            serials: vec!["X1".into()],
            ..Counted::units("MK01", None, 1)
        }),
        StockDocumentError::NotTracked { sku: "MK01".into() }
    );
    assert_eq!(t.till.store().outbox_stats().unwrap().waiting, before);
    assert_eq!(t.till.store().held_serials("BP01", None).unwrap().len(), 3);
}

#[test]
fn an_expired_lot_of_serials_is_proposed_with_its_serials_and_written_off() {
    let mut catalog = catalog();
    catalog.lots.push(Lot {
        sku: "BP01".into(),
        lot_no: "B-EXP".into(),
        expiry_date: "2026-10-01".parse().unwrap(),
    });
    catalog.stock.push(StockRecord {
        sku: "BP01".into(),
        lot_no: Some("B-EXP".into()),
        quantity: 2,
    });
    for serial in ["SN010", "SN011"] {
        catalog.serials.push(SerialRecord {
            sku: "BP01".into(),
            serial: serial.into(),
            lot_no: Some("B-EXP".into()),
        });
    }
    let mut t = new_till();
    t.till.store_mut().import_catalog(&catalog).unwrap();
    t.till.login("manager", MANAGER_PIN, now()).unwrap();
    let held = t.till.expired_holdings(now()).unwrap();
    let monitors = held
        .iter()
        .find(|h| h.sku == "BP01")
        .expect("the expired lot of monitors is proposed");
    assert_eq!(monitors.serials, ["SN010", "SN011"]);
    let lines = held.iter().map(|h| h.line()).collect();
    t.till
        .write_off(WriteOffReason::Expired, "", lines, None, now())
        .expect("every expired lot, serials included, is written off");
    assert!(t.till.expired_holdings(now()).unwrap().is_empty());
    assert!(
        t.till
            .store()
            .held_serials("BP01", Some("B-EXP"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_dispatch_proposes_the_held_lot_that_expires_first_and_never_an_expired_one() {
    let mut t = selling_till();
    let lot = |no: &str, expiry: &str, held| HeldLot {
        lot_no: no.into(),
        expiry_date: expiry.parse().unwrap(),
        held,
    };
    assert_eq!(
        t.till.lots_held_fefo("ST01", now()).unwrap(),
        [
            lot("L-NEAR", "2026-12-01", 10),
            lot("L-OK", "2027-06-30", 20)
        ],
        "L-EXP has expired: it is written off, not sent"
    );
    // Once L-NEAR is all sold, the next lot is proposed.
    let approval = t.manager_approves(ManagerAction::Stocktake);
    t.till
        .count_stock(
            false,
            vec![Counted::units("ST01", Some("L-NEAR".into()), 0)],
            Some(&approval),
            now(),
        )
        .unwrap();
    assert_eq!(
        t.till.lots_held_fefo("ST01", now()).unwrap(),
        [lot("L-OK", "2027-06-30", 20)]
    );
    assert!(t.till.lots_held_fefo("MK01", now()).unwrap().is_empty());
}
