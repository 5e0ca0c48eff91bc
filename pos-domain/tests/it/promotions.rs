//! Table tests for promotions: each kind, validity, priority and stacking, tier prices,
//! buy N get M, spend X save Y (满减) and points multipliers.

use crate::support::{at, cart, line, named, nets, price, promo, sku};
use pos_domain::member::Tier;
use pos_domain::pricing::validate_promotion;
use pos_domain::promotion::{PromotionKind, Target};
use rust_decimal_macros::dec;

#[test]
fn each_line_promotion_kind() {
    let lines = || {
        cart(vec![
            line(1, "A", "bp", dec!(99.00), 2),
            line(2, "B", "strip", dec!(12.50), 3),
        ])
    };
    let cases = [
        (
            "percent off a sku",
            PromotionKind::PercentOff {
                target: sku("A"),
                percent: dec!(10),
            },
            [dec!(178.20), dec!(37.50)],
        ),
        (
            "amount off each unit of a category",
            PromotionKind::AmountOff {
                target: Target::Category("strip".into()),
                amount: dec!(2),
            },
            [dec!(198.00), dec!(31.50)],
        ),
        (
            "amount off never below zero",
            PromotionKind::AmountOff {
                target: sku("A"),
                amount: dec!(150),
            },
            [dec!(0), dec!(37.50)],
        ),
        (
            "percent off everything",
            PromotionKind::PercentOff {
                target: Target::All,
                percent: dec!(15),
            },
            [dec!(168.30), dec!(31.87)],
        ),
    ];
    for (case, kind, expected) in cases {
        let priced = price(&lines(), &[promo("P1", 1, true, kind)]);
        assert_eq!(nets(&priced), expected, "{case}");
    }
    let priced = price(
        &lines(),
        &[promo(
            "P1",
            1,
            true,
            PromotionKind::PercentOff {
                target: sku("A"),
                percent: dec!(10),
            },
        )],
    );
    assert_eq!(
        named(&priced.lines[0]),
        vec![("promotion".into(), "促销 P1".into(), dec!(19.80))]
    );
    assert_eq!(priced.lines[0].discounts[0].promotion_id, "P1");
}

#[test]
fn promotions_apply_only_within_their_validity() {
    let hour = chrono::TimeDelta::hours(1);
    let cases = [
        ("open ended", None, None, dec!(90)),
        ("starts later", Some(at() + hour), None, dec!(100)),
        ("ended before", None, Some(at() - hour), dec!(100)),
        ("starts exactly now", Some(at()), None, dec!(90)),
        ("ends exactly now", None, Some(at()), dec!(90)),
    ];
    for (case, from, to, expected) in cases {
        let mut p = promo(
            "P1",
            1,
            true,
            PromotionKind::PercentOff {
                target: Target::All,
                percent: dec!(10),
            },
        );
        p.valid_from = from;
        p.valid_to = to;
        assert_eq!(
            nets(&price(&cart(vec![line(1, "A", "bp", dec!(100), 1)]), &[p])),
            vec![expected],
            "{case}"
        );
    }
}

#[test]
fn priority_and_stacking() {
    let percent = |target: &str| PromotionKind::PercentOff {
        target: sku(target),
        percent: dec!(10),
    };
    let amount = PromotionKind::AmountOff {
        target: sku("A"),
        amount: dec!(5),
    };
    let cases = [
        (
            "both stackable: higher first, then lower on what is left",
            (10, true, "A"),
            (5, true),
            dec!(85),
        ),
        (
            "non-stackable higher stops the lower",
            (10, false, "A"),
            (5, true),
            dec!(90),
        ),
        (
            "non-stackable lower does not stop the higher",
            (10, true, "A"),
            (5, false),
            dec!(85),
        ),
        (
            "priority decides which runs first",
            (10, true, "A"),
            (20, false),
            dec!(95),
        ),
        (
            "a non-stackable rule that does not apply stops nothing",
            (10, false, "B"),
            (5, true),
            dec!(95),
        ),
    ];
    for (
        case,
        (high_priority, high_stackable, high_sku),
        (low_priority, low_stackable),
        expected,
    ) in cases
    {
        let rules = [
            promo("H", high_priority, high_stackable, percent(high_sku)),
            promo("L", low_priority, low_stackable, amount.clone()),
        ];
        assert_eq!(
            nets(&price(
                &cart(vec![line(1, "A", "bp", dec!(100), 1)]),
                &rules
            )),
            vec![expected],
            "{case}"
        );
    }
}

#[test]
fn tier_price_by_tier() {
    let gold_price = promo(
        "T1",
        1,
        true,
        PromotionKind::TierPrice {
            sku: "A".into(),
            tier: Tier::Gold,
            price: dec!(80),
        },
    );
    let cases = [
        (None, dec!(200)),
        (Some(Tier::Standard), dec!(200)),
        (Some(Tier::Gold), dec!(160)),
        (Some(Tier::Diamond), dec!(160)),
    ];
    for (tier, expected) in cases {
        let mut c = cart(vec![line(1, "A", "bp", dec!(100), 2)]);
        c.member_tier = tier;
        assert_eq!(
            nets(&price(&c, std::slice::from_ref(&gold_price))),
            vec![expected],
            "{tier:?}"
        );
    }
}

#[test]
fn the_best_tier_price_wins_instead_of_adding_up() {
    let rules = [
        promo(
            "T1",
            2,
            true,
            PromotionKind::TierPrice {
                sku: "A".into(),
                tier: Tier::Gold,
                price: dec!(90),
            },
        ),
        promo(
            "T2",
            1,
            true,
            PromotionKind::TierPrice {
                sku: "A".into(),
                tier: Tier::Platinum,
                price: dec!(80),
            },
        ),
    ];
    for (tier, expected) in [
        (Tier::Gold, dec!(180)),
        (Tier::Platinum, dec!(160)),
        (Tier::Diamond, dec!(160)),
    ] {
        let mut c = cart(vec![line(1, "A", "bp", dec!(100), 2)]);
        c.member_tier = Some(tier);
        assert_eq!(nets(&price(&c, &rules)), vec![expected], "{tier:?}");
    }
}

#[test]
fn buy_two_get_one_free() {
    let rule = promo(
        "B1",
        1,
        true,
        PromotionKind::BuyGet {
            sku: "A".into(),
            buy: 2,
            get: 1,
        },
    );
    for (quantity, expected) in [(2, dec!(60)), (3, dec!(60)), (5, dec!(120)), (6, dec!(120))] {
        let priced = price(
            &cart(vec![line(1, "A", "bp", dec!(30), quantity)]),
            std::slice::from_ref(&rule),
        );
        assert_eq!(nets(&priced), vec![expected], "quantity {quantity}");
    }
    // Serial devices sit one per line: the free unit is counted over the lines together.
    let serials = cart((1..=3).map(|n| line(n, "A", "bp", dec!(30), 1)).collect());
    assert_eq!(
        nets(&price(&serials, &[rule])),
        vec![dec!(20), dec!(20), dec!(20)]
    );
}

#[test]
fn spend_save_once_repeated_and_spread_by_largest_remainder() {
    let lines = || {
        cart(vec![
            line(1, "A", "bp", dec!(150), 1),
            line(2, "B", "strip", dec!(100), 1),
            line(3, "C", "mask", dec!(200), 1),
        ])
    };
    let rule = |repeat| {
        promo(
            "M1",
            1,
            true,
            PromotionKind::SpendSave {
                target: Target::All,
                threshold: dec!(200),
                save: dec!(20),
                repeat,
            },
        )
    };
    let once = price(&lines(), &[rule(false)]);
    assert_eq!(nets(&once), vec![dec!(143.33), dec!(95.56), dec!(191.11)]);
    assert_eq!(once.discount_total, dec!(20));
    let repeated = price(&lines(), &[rule(true)]);
    assert_eq!(
        nets(&repeated),
        vec![dec!(136.67), dec!(91.11), dec!(182.22)]
    );
    assert_eq!(repeated.discount_total, dec!(40));

    let below = price(&cart(vec![line(1, "A", "bp", dec!(150), 1)]), &[rule(true)]);
    assert_eq!(nets(&below), vec![dec!(150)]);
}

#[test]
fn spend_save_counts_only_matching_lines_after_line_promotions() {
    let lines = || {
        cart(vec![
            line(1, "A", "bp", dec!(150), 1),
            line(2, "B", "bp", dec!(100), 1),
            line(3, "C", "mask", dec!(300), 1),
        ])
    };
    let spend = promo(
        "M1",
        9,
        true,
        PromotionKind::SpendSave {
            target: Target::Category("bp".into()),
            threshold: dec!(200),
            save: dec!(25),
            repeat: false,
        },
    );
    assert_eq!(
        nets(&price(&lines(), std::slice::from_ref(&spend))),
        vec![dec!(135), dec!(90), dec!(300)]
    );
    // 40% off A leaves 90 + 100 = 190 of blood-pressure goods: under the threshold.
    let percent = promo(
        "P1",
        1,
        true,
        PromotionKind::PercentOff {
            target: sku("A"),
            percent: dec!(40),
        },
    );
    assert_eq!(
        nets(&price(&lines(), &[spend.clone(), percent])),
        vec![dec!(90), dec!(100), dec!(300)]
    );
    // A non-stackable rule ranked above the 满减 keeps its line out of it.
    let exclusive = promo(
        "X1",
        10,
        false,
        PromotionKind::AmountOff {
            target: sku("A"),
            amount: dec!(1),
        },
    );
    assert_eq!(
        nets(&price(&lines(), &[spend, exclusive])),
        vec![dec!(149), dec!(100), dec!(300)]
    );
}

#[test]
fn points_multiplier_is_the_largest_that_applies() {
    let rules = [
        promo(
            "D1",
            1,
            true,
            PromotionKind::PointsMultiplier {
                target: Target::All,
                multiplier: dec!(2),
            },
        ),
        promo(
            "D2",
            2,
            false,
            PromotionKind::PointsMultiplier {
                target: sku("A"),
                multiplier: dec!(3),
            },
        ),
    ];
    let priced = price(
        &cart(vec![
            line(1, "A", "bp", dec!(10), 1),
            line(2, "B", "bp", dec!(10), 1),
        ]),
        &rules,
    );
    let multipliers: Vec<_> = priced.lines.iter().map(|l| l.points_multiplier).collect();
    assert_eq!(multipliers, vec![dec!(3), dec!(2)]);
    assert_eq!(
        priced.discount_total,
        dec!(0),
        "a points rule changes no price"
    );
}

#[test]
fn malformed_promotions_never_apply() {
    let bad = promo(
        "BAD",
        1,
        true,
        PromotionKind::PercentOff {
            target: Target::All,
            percent: dec!(150),
        },
    );
    assert!(validate_promotion(&bad).is_err());
    assert_eq!(
        nets(&price(
            &cart(vec![line(1, "A", "bp", dec!(100), 1)]),
            &[bad]
        )),
        vec![dec!(100)]
    );
    let good = promo(
        "OK",
        1,
        true,
        PromotionKind::BuyGet {
            sku: "A".into(),
            buy: 1,
            get: 1,
        },
    );
    assert_eq!(validate_promotion(&good), Ok(()));
}

#[test]
fn an_amount_past_the_document_bound_is_malformed_and_prices_nothing() {
    // 7e28 fits a Decimal, but 7e28 x 2 units does not: before the bound, pricing such
    // a rule panicked the till.
    let huge = "70000000000000000000000000000".parse().unwrap();
    for kind in [
        PromotionKind::AmountOff {
            target: Target::All,
            amount: huge,
        },
        PromotionKind::TierPrice {
            sku: "A".into(),
            tier: Tier::Standard,
            price: huge,
        },
        PromotionKind::SpendSave {
            target: Target::All,
            threshold: huge,
            save: dec!(1),
            repeat: true,
        },
    ] {
        let bad = promo("HUGE", 1, true, kind);
        assert!(validate_promotion(&bad).is_err(), "{bad:?}");
        let mut basket = cart(vec![line(1, "A", "bp", dec!(100), 2)]);
        basket.member_tier = Some(Tier::Gold);
        assert_eq!(nets(&price(&basket, &[bad])), vec![dec!(200)]);
    }
    let at_bound = promo(
        "MAX",
        1,
        true,
        PromotionKind::AmountOff {
            target: Target::All,
            amount: pos_domain::validate::AMOUNT_MAX,
        },
    );
    assert_eq!(validate_promotion(&at_bound), Ok(()));
}

/// A promotion for an RFM segment prices only a sale whose member is in that segment:
/// not a member of another segment, not a sale without a member; and a non-stackable
/// segment rule the member does not get stops nothing below it.
#[test]
fn a_segment_promotion_applies_only_to_its_segments_members() {
    let mut for_segment = promo(
        "SEG",
        5,
        false,
        PromotionKind::PercentOff {
            target: Target::All,
            percent: dec!(20),
        },
    );
    for_segment.segment = Some("important_value".into());
    let for_everyone = promo(
        "ALL",
        1,
        true,
        PromotionKind::AmountOff {
            target: Target::All,
            amount: dec!(5),
        },
    );
    let rules = [for_segment, for_everyone];
    for (segment, expected, applied) in [
        (Some("important_value"), dec!(80), vec!["SEG"]),
        (Some("general_value"), dec!(95), vec!["ALL"]),
        (None, dec!(95), vec!["ALL"]),
    ] {
        let mut c = cart(vec![line(1, "A", "bp", dec!(100), 1)]);
        c.member_tier = segment.map(|_| Tier::Standard);
        c.member_segment = segment.map(str::to_owned);
        let priced = price(&c, &rules);
        assert_eq!(nets(&priced), vec![expected], "{segment:?}");
        let ids: Vec<&str> = priced.lines[0]
            .discounts
            .iter()
            .map(|d| d.promotion_id.as_str())
            .collect();
        assert_eq!(ids, applied, "{segment:?}");
    }
}
