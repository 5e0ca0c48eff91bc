//! Tiers by spend (会员等级规则): the four tiers stay the ladder; each tier above
//! standard may have a spend threshold over a rolling window of days. An upgrade takes
//! effect at once; a downgrade only at the member's review date (`review_days` after
//! their last tier change). Head office applies them; the tills receive the result.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::document::{Return, Sale, TenderKind};
use crate::member::Tier;

/// Longest window and review period, in days (ten years).
pub const TIER_DAYS_MAX: u32 = 3660;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRules {
    /// Days of spend counted, ending on the day looked at.
    pub window_days: u32,
    /// Days from a tier change to the review that may lower the tier.
    pub review_days: u32,
    /// Spend (paid money, net of returns) that reaches gold, platinum and diamond;
    /// `None`: the tier is not reached by spend. All `None`: tiers never change by spend.
    pub thresholds: [Option<Decimal>; 3],
}

impl Default for TierRules {
    fn default() -> Self {
        TierRules {
            window_days: 365,
            review_days: 365,
            thresholds: [None; 3],
        }
    }
}

impl TierRules {
    /// True when no tier is reached by spend: head office leaves tiers as they are set.
    pub fn is_off(&self) -> bool {
        self.thresholds.iter().all(Option::is_none)
    }

    /// The highest tier whose threshold `spend` reaches (standard when none).
    pub fn tier_for_spend(&self, spend: Decimal) -> Tier {
        let above = [Tier::Gold, Tier::Platinum, Tier::Diamond];
        above
            .into_iter()
            .zip(self.thresholds)
            .filter_map(|(tier, threshold)| threshold.filter(|t| spend >= *t).map(|_| tier))
            .max()
            .unwrap_or(Tier::Standard)
    }

    /// The next tier reachable by spend above `tier`, with its threshold.
    pub fn next_tier(&self, tier: Tier) -> Option<(Tier, Decimal)> {
        [Tier::Gold, Tier::Platinum, Tier::Diamond]
            .into_iter()
            .zip(self.thresholds)
            .filter(|(t, _)| *t > tier)
            .find_map(|(t, threshold)| threshold.map(|amount| (t, amount)))
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn rules(thresholds: [Option<Decimal>; 3]) -> TierRules {
        TierRules {
            thresholds,
            ..TierRules::default()
        }
    }

    #[test]
    fn the_highest_threshold_reached_is_the_tier() {
        let r = rules([Some(dec!(1000)), Some(dec!(5000)), Some(dec!(20000))]);
        assert_eq!(r.tier_for_spend(dec!(999.99)), Tier::Standard);
        assert_eq!(r.tier_for_spend(dec!(1000)), Tier::Gold);
        assert_eq!(r.tier_for_spend(dec!(19999)), Tier::Platinum);
        assert_eq!(r.tier_for_spend(dec!(20000)), Tier::Diamond);
        assert_eq!(r.next_tier(Tier::Gold), Some((Tier::Platinum, dec!(5000))));
        assert_eq!(r.next_tier(Tier::Diamond), None);
    }

    #[test]
    fn a_tier_without_threshold_is_skipped_and_no_thresholds_is_off() {
        let r = rules([Some(dec!(1000)), None, Some(dec!(20000))]);
        assert_eq!(r.tier_for_spend(dec!(8000)), Tier::Gold);
        assert_eq!(r.next_tier(Tier::Gold), Some((Tier::Diamond, dec!(20000))));
        assert!(!r.is_off());
        assert!(TierRules::default().is_off());
        assert_eq!(
            TierRules::default().tier_for_spend(dec!(1e9)),
            Tier::Standard
        );
    }
}
