//! Tier progress (升级进度): where a member stands on the ladder of tiers by spend, for
//! the till's member panel: spend in the window, the next tier reachable by spend and
//! what is left to reach it.

use rust_decimal::Decimal;

use crate::member::{Tier, TierRules};

/// A member's standing against the tier rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierProgress {
    /// The member's tier, or the higher one their spend already reaches (head office
    /// raises them when it takes in the sale).
    pub tier: Tier,
    /// Spend over the window (head office's plus the till's own not yet reflected).
    pub spend: Decimal,
    pub window_days: u32,
    /// The next tier reachable by spend and the spend still needed for it; `None` at
    /// the top of what spend reaches.
    pub next: Option<(Tier, Decimal)>,
}

/// The progress of a member of `tier` who spent `spend` over the window; `None` when
/// tiers do not change by spend.
pub fn tier_progress(rules: &TierRules, tier: Tier, spend: Decimal) -> Option<TierProgress> {
    if rules.is_off() {
        return None;
    }
    let reached = tier.max(rules.tier_for_spend(spend));
    let next = rules.next_tier(reached).map(|(next, threshold)| {
        // Spend is bounded like documents' amounts; a difference past Decimal's range
        // (a corrupt figure) leaves the whole threshold to reach.
        let left = threshold.checked_sub(spend).unwrap_or(threshold);
        (next, left.max(Decimal::ZERO))
    });
    Some(TierProgress {
        tier: reached,
        spend,
        window_days: rules.window_days,
        next,
    })
}

/// `1234.5` as `1,234.50`: yuan with thousands separators, as the till shows amounts a
/// customer reads at a glance.
pub fn grouped_yuan(amount: Decimal) -> String {
    let plain = crate::money::format_cny(amount);
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{fraction}")
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    fn rules(thresholds: [Option<Decimal>; 3]) -> TierRules {
        TierRules {
            thresholds,
            ..TierRules::default()
        }
    }

    #[test]
    fn a_gold_member_sees_what_is_left_to_platinum() {
        let r = rules([Some(dec!(1000)), Some(dec!(5000)), Some(dec!(20000))]);
        let p = tier_progress(&r, Tier::Gold, dec!(1234.00)).unwrap();
        assert_eq!(p.tier, Tier::Gold);
        assert_eq!(p.spend, dec!(1234.00));
        assert_eq!(p.window_days, 365);
        assert_eq!(p.next, Some((Tier::Platinum, dec!(3766.00))));
    }

    #[test]
    fn spend_past_a_threshold_counts_as_that_tier_and_the_top_has_no_next() {
        let r = rules([Some(dec!(1000)), Some(dec!(5000)), Some(dec!(20000))]);
        let p = tier_progress(&r, Tier::Gold, dec!(6000)).unwrap();
        assert_eq!(
            (p.tier, p.next),
            (Tier::Platinum, Some((Tier::Diamond, dec!(14000))))
        );
        let top = tier_progress(&r, Tier::Diamond, dec!(10)).unwrap();
        assert_eq!((top.tier, top.next), (Tier::Diamond, None));
        // A tier set by hand above the spend keeps its place on the ladder.
        let set = tier_progress(&r, Tier::Platinum, dec!(0)).unwrap();
        assert_eq!(set.next, Some((Tier::Diamond, dec!(20000))));
    }

    #[test]
    fn a_tier_without_threshold_is_skipped_and_returns_count_below_zero() {
        let r = rules([Some(dec!(1000)), None, Some(dec!(20000))]);
        let p = tier_progress(&r, Tier::Standard, dec!(-50)).unwrap();
        assert_eq!(p.next, Some((Tier::Gold, dec!(1050))));
        let g = tier_progress(&r, Tier::Gold, dec!(1500)).unwrap();
        assert_eq!(g.next, Some((Tier::Diamond, dec!(18500))));
    }

    #[test]
    fn no_progress_when_tiers_do_not_change_by_spend() {
        assert_eq!(
            tier_progress(&TierRules::default(), Tier::Gold, dec!(1)),
            None
        );
    }

    #[test]
    fn yuan_are_grouped_by_thousands() {
        for (amount, text) in [
            (dec!(0), "0.00"),
            (dec!(12.3), "12.30"),
            (dec!(999.999), "1,000.00"),
            (dec!(1234), "1,234.00"),
            (dec!(3766), "3,766.00"),
            (dec!(1234567.8), "1,234,567.80"),
            (dec!(-1234.5), "-1,234.50"),
        ] {
            assert_eq!(grouped_yuan(amount), text, "{amount}");
        }
    }
}
