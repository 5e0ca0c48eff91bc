//! Table tests for X/Z reports: sales, returns, voids, paid in/out and expected cash.

use crate::support::{card, cash, document, document_id, points};
use pos_domain::document::{
    CashMovement, DenominationCount, Document, DocumentBody, Return, Sale, ShiftOpen, Tender,
    TenderKind, TenderTotal, VatAmount, Void,
};
use pos_domain::pricing::vat_of_amounts;
use pos_domain::report::{cash_counted, report_totals, z_report};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use uuid::Uuid;

fn sale(
    total: Decimal,
    discount: Decimal,
    tenders: Vec<Tender>,
    change: Decimal,
    earned: i64,
) -> DocumentBody {
    DocumentBody::Sale(Sale {
        shift_id: Uuid::nil(),
        lines: Vec::new(),
        subtotal: total + discount,
        discount_total: discount,
        total,
        vat: vat_of_amounts([(dec!(0.13), total)]),
        points_redeemed: tenders.iter().map(|t| t.points).sum(),
        organisation: None,
        tenders,
        cash_rounding: Decimal::ZERO,
        change,
        member: None,
        points_earned: earned,
    })
}

fn void_of(sale_sequence: u64, total: Decimal) -> DocumentBody {
    DocumentBody::Void(Void {
        shift_id: Uuid::nil(),
        sale_id: document_id(sale_sequence),
        sale_sequence,
        total,
        reason: "录错".into(),
    })
}

fn movement(amount: Decimal) -> CashMovement {
    CashMovement {
        shift_id: Uuid::nil(),
        amount,
        reason: "零钱".into(),
    }
}

fn count(denomination: Decimal, count: u32) -> DenominationCount {
    DenominationCount {
        denomination,
        count,
    }
}

/// A shift: three sales (one voided), a return, paid in and paid out.
fn day() -> Vec<Document> {
    let bodies = vec![
        DocumentBody::ShiftOpen(ShiftOpen {
            shift_id: Uuid::nil(),
            float: dec!(200),
            counted: Vec::new(),
        }),
        sale(dec!(100), dec!(10), vec![cash(dec!(150))], dec!(50), 100),
        sale(dec!(50), dec!(0), vec![card(dec!(50), "C1")], dec!(0), 50),
        sale(
            dec!(30),
            dec!(5),
            vec![cash(dec!(20)), points(dec!(10), 1_000)],
            dec!(0),
            20,
        ),
        void_of(4, dec!(30)),
        DocumentBody::Return(Return {
            shift_id: Uuid::nil(),
            original_sale_id: Some(document_id(2)),
            lines: Vec::new(),
            total: dec!(40),
            vat: vat_of_amounts([(dec!(0.13), dec!(40))]),
            tenders: vec![cash(dec!(40))],
            cash_rounding: Decimal::ZERO,
            member: None,
            points_reversed: 40,
            points_refunded: 0,
            reason: "质量问题".into(),
        }),
        DocumentBody::PaidIn(movement(dec!(20))),
        DocumentBody::PaidOut(movement(dec!(15))),
    ];
    bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| document(i as u64 + 1, body))
        .collect()
}

#[test]
fn a_shift_adds_up() {
    let totals = report_totals(&day(), dec!(200));
    assert_eq!(
        (totals.first_sequence, totals.last_sequence),
        (Some(1), Some(8))
    );
    assert_eq!((totals.sales_count, totals.sales_total), (3, dec!(180)));
    assert_eq!((totals.voids_count, totals.voids_total), (1, dec!(30)));
    assert_eq!((totals.returns_count, totals.returns_total), (1, dec!(40)));
    assert_eq!(
        totals.discount_total,
        dec!(10),
        "the voided sale's discount is taken back out"
    );
    assert_eq!(
        totals.vat,
        vec![VatAmount {
            rate: dec!(0.13),
            gross: dec!(110),
            vat: dec!(12.65)
        }]
    );
    assert_eq!(
        totals.tenders,
        vec![
            TenderTotal {
                kind: TenderKind::Cash,
                amount: dec!(60),
                count: 1
            },
            TenderTotal {
                kind: TenderKind::BankCard,
                amount: dec!(50),
                count: 1
            },
        ],
        "cash net of change and refunds; the voided sale's cash and points are gone"
    );
    assert_eq!((totals.points_earned, totals.points_redeemed), (110, 0));
    assert_eq!(
        (totals.float, totals.paid_in, totals.paid_out),
        (dec!(200), dec!(20), dec!(15))
    );
    assert_eq!(
        totals.expected_cash,
        dec!(265),
        "200 float + 60 cash + 20 in - 15 out"
    );
}

#[test]
fn voids_reverse_their_sale_once_and_only_when_it_is_known() {
    let mut docs = day();
    docs.push(document(9, void_of(4, dec!(30))));
    docs.push(document(10, void_of(99, dec!(12))));
    let totals = report_totals(&docs, dec!(200));
    assert_eq!((totals.voids_count, totals.voids_total), (3, dec!(72)));
    assert_eq!(
        totals.expected_cash,
        dec!(265),
        "a second void of the same sale takes nothing more out"
    );
    assert_eq!(totals.points_earned, 110);
}

#[test]
fn nothing_sold_expects_the_float() {
    let totals = report_totals(&[], dec!(300));
    assert_eq!(
        (
            totals.first_sequence,
            totals.last_sequence,
            totals.sales_count
        ),
        (None, None, 0)
    );
    assert_eq!(totals.expected_cash, dec!(300));
    assert!(totals.tenders.is_empty() && totals.vat.is_empty());
}

#[test]
fn counted_cash_and_variance() {
    assert_eq!(
        cash_counted(&[
            count(dec!(100), 2),
            count(dec!(0.5), 3),
            count(dec!(0.1), 4)
        ]),
        dec!(201.90)
    );
    assert_eq!(cash_counted(&[]), dec!(0));
    let cases = [
        (
            vec![
                count(dec!(100), 2),
                count(dec!(50), 1),
                count(dec!(10), 1),
                count(dec!(5), 1),
            ],
            dec!(265),
            dec!(0),
        ),
        (
            vec![count(dec!(100), 2), count(dec!(50), 1), count(dec!(10), 1)],
            dec!(260),
            dec!(-5),
        ),
        (vec![count(dec!(100), 3)], dec!(300), dec!(35)),
    ];
    for (counted, expected_counted, variance) in cases {
        let z = z_report(7, report_totals(&day(), dec!(200)), counted);
        assert_eq!(
            (z.z_no, z.counted_cash, z.variance),
            (7, expected_counted, variance)
        );
    }
}
