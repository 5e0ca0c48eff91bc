//! Stock documents: their bounds, then what a goods receipt, a write-off and a count
//! must say — an expired lot is never received, a lot close to its expiry only with a
//! manager's approval, a write-off and a count only with one, serials one per unit and
//! never twice.

use std::collections::BTreeSet;

use super::bounds::{date, id, optional_id, quantity, text, too_large};
use super::{Checked, invalid, not_empty};
use crate::catalog::{ExpiryCheck, check_expiry};
use crate::document::Document;
use crate::operator::ManagerAction;
use crate::stock_document::{
    CountLine, GoodsReceipt, NEAR_EXPIRY_DAYS, ReceiptLine, StockLine, Stocktake, TransferDispatch,
    TransferReceipt, WriteOff, WriteOffReason,
};

/// Lines one stock document may hold: a full count of a large store.
pub const STOCK_LINES_MAX: usize = 20_000;
/// What a count may say the till held, in absolute value.
pub const EXPECTED_MAX: i64 = 1_000_000_000;

pub(super) fn check_goods_receipt(doc: &Document, receipt: &GoodsReceipt) -> Checked {
    not_empty("receipt reference", &receipt.reference)?;
    text("receipt reference", &receipt.reference)?;
    text("receipt supplier", &receipt.supplier)?;
    lines_count("receipt", receipt.lines.len())?;
    let mut serials = BTreeSet::new();
    let mut near_expiry = None;
    for (i, line) in receipt.lines.iter().enumerate() {
        let what = |field: &str| format!("receipt line {} {field}", i + 1);
        received(&what, line, &mut serials)?;
        if let Some(expiry) = line.goods.expiry_date {
            match check_expiry(expiry, doc.business_date, NEAR_EXPIRY_DAYS) {
                ExpiryCheck::Expired => {
                    return Err(invalid(
                        &what("expiry_date"),
                        format!(
                            "lot {} expired on {expiry}: an expired lot is not received",
                            lot_name(&line.goods)
                        ),
                    ));
                }
                ExpiryCheck::NearExpiry { .. } => {
                    near_expiry.get_or_insert((lot_name(&line.goods), expiry));
                }
                ExpiryCheck::Ok => {}
            }
        }
    }
    if let Some((lot, expiry)) = near_expiry {
        approved(
            doc,
            ManagerAction::NearExpiryReceipt,
            &format!("lot {lot} expires on {expiry}, within {NEAR_EXPIRY_DAYS} days"),
        )?;
    }
    Ok(())
}

pub(super) fn check_transfer_dispatch(doc: &Document, transfer: &TransferDispatch) -> Checked {
    transfer_ends(
        doc,
        &transfer.transfer_id,
        "transfer to_store",
        &transfer.to_store,
    )?;
    lines_count("transfer", transfer.lines.len())?;
    let mut serials = BTreeSet::new();
    for (i, line) in transfer.lines.iter().enumerate() {
        let what = |field: &str| format!("transfer line {} {field}", i + 1);
        goods(&what, line, false, &mut serials)?;
        if let Some(expiry) = line.expiry_date
            && check_expiry(expiry, doc.business_date, 0) == ExpiryCheck::Expired
        {
            return Err(invalid(
                &what("expiry_date"),
                format!(
                    "lot {} expired on {expiry}: write it off, it is not sent to another store",
                    lot_name(line)
                ),
            ));
        }
    }
    approved(
        doc,
        ManagerAction::TransferDispatch,
        "a transfer's dispatch",
    )
}

pub(super) fn check_transfer_receipt(doc: &Document, transfer: &TransferReceipt) -> Checked {
    transfer_ends(
        doc,
        &transfer.transfer_id,
        "transfer from_store",
        &transfer.from_store,
    )?;
    lines_count("transfer", transfer.lines.len())?;
    let mut serials = BTreeSet::new();
    for (i, line) in transfer.lines.iter().enumerate() {
        let what = |field: &str| format!("transfer line {} {field}", i + 1);
        received(&what, line, &mut serials)?;
    }
    Ok(())
}

/// A transfer names itself and the other store, which is not this one.
fn transfer_ends(doc: &Document, transfer_id: &str, field: &str, other_store: &str) -> Checked {
    not_empty("transfer_id", transfer_id)?;
    id("transfer_id", transfer_id)?;
    not_empty(field, other_store)?;
    id(field, other_store)?;
    if other_store == doc.store_id {
        return Err(invalid(
            field,
            format!("a transfer goes between two stores; {other_store} is this one"),
        ));
    }
    Ok(())
}

/// A line received against what was announced: a line announced and not delivered at
/// all (no units) records its shortage.
fn received<'a>(
    what: &dyn Fn(&str) -> String,
    line: &'a ReceiptLine,
    serials: &mut BTreeSet<(&'a str, &'a str)>,
) -> Checked {
    if let Some(expected) = line.expected {
        quantity(&what("expected"), expected)?;
    }
    let all_short = line.goods.quantity == 0 && line.expected.is_some_and(|e| e > 0);
    goods(what, &line.goods, all_short, serials)
}

pub(super) fn check_write_off(doc: &Document, write_off: &WriteOff) -> Checked {
    text("write-off note", &write_off.note)?;
    lines_count("write-off", write_off.lines.len())?;
    let mut serials = BTreeSet::new();
    for (i, line) in write_off.lines.iter().enumerate() {
        let what = |field: &str| format!("write-off line {} {field}", i + 1);
        goods(&what, line, false, &mut serials)?;
        if write_off.reason == WriteOffReason::Expired {
            // Sellable on its expiry date itself: written off as expired from that day.
            let expired = line
                .expiry_date
                .is_some_and(|e| (e - doc.business_date).num_days() <= 0);
            if !expired {
                return Err(invalid(
                    &what("expiry_date"),
                    format!(
                        "lot {} has not expired by {}: write it off as damaged or recalled",
                        lot_name(line),
                        doc.business_date
                    ),
                ));
            }
        }
    }
    approved(doc, ManagerAction::WriteOff, "a write-off")
}

pub(super) fn check_stocktake(doc: &Document, count: &Stocktake) -> Checked {
    lines_count("stocktake", count.lines.len())?;
    let mut seen = BTreeSet::new();
    let mut serials = BTreeSet::new();
    for (i, line) in count.lines.iter().enumerate() {
        let what = |field: &str| format!("stocktake line {} {field}", i + 1);
        not_empty(&what("sku"), &line.sku)?;
        id(&what("sku"), &line.sku)?;
        optional_id(&what("lot"), line.lot.as_deref())?;
        quantity(&what("counted"), line.counted)?;
        if line.expected.unsigned_abs() > EXPECTED_MAX.unsigned_abs() {
            return Err(too_large(&what("expected"), line.expected, EXPECTED_MAX));
        }
        if !seen.insert((line.sku.as_str(), line.lot.as_deref())) {
            return Err(invalid(
                &what("sku"),
                format!(
                    "{} lot {} is counted twice",
                    line.sku,
                    line.lot.as_deref().unwrap_or("-")
                ),
            ));
        }
        counted_serials(&what, line, &mut serials)?;
    }
    approved(doc, ManagerAction::Stocktake, "a stocktake")
}

/// A counted line of a serial-tracked SKU lists a serial per unit found, and the
/// serials held but not found; no serial is on the document twice.
fn counted_serials<'a>(
    what: &dyn Fn(&str) -> String,
    line: &'a CountLine,
    serials: &mut BTreeSet<(&'a str, &'a str)>,
) -> Checked {
    let tracked = !line.serials.is_empty() || !line.missing_serials.is_empty();
    if tracked && line.serials.len() != line.counted as usize {
        return Err(invalid(
            &what("serials"),
            format!(
                "{} serials for {} units counted: one per unit",
                line.serials.len(),
                line.counted
            ),
        ));
    }
    for serial in line.serials.iter().chain(&line.missing_serials) {
        not_empty(&what("serial"), serial)?;
        id(&what("serial"), serial)?;
        if !serials.insert((line.sku.as_str(), serial.as_str())) {
            return Err(invalid(
                &what("serials"),
                format!("{} serial {serial} is there twice", line.sku),
            ));
        }
    }
    Ok(())
}

fn lines_count(what: &str, n: usize) -> Checked {
    if n == 0 {
        return Err(invalid(&format!("{what} lines"), "there are none".into()));
    }
    if n > STOCK_LINES_MAX {
        return Err(too_large(&format!("{what} lines"), n, STOCK_LINES_MAX));
    }
    Ok(())
}

/// A line of goods: its SKU, lot, expiry and quantity within bounds, at least one unit
/// (unless `may_be_empty`), and its serials one per unit, none twice in the document.
fn goods<'a>(
    what: &dyn Fn(&str) -> String,
    line: &'a StockLine,
    may_be_empty: bool,
    serials: &mut BTreeSet<(&'a str, &'a str)>,
) -> Checked {
    not_empty(&what("sku"), &line.sku)?;
    id(&what("sku"), &line.sku)?;
    optional_id(&what("lot"), line.lot.as_deref())?;
    if let Some(expiry) = line.expiry_date {
        date(&what("expiry_date"), expiry)?;
    }
    quantity(&what("quantity"), line.quantity)?;
    if line.quantity == 0 && !may_be_empty {
        return Err(invalid(&what("quantity"), "must be at least 1".into()));
    }
    if !line.serials.is_empty() && line.serials.len() != line.quantity as usize {
        return Err(invalid(
            &what("serials"),
            format!(
                "{} serials for {} units: one per unit",
                line.serials.len(),
                line.quantity
            ),
        ));
    }
    for serial in &line.serials {
        not_empty(&what("serial"), serial)?;
        id(&what("serial"), serial)?;
        if !serials.insert((line.sku.as_str(), serial.as_str())) {
            return Err(invalid(
                &what("serials"),
                format!("{} serial {serial} is there twice", line.sku),
            ));
        }
    }
    Ok(())
}

/// The document carries a manager's approval of `action`, else `what` is refused.
fn approved(doc: &Document, action: ManagerAction, what: &str) -> Checked {
    let action = action.code();
    if doc.approvals.iter().any(|a| a.action == action) {
        return Ok(());
    }
    Err(invalid(
        "approvals",
        format!("{what} needs a manager's approval ({action})"),
    ))
}

fn lot_name(line: &StockLine) -> &str {
    line.lot.as_deref().unwrap_or("-")
}
