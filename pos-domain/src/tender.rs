//! Taking payment: several tenders, change from cash only, optional cash rounding.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::document::{Tender, TenderKind};
use crate::money::round_cny;

/// Tenders on one sale.
pub const TENDERS_MAX: usize = 10;
/// Change above this is a typing slip (an extra zero on the cash amount), not a note a
/// customer handed over.
pub const CHANGE_MAX_YUAN: Decimal = Decimal::from_parts(1_000, 0, 0, false, 0);

/// Whether cash due is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CashRounding {
    #[default]
    None,
    /// The amount due is rounded to 0.10 half up (抹零), only when every tender is cash.
    ToJiao,
}

/// How a sale's payment adds up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    /// Sum of line nets.
    pub total: Decimal,
    /// due - total: negative when rounded down, 0 when not rounded.
    pub cash_rounding: Decimal,
    /// What the customer owes.
    pub due: Decimal,
    /// Sum of every tender handed over.
    pub paid: Decimal,
    /// Cash given back: paid - due, never more than the cash handed over.
    pub change: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenderError {
    #[error("the total {total} must not be negative")]
    NegativeTotal { total: Decimal },
    #[error("at most {max} payments on one sale")]
    TooManyTenders { max: usize },
    #[error("payment {index} ({kind:?}) of {amount} must be more than 0")]
    NonPositiveAmount {
        index: usize,
        kind: TenderKind,
        amount: Decimal,
    },
    #[error("payment {index} ({kind:?}) of {amount} has fractions of a fen")]
    NotWholeFen {
        index: usize,
        kind: TenderKind,
        amount: Decimal,
    },
    #[error("payment {index} pays with points but names no points")]
    PointsMissing { index: usize },
    #[error("payment {index} ({kind:?}) is not a points payment but carries points")]
    PointsOnMoneyTender { index: usize, kind: TenderKind },
    #[error(
        "card, wallet and points payments of {non_cash} exceed the {due} due; they give no change"
    )]
    NonCashOverpay { non_cash: Decimal, due: Decimal },
    #[error("{missing} still to pay: {paid} of {due} paid")]
    Short {
        due: Decimal,
        paid: Decimal,
        missing: Decimal,
    },
    #[error("change of {change} is more than {max}: check the cash amount typed")]
    ChangeTooLarge { change: Decimal, max: Decimal },
}

/// Checks the tenders against the total and works out rounding and change.
pub fn settle(
    total: Decimal,
    tenders: &[Tender],
    rounding: CashRounding,
) -> Result<Settlement, TenderError> {
    if total < Decimal::ZERO {
        return Err(TenderError::NegativeTotal { total });
    }
    if tenders.len() > TENDERS_MAX {
        return Err(TenderError::TooManyTenders { max: TENDERS_MAX });
    }
    for (index, tender) in tenders.iter().enumerate() {
        check_tender(index, tender)?;
    }

    let all_cash = !tenders.is_empty() && tenders.iter().all(|t| t.kind == TenderKind::Cash);
    let due = match rounding {
        CashRounding::ToJiao if all_cash => {
            total.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        }
        _ => total,
    };
    let non_cash: Decimal = tenders
        .iter()
        .filter(|t| t.kind != TenderKind::Cash)
        .map(|t| t.amount)
        .sum();
    if non_cash > due {
        return Err(TenderError::NonCashOverpay { non_cash, due });
    }
    let paid: Decimal = tenders.iter().map(|t| t.amount).sum();
    if paid < due {
        return Err(TenderError::Short {
            due,
            paid,
            missing: due - paid,
        });
    }
    if paid - due > CHANGE_MAX_YUAN {
        return Err(TenderError::ChangeTooLarge {
            change: paid - due,
            max: CHANGE_MAX_YUAN,
        });
    }
    // Non-cash never exceeds due, so change never exceeds the cash handed over.
    Ok(Settlement {
        total,
        cash_rounding: due - total,
        due,
        paid,
        change: paid - due,
    })
}

fn check_tender(index: usize, tender: &Tender) -> Result<(), TenderError> {
    let kind = tender.kind;
    if tender.amount <= Decimal::ZERO {
        return Err(TenderError::NonPositiveAmount {
            index,
            kind,
            amount: tender.amount,
        });
    }
    if round_cny(tender.amount) != tender.amount {
        return Err(TenderError::NotWholeFen {
            index,
            kind,
            amount: tender.amount,
        });
    }
    match kind {
        TenderKind::Points if tender.points <= 0 => Err(TenderError::PointsMissing { index }),
        TenderKind::Points => Ok(()),
        _ if tender.points != 0 => Err(TenderError::PointsOnMoneyTender { index, kind }),
        _ => Ok(()),
    }
}
