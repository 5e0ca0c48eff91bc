//! Table tests for pricing: list and override prices, manual discounts, the order
//! discount, VAT per rate and the errors a cashier sees.

use crate::support::{at, cart, line, named, nets, price, promo, sku, with_manual};
use pos_domain::cart::{ManualPrice, OrderDiscount};
use pos_domain::pricing::{
    PricingContext, PricingError, manual_discount_fraction, price_cart, spread_largest_remainder,
};
use pos_domain::promotion::PromotionKind;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

#[test]
fn plain_cart_adds_up_with_vat_per_rate() {
    let mut strips = line(2, "B", "strip", dec!(12.50), 3);
    strips.product.vat_rate = dec!(0.09);
    let priced = price(&cart(vec![line(1, "A", "bp", dec!(99.00), 2), strips]), &[]);
    assert_eq!(nets(&priced), vec![dec!(198.00), dec!(37.50)]);
    assert_eq!(
        (priced.subtotal, priced.discount_total, priced.total),
        (dec!(235.50), dec!(0), dec!(235.50))
    );
    let vat: Vec<_> = priced
        .vat
        .iter()
        .map(|v| (v.rate, v.gross, v.vat))
        .collect();
    assert_eq!(
        vat,
        vec![
            (dec!(0.09), dec!(37.50), dec!(3.10)),
            (dec!(0.13), dec!(198.00), dec!(22.78))
        ]
    );
    assert!(
        priced
            .lines
            .iter()
            .all(|l| l.points_multiplier == Decimal::ONE)
    );
}

#[test]
fn manual_changes_come_after_promotions() {
    let ten_off = promo(
        "P1",
        1,
        true,
        PromotionKind::PercentOff {
            target: sku("A"),
            percent: dec!(10),
        },
    );
    let base = || line(1, "A", "bp", dec!(100), 1);
    let reason = || "破损".to_owned();
    let cases = [
        (
            "override replaces the price, no promotion",
            ManualPrice::Override {
                unit_price: dec!(80),
                reason: reason(),
            },
            dec!(80),
        ),
        (
            "percent off after the promotion",
            ManualPrice::PercentOff {
                percent: dec!(10),
                reason: reason(),
            },
            dec!(81),
        ),
        (
            "amount off after the promotion",
            ManualPrice::AmountOff {
                amount: dec!(5),
                reason: reason(),
            },
            dec!(85),
        ),
        (
            "amount off the whole line",
            ManualPrice::AmountOff {
                amount: dec!(90),
                reason: reason(),
            },
            dec!(0),
        ),
    ];
    for (case, manual, expected) in cases {
        let priced = price(
            &cart(vec![with_manual(base(), manual)]),
            std::slice::from_ref(&ten_off),
        );
        assert_eq!(nets(&priced), vec![expected], "{case}");
    }
    let overridden = price(
        &cart(vec![with_manual(
            line(1, "A", "bp", dec!(100), 2),
            ManualPrice::Override {
                unit_price: dec!(80),
                reason: reason(),
            },
        )]),
        &[],
    );
    assert_eq!(
        (overridden.lines[0].unit_price, overridden.lines[0].gross),
        (dec!(80), dec!(160))
    );
    let manual = price(
        &cart(vec![with_manual(
            base(),
            ManualPrice::AmountOff {
                amount: dec!(5),
                reason: reason(),
            },
        )]),
        &[],
    );
    assert_eq!(
        named(&manual.lines[0]),
        vec![("manual".into(), "破损".into(), dec!(5))]
    );
}

#[test]
fn order_discount_is_spread_so_lines_sum_to_the_total() {
    let lines = || {
        (1..=3)
            .map(|n| line(n, "A", "bp", dec!(10), 1))
            .collect::<Vec<_>>()
    };
    let mut c = cart(lines());
    c.order_discount = Some(OrderDiscount::Amount {
        amount: dec!(10),
        reason: "老顾客".into(),
    });
    let priced = price(&c, &[]);
    assert_eq!(nets(&priced), vec![dec!(6.66), dec!(6.67), dec!(6.67)]);
    assert_eq!(
        named(&priced.lines[0]),
        vec![("order".into(), "老顾客".into(), dec!(3.34))]
    );

    let mut c = cart(vec![
        line(1, "A", "bp", dec!(11.11), 1),
        line(2, "B", "bp", dec!(22.22), 1),
    ]);
    c.order_discount = Some(OrderDiscount::Percent {
        percent: dec!(10),
        reason: "店庆".into(),
    });
    let priced = price(&c, &[]);
    assert_eq!(priced.discount_total, dec!(3.33));
    assert_eq!(nets(&priced), vec![dec!(10.00), dec!(20.00)]);
}

#[test]
fn bad_input_is_a_clear_error() {
    let ok = || line(1, "A", "bp", dec!(100), 1);
    let reason = String::new;
    let mut order_too_big = cart(vec![ok()]);
    order_too_big.order_discount = Some(OrderDiscount::Amount {
        amount: dec!(100.01),
        reason: reason(),
    });
    let mut order_percent = cart(vec![ok()]);
    order_percent.order_discount = Some(OrderDiscount::Percent {
        percent: dec!(-1),
        reason: reason(),
    });
    let cases = [
        (
            cart(vec![ok(), line(2, "B", "bp", dec!(1), 0)]),
            PricingError::ZeroQuantity { line_no: 2 },
        ),
        (
            cart(vec![line(1, "A", "bp", dec!(1), 10_000)]),
            PricingError::QuantityTooLarge {
                line_no: 1,
                quantity: 10_000,
                max: 9_999,
            },
        ),
        (
            cart(vec![line(1, "A", "bp", dec!(-1), 1)]),
            PricingError::PriceOutOfRange {
                line_no: 1,
                price: dec!(-1),
                max: dec!(1000000),
            },
        ),
        (
            cart(vec![with_manual(
                ok(),
                ManualPrice::Override {
                    unit_price: dec!(-0.01),
                    reason: reason(),
                },
            )]),
            PricingError::OverridePriceOutOfRange {
                line_no: 1,
                price: dec!(-0.01),
                max: dec!(1000000),
            },
        ),
        (
            cart(vec![with_manual(
                ok(),
                ManualPrice::PercentOff {
                    percent: dec!(150),
                    reason: reason(),
                },
            )]),
            PricingError::LinePercentOutOfRange {
                line_no: 1,
                percent: dec!(150),
            },
        ),
        (
            cart(vec![with_manual(
                ok(),
                ManualPrice::AmountOff {
                    amount: dec!(-1),
                    reason: reason(),
                },
            )]),
            PricingError::LineAmountNegative {
                line_no: 1,
                amount: dec!(-1),
            },
        ),
        (
            cart(vec![with_manual(
                ok(),
                ManualPrice::AmountOff {
                    amount: dec!(100.01),
                    reason: reason(),
                },
            )]),
            PricingError::LineDiscountTooLarge {
                line_no: 1,
                amount: dec!(100.01),
                max: dec!(100),
            },
        ),
        (
            order_too_big,
            PricingError::OrderDiscountTooLarge {
                amount: dec!(100.01),
                max: dec!(100),
            },
        ),
        (
            order_percent,
            PricingError::OrderPercentOutOfRange { percent: dec!(-1) },
        ),
    ];
    for (c, expected) in cases {
        let got = price_cart(
            &c,
            &PricingContext {
                promotions: &[],
                at: at(),
            },
        );
        assert_eq!(got, Err(expected.clone()), "{expected}");
    }
}

#[test]
fn manual_discount_fraction_against_list_price() {
    let reason = String::new;
    let cases = [
        (None, dec!(0)),
        (
            Some(ManualPrice::Override {
                unit_price: dec!(85),
                reason: reason(),
            }),
            dec!(0.15),
        ),
        (
            Some(ManualPrice::Override {
                unit_price: dec!(120),
                reason: reason(),
            }),
            dec!(0),
        ),
        (
            Some(ManualPrice::PercentOff {
                percent: dec!(20),
                reason: reason(),
            }),
            dec!(0.2),
        ),
        (
            Some(ManualPrice::AmountOff {
                amount: dec!(30),
                reason: reason(),
            }),
            dec!(0.15),
        ),
    ];
    for (manual, expected) in cases {
        let mut l = line(1, "A", "bp", dec!(100), 2);
        l.manual = manual.clone();
        assert_eq!(manual_discount_fraction(&l), expected, "{manual:?}");
    }
}

#[test]
fn largest_remainder_never_gives_a_share_more_than_its_weight() {
    let weights = [dec!(0.01), dec!(0.01), dec!(9.98)];
    let shares = spread_largest_remainder(dec!(10.00), &weights);
    assert_eq!(shares, weights.to_vec());
    let shares = spread_largest_remainder(dec!(0.05), &[dec!(0.01), dec!(0.02), dec!(0.03)]);
    assert_eq!(shares.iter().sum::<Decimal>(), dec!(0.05));
    assert!(
        shares
            .iter()
            .zip([dec!(0.01), dec!(0.02), dec!(0.03)])
            .all(|(s, w)| *s <= w)
    );
}

#[test]
fn prices_in_fractions_of_a_fen_are_rounded_before_the_quantity() {
    let priced = price(&cart(vec![line(1, "A", "bp", dec!(1.005), 3)]), &[]);
    let l = &priced.lines[0];
    assert_eq!(
        (l.unit_price, l.gross, l.net),
        (dec!(1.01), dec!(3.03), dec!(3.03))
    );
}
