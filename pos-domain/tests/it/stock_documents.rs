//! Goods receipts, write-offs and stocktakes: what they move, and what each refuses with
//! the field and the reason (business date of the test documents: 2026-11-22).

use chrono::{NaiveDate, TimeZone, Utc};
use pos_domain::document::{Approval, Document, DocumentBody};
use pos_domain::effects::{SerialState, effects_of};
use pos_domain::operator::ManagerAction;
use pos_domain::stock_document::{
    CountLine, GoodsReceipt, ReceiptLine, StockLine, Stocktake, TransferDispatch, TransferReceipt,
    WriteOff, WriteOffReason,
};

const APPROVE_NEAR_EXPIRY: ManagerAction = ManagerAction::NearExpiryReceipt;
const APPROVE_WRITE_OFF: ManagerAction = ManagerAction::WriteOff;
const APPROVE_STOCKTAKE: ManagerAction = ManagerAction::Stocktake;
use pos_domain::validate::validate_document;

use crate::support::document;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn goods(sku: &str, lot: Option<&str>, expiry: Option<&str>, quantity: u32) -> StockLine {
    StockLine {
        sku: sku.into(),
        lot: lot.map(Into::into),
        expiry_date: expiry.map(day),
        serials: vec![],
        quantity,
    }
}

fn approved(mut doc: Document, action: ManagerAction) -> Document {
    doc.approvals.push(Approval {
        action: action.code().into(),
        manager_id: "m1".into(),
        at: Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap(),
    });
    doc
}

fn receipt(lines: Vec<ReceiptLine>) -> Document {
    document(
        1,
        DocumentBody::GoodsReceipt(GoodsReceipt {
            reference: "DN-20261122-07".into(),
            supplier: "鱼跃医疗".into(),
            lines,
        }),
    )
}

fn received(goods: StockLine, expected: Option<u32>) -> ReceiptLine {
    ReceiptLine { goods, expected }
}

/// The problem `validate_document` names, as text.
fn refused(doc: &Document) -> String {
    validate_document(doc).expect_err("refused").to_string()
}

#[test]
fn a_receipt_adds_its_units_and_serials_and_records_a_shortage() {
    let mut cuffs = goods("CUFF", None, None, 2);
    cuffs.serials = vec!["SN1".into(), "SN2".into()];
    let doc = receipt(vec![
        received(goods("STRIP", Some("L1"), Some("2027-12-31"), 8), Some(10)),
        received(cuffs, Some(2)),
        received(goods("MASK", None, None, 0), Some(50)),
    ]);
    validate_document(&doc).expect("a receipt with a short line and one not delivered");
    let fx = effects_of(&doc, None).unwrap();
    let moves: Vec<(&str, Option<&str>, i64)> = fx
        .stock
        .iter()
        .map(|m| (m.sku.as_str(), m.lot_no.as_deref(), m.quantity))
        .collect();
    assert_eq!(
        moves,
        [("STRIP", Some("L1"), 8), ("CUFF", None, 2)],
        "the masks not delivered move nothing"
    );
    assert!(
        fx.serials
            .iter()
            .all(|s| s.state == SerialState::Received && s.state.in_stock())
    );
    let DocumentBody::GoodsReceipt(r) = &doc.body else {
        unreachable!()
    };
    let short: Vec<u32> = r.lines.iter().map(ReceiptLine::shortage).collect();
    assert_eq!(short, [2, 0, 50]);
}

#[test]
fn an_expired_lot_is_never_received_and_one_close_to_expiry_only_with_a_manager() {
    let expired = receipt(vec![received(
        goods("STRIP", Some("L0"), Some("2026-11-21"), 5),
        None,
    )]);
    let why = refused(&expired);
    assert!(
        why.contains("receipt line 1 expiry_date") && why.contains("L0 expired on 2026-11-21"),
        "{why}"
    );
    assert!(
        refused(&approved(expired, APPROVE_NEAR_EXPIRY)).contains("expired"),
        "no approval receives an expired lot"
    );

    let near = receipt(vec![received(
        goods("STRIP", Some("L2"), Some("2027-01-31"), 5),
        None,
    )]);
    let why = refused(&near);
    assert!(
        why.contains("L2 expires on 2027-01-31, within 90 days")
            && why.contains(APPROVE_NEAR_EXPIRY.code()),
        "{why}"
    );
    validate_document(&approved(near, APPROVE_NEAR_EXPIRY)).expect("approved");
}

#[test]
fn receipts_refuse_bad_lines_by_name() {
    let mut two_serials_one_unit = goods("CUFF", None, None, 1);
    two_serials_one_unit.serials = vec!["SN1".into(), "SN2".into()];
    let mut twice = goods("CUFF", None, None, 2);
    twice.serials = vec!["SN1".into(), "SN1".into()];
    for (lines, named) in [
        (vec![], "receipt lines: there are none"),
        (
            vec![received(goods("STRIP", None, None, 0), None)],
            "receipt line 1 quantity: must be at least 1",
        ),
        (
            vec![received(goods("", None, None, 1), None)],
            "receipt line 1 sku must not be empty",
        ),
        (
            vec![received(two_serials_one_unit, None)],
            "2 serials for 1 units",
        ),
        (
            vec![received(twice, None)],
            "CUFF serial SN1 is there twice",
        ),
        (
            vec![received(goods("STRIP", None, None, 100_001), None)],
            "receipt line 1 quantity",
        ),
    ] {
        let why = refused(&receipt(lines));
        assert!(why.contains(named), "{named}: {why}");
    }
    let mut no_reference = receipt(vec![received(goods("A", None, None, 1), None)]);
    if let DocumentBody::GoodsReceipt(r) = &mut no_reference.body {
        r.reference = " ".into();
    }
    assert!(refused(&no_reference).contains("receipt reference must not be empty"));
}

fn write_off(reason: WriteOffReason, lines: Vec<StockLine>) -> Document {
    document(
        2,
        DocumentBody::WriteOff(WriteOff {
            reason,
            note: String::new(),
            lines,
        }),
    )
}

#[test]
fn a_write_off_takes_units_out_with_a_manager_and_expired_means_expired() {
    let mut cuff = goods("CUFF", None, None, 1);
    cuff.serials = vec!["SN9".into()];
    let damaged = write_off(WriteOffReason::Damaged, vec![cuff]);
    assert!(refused(&damaged).contains("a write-off needs a manager's approval (write_off)"));
    let damaged = approved(damaged, APPROVE_WRITE_OFF);
    validate_document(&damaged).unwrap();
    let fx = effects_of(&damaged, None).unwrap();
    assert_eq!(fx.stock[0].quantity, -1);
    assert_eq!(fx.serials[0].state, SerialState::WrittenOff);
    assert!(!fx.serials[0].state.in_stock());

    let expired = approved(
        write_off(
            WriteOffReason::Expired,
            vec![goods("STRIP", Some("L0"), Some("2026-11-22"), 3)],
        ),
        APPROVE_WRITE_OFF,
    );
    validate_document(&expired).expect("expiring today: written off as expired");
    let not_yet = approved(
        write_off(
            WriteOffReason::Expired,
            vec![goods("STRIP", Some("L1"), Some("2027-12-31"), 3)],
        ),
        APPROVE_WRITE_OFF,
    );
    assert!(refused(&not_yet).contains("lot L1 has not expired by 2026-11-22"));
}

fn stocktake(lines: Vec<CountLine>) -> Document {
    document(3, DocumentBody::Stocktake(Stocktake { full: false, lines }))
}

fn count(sku: &str, lot: Option<&str>, counted: u32, expected: i64) -> CountLine {
    CountLine {
        sku: sku.into(),
        lot: lot.map(Into::into),
        counted,
        expected,
        serials: vec![],
        missing_serials: vec![],
    }
}

#[test]
fn a_count_of_serials_writes_off_those_not_found_and_lists_one_per_unit() {
    let mut monitors = count("BP", None, 1, 3);
    monitors.serials = vec!["SN1".into()];
    monitors.missing_serials = vec!["SN2".into(), "SN3".into()];
    let doc = approved(stocktake(vec![monitors.clone()]), APPROVE_STOCKTAKE);
    validate_document(&doc).unwrap();
    let fx = effects_of(&doc, None).unwrap();
    assert_eq!(fx.stock.len(), 1);
    assert_eq!(fx.stock[0].quantity, -2);
    let gone: Vec<(&str, SerialState)> = fx
        .serials
        .iter()
        .map(|m| (m.serial.as_str(), m.state))
        .collect();
    assert_eq!(
        gone,
        [
            ("SN2", SerialState::WrittenOff),
            ("SN3", SerialState::WrittenOff)
        ],
        "the serials not found leave the stock; the one found stays"
    );

    let mut short = monitors.clone();
    short.counted = 2;
    let doc = approved(stocktake(vec![short]), APPROVE_STOCKTAKE);
    assert!(
        refused(&doc).contains("stocktake line 1 serials"),
        "{}",
        refused(&doc)
    );
    let mut twice = monitors;
    twice.missing_serials = vec!["SN1".into()];
    twice.expected = 2;
    let doc = approved(stocktake(vec![twice]), APPROVE_STOCKTAKE);
    assert!(
        refused(&doc).contains("serial SN1 is there twice"),
        "{}",
        refused(&doc)
    );
}

#[test]
fn a_stocktake_posts_each_variance_once_approved() {
    let doc = stocktake(vec![
        count("STRIP", Some("L1"), 7, 10),
        count("MASK", None, 40, 40),
        count("CUFF", None, 3, -1),
    ]);
    assert!(refused(&doc).contains("a stocktake needs a manager's approval (stocktake)"));
    let doc = approved(doc, APPROVE_STOCKTAKE);
    validate_document(&doc).unwrap();
    let moves: Vec<(String, i64)> = effects_of(&doc, None)
        .unwrap()
        .stock
        .into_iter()
        .map(|m| (m.sku, m.quantity))
        .collect();
    assert_eq!(
        moves,
        [("STRIP".to_owned(), -3), ("CUFF".to_owned(), 4)],
        "a line that matched moves nothing"
    );

    let twice = approved(
        stocktake(vec![count("MASK", None, 1, 0), count("MASK", None, 2, 0)]),
        APPROVE_STOCKTAKE,
    );
    assert!(refused(&twice).contains("MASK lot - is counted twice"));
    let absurd = approved(
        stocktake(vec![count("MASK", None, 1, i64::MIN)]),
        APPROVE_STOCKTAKE,
    );
    assert!(refused(&absurd).contains("stocktake line 1 expected"));
}

#[test]
fn stock_documents_read_back_as_written() {
    let doc = approved(
        receipt(vec![received(
            goods("STRIP", Some("L2"), Some("2027-01-31"), 5),
            Some(6),
        )]),
        APPROVE_NEAR_EXPIRY,
    );
    let json = serde_json::to_string(&doc).unwrap();
    assert!(json.contains(r#""type":"goods_receipt""#), "{json}");
    let back: Document = serde_json::from_str(&json).unwrap();
    assert_eq!(back, doc);
    assert_eq!(back.body.kind(), "goods_receipt");
}

fn dispatch(to_store: &str, lines: Vec<StockLine>) -> Document {
    document(
        4,
        DocumentBody::TransferDispatch(TransferDispatch {
            transfer_id: "TR-0001".into(),
            to_store: to_store.into(),
            lines,
        }),
    )
}

#[test]
fn a_transfer_leaves_one_store_with_a_manager_and_arrives_at_the_other_with_its_difference() {
    let mut monitor = goods("CUFF", None, None, 1);
    monitor.serials = vec!["SN7".into()];
    let sent = dispatch(
        "S002",
        vec![goods("STRIP", Some("L1"), Some("2027-12-31"), 10), monitor],
    );
    assert!(refused(&sent).contains("a transfer's dispatch needs a manager's approval"));
    let sent = approved(sent, ManagerAction::TransferDispatch);
    validate_document(&sent).unwrap();
    let fx = effects_of(&sent, None).unwrap();
    assert_eq!(
        fx.stock
            .iter()
            .map(|m| (m.store_id.as_str(), m.quantity))
            .collect::<Vec<_>>(),
        [("S001", -10), ("S001", -1)],
        "out of the dispatching store"
    );
    assert_eq!(fx.serials[0].state, SerialState::Dispatched);
    assert!(
        !fx.serials[0].state.in_stock(),
        "in transit: held by neither store"
    );

    let mut arrived = document(
        5,
        DocumentBody::TransferReceipt(TransferReceipt {
            transfer_id: "TR-0001".into(),
            from_store: "S001".into(),
            lines: vec![received(
                goods("STRIP", Some("L1"), Some("2027-12-31"), 9),
                Some(10),
            )],
        }),
    );
    arrived.store_id = "S002".into();
    validate_document(&arrived).expect("a receipt needs no approval");
    let fx = effects_of(&arrived, None).unwrap();
    assert_eq!(
        (fx.stock[0].store_id.as_str(), fx.stock[0].quantity),
        ("S002", 9)
    );
    let DocumentBody::TransferReceipt(t) = &arrived.body else {
        unreachable!()
    };
    assert_eq!(
        t.lines[0].shortage(),
        1,
        "the discrepancy head office settles"
    );
}

#[test]
fn a_transfer_goes_between_two_stores_and_never_carries_an_expired_lot() {
    let to_itself = approved(
        dispatch("S001", vec![goods("MASK", None, None, 1)]),
        ManagerAction::TransferDispatch,
    );
    assert!(refused(&to_itself).contains("a transfer goes between two stores; S001 is this one"));
    let expired = approved(
        dispatch(
            "S002",
            vec![goods("STRIP", Some("L0"), Some("2026-11-21"), 1)],
        ),
        ManagerAction::TransferDispatch,
    );
    assert!(refused(&expired).contains("lot L0 expired on 2026-11-21: write it off"));
    let nameless = approved(
        document(
            4,
            DocumentBody::TransferDispatch(TransferDispatch {
                transfer_id: String::new(),
                to_store: "S002".into(),
                lines: vec![goods("MASK", None, None, 1)],
            }),
        ),
        ManagerAction::TransferDispatch,
    );
    assert!(refused(&nameless).contains("transfer_id must not be empty"));
}
