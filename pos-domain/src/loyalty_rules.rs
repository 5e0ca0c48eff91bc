//! The loyalty rules as fields a person types (head office's console), read back with
//! the checks that keep every earn and redemption sum in range.

use rust_decimal::Decimal;

use crate::member::{LoyaltyRules, TIER_DAYS_MAX, TierRules};
use crate::points_expiry::POINTS_EXPIRY_YEARS_MAX;
use crate::pricing::promotions::POINTS_MULTIPLIER_MAX;
use crate::validate::POINTS_MAX;

/// How many fields the rules are typed in.
pub const LOYALTY_FIELD_COUNT: usize = 15;

/// The fields, in order: the tier multipliers are standard, gold, platinum, diamond;
/// then the tiers by spend (an empty threshold: the tier is not reached by spend); then
/// the years points last.
pub const LOYALTY_FIELDS: [&str; LOYALTY_FIELD_COUNT] = [
    "points_per_yuan",
    "multiplier_standard",
    "multiplier_gold",
    "multiplier_platinum",
    "multiplier_diamond",
    "points_per_yuan_redeemed",
    "redeem_cap_fraction",
    "offline_daily_redeem_limit",
    "approval_threshold_points",
    "tier_window_days",
    "tier_review_days",
    "tier_threshold_gold",
    "tier_threshold_platinum",
    "tier_threshold_diamond",
    "points_expiry_years",
];

/// Most points one yuan paid may earn before the tier multiplier.
pub const POINTS_PER_YUAN_MAX: Decimal = Decimal::ONE_THOUSAND;
/// Most points one redeemed yuan may cost.
pub const POINTS_PER_YUAN_REDEEMED_MAX: i64 = 1_000_000;

/// A loyalty rule out of range or unreadable, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("loyalty rule `{field}` is \"{value}\": {why}")]
pub struct InvalidLoyaltyRules {
    pub field: &'static str,
    pub value: String,
    pub why: &'static str,
}

/// Checks every rule is in range: earning never overflows and a cap is a fraction.
pub fn validate_loyalty_rules(rules: &LoyaltyRules) -> Result<(), InvalidLoyaltyRules> {
    let fields = loyalty_rules_to_fields(rules);
    let refuse = |index: usize, why| {
        Err(InvalidLoyaltyRules {
            field: LOYALTY_FIELDS[index],
            value: fields[index].clone(),
            why,
        })
    };
    if !(Decimal::ZERO..=POINTS_PER_YUAN_MAX).contains(&rules.points_per_yuan) {
        return refuse(0, "must be from 0 to 1000");
    }
    for (i, multiplier) in rules.tier_multipliers.iter().enumerate() {
        if !(Decimal::ZERO..=POINTS_MULTIPLIER_MAX).contains(multiplier) {
            return refuse(1 + i, "must be from 0 to 100");
        }
    }
    if !(0..=POINTS_PER_YUAN_REDEEMED_MAX).contains(&rules.points_per_yuan_redeemed) {
        return refuse(5, "must be from 0 (redemption off) to 1000000");
    }
    if !(Decimal::ZERO..=Decimal::ONE).contains(&rules.redeem_cap_fraction) {
        return refuse(6, "must be a fraction from 0 to 1: write 0.5 for half");
    }
    if !(0..=POINTS_MAX).contains(&rules.offline_daily_redeem_limit) {
        return refuse(7, "must be from 0 to 1000000000");
    }
    if !(0..=POINTS_MAX).contains(&rules.approval_threshold_points) {
        return refuse(8, "must be from 0 to 1000000000");
    }
    let tiers = &rules.tiers;
    if !(1..=TIER_DAYS_MAX).contains(&tiers.window_days) {
        return refuse(9, "must be from 1 to 3660 days");
    }
    if tiers.review_days > TIER_DAYS_MAX {
        return refuse(10, "must be from 0 to 3660 days");
    }
    let mut below = Decimal::ZERO;
    for (i, threshold) in tiers.thresholds.iter().enumerate() {
        let Some(threshold) = threshold else { continue };
        if threshold.normalize().scale() > 2 || *threshold <= below {
            return refuse(
                11 + i,
                "must be an amount in yuan above 0 and above the lower tiers' thresholds",
            );
        }
        below = *threshold;
    }
    if rules.points_expiry_years > POINTS_EXPIRY_YEARS_MAX {
        return refuse(14, "must be from 0 (points never lapse) to 10 years");
    }
    Ok(())
}

/// Reads the rules from their fields (in [`LOYALTY_FIELDS`] order) and checks them.
pub fn loyalty_rules_from_fields(
    fields: &[&str; LOYALTY_FIELD_COUNT],
) -> Result<LoyaltyRules, InvalidLoyaltyRules> {
    let unreadable = |index: usize, why| InvalidLoyaltyRules {
        field: LOYALTY_FIELDS[index],
        value: fields[index].to_owned(),
        why,
    };
    let decimal = |index: usize| {
        fields[index]
            .trim()
            .parse::<Decimal>()
            .map_err(|_| unreadable(index, "must be a decimal number such as 1.5"))
    };
    let whole = |index: usize| {
        fields[index]
            .trim()
            .parse::<i64>()
            .map_err(|_| unreadable(index, "must be a whole number such as 100"))
    };
    // Empty: the default (365), so a form without the tier fields still reads.
    let days = |index: usize| match fields[index].trim() {
        "" => Ok(TierRules::default().window_days),
        text => text
            .parse::<u32>()
            .map_err(|_| unreadable(index, "must be a whole number of days such as 365")),
    };
    // Empty: never (0), so a form without the field still reads.
    let expiry_years = |index: usize| match fields[index].trim() {
        "" => Ok(0),
        text => text
            .parse::<u32>()
            .map_err(|_| unreadable(index, "must be a whole number of years such as 1, or 0")),
    };
    let threshold = |index: usize| match fields[index].trim() {
        "" => Ok(None),
        text => text
            .parse::<Decimal>()
            .map(Some)
            .map_err(|_| unreadable(index, "must be an amount such as 5000, or empty")),
    };
    let rules = LoyaltyRules {
        points_per_yuan: decimal(0)?,
        tier_multipliers: [decimal(1)?, decimal(2)?, decimal(3)?, decimal(4)?],
        points_per_yuan_redeemed: whole(5)?,
        redeem_cap_fraction: decimal(6)?,
        offline_daily_redeem_limit: whole(7)?,
        approval_threshold_points: whole(8)?,
        tiers: TierRules {
            window_days: days(9)?,
            review_days: days(10)?,
            thresholds: [threshold(11)?, threshold(12)?, threshold(13)?],
            labels: Vec::new(),
        },
        points_expiry_years: expiry_years(14)?,
    };
    validate_loyalty_rules(&rules)?;
    Ok(rules)
}

/// The rules as fields: what [`loyalty_rules_from_fields`] reads back to the same rules.
pub fn loyalty_rules_to_fields(rules: &LoyaltyRules) -> [String; LOYALTY_FIELD_COUNT] {
    let [standard, gold, platinum, diamond] = rules.tier_multipliers;
    let threshold = |i: usize| rules.tiers.thresholds[i].map_or(String::new(), |t| t.to_string());
    [
        rules.points_per_yuan.to_string(),
        standard.to_string(),
        gold.to_string(),
        platinum.to_string(),
        diamond.to_string(),
        rules.points_per_yuan_redeemed.to_string(),
        rules.redeem_cap_fraction.to_string(),
        rules.offline_daily_redeem_limit.to_string(),
        rules.approval_threshold_points.to_string(),
        rules.tiers.window_days.to_string(),
        rules.tiers.review_days.to_string(),
        threshold(0),
        threshold(1),
        threshold(2),
        rules.points_expiry_years.to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(rules: &LoyaltyRules) -> [String; LOYALTY_FIELD_COUNT] {
        loyalty_rules_to_fields(rules)
    }

    fn read(fields: &[String; LOYALTY_FIELD_COUNT]) -> Result<LoyaltyRules, InvalidLoyaltyRules> {
        let texts: Vec<&str> = fields.iter().map(String::as_str).collect();
        loyalty_rules_from_fields(&texts.try_into().unwrap())
    }

    #[test]
    fn the_default_rules_read_back_from_their_fields() {
        let rules = LoyaltyRules::default();
        assert_eq!(read(&fields_of(&rules)), Ok(rules));
    }

    #[test]
    fn tier_thresholds_read_back_and_must_rise() {
        let mut fields = fields_of(&LoyaltyRules::default());
        fields[11] = "1000".into();
        fields[13] = "20000.50".into();
        let rules = read(&fields).unwrap();
        assert_eq!(
            rules.tiers.thresholds,
            [
                Some(Decimal::ONE_THOUSAND),
                None,
                Some(Decimal::new(2000050, 2))
            ]
        );
        assert_eq!(read(&fields_of(&rules)), Ok(rules));
        fields[12] = "900".into();
        assert_eq!(read(&fields).unwrap_err().field, "tier_threshold_platinum");
        fields[12] = String::new();
        fields[9] = String::new();
        assert_eq!(
            read(&fields).unwrap().tiers.window_days,
            365,
            "empty: the default"
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        for (index, value, why) in [
            (0, "-1", "from 0 to 1000"),
            (0, "1001", "from 0 to 1000"),
            (2, "abc", "decimal number"),
            (4, "101", "from 0 to 100"),
            (5, "1.5", "whole number"),
            (5, "-100", "redemption off"),
            (6, "1.5", "fraction"),
            (7, "99999999999999999999", "whole number"),
            (8, "-1", "from 0 to 1000000000"),
            (9, "0", "from 1 to 3660"),
            (10, "-1", "number of days"),
            (11, "abc", "or empty"),
            (12, "0", "above 0"),
            (11, "0.001", "amount in yuan"),
            (14, "11", "to 10 years"),
            (14, "-1", "whole number of years"),
        ] {
            let mut fields = fields_of(&LoyaltyRules::default());
            fields[index] = value.to_owned();
            let e = read(&fields).unwrap_err();
            assert_eq!(e.field, LOYALTY_FIELDS[index], "{value}");
            assert!(e.to_string().contains(why), "{value}: {e}");
        }
    }
}
