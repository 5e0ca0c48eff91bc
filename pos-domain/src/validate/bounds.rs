//! What a document may hold at all: text without control characters and of bounded
//! length, dates in a sane window, every number within limits no real store comes
//! near. Checked before any arithmetic, so the sums that follow cannot overflow, and
//! so head office can store whatever passes (PostgreSQL refuses NUL bytes, years past
//! its range and index rows of a megabyte).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::{Checked, DocumentInvalid, invalid};
use crate::document::{
    Approval, DenominationCount, Document, DocumentBody, LineDiscount, ReportTotals, Return, Sale,
    SaleMember, SaleOrganisation, Tender, VatAmount, ZReport,
};

/// Ids, codes, SKUs, lots, serials, card and phone numbers: at most this many characters.
pub const ID_CHARS_MAX: usize = 64;
/// Names, reasons and references: at most this many characters.
pub const TEXT_CHARS_MAX: usize = 200;
/// A unit price above 10,000,000.00 yuan is a typing or data error. The cart is
/// stricter (`pricing::UNIT_PRICE_MAX_YUAN`); this is what any document may hold.
pub const UNIT_PRICE_MAX: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 2);
/// Units on one line of a document. The cart is stricter
/// (`pricing::LINE_QUANTITY_MAX`); this is what any document may hold.
pub const LINE_QUANTITY_MAX: u32 = 100_000;
/// Any money amount (a line, a total, a tender, a cash count), in absolute value:
/// 1,000,000,000,000.00 yuan, the dearest unit times the most units.
pub const AMOUNT_MAX: Decimal = Decimal::from_parts(276_447_232, 23_283, 0, false, 2);
/// Points on a document or in a report, in absolute value.
pub const POINTS_MAX: i64 = 1_000_000_000;
/// Sequences and Z numbers: what head office can store (a signed 64-bit integer).
pub const SEQUENCE_MAX: u64 = i64::MAX as u64;
/// Counts in reports and cash counts (documents of a day, notes of a denomination).
pub const COUNT_MAX: u32 = 10_000_000;
/// VAT rates are fractions: 0.13 is 13 %.
pub const VAT_RATE_MAX: Decimal = Decimal::ONE;
/// A line's points multiplier from promotions.
pub const POINTS_MULTIPLIER_MAX: Decimal = Decimal::from_parts(1_000, 0, 0, false, 0);

/// First and last day a business date, a creation time, an approval or an expiry may
/// fall on.
pub fn date_window() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2000, 1, 1).expect("a valid date"),
        NaiveDate::from_ymd_opt(2199, 12, 31).expect("a valid date"),
    )
}

pub(super) fn check_bounds(doc: &Document) -> Checked {
    id("store_id", &doc.store_id)?;
    id("terminal_id", &doc.terminal_id)?;
    id("operator_id", &doc.operator_id)?;
    if doc.sequence > SEQUENCE_MAX {
        return Err(too_large("sequence", doc.sequence, SEQUENCE_MAX));
    }
    date("business_date", doc.business_date)?;
    time("created_at", doc.created_at)?;
    for (i, a) in doc.approvals.iter().enumerate() {
        approval(i + 1, a)?;
    }
    match &doc.body {
        DocumentBody::Sale(s) => sale(s),
        DocumentBody::Return(r) => return_bounds(r),
        DocumentBody::Void(v) => {
            if v.sale_sequence > SEQUENCE_MAX {
                return Err(too_large(
                    "void sale_sequence",
                    v.sale_sequence,
                    SEQUENCE_MAX,
                ));
            }
            amount("void total", v.total)?;
            text("void reason", &v.reason)
        }
        DocumentBody::PaidIn(m) | DocumentBody::PaidOut(m) => {
            amount("cash movement amount", m.amount)?;
            text("cash movement reason", &m.reason)
        }
        DocumentBody::ShiftOpen(o) => {
            amount("float", o.float)?;
            counted(&o.counted)
        }
        DocumentBody::ShiftClose(c) => {
            totals(&c.totals)?;
            counted(&c.counted)?;
            amount("counted_cash", c.counted_cash)?;
            amount("variance", c.variance)
        }
        DocumentBody::ZReport(z) => z_report(z),
        DocumentBody::MemberRegistration(r) => {
            id("member_id", &r.member_id)?;
            id("card_no", &r.card_no)?;
            id("phone", &r.phone)?;
            text("name", &r.name)
        }
        DocumentBody::PointAdjustment(a) => {
            id("member_id", &a.member_id)?;
            points("point adjustment points", a.points)?;
            text("point adjustment reason", &a.reason)
        }
        DocumentBody::OperatorChange(c) => {
            id("operator change subject_id", &c.subject_id)?;
            text("operator change subject_name", &c.subject_name)
        }
        // Their bounds are checked with the rest of them (`stock.rs`).
        DocumentBody::GoodsReceipt(_)
        | DocumentBody::WriteOff(_)
        | DocumentBody::Stocktake(_)
        | DocumentBody::TransferDispatch(_)
        | DocumentBody::TransferReceipt(_) => Ok(()),
    }
}

fn approval(n: usize, a: &Approval) -> Checked {
    id(&format!("approval {n} action"), &a.action)?;
    id(&format!("approval {n} manager_id"), &a.manager_id)?;
    time(&format!("approval {n} at"), a.at)
}

fn sale(s: &Sale) -> Checked {
    for l in &s.lines {
        let what = |field: &str| format!("line {} {field}", l.line_no);
        id(&what("sku"), &l.sku)?;
        text(&what("name"), &l.name)?;
        text(&what("category"), &l.category)?;
        id(&what("unit"), &l.unit)?;
        quantity(&what("quantity"), l.quantity)?;
        optional_id(&what("lot"), l.lot.as_deref())?;
        optional_id(&what("serial"), l.serial.as_deref())?;
        optional_id(&what("registration_no"), l.registration_no.as_deref())?;
        if let Some(expiry) = l.expiry_date {
            date(&what("expiry_date"), expiry)?;
        }
        at_most(&what("unit_price"), l.unit_price, UNIT_PRICE_MAX)?;
        amount(&what("gross"), l.gross)?;
        amount(&what("net"), l.net)?;
        at_most(&what("vat_rate"), l.vat_rate, VAT_RATE_MAX)?;
        at_most(
            &what("points_multiplier"),
            l.points_multiplier,
            POINTS_MULTIPLIER_MAX,
        )?;
        for (i, d) in l.discounts.iter().enumerate() {
            discount(&what(&format!("discount {}", i + 1)), d)?;
        }
    }
    amount("subtotal", s.subtotal)?;
    amount("discount_total", s.discount_total)?;
    amount("total", s.total)?;
    vat(&s.vat)?;
    tenders(&s.tenders)?;
    amount("cash_rounding", s.cash_rounding)?;
    amount("change", s.change)?;
    member(s.member.as_ref())?;
    organisation(s.organisation.as_ref())?;
    points("points_earned", s.points_earned)?;
    points("points_redeemed", s.points_redeemed)
}

fn organisation(o: Option<&SaleOrganisation>) -> Checked {
    let Some(o) = o else {
        return Ok(());
    };
    id("organisation organisation_id", &o.organisation_id)?;
    text("organisation name", &o.name)?;
    if let Some(d) = &o.department {
        text("organisation department", d)?;
    }
    if let Some(valid_until) = o.sold_under_warning.as_ref().and_then(|p| p.valid_until) {
        date("organisation sold_under_warning valid_until", valid_until)?;
    }
    Ok(())
}

fn discount(what: &str, d: &LineDiscount) -> Checked {
    id(&format!("{what} source"), &d.source)?;
    id(&format!("{what} promotion_id"), &d.promotion_id)?;
    text(&format!("{what} name"), &d.name)?;
    amount(&format!("{what} amount"), d.amount)
}

fn return_bounds(r: &Return) -> Checked {
    for (i, l) in r.lines.iter().enumerate() {
        let what = |field: &str| format!("return line {} {field}", i + 1);
        id(&what("sku"), &l.sku)?;
        text(&what("name"), &l.name)?;
        quantity(&what("quantity"), l.quantity)?;
        optional_id(&what("lot"), l.lot.as_deref())?;
        optional_id(&what("serial"), l.serial.as_deref())?;
        amount(&what("refund"), l.refund)?;
        at_most(&what("vat_rate"), l.vat_rate, VAT_RATE_MAX)?;
    }
    amount("return total", r.total)?;
    vat(&r.vat)?;
    tenders(&r.tenders)?;
    amount("return cash_rounding", r.cash_rounding)?;
    member(r.member.as_ref())?;
    points("points_reversed", r.points_reversed)?;
    points("points_refunded", r.points_refunded)?;
    text("return reason", &r.reason)
}

fn z_report(z: &ZReport) -> Checked {
    if z.z_no > SEQUENCE_MAX {
        return Err(too_large("z_no", z.z_no, SEQUENCE_MAX));
    }
    totals(&z.totals)?;
    counted(&z.counted)?;
    amount("counted_cash", z.counted_cash)?;
    amount("variance", z.variance)
}

fn totals(t: &ReportTotals) -> Checked {
    for (what, sequence) in [
        ("totals first_sequence", t.first_sequence),
        ("totals last_sequence", t.last_sequence),
    ] {
        if let Some(s) = sequence
            && s > SEQUENCE_MAX
        {
            return Err(too_large(what, s, SEQUENCE_MAX));
        }
    }
    count("totals sales_count", t.sales_count)?;
    count("totals returns_count", t.returns_count)?;
    count("totals voids_count", t.voids_count)?;
    for (what, value) in [
        ("totals sales_total", t.sales_total),
        ("totals returns_total", t.returns_total),
        ("totals voids_total", t.voids_total),
        ("totals discount_total", t.discount_total),
        ("totals float", t.float),
        ("totals paid_in", t.paid_in),
        ("totals paid_out", t.paid_out),
        ("totals expected_cash", t.expected_cash),
    ] {
        amount(what, value)?;
    }
    vat(&t.vat)?;
    for t in &t.tenders {
        amount(&format!("totals {} tender amount", t.kind.code()), t.amount)?;
        count(&format!("totals {} tender count", t.kind.code()), t.count)?;
    }
    points("totals points_earned", t.points_earned)?;
    points("totals points_redeemed", t.points_redeemed)
}

fn vat(lines: &[VatAmount]) -> Checked {
    for v in lines {
        at_most("vat rate", v.rate, VAT_RATE_MAX)?;
        amount(&format!("vat gross at rate {}", v.rate), v.gross)?;
        amount(&format!("vat at rate {}", v.rate), v.vat)?;
    }
    Ok(())
}

fn tenders(tenders: &[Tender]) -> Checked {
    for t in tenders {
        amount(&format!("{} tender amount", t.kind.code()), t.amount)?;
        points(&format!("{} tender points", t.kind.code()), t.points)?;
        if let Some(reference) = &t.reference {
            text(&format!("{} tender reference", t.kind.code()), reference)?;
        }
    }
    Ok(())
}

fn counted(counted: &[DenominationCount]) -> Checked {
    for c in counted {
        amount("denomination", c.denomination)?;
        count(
            &format!("count of denomination {}", c.denomination),
            c.count,
        )?;
    }
    Ok(())
}

fn member(m: Option<&SaleMember>) -> Checked {
    let Some(m) = m else {
        return Ok(());
    };
    id("member member_id", &m.member_id)?;
    id("member card_no", &m.card_no)
}

pub(super) fn quantity(what: &str, quantity: u32) -> Checked {
    if quantity > LINE_QUANTITY_MAX {
        return Err(too_large(what, quantity, LINE_QUANTITY_MAX));
    }
    Ok(())
}

fn count(what: &str, count: u32) -> Checked {
    if count > COUNT_MAX {
        return Err(too_large(what, count, COUNT_MAX));
    }
    Ok(())
}

fn points(what: &str, points: i64) -> Checked {
    if points.unsigned_abs() > POINTS_MAX.unsigned_abs() {
        return Err(invalid(
            what,
            format!("{points} is past the limit of ±{POINTS_MAX}"),
        ));
    }
    Ok(())
}

/// A money amount within ±[`AMOUNT_MAX`].
fn amount(what: &str, value: Decimal) -> Checked {
    if value.abs() > AMOUNT_MAX {
        return Err(invalid(
            what,
            format!("{value} is past the limit of ±{AMOUNT_MAX}"),
        ));
    }
    Ok(())
}

fn at_most(what: &str, value: Decimal, max: Decimal) -> Checked {
    if value > max {
        return Err(too_large(what, value, max));
    }
    amount(what, value)
}

pub(super) fn too_large(
    what: &str,
    value: impl std::fmt::Display,
    max: impl std::fmt::Display,
) -> DocumentInvalid {
    invalid(what, format!("{value} is more than the limit of {max}"))
}

pub(super) fn date(what: &str, value: NaiveDate) -> Checked {
    let (first, last) = date_window();
    if value < first || value > last {
        return Err(invalid(
            what,
            format!("{value} is outside {first} to {last}"),
        ));
    }
    Ok(())
}

fn time(what: &str, value: DateTime<Utc>) -> Checked {
    date(what, value.date_naive())
}

pub(super) fn optional_id(what: &str, value: Option<&str>) -> Checked {
    value.map_or(Ok(()), |v| id(what, v))
}

pub(super) fn id(what: &str, value: &str) -> Checked {
    bounded_text(what, value, ID_CHARS_MAX)
}

pub(super) fn text(what: &str, value: &str) -> Checked {
    bounded_text(what, value, TEXT_CHARS_MAX)
}

/// No control characters (NUL included) and at most `max` characters.
fn bounded_text(what: &str, value: &str, max: usize) -> Checked {
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(invalid(
            what,
            format!("holds the control character U+{:04X}", u32::from(c)),
        ));
    }
    let chars = value.chars().count();
    if chars > max {
        return Err(invalid(
            what,
            format!("is {chars} characters long, more than the limit of {max}"),
        ));
    }
    Ok(())
}
