//! Does a document add up? A pure check the till runs before it commits a document and
//! head office runs before it stores one, so both sides agree on what is well formed.
//!
//! It checks bounds first ([`bounds`]: text, dates and numbers a store could really
//! hold, so nothing after can overflow and head office can store whatever passes),
//! then arithmetic and signs: line nets, totals, VAT per rate, tenders, change and cash
//! rounding, points, refunds and the cash count. It does not know the catalog, prices
//! or balances; those are head office's business. Every sum is checked: a document
//! never panics the check.

mod arithmetic;
mod bounds;
mod stock;

use arithmetic::*;

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::document::{
    DenominationCount, Document, DocumentBody, Return, Sale, ShiftClose, ShiftOpen, TenderKind,
    ZReport,
};
pub use bounds::{
    AMOUNT_MAX, COUNT_MAX, ID_CHARS_MAX, LINE_QUANTITY_MAX, POINTS_MAX, POINTS_MULTIPLIER_MAX,
    SEQUENCE_MAX, TEXT_CHARS_MAX, UNIT_PRICE_MAX, VAT_RATE_MAX, date_window,
};
pub use stock::{EXPECTED_MAX, STOCK_LINES_MAX};

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
            reg.check_seal().map_err(|e| DocumentInvalid::Invalid {
                what: "member registration".into(),
                problem: e.to_string(),
            })?;
            // A sealed registration resent after its member was erased has no phone
            // left; it is still the document head office accepted.
            if reg.seal.is_some() && reg.is_erased() {
                return Ok(());
            }
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
        DocumentBody::GoodsReceipt(receipt) => stock::check_goods_receipt(doc, receipt),
        DocumentBody::WriteOff(write_off) => stock::check_write_off(doc, write_off),
        DocumentBody::Stocktake(count) => stock::check_stocktake(doc, count),
        DocumentBody::TransferDispatch(t) => stock::check_transfer_dispatch(doc, t),
        DocumentBody::TransferReceipt(t) => stock::check_transfer_receipt(doc, t),
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

#[cfg(test)]
mod tests;
