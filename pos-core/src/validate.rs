//! Does a document add up? A pure check the till runs before it commits a document and
//! head office runs before it stores one, so both sides agree on what is well formed.
//!
//! It checks bounds first ([`bounds`]: text, dates and numbers a store could really
//! hold, so nothing after can overflow and head office can store whatever passes),
//! then arithmetic and signs: line nets, totals, VAT per rate, tenders, change and cash
//! rounding, points, refunds and the cash count. It does not know the catalog, prices
//! or balances; those are head office's business. Every sum is checked: a document
//! never panics the check.

mod bounds;

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::document::{
    DenominationCount, Document, DocumentBody, Return, Sale, ShiftClose, ShiftOpen, Tender,
    TenderKind, VatAmount, ZReport,
};
use crate::money::{round_cny, vat_included};
pub use bounds::{
    AMOUNT_MAX, COUNT_MAX, ID_CHARS_MAX, LINE_QUANTITY_MAX, POINTS_MAX, POINTS_MULTIPLIER_MAX,
    SEQUENCE_MAX, TEXT_CHARS_MAX, UNIT_PRICE_MAX, VAT_RATE_MAX, date_window,
};

/// Why a document does not add up. The message names the field and both values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentInvalid {
    #[error("{what} is {found}, expected {expected}")]
    Mismatch {
        what: String,
        expected: String,
        found: String,
    },
    #[error("{what} must not be negative, is {value}")]
    Negative { what: String, value: String },
    #[error("{what} must not be empty")]
    Empty { what: String },
    #[error("{what}: {problem}")]
    Invalid { what: String, problem: String },
}

type Checked = Result<(), DocumentInvalid>;

/// Checks that `doc` is well formed and adds up; the first problem found is returned.
pub fn validate_document(doc: &Document) -> Checked {
    check_envelope(doc)?;
    bounds::check_bounds(doc)?;
    match &doc.body {
        DocumentBody::Sale(sale) => check_sale(sale),
        DocumentBody::Return(ret) => check_return(ret),
        DocumentBody::Void(void) => {
            not_negative("void total", void.total)?;
            if void.sale_sequence >= doc.sequence {
                return Err(invalid(
                    "void sale_sequence",
                    format!(
                        "{} is not before the void's own {}",
                        void.sale_sequence, doc.sequence
                    ),
                ));
            }
            Ok(())
        }
        DocumentBody::PaidIn(m) | DocumentBody::PaidOut(m) => {
            positive("cash movement amount", m.amount)?;
            whole_fen("cash movement amount", m.amount)
        }
        DocumentBody::ShiftOpen(open) => check_shift_open(open),
        DocumentBody::ShiftClose(close) => check_shift_close(close),
        DocumentBody::ZReport(z) => check_z_report(z),
        DocumentBody::MemberRegistration(reg) => {
            not_empty("member_id", &reg.member_id)?;
            not_empty("card_no", &reg.card_no)?;
            not_empty("phone", &reg.phone)
        }
        DocumentBody::PointAdjustment(adj) => {
            not_empty("member_id", &adj.member_id)?;
            if adj.points == 0 {
                return Err(invalid("point adjustment points", "must not be 0".into()));
            }
            Ok(())
        }
        DocumentBody::OperatorChange(change) => {
            not_empty("operator change subject_id", &change.subject_id)?;
            not_empty("operator change subject_name", &change.subject_name)
        }
    }
}

fn check_envelope(doc: &Document) -> Checked {
    if doc.id.get_version_num() != 7 {
        return Err(invalid(
            "id",
            format!("must be a UUIDv7, is version {}", doc.id.get_version_num()),
        ));
    }
    not_empty("store_id", &doc.store_id)?;
    not_empty("terminal_id", &doc.terminal_id)?;
    not_empty("operator_id", &doc.operator_id)?;
    if doc.sequence == 0 {
        return Err(invalid("sequence", "starts at 1".into()));
    }
    Ok(())
}

fn check_sale(sale: &Sale) -> Checked {
    if sale.lines.is_empty() {
        return Err(DocumentInvalid::Empty {
            what: "sale lines".into(),
        });
    }
    let mut nets_by_rate = BTreeMap::new();
    let (mut subtotal, mut discount_total, mut total) =
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for line in &sale.lines {
        let what = |field: &str| format!("line {} {field}", line.line_no);
        if line.quantity == 0 {
            return Err(invalid(&what("quantity"), "must be at least 1".into()));
        }
        not_negative(&what("unit_price"), line.unit_price)?;
        not_negative(&what("vat_rate"), line.vat_rate)?;
        not_negative(&what("points_multiplier"), line.points_multiplier)?;
        equal(
            &what("gross"),
            product(
                &what("gross"),
                line.unit_price,
                Decimal::from(line.quantity),
            )?,
            line.gross,
        )?;
        let mut discounts = Decimal::ZERO;
        for d in &line.discounts {
            not_negative(&what("discount"), d.amount)?;
            discounts = sum(&what("discounts"), discounts, d.amount)?;
        }
        equal(
            &what("net"),
            difference(&what("net"), line.gross, discounts)?,
            line.net,
        )?;
        not_negative(&what("net"), line.net)?;
        whole_fen(&what("net"), line.net)?;
        let at_rate = nets_by_rate.entry(line.vat_rate).or_insert(Decimal::ZERO);
        *at_rate = sum("vat gross", *at_rate, line.net)?;
        subtotal = sum("subtotal", subtotal, line.gross)?;
        discount_total = sum("discount_total", discount_total, discounts)?;
        total = sum("total", total, line.net)?;
    }
    equal("subtotal", subtotal, sale.subtotal)?;
    equal("discount_total", discount_total, sale.discount_total)?;
    equal("total", total, sale.total)?;
    equal(
        "subtotal - discount_total",
        difference(
            "subtotal - discount_total",
            sale.subtotal,
            sale.discount_total,
        )?,
        sale.total,
    )?;
    check_vat(&nets_by_rate, &sale.vat)?;

    not_negative("change", sale.change)?;
    check_cash_rounding("cash_rounding", sale.cash_rounding)?;
    let tendered = tender_sum(&sale.tenders)?;
    equal(
        "tenders - change",
        sum("total + cash_rounding", sale.total, sale.cash_rounding)?,
        difference("tenders - change", tendered, sale.change)?,
    )?;
    let mut cash = Decimal::ZERO;
    for t in sale.tenders.iter().filter(|t| t.kind == TenderKind::Cash) {
        cash = sum("cash tenders", cash, t.amount)?;
    }
    if sale.change > cash {
        return Err(invalid(
            "change",
            format!("{} is more than the cash handed over {cash}", sale.change),
        ));
    }
    not_negative("points_earned", Decimal::from(sale.points_earned))?;
    not_negative("points_redeemed", Decimal::from(sale.points_redeemed))?;
    equal_points(
        "points_redeemed",
        points_tendered(&sale.tenders)?,
        sale.points_redeemed,
    )?;
    if (sale.points_earned > 0 || sale.points_redeemed > 0) && sale.member.is_none() {
        return Err(invalid(
            "points",
            "earned or redeemed without a member".into(),
        ));
    }
    Ok(())
}

/// Rounding to the jiao moves an amount by half a jiao at most.
const CASH_ROUNDING_MAX: Decimal = Decimal::from_parts(5, 0, 0, false, 2);

fn check_cash_rounding(what: &str, rounding: Decimal) -> Checked {
    whole_fen(what, rounding)?;
    if rounding.abs() > CASH_ROUNDING_MAX {
        return Err(invalid(
            what,
            format!("{rounding} is more than a rounding to the jiao"),
        ));
    }
    Ok(())
}

fn check_return(ret: &Return) -> Checked {
    if ret.lines.is_empty() {
        return Err(DocumentInvalid::Empty {
            what: "return lines".into(),
        });
    }
    let mut refunds_by_rate = BTreeMap::new();
    let mut total = Decimal::ZERO;
    for (i, line) in ret.lines.iter().enumerate() {
        let what = |field: &str| format!("return line {} {field}", i + 1);
        if line.quantity == 0 {
            return Err(invalid(&what("quantity"), "must be at least 1".into()));
        }
        not_negative(&what("refund"), line.refund)?;
        whole_fen(&what("refund"), line.refund)?;
        not_negative(&what("vat_rate"), line.vat_rate)?;
        let at_rate = refunds_by_rate
            .entry(line.vat_rate)
            .or_insert(Decimal::ZERO);
        *at_rate = sum("vat gross", *at_rate, line.refund)?;
        total = sum("return total", total, line.refund)?;
    }
    equal("return total", total, ret.total)?;
    check_vat(&refunds_by_rate, &ret.vat)?;
    check_cash_rounding("return cash_rounding", ret.cash_rounding)?;
    equal(
        "return tenders",
        sum("return total + cash_rounding", ret.total, ret.cash_rounding)?,
        tender_sum(&ret.tenders)?,
    )?;
    not_negative("points_reversed", Decimal::from(ret.points_reversed))?;
    not_negative("points_refunded", Decimal::from(ret.points_refunded))?;
    if (ret.points_reversed > 0 || ret.points_refunded > 0) && ret.member.is_none() {
        return Err(invalid(
            "points",
            "reversed or refunded without a member".into(),
        ));
    }
    Ok(())
}

fn check_shift_open(open: &ShiftOpen) -> Checked {
    not_negative("float", open.float)?;
    whole_fen("float", open.float)?;
    if !open.counted.is_empty() {
        equal("float", counted_sum(&open.counted)?, open.float)?;
    }
    Ok(())
}

fn check_shift_close(close: &ShiftClose) -> Checked {
    check_cash_count(&close.counted, close.counted_cash)?;
    equal(
        "variance",
        difference("variance", close.counted_cash, close.totals.expected_cash)?,
        close.variance,
    )
}

fn check_z_report(z: &ZReport) -> Checked {
    if z.z_no == 0 {
        return Err(invalid("z_no", "starts at 1".into()));
    }
    check_cash_count(&z.counted, z.counted_cash)?;
    equal(
        "variance",
        difference("variance", z.counted_cash, z.totals.expected_cash)?,
        z.variance,
    )
}

/// The denominations counted, when given, add up to the counted cash.
fn check_cash_count(counted: &[DenominationCount], counted_cash: Decimal) -> Checked {
    not_negative("counted_cash", counted_cash)?;
    if !counted.is_empty() {
        equal("counted_cash", counted_sum(counted)?, counted_cash)?;
    }
    Ok(())
}

fn counted_sum(counted: &[DenominationCount]) -> Result<Decimal, DocumentInvalid> {
    let mut sum = Decimal::ZERO;
    for c in counted {
        positive("denomination", c.denomination)?;
        let value = product("counted_cash", c.denomination, Decimal::from(c.count))?;
        sum = self::sum("counted_cash", sum, value)?;
    }
    Ok(sum)
}

/// The stated VAT lines are exactly one per rate, each recomputed from the amounts at
/// that rate. A rate whose amount is zero may be left out.
fn check_vat(amounts_by_rate: &BTreeMap<Decimal, Decimal>, stated: &[VatAmount]) -> Checked {
    let mut seen = BTreeMap::new();
    for v in stated {
        not_negative(&format!("vat rate {}", v.rate), v.rate)?;
        if seen.insert(v.rate.normalize(), ()).is_some() {
            return Err(invalid("vat", format!("rate {} appears twice", v.rate)));
        }
        let gross = amounts_by_rate
            .get(&v.rate)
            .copied()
            .unwrap_or(Decimal::ZERO);
        equal(&format!("vat gross at rate {}", v.rate), gross, v.gross)?;
        equal(
            &format!("vat at rate {}", v.rate),
            vat_included(gross, v.rate),
            v.vat,
        )?;
    }
    for (rate, gross) in amounts_by_rate {
        if !gross.is_zero() && !seen.contains_key(&rate.normalize()) {
            return Err(invalid("vat", format!("no line for rate {rate}")));
        }
    }
    Ok(())
}

fn tender_sum(tenders: &[Tender]) -> Result<Decimal, DocumentInvalid> {
    let mut sum = Decimal::ZERO;
    for t in tenders {
        let what = format!("{} tender amount", t.kind.code());
        not_negative(&what, t.amount)?;
        whole_fen(&what, t.amount)?;
        not_negative(
            &format!("{} tender points", t.kind.code()),
            Decimal::from(t.points),
        )?;
        if t.kind != TenderKind::Points && t.points != 0 {
            return Err(invalid(
                &format!("{} tender", t.kind.code()),
                "carries points".into(),
            ));
        }
        sum = self::sum("tenders", sum, t.amount)?;
    }
    Ok(sum)
}

fn points_tendered(tenders: &[Tender]) -> Result<i64, DocumentInvalid> {
    let mut points: i64 = 0;
    for t in tenders.iter().filter(|t| t.kind == TenderKind::Points) {
        points = points
            .checked_add(t.points)
            .ok_or_else(|| overflow("points tenders"))?;
    }
    Ok(points)
}

fn sum(what: &str, a: Decimal, b: Decimal) -> Result<Decimal, DocumentInvalid> {
    a.checked_add(b).ok_or_else(|| overflow(what))
}

fn difference(what: &str, a: Decimal, b: Decimal) -> Result<Decimal, DocumentInvalid> {
    a.checked_sub(b).ok_or_else(|| overflow(what))
}

fn product(what: &str, a: Decimal, b: Decimal) -> Result<Decimal, DocumentInvalid> {
    a.checked_mul(b).ok_or_else(|| overflow(what))
}

fn overflow(what: &str) -> DocumentInvalid {
    invalid(
        what,
        "adds up past the largest amount a document can hold".into(),
    )
}

fn equal(what: &str, expected: Decimal, found: Decimal) -> Checked {
    if expected == found {
        return Ok(());
    }
    Err(DocumentInvalid::Mismatch {
        what: what.into(),
        expected: expected.normalize().to_string(),
        found: found.normalize().to_string(),
    })
}

fn equal_points(what: &str, expected: i64, found: i64) -> Checked {
    if expected == found {
        return Ok(());
    }
    Err(DocumentInvalid::Mismatch {
        what: what.into(),
        expected: expected.to_string(),
        found: found.to_string(),
    })
}

fn not_negative(what: &str, value: Decimal) -> Checked {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(DocumentInvalid::Negative {
            what: what.into(),
            value: value.to_string(),
        });
    }
    Ok(())
}

fn positive(what: &str, value: Decimal) -> Checked {
    if value <= Decimal::ZERO {
        return Err(invalid(what, format!("must be more than 0, is {value}")));
    }
    Ok(())
}

/// Money amounts are whole fen: nothing past two decimals.
fn whole_fen(what: &str, value: Decimal) -> Checked {
    if round_cny(value) != value {
        return Err(invalid(what, format!("{value} has more than two decimals")));
    }
    Ok(())
}

fn not_empty(what: &str, value: &str) -> Checked {
    if value.trim().is_empty() {
        return Err(DocumentInvalid::Empty { what: what.into() });
    }
    Ok(())
}

fn invalid(what: &str, problem: String) -> DocumentInvalid {
    DocumentInvalid::Invalid {
        what: what.into(),
        problem,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use rust_decimal_macros::dec;
    use uuid::Uuid;

    use super::*;
    use crate::document::{LineDiscount, SaleLine, SaleMember, ZReport};
    use crate::member::Tier;

    fn envelope(body: DocumentBody) -> Document {
        Document {
            id: Uuid::now_v7(),
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
            shift_id: Uuid::now_v7(),
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
            shift_id: Uuid::now_v7(),
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
}
