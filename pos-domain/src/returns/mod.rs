//! Returns against an original sale: what to refund, how, and which points go back.
//!
//! Every share is worked out cumulatively: what all returns of the sale should have given
//! back after this one, minus what earlier returns gave. So rounding never piles up and
//! the return that takes the last units settles the exact remainder: a full return, in
//! one go or several, refunds exactly the sale total and reverses exactly the points.

mod refund_tenders;
mod shares;

use rust_decimal::Decimal;

use crate::document::{Return, ReturnLine, Sale, SaleLine, Tender, TenderKind, VatAmount};
use crate::money::round_cny;
use crate::pricing::{CART_LINES_MAX, vat_of_amounts};

use refund_tenders::{cash, to_original_tenders};
use shares::{Earlier, Shares, refunded_fraction};

/// Units of one original line to take back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReturnRequestLine {
    pub original_line_no: u32,
    pub quantity: u32,
}

/// Where the money goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefundTo {
    /// Back the way it was paid: card to card, wallet to wallet, the rest in cash.
    #[default]
    OriginalTenders,
    /// All money in cash (points still go back as points).
    Cash,
}

/// A return worked out, ready to become a `Return` document.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnPlan {
    pub lines: Vec<ReturnLine>,
    /// Sum of line refunds.
    pub total: Decimal,
    pub vat: Vec<VatAmount>,
    /// How the money goes back, amounts positive; they add up exactly to
    /// `total + cash_rounding`. The part paid with points goes back as points.
    pub tenders: Vec<Tender>,
    /// The sale's cash rounding (抹零) this return settles; see [`Return::cash_rounding`].
    pub cash_rounding: Decimal,
    /// Earned points taken back.
    pub points_reversed: i64,
    /// Redeemed points given back (also on the points tender).
    pub points_refunded: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReturnError {
    #[error("choose at least one line to return")]
    NothingRequested,
    #[error("at most {max} lines on one return")]
    TooManyLines { max: usize },
    #[error("line {line_no}: return at least 1 unit")]
    ZeroQuantity { line_no: u32 },
    #[error("line {line_no} is not on the original sale")]
    UnknownLine { line_no: u32 },
    #[error("line {line_no} is asked for twice; enter it once with the total quantity")]
    DuplicateLine { line_no: u32 },
    #[error("line {line_no}: {sold} sold, {returned_before} already returned, {requested} asked")]
    MoreThanSold {
        line_no: u32,
        sold: u32,
        returned_before: u32,
        requested: u32,
    },
}

/// Works out a return of `request` against `sale`, given the earlier returns against the
/// same sale.
pub fn plan_return(
    sale: &Sale,
    earlier_returns: &[Return],
    request: &[ReturnRequestLine],
    refund_to: RefundTo,
) -> Result<ReturnPlan, ReturnError> {
    check_request(sale, request)?;
    let before = Earlier::of(earlier_returns);

    let mut lines = Vec::with_capacity(request.len());
    for asked in request {
        let sale_line = sale
            .lines
            .iter()
            .find(|l| l.line_no == asked.original_line_no);
        let sale_line = sale_line.ok_or(ReturnError::UnknownLine {
            line_no: asked.original_line_no,
        })?;
        lines.push(return_line(sale_line, asked.quantity, &before)?);
    }
    let total: Decimal = lines.iter().map(|l| l.refund).sum();
    let completes = sale.lines.iter().all(|l| {
        let now = request
            .iter()
            .filter(|r| r.original_line_no == l.line_no)
            .map(|r| r.quantity)
            .sum::<u32>();
        before.quantity(l.line_no) + now >= l.quantity
    });
    let shares = Shares {
        completes,
        fraction: refunded_fraction(sale, before.line_refunds + total),
    };

    let points_money_paid: Decimal = sale
        .tenders
        .iter()
        .filter(|t| t.kind == TenderKind::Points)
        .map(|t| t.amount)
        .sum();
    let money = money_back(sale, &before, total, completes);
    let points_money =
        (shares.of_money(points_money_paid) - before.points_money).clamp(Decimal::ZERO, money);
    let points_refunded = (shares.of_points(sale.points_redeemed) - before.points_refunded).max(0);
    let points_reversed = (shares.of_points(sale.points_earned) - before.points_reversed).max(0);

    let mut tenders = Vec::new();
    if points_refunded > 0 || points_money > Decimal::ZERO {
        tenders.push(Tender {
            kind: TenderKind::Points,
            amount: points_money,
            reference: None,
            points: points_refunded,
        });
    }
    let rest = money - points_money;
    match refund_to {
        RefundTo::Cash => tenders.extend(cash(rest)),
        RefundTo::OriginalTenders => {
            tenders.extend(to_original_tenders(sale, earlier_returns, rest))
        }
    }

    let vat = vat_of_amounts(lines.iter().map(|l| (l.vat_rate, l.refund)));
    Ok(ReturnPlan {
        lines,
        total,
        vat,
        tenders,
        cash_rounding: money - total,
        points_reversed,
        points_refunded,
    })
}

/// The money this return gives back. Without cash rounding it is the lines' refund. A
/// rounded cash sale took `total + cash_rounding`: returns together never give back more
/// than that, and the one that completes the sale gives back exactly the rest.
fn money_back(sale: &Sale, before: &Earlier, total: Decimal, completes: bool) -> Decimal {
    if sale.cash_rounding.is_zero() {
        return total;
    }
    let paid = sale.total + sale.cash_rounding;
    let after = if completes {
        paid
    } else {
        (before.line_refunds + total).min(paid)
    };
    (after - before.money).max(Decimal::ZERO)
}

fn check_request(sale: &Sale, request: &[ReturnRequestLine]) -> Result<(), ReturnError> {
    if request.is_empty() {
        return Err(ReturnError::NothingRequested);
    }
    if request.len() > CART_LINES_MAX {
        return Err(ReturnError::TooManyLines {
            max: CART_LINES_MAX,
        });
    }
    for (i, asked) in request.iter().enumerate() {
        let line_no = asked.original_line_no;
        if asked.quantity == 0 {
            return Err(ReturnError::ZeroQuantity { line_no });
        }
        if !sale.lines.iter().any(|l| l.line_no == line_no) {
            return Err(ReturnError::UnknownLine { line_no });
        }
        if request[..i].iter().any(|r| r.original_line_no == line_no) {
            return Err(ReturnError::DuplicateLine { line_no });
        }
    }
    Ok(())
}

fn return_line(
    sale_line: &SaleLine,
    quantity: u32,
    before: &Earlier,
) -> Result<ReturnLine, ReturnError> {
    let line_no = sale_line.line_no;
    let returned_before = before.quantity(line_no);
    let sold = sale_line.quantity;
    if returned_before.saturating_add(quantity) > sold {
        return Err(ReturnError::MoreThanSold {
            line_no,
            sold,
            returned_before,
            requested: quantity,
        });
    }
    let after = returned_before + quantity;
    let left = sale_line.net - before.refund(line_no);
    let refund = if after == sold {
        left
    } else {
        let due_so_far = round_cny(sale_line.net * Decimal::from(after) / Decimal::from(sold));
        (due_so_far - before.refund(line_no)).clamp(Decimal::ZERO, left.max(Decimal::ZERO))
    };
    Ok(ReturnLine {
        original_line_no: Some(line_no),
        sku: sale_line.sku.clone(),
        name: sale_line.name.clone(),
        quantity,
        lot: sale_line.lot.clone(),
        serial: sale_line.serial.clone(),
        refund,
        vat_rate: sale_line.vat_rate,
    })
}
