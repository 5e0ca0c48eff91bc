//! Applies promotion rules (data) to the lines being priced.
//!
//! A rule for an RFM segment counts only when the attached member is in it.
//! Order: valid rules are ranked by priority (higher first, then id). Line rules
//! (percent off, amount off, buy N get M, tier price) run first in rank order; spend X
//! save Y (满减) then runs over the nets those left; points multipliers last. A
//! non-stackable rule that takes something off a line stops every later-ranked price
//! rule on that line. A 满减 ranked above a line rule still runs after it, because the
//! threshold is measured on what the customer pays after line promotions.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use super::line::{SOURCE_PROMOTION, WorkLine};
use super::spread::spread_largest_remainder;
use crate::member::Tier;
use crate::money::round_cny;
use crate::promotion::{Promotion, PromotionKind, Target};
use crate::validate::AMOUNT_MAX;

/// Points multipliers above this are treated as a data error and ignored.
pub const POINTS_MULTIPLIER_MAX: Decimal = Decimal::ONE_HUNDRED;
/// buy + get above this is treated as a data error and ignored.
pub const BUY_GET_UNITS_MAX: u32 = 1_000;

/// Why a promotion cannot be used; the importer can reject such rules up front.
/// `price_cart` never applies them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("promotion {id} is not usable: {problem}")]
pub struct InvalidPromotion {
    pub id: String,
    pub problem: &'static str,
}

/// Checks a rule's numbers are in range. Amounts are bounded like a document's, so no
/// product of an amount and a quantity can overflow while a cart is priced.
pub fn validate_promotion(promotion: &Promotion) -> Result<(), InvalidPromotion> {
    let problem = match &promotion.kind {
        PromotionKind::AmountOff { amount: money, .. }
        | PromotionKind::SpendSave { save: money, .. }
        | PromotionKind::TierPrice { price: money, .. }
            if *money > AMOUNT_MAX =>
        {
            Some("amounts must be at most 1000000000000 yuan")
        }
        PromotionKind::SpendSave { threshold, .. } if *threshold > AMOUNT_MAX => {
            Some("amounts must be at most 1000000000000 yuan")
        }
        PromotionKind::PercentOff { percent, .. }
            if *percent <= Decimal::ZERO || *percent > Decimal::ONE_HUNDRED =>
        {
            Some("percent must be above 0 and at most 100")
        }
        PromotionKind::AmountOff { amount, .. } if *amount <= Decimal::ZERO => {
            Some("amount must be above 0")
        }
        PromotionKind::SpendSave {
            threshold, save, ..
        } if *threshold <= Decimal::ZERO || *save <= Decimal::ZERO => {
            Some("threshold and save must be above 0")
        }
        PromotionKind::BuyGet { buy, get, .. }
            if *buy == 0 || *get == 0 || buy.saturating_add(*get) > BUY_GET_UNITS_MAX =>
        {
            Some("buy and get must be at least 1 and together at most 1000")
        }
        PromotionKind::TierPrice { price, .. } if *price < Decimal::ZERO => {
            Some("tier price must not be negative")
        }
        PromotionKind::PointsMultiplier { multiplier, .. }
            if *multiplier <= Decimal::ZERO || *multiplier > POINTS_MULTIPLIER_MAX =>
        {
            Some("points multiplier must be above 0 and at most 100")
        }
        _ => None,
    };
    match problem {
        Some(problem) => Err(InvalidPromotion {
            id: promotion.id.clone(),
            problem,
        }),
        None => Ok(()),
    }
}

/// What promotions may ask of the attached member.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct MemberTerms<'a> {
    pub(super) tier: Option<Tier>,
    pub(super) segment: Option<&'a str>,
}

/// Valid, well-formed rules at `at` for the member's segment, highest priority first
/// (ties by id, so the order never depends on how head office listed them).
fn ranked<'p>(
    promotions: &'p [Promotion],
    at: NaiveDateTime,
    segment: Option<&str>,
) -> Vec<&'p Promotion> {
    let mut ranked: Vec<&Promotion> = promotions
        .iter()
        .filter(|p| p.is_valid_at(at) && p.is_for_segment(segment) && validate_promotion(p).is_ok())
        .collect();
    ranked.sort_by(|a, b| b.priority.cmp(&a.priority).then_with(|| a.id.cmp(&b.id)));
    ranked
}

fn matches(target: &Target, line: &WorkLine) -> bool {
    match target {
        Target::All => true,
        Target::Sku(sku) => line.cart.product.sku == *sku,
        Target::Category(category) => line.cart.product.category == *category,
    }
}

pub(super) fn apply_promotions(
    lines: &mut [WorkLine],
    promotions: &[Promotion],
    at: NaiveDateTime,
    member: MemberTerms,
) {
    let tier = member.tier;
    let ranked = ranked(promotions, at, member.segment);
    for (rank, promotion) in ranked.iter().enumerate() {
        let applied = match &promotion.kind {
            PromotionKind::SpendSave { .. } | PromotionKind::PointsMultiplier { .. } => continue,
            PromotionKind::PercentOff { target, percent } => {
                per_line(lines, rank, promotion, |line| {
                    matches(target, line).then(|| line.net * percent / Decimal::ONE_HUNDRED)
                })
            }
            PromotionKind::AmountOff { target, amount } => {
                per_line(lines, rank, promotion, |line| {
                    matches(target, line).then(|| amount * Decimal::from(line.cart.quantity))
                })
            }
            PromotionKind::TierPrice {
                sku,
                tier: rule_tier,
                price,
            } => {
                if tier.is_none_or(|t| t < *rule_tier) {
                    continue;
                }
                tier_price(lines, rank, promotion, sku, *price)
            }
            PromotionKind::BuyGet { sku, buy, get } => {
                buy_get(lines, rank, promotion, sku, *buy, *get)
            }
        };
        block_if_exclusive(lines, &applied, promotion, rank);
    }
    for (rank, promotion) in ranked.iter().enumerate() {
        if let PromotionKind::SpendSave {
            target,
            threshold,
            save,
            repeat,
        } = &promotion.kind
        {
            let applied = spend_save(lines, rank, promotion, target, *threshold, *save, *repeat);
            block_if_exclusive(lines, &applied, promotion, rank);
        }
    }
    for promotion in &ranked {
        if let PromotionKind::PointsMultiplier { target, multiplier } = &promotion.kind {
            for line in lines.iter_mut().filter(|l| matches(target, l)) {
                let best = line
                    .points_multiplier
                    .map_or(*multiplier, |m| m.max(*multiplier));
                line.points_multiplier = Some(best);
            }
        }
    }
}

fn block_if_exclusive(
    lines: &mut [WorkLine],
    applied: &[usize],
    promotion: &Promotion,
    rank: usize,
) {
    if promotion.stackable {
        return;
    }
    for &i in applied {
        lines[i].blocked_after_rank.get_or_insert(rank);
    }
}

/// Applies a discount computed line by line; returns the lines it took something off.
fn per_line(
    lines: &mut [WorkLine],
    rank: usize,
    promotion: &Promotion,
    discount_of: impl Fn(&WorkLine) -> Option<Decimal>,
) -> Vec<usize> {
    let mut applied = Vec::new();
    for (i, line) in lines.iter_mut().enumerate() {
        if !line.open_to(rank) {
            continue;
        }
        if let Some(discount) = discount_of(line)
            && line.take(SOURCE_PROMOTION, &promotion.id, &promotion.name, discount) > Decimal::ZERO
        {
            applied.push(i);
        }
    }
    applied
}

/// 会员价: the line costs `price` per unit; the discount is list minus tier price, less
/// what an earlier tier price already took, so two tier rules never add up.
fn tier_price(
    lines: &mut [WorkLine],
    rank: usize,
    promotion: &Promotion,
    sku: &str,
    price: Decimal,
) -> Vec<usize> {
    let mut applied = Vec::new();
    for (i, line) in lines.iter_mut().enumerate() {
        if !line.open_to(rank) || line.cart.product.sku != sku {
            continue;
        }
        let full = line.gross - round_cny(price * Decimal::from(line.cart.quantity));
        let extra = full - line.tier_discount;
        if extra > Decimal::ZERO {
            let taken = line.take(SOURCE_PROMOTION, &promotion.id, &promotion.name, extra);
            line.tier_discount += taken;
            if taken > Decimal::ZERO {
                applied.push(i);
            }
        }
    }
    applied
}

/// Free units of a buy-N-get-M over all open lines of the SKU together (serial devices
/// sit one unit per line). A part group past `buy` gets its extra units free too.
pub(super) fn free_units(quantity: u32, buy: u32, get: u32) -> u32 {
    let group = buy + get;
    (quantity / group) * get + (quantity % group).saturating_sub(buy)
}

fn buy_get(
    lines: &mut [WorkLine],
    rank: usize,
    promotion: &Promotion,
    sku: &str,
    buy: u32,
    get: u32,
) -> Vec<usize> {
    let members: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].open_to(rank) && lines[i].cart.product.sku == sku)
        .collect();
    let quantity: u32 = members.iter().map(|&i| lines[i].cart.quantity).sum();
    let free = free_units(quantity, buy, get);
    if free == 0 {
        return Vec::new();
    }
    // Free units are valued at what the units cost after earlier rules.
    let net: Decimal = members.iter().map(|&i| lines[i].net).sum();
    let value = round_cny(net * Decimal::from(free) / Decimal::from(quantity));
    spread_over(lines, &members, promotion, value)
}

fn spend_save(
    lines: &mut [WorkLine],
    rank: usize,
    promotion: &Promotion,
    target: &Target,
    threshold: Decimal,
    save: Decimal,
    repeat: bool,
) -> Vec<usize> {
    let members: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].open_to(rank) && matches(target, &lines[i]))
        .collect();
    let base: Decimal = members.iter().map(|&i| lines[i].net).sum();
    if base < threshold {
        return Vec::new();
    }
    let times = if repeat {
        (base / threshold).floor()
    } else {
        Decimal::ONE
    };
    let saving = round_cny(save * times).min(base);
    spread_over(lines, &members, promotion, saving)
}

/// Spreads `amount` over `members` by their nets (so no share exceeds a net).
fn spread_over(
    lines: &mut [WorkLine],
    members: &[usize],
    promotion: &Promotion,
    amount: Decimal,
) -> Vec<usize> {
    let weights: Vec<Decimal> = members.iter().map(|&i| lines[i].net).collect();
    let shares = spread_largest_remainder(amount, &weights);
    let mut applied = Vec::new();
    for (&i, share) in members.iter().zip(shares) {
        if lines[i].take(SOURCE_PROMOTION, &promotion.id, &promotion.name, share) > Decimal::ZERO {
            applied.push(i);
        }
    }
    applied
}

#[cfg(test)]
mod tests {
    use super::free_units;

    #[test]
    fn free_units_of_buy_get() {
        assert_eq!(free_units(3, 2, 1), 1);
        assert_eq!(free_units(5, 2, 1), 1);
        assert_eq!(free_units(6, 2, 1), 2);
        assert_eq!(free_units(3, 2, 2), 1);
        assert_eq!(free_units(2, 2, 1), 0);
    }
}
