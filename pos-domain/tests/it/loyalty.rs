//! Table tests for points: value, redemption caps, limits and approval, and earning.

use crate::support::{cart, line, price, promo};
use pos_domain::loyalty::{
    RedemptionCheck, RedemptionError, RedemptionLimits, check_redemption, points_earned,
    points_needed, points_value,
};
use pos_domain::member::{LoyaltyRules, Tier};
use pos_domain::promotion::{PromotionKind, Target};
use rust_decimal_macros::dec;

fn online(available: i64) -> RedemptionLimits {
    RedemptionLimits {
        available,
        online: true,
        redeemed_offline_today: 0,
    }
}

#[test]
fn what_points_are_worth() {
    let rules = LoyaltyRules::default();
    assert_eq!(points_value(1234, &rules), dec!(12.34));
    assert_eq!(points_value(0, &rules), dec!(0));
    assert_eq!(points_value(-5, &rules), dec!(0));
    assert_eq!(points_needed(dec!(12.34), &rules), 1234);
    let thirty = LoyaltyRules {
        points_per_yuan_redeemed: 30,
        ..LoyaltyRules::default()
    };
    assert_eq!(points_value(100, &thirty), dec!(3.33), "floored to the fen");
    assert_eq!(points_needed(dec!(3.33), &thirty), 100);
    assert_eq!(points_needed(dec!(1), &thirty), 30);
    assert_eq!(points_needed(dec!(0), &thirty), 0);
}

#[test]
fn redemption_checks() {
    let rules = LoyaltyRules::default(); // 100 points = 1 yuan, cap 50%, offline 5000/day, approval above 2000
    let allowed = |value, needs_approval| {
        Ok(RedemptionCheck::Allowed {
            value,
            needs_approval,
        })
    };
    let offline = |available, today| RedemptionLimits {
        available,
        online: false,
        redeemed_offline_today: today,
    };
    let cases = [
        (
            "a small redemption",
            500,
            dec!(100),
            online(10_000),
            allowed(dec!(5), false),
        ),
        (
            "exactly the approval threshold",
            2_000,
            dec!(100),
            online(10_000),
            allowed(dec!(20), false),
        ),
        (
            "above the approval threshold",
            2_001,
            dec!(100),
            online(10_000),
            allowed(dec!(20.01), true),
        ),
        (
            "exactly the cap",
            5_000,
            dec!(100),
            online(10_000),
            allowed(dec!(50), true),
        ),
        (
            "over the cap",
            5_001,
            dec!(100),
            online(10_000),
            Err(RedemptionError::OverCap {
                requested: 5_001,
                max: 5_000,
            }),
        ),
        (
            "cap rounds the yuan down to the fen",
            5_000,
            dec!(100.01),
            online(10_000),
            allowed(dec!(50), true),
        ),
        (
            "more than the balance",
            600,
            dec!(100),
            online(500),
            Err(RedemptionError::MoreThanAvailable {
                requested: 600,
                available: 500,
            }),
        ),
        (
            "zero",
            0,
            dec!(100),
            online(500),
            Err(RedemptionError::NotPositive),
        ),
        (
            "negative",
            -1,
            dec!(100),
            online(500),
            Err(RedemptionError::NotPositive),
        ),
        (
            "offline within the daily limit",
            1_000,
            dec!(100),
            offline(10_000, 4_000),
            allowed(dec!(10), false),
        ),
        (
            "offline past the daily limit",
            1_001,
            dec!(100),
            offline(10_000, 4_000),
            Err(RedemptionError::OfflineDailyLimit {
                requested: 1_001,
                left: 1_000,
            }),
        ),
        (
            "offline limit used up",
            1,
            dec!(100),
            offline(10_000, 6_000),
            Err(RedemptionError::OfflineDailyLimit {
                requested: 1,
                left: 0,
            }),
        ),
        (
            "online ignores the offline limit",
            1_001,
            dec!(100),
            RedemptionLimits {
                available: 10_000,
                online: true,
                redeemed_offline_today: 4_000,
            },
            allowed(dec!(10.01), false),
        ),
    ];
    for (case, points, total, limits, expected) in cases {
        assert_eq!(
            check_redemption(points, total, &limits, &rules),
            expected,
            "{case}"
        );
    }
}

#[test]
fn redemption_must_make_whole_fen_and_be_switched_on() {
    let coarse = LoyaltyRules {
        points_per_yuan_redeemed: 1_000,
        ..LoyaltyRules::default()
    };
    assert_eq!(
        check_redemption(15, dec!(100), &online(100), &coarse),
        Err(RedemptionError::NotWholeFen {
            requested: 15,
            usable: 10
        })
    );
    assert_eq!(
        check_redemption(5, dec!(100), &online(100), &coarse),
        Err(RedemptionError::NotWholeFen {
            requested: 5,
            usable: 0
        })
    );
    assert_eq!(
        check_redemption(20, dec!(100), &online(100), &coarse),
        Ok(RedemptionCheck::Allowed {
            value: dec!(0.02),
            needs_approval: false
        })
    );
    let off = LoyaltyRules {
        points_per_yuan_redeemed: 0,
        ..LoyaltyRules::default()
    };
    assert_eq!(
        check_redemption(100, dec!(100), &online(100), &off),
        Err(RedemptionError::RedemptionOff)
    );
}

#[test]
fn points_earned_on_money_actually_paid() {
    let rules = LoyaltyRules::default(); // 1 point per yuan; gold 1.2, platinum 1.5, diamond 2
    let double_a = promo(
        "D",
        1,
        true,
        PromotionKind::PointsMultiplier {
            target: Target::Sku("A".into()),
            multiplier: dec!(2),
        },
    );
    let plain = price(
        &cart(vec![
            line(1, "A", "bp", dec!(60), 1),
            line(2, "B", "bp", dec!(40.50), 1),
        ]),
        &[],
    );
    let doubled = price(
        &cart(vec![
            line(1, "A", "bp", dec!(60), 1),
            line(2, "B", "bp", dec!(40.50), 1),
        ]),
        &[double_a],
    );
    let cases = [
        (
            "one point a yuan, floored",
            &plain,
            dec!(0),
            Tier::Standard,
            100,
        ),
        (
            "not on the part paid with points",
            &plain,
            dec!(20.50),
            Tier::Standard,
            80,
        ),
        ("gold earns 1.2 times", &plain, dec!(0), Tier::Gold, 120),
        (
            "diamond earns twice",
            &plain,
            dec!(20.50),
            Tier::Diamond,
            160,
        ),
        (
            "line multiplier on its share",
            &doubled,
            dec!(0),
            Tier::Standard,
            160,
        ),
        (
            "line multiplier and tier together",
            &doubled,
            dec!(0),
            Tier::Platinum,
            240,
        ),
        (
            "all paid with points",
            &plain,
            dec!(100.50),
            Tier::Diamond,
            0,
        ),
        ("never negative", &plain, dec!(500), Tier::Standard, 0),
    ];
    for (case, priced, paid_with_points, tier, expected) in cases {
        assert_eq!(
            points_earned(&priced.lines, priced.total, paid_with_points, tier, &rules),
            expected,
            "{case}"
        );
    }
    assert_eq!(points_earned(&[], dec!(0), dec!(0), Tier::Gold, &rules), 0);
}
