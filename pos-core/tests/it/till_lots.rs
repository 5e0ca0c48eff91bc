//! Choosing a line's lot by hand: the lots offered, the expiry rule a scan has, the lot
//! a serial unit belongs to, and what is refused without changing the sale.

use crate::common::*;
use chrono::NaiveDate;
use pos_core::catalog::ExpiryCheck;
use pos_core::document::DocumentBody;
use pos_core::import::{CatalogImport, SerialRecord};
use pos_core::till::{ItemInput, TillError};

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A sale with strips (line 1, first expiry first out: L-NEAR), masks (2), a monitor (3).
fn sale_with_three_lines(t: &mut TestTill) {
    t.till
        .scan(&ItemInput::code(strips_barcode()), now())
        .unwrap();
    t.till
        .scan(&ItemInput::code(masks_barcode()), now())
        .unwrap();
    let monitor = ItemInput {
        serial: Some("SN001".into()),
        ..ItemInput::code(monitor_barcode())
    };
    t.till.scan(&monitor, now()).unwrap();
}

fn line_lot(t: &TestTill, line_no: u32) -> (Option<String>, Option<NaiveDate>) {
    let line = t
        .till
        .cart()
        .lines
        .iter()
        .find(|l| l.line_no == line_no)
        .unwrap();
    (line.lot.clone(), line.expiry_date)
}

#[test]
fn lots_are_offered_earliest_expiry_first_with_stock_and_expiry_status() {
    let mut t = selling_till();
    sale_with_three_lines(&mut t);
    let choices = t.till.lot_choices(1, now()).unwrap();
    let seen: Vec<_> = choices
        .iter()
        .map(|c| (c.lot_no.as_str(), c.expiry_date, c.stock, c.expiry))
        .collect();
    assert_eq!(
        seen,
        [
            ("L-EXP", date("2026-11-01"), 5, ExpiryCheck::Expired),
            (
                "L-NEAR",
                date("2026-12-01"),
                10,
                ExpiryCheck::NearExpiry { days_left: 9 }
            ),
            ("L-OK", date("2027-06-30"), 20, ExpiryCheck::Ok),
        ],
        "expired lots are listed too, so the cashier sees why they cannot be sold"
    );
    for (line_no, why) in [
        (2, "masks are not lot-tracked"),
        (3, "a serial-tracked monitor"),
    ] {
        let e = t.till.lot_choices(line_no, now()).unwrap_err();
        assert!(matches!(e, TillError::NotLotTracked { .. }), "{why}: {e}");
    }
    let e = t.till.lot_choices(9, now()).unwrap_err();
    assert!(matches!(e, TillError::UnknownLine { line_no: 9 }), "{e}");
}

#[test]
fn a_chosen_lot_is_sold_and_its_stock_moves() {
    let mut t = selling_till();
    sale_with_three_lines(&mut t);
    assert_eq!(line_lot(&t, 1).0.as_deref(), Some("L-NEAR"));
    let outcome = t.till.set_line_lot(1, "L-OK", now()).unwrap();
    assert_eq!((outcome.line_no, outcome.near_expiry), (1, None));
    assert_eq!(
        line_lot(&t, 1),
        (Some("L-OK".into()), Some(date("2027-06-30")))
    );
    let total = t.till.priced(now()).unwrap().total;
    let doc = t
        .till
        .pay(&[cash(&total.to_string())], None, now())
        .unwrap();
    let DocumentBody::Sale(sale) = &doc.body else {
        panic!("a sale")
    };
    assert_eq!(sale.lines[0].lot.as_deref(), Some("L-OK"));
    assert_eq!(sale.lines[0].expiry_date, Some(date("2027-06-30")));
    let store = t.till.store();
    assert_eq!(store.stock("ST01", Some("L-OK")).unwrap(), 19);
    assert_eq!(store.stock("ST01", Some("L-NEAR")).unwrap(), 10);
}

#[test]
fn a_near_expiry_lot_warns_as_a_scan_does() {
    let mut t = selling_till();
    sale_with_three_lines(&mut t);
    t.till.set_line_lot(1, "L-OK", now()).unwrap();
    let outcome = t.till.set_line_lot(1, " L-NEAR ", now()).unwrap();
    assert_eq!(outcome.name, "血糖试纸50片");
    assert_eq!(
        outcome.near_expiry,
        Some(("L-NEAR".into(), date("2026-12-01"), 9))
    );
    assert_eq!(line_lot(&t, 1).0.as_deref(), Some("L-NEAR"));
}

#[test]
fn bad_choices_are_refused_and_change_nothing() {
    let mut t = selling_till();
    sale_with_three_lines(&mut t);
    let cart_before = t.till.cart().clone();

    let e = t.till.set_line_lot(1, "L-EXP", now()).unwrap_err();
    match &e {
        TillError::ExpiredLot {
            lot_no,
            expiry_date,
            name,
            ..
        } => assert_eq!(
            (lot_no.as_str(), *expiry_date, name.as_str()),
            ("L-EXP", date("2026-11-01"), "血糖试纸50片"),
            "the same error, with the same details, as scanning an expired lot"
        ),
        other => panic!("expected an expired lot, got {other}"),
    }
    let e = t.till.set_line_lot(1, "L-NOPE", now()).unwrap_err();
    assert!(matches!(e, TillError::UnknownLot { .. }), "{e}");
    let e = t.till.set_line_lot(2, "L-OK", now()).unwrap_err();
    assert!(matches!(e, TillError::NotLotTracked { .. }), "{e}");
    let e = t.till.set_line_lot(3, "L-OK", now()).unwrap_err();
    assert!(matches!(e, TillError::NotLotTracked { .. }), "{e}");
    let e = t.till.set_line_lot(7, "L-OK", now()).unwrap_err();
    assert!(matches!(e, TillError::UnknownLine { line_no: 7 }), "{e}");
    assert_eq!(t.till.cart(), &cart_before);

    // On the lot's expiry date itself it may still be sold; the day after it may not.
    let expiry_day = "2026-12-01T02:00:00Z".parse().unwrap();
    let outcome = t.till.set_line_lot(1, "L-NEAR", expiry_day).unwrap();
    assert_eq!(outcome.near_expiry.map(|w| w.2), Some(0));
    let day_after = "2026-12-02T02:00:00Z".parse().unwrap();
    let e = t.till.set_line_lot(1, "L-NEAR", day_after).unwrap_err();
    assert!(matches!(e, TillError::ExpiredLot { .. }), "{e}");
}

#[test]
fn a_unit_with_a_serial_stays_on_its_own_lot() {
    let mut t = selling_till();
    // Head office lists strips unit ST-0001 under lot L-OK.
    let unit = CatalogImport {
        serials: vec![SerialRecord {
            sku: "ST01".into(),
            serial: "ST-0001".into(),
            lot_no: Some("L-OK".into()),
        }],
        ..CatalogImport::default()
    };
    t.till.store_mut().import_catalog(&unit).unwrap();
    // Scanned without its lot, it goes on its own lot, not the first-expiring L-NEAR.
    let input = ItemInput {
        serial: Some("ST-0001".into()),
        ..ItemInput::code(strips_barcode())
    };
    t.till.scan(&input, now()).unwrap();
    assert_eq!(line_lot(&t, 1).0.as_deref(), Some("L-OK"));

    for other_lot in ["L-NEAR", "L-EXP"] {
        match t.till.set_line_lot(1, other_lot, now()).unwrap_err() {
            TillError::SerialLotFixed { serial, lot_no } => {
                assert_eq!((serial.as_str(), lot_no.as_str()), ("ST-0001", "L-OK"))
            }
            other => panic!("{other_lot}: expected the unit's own lot, got {other}"),
        }
    }
    t.till.set_line_lot(1, "L-OK", now()).unwrap();
    assert_eq!(line_lot(&t, 1).0.as_deref(), Some("L-OK"));
    assert_eq!(t.till.cart().lines[0].quantity, 1);

    // A unit of an expired lot is refused at the scan, as the lot would be.
    let expired_unit = CatalogImport {
        serials: vec![SerialRecord {
            sku: "ST01".into(),
            serial: "ST-0003".into(),
            lot_no: Some("L-EXP".into()),
        }],
        ..CatalogImport::default()
    };
    t.till.store_mut().import_catalog(&expired_unit).unwrap();
    let input = ItemInput {
        serial: Some("ST-0003".into()),
        ..ItemInput::code(strips_barcode())
    };
    let lines_before = t.till.cart().lines.len();
    let e = t.till.scan(&input, now()).unwrap_err();
    assert!(
        matches!(e, TillError::ExpiredLot { ref lot_no, .. } if lot_no == "L-EXP"),
        "{e}"
    );
    assert_eq!(t.till.cart().lines.len(), lines_before);

    // A unit head office names no lot for may go on any sellable lot.
    let input = ItemInput {
        serial: Some("ST-0002".into()),
        ..ItemInput::code(strips_barcode())
    };
    let line_no = t.till.scan(&input, now()).unwrap().line_no;
    t.till.set_line_lot(line_no, "L-OK", now()).unwrap();
}

#[test]
fn choosing_a_lot_needs_someone_logged_in() {
    let mut t = selling_till();
    sale_with_three_lines(&mut t);
    t.till.logout();
    let e = t.till.set_line_lot(1, "L-OK", now()).unwrap_err();
    assert!(matches!(e, TillError::NotLoggedIn), "{e}");
}
