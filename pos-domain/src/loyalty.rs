//! Loyalty points: what points are worth, whether a redemption may go ahead, and what a
//! sale earns.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::document::{Return, Sale, SaleLine, TenderKind};
use crate::member::{LoyaltyRules, Tier};

const FEN_PER_YUAN: Decimal = Decimal::ONE_HUNDRED;

/// Yuan that `points` are worth when redeemed, floored to fen (a customer never gets
/// more than the points make). No points, or redemption switched off (rate <= 0), is 0.
pub fn points_value(points: i64, rules: &LoyaltyRules) -> Decimal {
    if points <= 0 || rules.points_per_yuan_redeemed <= 0 {
        return Decimal::ZERO;
    }
    let yuan = Decimal::from(points) / Decimal::from(rules.points_per_yuan_redeemed);
    (yuan * FEN_PER_YUAN).floor() / FEN_PER_YUAN
}

/// Fewest points worth at least `amount` (0 for nothing; i64::MAX when redemption is off).
pub fn points_needed(amount: Decimal, rules: &LoyaltyRules) -> i64 {
    if amount <= Decimal::ZERO {
        return 0;
    }
    if rules.points_per_yuan_redeemed <= 0 {
        return i64::MAX;
    }
    (amount * Decimal::from(rules.points_per_yuan_redeemed))
        .ceil()
        .to_i64()
        .unwrap_or(i64::MAX)
}

/// What the till knows about the member's points at the moment of redemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedemptionLimits {
    /// Balance the till believes is available.
    pub available: i64,
    /// Head office reachable: the offline daily limit does not apply.
    pub online: bool,
    /// Points this member already redeemed offline at this till today.
    pub redeemed_offline_today: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedemptionCheck {
    /// The points may pay `value` yuan; a manager must approve when `needs_approval`.
    Allowed {
        value: Decimal,
        needs_approval: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedemptionError {
    #[error("enter a number of points above 0")]
    NotPositive,
    #[error("points cannot be redeemed: no redemption rate is set")]
    RedemptionOff,
    #[error("{requested} points asked, only {available} available")]
    MoreThanAvailable { requested: i64, available: i64 },
    #[error("{requested} points asked; at most {max} may pay for this sale")]
    OverCap { requested: i64, max: i64 },
    #[error("{requested} points asked; offline only {left} more may be redeemed today")]
    OfflineDailyLimit { requested: i64, left: i64 },
    #[error("{requested} points do not make whole fen; redeem {usable} instead")]
    NotWholeFen { requested: i64, usable: i64 },
}

/// Whether `points` may pay for a sale of `sale_total`, checked in the order a cashier
/// would fix them: the balance, the per-order cap, the offline daily limit, whole fen.
pub fn check_redemption(
    points: i64,
    sale_total: Decimal,
    limits: &RedemptionLimits,
    rules: &LoyaltyRules,
) -> Result<RedemptionCheck, RedemptionError> {
    if points <= 0 {
        return Err(RedemptionError::NotPositive);
    }
    if rules.points_per_yuan_redeemed <= 0 {
        return Err(RedemptionError::RedemptionOff);
    }
    if points > limits.available {
        return Err(RedemptionError::MoreThanAvailable {
            requested: points,
            available: limits.available.max(0),
        });
    }
    let max = max_points_for_sale(sale_total, rules);
    if points > max {
        return Err(RedemptionError::OverCap {
            requested: points,
            max,
        });
    }
    if !limits.online {
        let left = (rules.offline_daily_redeem_limit - limits.redeemed_offline_today).max(0);
        if points > left {
            return Err(RedemptionError::OfflineDailyLimit {
                requested: points,
                left,
            });
        }
    }
    let value = points_value(points, rules);
    let usable = points_needed(value, rules);
    if value.is_zero() || usable != points {
        return Err(RedemptionError::NotWholeFen {
            requested: points,
            usable,
        });
    }
    Ok(RedemptionCheck::Allowed {
        value,
        needs_approval: points > rules.approval_threshold_points,
    })
}

/// Most points that may pay for a sale: worth at most the cap fraction of its total.
pub fn max_points_for_sale(sale_total: Decimal, rules: &LoyaltyRules) -> i64 {
    if rules.points_per_yuan_redeemed <= 0 || sale_total <= Decimal::ZERO {
        return 0;
    }
    let cap = rules.redeem_cap_fraction.clamp(Decimal::ZERO, Decimal::ONE);
    let max_value = (sale_total * cap * FEN_PER_YUAN).floor() / FEN_PER_YUAN;
    (max_value * Decimal::from(rules.points_per_yuan_redeemed))
        .floor()
        .to_i64()
        .unwrap_or(0)
}

/// Points a sale earns on the yuan actually paid (not the part paid with points): each
/// line's share of the paid money times its points multiplier, times the tier
/// multiplier, times points per yuan, floored once at the end. Never negative.
pub fn points_earned(
    lines: &[SaleLine],
    total: Decimal,
    paid_with_points: Decimal,
    tier: Tier,
    rules: &LoyaltyRules,
) -> i64 {
    let paid_money = (total - paid_with_points).max(Decimal::ZERO);
    let net_sum: Decimal = lines.iter().map(|l| l.net.max(Decimal::ZERO)).sum();
    if paid_money.is_zero() || net_sum.is_zero() {
        return 0;
    }
    let weighted: Decimal = lines
        .iter()
        .map(|l| l.net.max(Decimal::ZERO) * l.points_multiplier.max(Decimal::ZERO))
        .sum();
    let points =
        weighted / net_sum * paid_money * rules.tier_multiplier(tier) * rules.points_per_yuan;
    points.floor().max(Decimal::ZERO).to_i64().unwrap_or(0)
}
/// Money a member paid on a sale, not counting the part paid with points (and with its
/// cash rounding); `None` if the sum overflows.
pub fn sale_spend(sale: &Sale) -> Option<Decimal> {
    let points = points_tendered(sale.tenders.iter().map(|t| (t.kind, t.amount)))?;
    sale.total
        .checked_add(sale.cash_rounding)?
        .checked_sub(points)
}

/// Money given back on a return, not counting points given back; `None` on overflow.
pub fn return_spend(ret: &Return) -> Option<Decimal> {
    let points = points_tendered(ret.tenders.iter().map(|t| (t.kind, t.amount)))?;
    ret.total
        .checked_add(ret.cash_rounding)?
        .checked_sub(points)
}

fn points_tendered(tenders: impl Iterator<Item = (TenderKind, Decimal)>) -> Option<Decimal> {
    tenders
        .filter(|(kind, _)| *kind == TenderKind::Points)
        .try_fold(Decimal::ZERO, |sum, (_, amount)| sum.checked_add(amount))
}
