//! Unit tests of document validation.

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal_macros::dec;
use uuid::Uuid;

use super::*;
use crate::document::{LineDiscount, SaleLine, SaleMember, Tender, VatAmount, ZReport};
use crate::member::Tier;

fn envelope(body: DocumentBody) -> Document {
    Document {
        id: Uuid::from_u128(0x0191_0000_0000_7000_8000_0000_0000_0001),
        store_id: "S1".into(),
        terminal_id: "T1".into(),
        sequence: 5,
        business_date: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        created_at: Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap(),
        operator_id: "op1".into(),
        approvals: vec![],
        body,
    }
}

/// Two monitors at 113.00 with 10.00 off one, paid 100 cash + 116 card, change 0.
fn sale() -> Sale {
    let line = |line_no, discount: Decimal| SaleLine {
        line_no,
        sku: "BP-1".into(),
        name: "血压计".into(),
        category: "bp".into(),
        unit: "台".into(),
        quantity: 1,
        lot: None,
        expiry_date: None,
        serial: None,
        registration_no: None,
        unit_price: dec!(113.00),
        gross: dec!(113.00),
        discounts: if discount.is_zero() {
            vec![]
        } else {
            vec![LineDiscount {
                source: "manual".into(),
                promotion_id: String::new(),
                name: "damaged box".into(),
                amount: discount,
            }]
        },
        net: dec!(113.00) - discount,
        vat_rate: dec!(0.13),
        points_multiplier: Decimal::ONE,
    };
    Sale {
        shift_id: Uuid::from_u128(0x0191_0000_0000_7000_8000_0000_0000_0001),
        lines: vec![line(1, dec!(10.00)), line(2, Decimal::ZERO)],
        subtotal: dec!(226.00),
        discount_total: dec!(10.00),
        total: dec!(216.00),
        vat: vec![VatAmount {
            rate: dec!(0.13),
            gross: dec!(216.00),
            vat: dec!(24.85),
        }],
        tenders: vec![
            Tender {
                kind: TenderKind::Cash,
                amount: dec!(100.00),
                reference: None,
                points: 0,
            },
            Tender {
                kind: TenderKind::BankCard,
                amount: dec!(116.00),
                reference: None,
                points: 0,
            },
        ],
        cash_rounding: Decimal::ZERO,
        change: Decimal::ZERO,
        member: Some(SaleMember {
            member_id: "M1".into(),
            card_no: "C1".into(),
            tier: Tier::Gold,
        }),
        points_earned: 216,
        points_redeemed: 0,
        organisation: None,
    }
}

fn check(sale: Sale) -> Checked {
    validate_document(&envelope(DocumentBody::Sale(sale)))
}

#[test]
fn a_sale_that_adds_up_passes() {
    assert_eq!(check(sale()), Ok(()));
}

#[test]
fn cash_change_and_rounding_add_up() {
    let mut s = sale();
    s.tenders = vec![Tender {
        kind: TenderKind::Cash,
        amount: dec!(300.00),
        reference: None,
        points: 0,
    }];
    s.cash_rounding = Decimal::ZERO;
    s.change = dec!(84.00);
    assert_eq!(check(s.clone()), Ok(()));
    s.change = dec!(85.00);
    assert!(
        matches!(check(s), Err(DocumentInvalid::Mismatch { what, .. }) if what == "tenders - change")
    );
}

#[test]
fn every_broken_sum_is_named() {
    type Break = fn(&mut Sale);
    let cases: [(&str, Break); 9] = [
        ("line 1 net", |s| s.lines[0].net = dec!(100.00)),
        ("line 2 gross", |s| s.lines[1].gross = dec!(112.00)),
        ("total", |s| s.total = dec!(215.00)),
        ("subtotal", |s| s.subtotal = dec!(225.00)),
        ("discount_total", |s| s.discount_total = dec!(9.00)),
        ("vat at rate 0.13", |s| s.vat[0].vat = dec!(24.84)),
        ("vat gross at rate 0.13", |s| s.vat[0].gross = dec!(215.00)),
        ("tenders - change", |s| s.tenders[1].amount = dec!(115.00)),
        ("points_redeemed", |s| s.points_redeemed = 5),
    ];
    for (field, break_it) in cases {
        let mut s = sale();
        break_it(&mut s);
        let err = check(s).expect_err(field);
        assert!(err.to_string().starts_with(field), "{field}: {err}");
    }
}

#[test]
fn negative_points_and_discounts_are_refused() {
    let mut s = sale();
    s.points_earned = -1;
    assert!(matches!(check(s), Err(DocumentInvalid::Negative { .. })));
    let mut s = sale();
    s.lines[0].discounts[0].amount = dec!(-10.00);
    s.lines[0].net = dec!(123.00);
    assert!(matches!(check(s), Err(DocumentInvalid::Negative { .. })));
}

#[test]
fn points_tender_matches_points_redeemed() {
    let mut s = sale();
    s.tenders[1] = Tender {
        kind: TenderKind::Points,
        amount: dec!(116.00),
        reference: None,
        points: 11_600,
    };
    s.points_redeemed = 11_600;
    assert_eq!(check(s.clone()), Ok(()));
    s.member = None;
    s.points_earned = 0;
    assert!(check(s).is_err(), "points without a member");
}

#[test]
fn z_variance_is_counted_minus_expected() {
    let totals = crate::document::ReportTotals {
        expected_cash: dec!(500.00),
        ..Default::default()
    };
    let z = ZReport {
        z_no: 1,
        totals,
        counted: vec![DenominationCount {
            denomination: dec!(100),
            count: 5,
        }],
        counted_cash: dec!(500.00),
        variance: Decimal::ZERO,
    };
    assert_eq!(
        validate_document(&envelope(DocumentBody::ZReport(z.clone()))),
        Ok(())
    );
    let short = ZReport {
        counted_cash: dec!(490.00),
        variance: dec!(-10.00),
        counted: vec![],
        ..z.clone()
    };
    assert_eq!(
        validate_document(&envelope(DocumentBody::ZReport(short))),
        Ok(())
    );
    let wrong = ZReport {
        variance: dec!(10.00),
        ..z
    };
    assert!(validate_document(&envelope(DocumentBody::ZReport(wrong))).is_err());
}

#[test]
fn return_refunds_sum_to_total_and_tenders() {
    let ret = Return {
        shift_id: Uuid::from_u128(0x0191_0000_0000_7000_8000_0000_0000_0001),
        original_sale_id: None,
        lines: vec![crate::document::ReturnLine {
            original_line_no: Some(1),
            sku: "BP-1".into(),
            name: "血压计".into(),
            quantity: 1,
            lot: None,
            serial: None,
            refund: dec!(103.00),
            vat_rate: dec!(0.13),
        }],
        total: dec!(103.00),
        vat: vec![VatAmount {
            rate: dec!(0.13),
            gross: dec!(103.00),
            vat: dec!(11.85),
        }],
        tenders: vec![Tender {
            kind: TenderKind::Cash,
            amount: dec!(103.00),
            reference: None,
            points: 0,
        }],
        cash_rounding: Decimal::ZERO,
        member: None,
        points_reversed: 0,
        points_refunded: 0,
        reason: "faulty".into(),
    };
    assert_eq!(
        validate_document(&envelope(DocumentBody::Return(ret.clone()))),
        Ok(())
    );
    let short = Return {
        total: dec!(100.00),
        ..ret.clone()
    };
    assert!(validate_document(&envelope(DocumentBody::Return(short))).is_err());
    // A rounded cash sale's last return gives back 0.03 less than its lines.
    let mut rounded = ret.clone();
    rounded.cash_rounding = dec!(-0.03);
    rounded.tenders[0].amount = dec!(102.97);
    assert_eq!(
        validate_document(&envelope(DocumentBody::Return(rounded.clone()))),
        Ok(())
    );
    rounded.cash_rounding = dec!(-0.13);
    rounded.tenders[0].amount = dec!(102.87);
    assert!(validate_document(&envelope(DocumentBody::Return(rounded))).is_err());
}

/// The field named first in the message, for every bound.
fn named(doc: &Document) -> String {
    validate_document(doc)
        .expect_err("out of bounds")
        .to_string()
}

#[test]
fn numbers_past_their_limits_are_refused_by_field_without_a_panic() {
    type Break = fn(&mut Sale);
    let cases: [(&str, Break); 10] = [
        ("line 1 unit_price", |s| {
            s.lines[0].unit_price = Decimal::MAX;
            s.lines[0].quantity = 2;
        }),
        ("line 1 unit_price", |s| {
            s.lines[0].unit_price = dec!(10000000.01)
        }),
        ("line 1 quantity", |s| s.lines[0].quantity = 100_001),
        ("line 1 gross", |s| s.lines[0].gross = Decimal::MIN),
        ("line 1 discount 1 amount", |s| {
            s.lines[0].discounts[0].amount = Decimal::MAX
        }),
        ("cash tender amount", |s| s.tenders[0].amount = Decimal::MAX),
        ("vat rate", |s| s.vat[0].rate = Decimal::MAX),
        ("points_earned", |s| s.points_earned = i64::MAX),
        ("points_redeemed", |s| s.points_redeemed = i64::MIN),
        ("cash tender points", |s| s.tenders[0].points = i64::MIN),
    ];
    for (field, break_it) in cases {
        let mut s = sale();
        break_it(&mut s);
        let message = named(&envelope(DocumentBody::Sale(s)));
        assert!(message.starts_with(field), "{field}: {message}");
    }
    let mut adjust = envelope(DocumentBody::PointAdjustment(
        crate::document::PointAdjustment {
            member_id: "M1".into(),
            points: i64::MAX,
            reason: "typo".into(),
        },
    ));
    assert!(named(&adjust).starts_with("point adjustment points"));
    adjust.body = DocumentBody::PointAdjustment(crate::document::PointAdjustment {
        member_id: "M1".into(),
        points: -POINTS_MAX,
        reason: "typo".into(),
    });
    assert_eq!(
        validate_document(&adjust),
        Ok(()),
        "the limit itself passes"
    );
    let mut doc = envelope(DocumentBody::Sale(sale()));
    doc.sequence = SEQUENCE_MAX + 1;
    assert!(named(&doc).starts_with("sequence"));
    doc.sequence = SEQUENCE_MAX;
    assert_eq!(validate_document(&doc), Ok(()));
}

#[test]
fn a_negative_vat_rate_is_refused_not_divided_by_zero() {
    let mut s = sale();
    s.vat.push(VatAmount {
        rate: -Decimal::ONE,
        gross: Decimal::ZERO,
        vat: Decimal::ZERO,
    });
    assert!(named(&envelope(DocumentBody::Sale(s))).starts_with("vat rate"));
}

#[test]
fn text_with_control_characters_or_past_its_length_is_refused_by_field() {
    let mut s = sale();
    s.lines[1].sku = "BP\0-1".into();
    assert_eq!(
        named(&envelope(DocumentBody::Sale(s))),
        "line 2 sku: holds the control character U+0000"
    );
    let mut s = sale();
    s.lines[0].name = "血".repeat(TEXT_CHARS_MAX);
    s.lines[0].lot = Some("L".repeat(ID_CHARS_MAX));
    assert_eq!(validate_document(&envelope(DocumentBody::Sale(s))), Ok(()));
    let mut s = sale();
    s.lines[0].lot = Some("L".repeat(ID_CHARS_MAX + 1));
    assert_eq!(
        named(&envelope(DocumentBody::Sale(s))),
        "line 1 lot: is 65 characters long, more than the limit of 64"
    );
    let mut doc = envelope(DocumentBody::Sale(sale()));
    doc.operator_id = "op\n1".into();
    assert!(named(&doc).starts_with("operator_id"));
}

#[test]
fn dates_outside_the_window_are_refused_by_field() {
    let mut doc = envelope(DocumentBody::Sale(sale()));
    doc.business_date = NaiveDate::from_ymd_opt(-10_000, 1, 1).unwrap();
    assert!(named(&doc).starts_with("business_date"));
    doc.business_date = NaiveDate::from_ymd_opt(2199, 12, 31).unwrap();
    assert_eq!(validate_document(&doc), Ok(()));
    doc.created_at = Utc.with_ymd_and_hms(262_000, 1, 1, 0, 0, 0).unwrap();
    assert!(named(&doc).starts_with("created_at"));
    let (first, _) = date_window();
    assert_eq!(first, NaiveDate::from_ymd_opt(2000, 1, 1).unwrap());
}

#[test]
fn envelope_needs_v7_id_and_sequence() {
    let mut doc = envelope(DocumentBody::Sale(sale()));
    doc.sequence = 0;
    assert!(validate_document(&doc).is_err());
    let mut doc = envelope(DocumentBody::Sale(sale()));
    doc.id = Uuid::nil();
    assert!(validate_document(&doc).is_err());
}
