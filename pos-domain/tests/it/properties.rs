//! Property tests of the money rules: for random carts, promotions, tenders and returns,
//! the totals always add up to the fen.

use crate::support::{at, document, line};
use chrono::TimeDelta;
use pos_domain::cart::{Cart, CartLine, ManualPrice, OrderDiscount};
use pos_domain::document::{DocumentBody, Return, Sale, SaleMember, Tender, TenderKind};
use pos_domain::loyalty::{RedemptionCheck, RedemptionLimits, check_redemption, points_earned};
use pos_domain::member::{LoyaltyRules, Tier};
use pos_domain::money::{round_cny, vat_included};
use pos_domain::pricing::{
    PricedCart, PricingContext, PricingError, price_cart, spread_largest_remainder,
};
use pos_domain::promotion::{Promotion, PromotionKind, Target};
use pos_domain::returns::{RefundTo, ReturnRequestLine, plan_return};
use pos_domain::tender::{CashRounding, TenderError, settle};
use pos_domain::validate::validate_document;
use proptest::prelude::*;
use proptest::sample::select;
use rust_decimal::Decimal;
use uuid::Uuid;

const SKUS: [(&str, &str); 4] = [("A", "bp"), ("B", "bp"), ("C", "strip"), ("D", "mask")];

fn yuan(fen: i64) -> Decimal {
    Decimal::new(fen, 2)
}

fn arb_manual() -> impl Strategy<Value = Option<ManualPrice>> {
    prop_oneof![
        3 => Just(None),
        1 => (0i64..60_000).prop_map(|fen| Some(ManualPrice::Override { unit_price: yuan(fen), reason: "改价".into() })),
        1 => (0i64..=100).prop_map(|p| Some(ManualPrice::PercentOff { percent: Decimal::from(p), reason: "折扣".into() })),
        1 => (0i64..5_000).prop_map(|fen| Some(ManualPrice::AmountOff { amount: yuan(fen), reason: "让利".into() })),
    ]
}

fn arb_line() -> impl Strategy<Value = CartLine> {
    (
        select(SKUS.to_vec()),
        0i64..50_000,
        1u32..=6,
        select(vec![0i64, 9, 13]),
        arb_manual(),
    )
        .prop_map(
            |((sku, category), price_fen, quantity, vat_percent, manual)| {
                let mut l = line(0, sku, category, yuan(price_fen), quantity);
                l.product.vat_rate = Decimal::new(vat_percent, 2);
                l.manual = manual;
                l
            },
        )
}

fn arb_target() -> impl Strategy<Value = Target> {
    prop_oneof![
        Just(Target::All),
        select(SKUS.to_vec()).prop_map(|(sku, _)| Target::Sku(sku.into())),
        select(vec!["bp", "strip", "mask"]).prop_map(|c| Target::Category(c.into())),
    ]
}

fn arb_kind() -> impl Strategy<Value = PromotionKind> {
    let sku = || select(SKUS.to_vec()).prop_map(|(sku, _)| sku.to_owned());
    prop_oneof![
        (arb_target(), 1i64..=100).prop_map(|(target, p)| PromotionKind::PercentOff {
            target,
            percent: Decimal::from(p)
        }),
        (arb_target(), 1i64..5_000).prop_map(|(target, fen)| PromotionKind::AmountOff {
            target,
            amount: yuan(fen)
        }),
        (arb_target(), 1i64..100_000, 1i64..20_000, any::<bool>()).prop_map(
            |(target, t, s, repeat)| {
                PromotionKind::SpendSave {
                    target,
                    threshold: yuan(t),
                    save: yuan(s),
                    repeat,
                }
            }
        ),
        (sku(), 1u32..=3, 1u32..=2).prop_map(|(sku, buy, get)| PromotionKind::BuyGet {
            sku,
            buy,
            get
        }),
        (sku(), select(Tier::ALL.to_vec()), 0i64..50_000).prop_map(|(sku, tier, fen)| {
            PromotionKind::TierPrice {
                sku,
                tier,
                price: yuan(fen),
            }
        }),
        (arb_target(), 2i64..=10).prop_map(|(target, half)| PromotionKind::PointsMultiplier {
            target,
            multiplier: Decimal::new(half * 5, 1)
        }),
    ]
}

fn arb_promotions() -> impl Strategy<Value = Vec<Promotion>> {
    let validity = prop_oneof![
        Just(None),
        (-3i64..=3).prop_map(|h| Some(at() + TimeDelta::hours(h)))
    ];
    let promotion = (
        arb_kind(),
        -5i32..=5,
        any::<bool>(),
        validity.clone(),
        validity,
    );
    prop::collection::vec(promotion, 0..6).prop_map(|rules| {
        rules
            .into_iter()
            .enumerate()
            .map(
                |(i, (kind, priority, stackable, valid_from, valid_to))| Promotion {
                    id: format!("P{i}"),
                    name: format!("促销 {i}"),
                    kind,
                    priority,
                    stackable,
                    valid_from,
                    valid_to,
                    segment: None,
                },
            )
            .collect()
    })
}

fn arb_cart() -> impl Strategy<Value = Cart> {
    let order = prop_oneof![
        2 => Just(None),
        1 => (0i64..=100).prop_map(|p| Some(OrderDiscount::Percent { percent: Decimal::from(p), reason: "整单".into() })),
        1 => (0i64..10_000).prop_map(|fen| Some(OrderDiscount::Amount { amount: yuan(fen), reason: "整单".into() })),
    ];
    (
        prop::collection::vec(arb_line(), 1..8),
        prop::option::of(select(Tier::ALL.to_vec())),
        order,
    )
        .prop_map(|(mut lines, member_tier, order_discount)| {
            for (i, l) in lines.iter_mut().enumerate() {
                l.line_no = i as u32 + 1;
            }
            Cart {
                lines,
                member_tier,
                member_segment: None,
                order_discount,
            }
        })
}

/// Prices a random cart; a manual or order discount bigger than what is left is a fair
/// error for random input, anything else is a bug.
fn priced(cart: &Cart, promotions: &[Promotion]) -> Option<PricedCart> {
    match price_cart(
        cart,
        &PricingContext {
            promotions,
            at: at(),
        },
    ) {
        Ok(priced) => Some(priced),
        Err(
            PricingError::LineDiscountTooLarge { .. } | PricingError::OrderDiscountTooLarge { .. },
        ) => None,
        Err(other) => panic!("unexpected pricing error: {other}"),
    }
}

fn check_priced(p: &PricedCart) -> Result<(), TestCaseError> {
    let mut discounts = Decimal::ZERO;
    for l in &p.lines {
        let taken: Decimal = l.discounts.iter().map(|d| d.amount).sum();
        discounts += taken;
        prop_assert!(l.net >= Decimal::ZERO, "line {} net {}", l.line_no, l.net);
        prop_assert_eq!(l.gross - taken, l.net);
        prop_assert!(
            l.discounts
                .iter()
                .all(|d| d.amount > Decimal::ZERO && round_cny(d.amount) == d.amount)
        );
        prop_assert_eq!(round_cny(l.net), l.net);
        prop_assert!(l.points_multiplier >= Decimal::ONE);
    }
    prop_assert_eq!(p.lines.iter().map(|l| l.net).sum::<Decimal>(), p.total);
    prop_assert_eq!(discounts, p.discount_total);
    prop_assert_eq!(p.subtotal - p.discount_total, p.total);
    prop_assert_eq!(p.vat.iter().map(|v| v.gross).sum::<Decimal>(), p.total);
    for pair in p.vat.windows(2) {
        prop_assert!(pair[0].rate < pair[1].rate);
    }
    for v in &p.vat {
        let at_rate: Decimal = p
            .lines
            .iter()
            .filter(|l| l.vat_rate == v.rate)
            .map(|l| l.net)
            .sum();
        prop_assert_eq!(v.gross, at_rate);
        prop_assert_eq!(v.vat, vat_included(at_rate, v.rate));
    }
    Ok(())
}

/// How a random customer pays: some points, some card, some wallet, cash with change.
#[derive(Debug, Clone)]
struct Payment {
    points: i64,
    offline: bool,
    card_percent: i64,
    wallet_percent: i64,
    cash_extra_fen: i64,
    rounding: CashRounding,
}

fn arb_payment() -> impl Strategy<Value = Payment> {
    (
        prop_oneof![Just(0i64), 1i64..30_000],
        any::<bool>(),
        0i64..=100,
        0i64..=100,
        prop_oneof![Just(0i64), 0i64..20_000],
        select(vec![CashRounding::None, CashRounding::ToJiao]),
    )
        .prop_map(
            |(points, offline, card_percent, wallet_percent, cash_extra_fen, rounding)| Payment {
                points,
                offline,
                card_percent,
                wallet_percent,
                cash_extra_fen,
                rounding,
            },
        )
}

fn floor_fen(amount: Decimal) -> Decimal {
    (amount * Decimal::ONE_HUNDRED).floor() / Decimal::ONE_HUNDRED
}

fn tenders_for(total: Decimal, pay: &Payment, rules: &LoyaltyRules) -> Vec<Tender> {
    let mut tenders = Vec::new();
    let limits = RedemptionLimits {
        available: pay.points,
        online: !pay.offline,
        redeemed_offline_today: 0,
    };
    if let Ok(RedemptionCheck::Allowed { value, .. }) =
        check_redemption(pay.points, total, &limits, rules)
    {
        tenders.push(Tender {
            kind: TenderKind::Points,
            amount: value,
            reference: None,
            points: pay.points,
        });
    }
    let mut left = total - tenders.iter().map(|t| t.amount).sum::<Decimal>();
    for (kind, percent, reference) in [
        (TenderKind::BankCard, pay.card_percent, "C1"),
        (TenderKind::WechatPay, pay.wallet_percent, "W1"),
    ] {
        let amount = floor_fen(left * Decimal::from(percent) / Decimal::ONE_HUNDRED);
        if amount > Decimal::ZERO {
            tenders.push(Tender {
                kind,
                amount,
                reference: Some(reference.into()),
                points: 0,
            });
            left -= amount;
        }
    }
    // Enough cash for the rest even if it is rounded up to the jiao, plus some change.
    let cash = left + yuan(5) + yuan(pay.cash_extra_fen);
    if cash > Decimal::ZERO {
        tenders.push(Tender {
            kind: TenderKind::Cash,
            amount: cash,
            reference: None,
            points: 0,
        });
    }
    tenders
}

fn sale_for(
    p: &PricedCart,
    tier: Tier,
    pay: &Payment,
    rules: &LoyaltyRules,
) -> Result<Sale, TestCaseError> {
    let tenders = tenders_for(p.total, pay, rules);
    let settlement =
        settle(p.total, &tenders, pay.rounding).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let cash_in: Decimal = tenders
        .iter()
        .filter(|t| t.kind == TenderKind::Cash)
        .map(|t| t.amount)
        .sum();
    prop_assert!(
        settlement.paid >= settlement.due,
        "tenders cover the due amount"
    );
    prop_assert!(settlement.change >= Decimal::ZERO && settlement.change <= cash_in);
    prop_assert_eq!(settlement.paid - settlement.change, settlement.due);
    prop_assert!(settlement.cash_rounding.abs() <= yuan(5));
    let paid_with_points: Decimal = tenders
        .iter()
        .filter(|t| t.kind == TenderKind::Points)
        .map(|t| t.amount)
        .sum();
    let earned = points_earned(&p.lines, p.total, paid_with_points, tier, rules);
    prop_assert!(earned >= 0);
    Ok(Sale {
        shift_id: Uuid::nil(),
        lines: p.lines.clone(),
        subtotal: p.subtotal,
        discount_total: p.discount_total,
        total: p.total,
        vat: p.vat.clone(),
        points_redeemed: tenders.iter().map(|t| t.points).sum(),
        organisation: None,
        tenders,
        cash_rounding: settlement.cash_rounding,
        change: settlement.change,
        member: Some(member(tier)),
        points_earned: earned,
    })
}

/// Splits every unit of the sale into random goes (a small deterministic generator keeps
/// the goes reproducible from the proptest seed).
fn random_goes(sale: &Sale, mut seed: u64) -> Vec<Vec<ReturnRequestLine>> {
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as u32
    };
    let mut left: Vec<(u32, u32)> = sale.lines.iter().map(|l| (l.line_no, l.quantity)).collect();
    let mut goes = Vec::new();
    while left.iter().any(|(_, q)| *q > 0) {
        let mut go: Vec<ReturnRequestLine> = Vec::new();
        for (line_no, remaining) in left.iter_mut().filter(|(_, q)| *q > 0) {
            let quantity = next() % (*remaining + 1);
            if quantity > 0 {
                go.push(ReturnRequestLine {
                    original_line_no: *line_no,
                    quantity,
                });
                *remaining -= quantity;
            }
        }
        if go.is_empty() {
            let (line_no, remaining) = left
                .iter_mut()
                .find(|(_, q)| *q > 0)
                .expect("units are left");
            go.push(ReturnRequestLine {
                original_line_no: *line_no,
                quantity: *remaining,
            });
            *remaining = 0;
        }
        goes.push(go);
    }
    goes
}

fn member(tier: Tier) -> SaleMember {
    SaleMember {
        member_id: "M1".into(),
        card_no: "8800001".into(),
        tier,
    }
}

/// The store's own check that a document adds up, which every sale and return must pass.
fn check_valid(body: DocumentBody) -> Result<(), TestCaseError> {
    validate_document(&document(2, body)).map_err(|e| TestCaseError::fail(e.to_string()))
}

fn as_return(plan: pos_domain::returns::ReturnPlan, sale: &Sale) -> Return {
    Return {
        shift_id: Uuid::nil(),
        original_sale_id: Some(Uuid::nil()),
        lines: plan.lines,
        total: plan.total,
        vat: plan.vat,
        tenders: plan.tenders,
        cash_rounding: plan.cash_rounding,
        member: sale.member.clone(),
        points_reversed: plan.points_reversed,
        points_refunded: plan.points_refunded,
        reason: String::new(),
    }
}

fn by_kind(tenders: &[Tender], kind: TenderKind) -> Decimal {
    tenders
        .iter()
        .filter(|t| t.kind == kind)
        .map(|t| t.amount)
        .sum()
}

/// Returns every unit in `goes`, checking each go and the whole.
fn check_full_return(
    sale: &Sale,
    goes: &[Vec<ReturnRequestLine>],
    modes: &[RefundTo],
    balance: i64,
) -> Result<(), TestCaseError> {
    let mut balance = balance - sale.points_redeemed + sale.points_earned;
    prop_assert!(balance >= 0);
    let mut done: Vec<Return> = Vec::new();
    for (go, mode) in goes.iter().zip(modes.iter().cycle()) {
        let plan =
            plan_return(sale, &done, go, *mode).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(plan.lines.iter().all(|l| l.refund >= Decimal::ZERO));
        prop_assert!(
            plan.tenders
                .iter()
                .all(|t| t.amount >= Decimal::ZERO && t.points >= 0)
        );
        prop_assert!(plan.points_reversed >= 0 && plan.points_refunded >= 0);
        prop_assert_eq!(
            plan.vat.iter().map(|v| v.gross).sum::<Decimal>(),
            plan.total
        );
        balance += plan.points_refunded - plan.points_reversed;
        prop_assert!(balance >= 0, "points never go below zero");
        let ret = as_return(plan, sale);
        check_valid(DocumentBody::Return(ret.clone()))?;
        done.push(ret);
    }
    let refunded: Decimal = done.iter().map(|r| r.total).sum();
    let money_back: Decimal = done.iter().flat_map(|r| &r.tenders).map(|t| t.amount).sum();
    prop_assert_eq!(
        refunded,
        sale.total,
        "the goods come back at exactly what they were sold for"
    );
    prop_assert_eq!(
        money_back,
        sale.total + sale.cash_rounding,
        "the money back is what the sale took, its cash rounding included"
    );
    prop_assert_eq!(
        done.iter().map(|r| r.points_reversed).sum::<i64>(),
        sale.points_earned
    );
    prop_assert_eq!(
        done.iter().map(|r| r.points_refunded).sum::<i64>(),
        sale.points_redeemed
    );
    let back: Vec<Tender> = done.iter().flat_map(|r| r.tenders.clone()).collect();
    prop_assert_eq!(
        by_kind(&back, TenderKind::Points),
        by_kind(&sale.tenders, TenderKind::Points)
    );
    if modes.iter().all(|m| *m == RefundTo::OriginalTenders) {
        for kind in [TenderKind::BankCard, TenderKind::WechatPay] {
            prop_assert_eq!(
                by_kind(&back, kind),
                by_kind(&sale.tenders, kind),
                "{:?} back to itself",
                kind
            );
        }
        // Exactly the cash the drawer kept.
        let cash_kept = by_kind(&sale.tenders, TenderKind::Cash) - sale.change;
        prop_assert_eq!(by_kind(&back, TenderKind::Cash), cash_kept);
    }
    Ok(())
}

proptest! {
    #[test]
    fn priced_carts_always_add_up(cart in arb_cart(), promotions in arb_promotions()) {
        if let Some(p) = priced(&cart, &promotions) {
            check_priced(&p)?;
        }
    }

    #[test]
    fn largest_remainder_sums_exactly_within_the_weights(
        weights_fen in prop::collection::vec(0i64..100_000, 1..12),
        percent in 0i64..=100,
    ) {
        let weights: Vec<Decimal> = weights_fen.iter().map(|f| yuan(*f)).collect();
        let sum: Decimal = weights.iter().sum();
        let amount = floor_fen(sum * Decimal::from(percent) / Decimal::ONE_HUNDRED);
        let shares = spread_largest_remainder(amount, &weights);
        prop_assert_eq!(shares.iter().sum::<Decimal>(), amount);
        for (share, weight) in shares.iter().zip(&weights) {
            prop_assert!(*share >= Decimal::ZERO && share <= weight && round_cny(*share) == *share);
        }
    }

    #[test]
    fn payment_short_by_a_fen_is_refused(total_fen in 1i64..1_000_000, card_percent in 0i64..=100) {
        let total = yuan(total_fen);
        let card = floor_fen((total - yuan(1)) * Decimal::from(card_percent) / Decimal::ONE_HUNDRED);
        let mut tenders = Vec::new();
        if card > Decimal::ZERO {
            tenders.push(Tender { kind: TenderKind::BankCard, amount: card, reference: None, points: 0 });
        }
        if total - card - yuan(1) > Decimal::ZERO {
            tenders.push(Tender { kind: TenderKind::Cash, amount: total - card - yuan(1), reference: None, points: 0 });
        }
        let paid: Decimal = tenders.iter().map(|t| t.amount).sum();
        prop_assert_eq!(
            settle(total, &tenders, CashRounding::None),
            Err(TenderError::Short { due: total, paid, missing: total - paid })
        );
    }

    #[test]
    fn full_returns_refund_exactly_the_sale_and_its_points(
        cart in arb_cart(),
        promotions in arb_promotions(),
        pay in arb_payment(),
        extra_points in 0i64..10_000,
        seed in any::<u64>(),
        mixed_modes in any::<bool>(),
    ) {
        let rules = LoyaltyRules::default();
        let Some(p) = priced(&cart, &promotions) else { return Ok(()) };
        let tier = cart.member_tier.unwrap_or_default();
        let sale = sale_for(&p, tier, &pay, &rules)?;
        check_valid(DocumentBody::Sale(sale.clone()))?;
        let balance = pay.points + extra_points;
        let modes = if mixed_modes { vec![RefundTo::Cash, RefundTo::OriginalTenders] } else { vec![RefundTo::OriginalTenders] };

        let everything: Vec<ReturnRequestLine> = sale
            .lines
            .iter()
            .map(|l| ReturnRequestLine { original_line_no: l.line_no, quantity: l.quantity })
            .collect();
        check_full_return(&sale, &[everything], &modes, balance)?;
        check_full_return(&sale, &random_goes(&sale, seed), &modes, balance)?;
    }
}
