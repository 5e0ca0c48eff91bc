//! What earlier returns took back, and the cumulative share this return settles.

use std::collections::BTreeMap;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::document::{Return, Sale, TenderKind};
use crate::money::round_cny;

/// What earlier returns against the sale already took back.
#[derive(Default)]
pub(super) struct Earlier {
    /// Per original line: (units, refund).
    pub by_line: BTreeMap<u32, (u32, Decimal)>,
    pub line_refunds: Decimal,
    /// Money given back: line refunds with their cash rounding.
    pub money: Decimal,
    pub points_money: Decimal,
    pub points_refunded: i64,
    pub points_reversed: i64,
}

impl Earlier {
    pub fn of(returns: &[Return]) -> Earlier {
        let mut earlier = Earlier::default();
        for ret in returns {
            for line in &ret.lines {
                if let Some(line_no) = line.original_line_no {
                    let entry = earlier.by_line.entry(line_no).or_default();
                    entry.0 += line.quantity;
                    entry.1 += line.refund;
                }
            }
            earlier.line_refunds += ret.total;
            earlier.money += ret.total + ret.cash_rounding;
            earlier.points_money += ret
                .tenders
                .iter()
                .filter(|t| t.kind == TenderKind::Points)
                .map(|t| t.amount)
                .sum::<Decimal>();
            earlier.points_refunded += ret.points_refunded;
            earlier.points_reversed += ret.points_reversed;
        }
        earlier
    }

    pub fn quantity(&self, line_no: u32) -> u32 {
        self.by_line.get(&line_no).map_or(0, |e| e.0)
    }

    pub fn refund(&self, line_no: u32) -> Decimal {
        self.by_line.get(&line_no).map_or(Decimal::ZERO, |e| e.1)
    }
}

/// Share of the sale's goods refunded after this return (by money).
pub(super) fn refunded_fraction(sale: &Sale, refunded_after: Decimal) -> Decimal {
    if sale.total <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    (refunded_after / sale.total).clamp(Decimal::ZERO, Decimal::ONE)
}

/// Cumulative targets: what all returns together should have given back after this one.
pub(super) struct Shares {
    pub completes: bool,
    pub fraction: Decimal,
}

impl Shares {
    /// Of an amount paid on the sale, in fen.
    pub fn of_money(&self, kept: Decimal) -> Decimal {
        if self.completes {
            kept
        } else {
            round_cny(kept * self.fraction).min(kept)
        }
    }

    pub fn of_points(&self, points: i64) -> i64 {
        if self.completes {
            return points;
        }
        (Decimal::from(points) * self.fraction)
            .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
            .to_i64()
            .unwrap_or(0)
            .clamp(0, points.max(0))
    }
}
