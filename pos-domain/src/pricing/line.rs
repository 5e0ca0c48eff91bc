//! A line while it is being priced: its running net and the discounts taken so far.

use rust_decimal::Decimal;

use crate::cart::CartLine;
use crate::document::{LineDiscount, SaleLine};
use crate::money::round_cny;

/// `LineDiscount::source` of a promotion.
pub const SOURCE_PROMOTION: &str = "promotion";
/// `LineDiscount::source` of a cashier's line discount.
pub const SOURCE_MANUAL: &str = "manual";
/// `LineDiscount::source` of a share of the order discount.
pub const SOURCE_ORDER: &str = "order";

pub(super) struct WorkLine<'a> {
    pub cart: &'a CartLine,
    pub unit_price: Decimal,
    pub gross: Decimal,
    pub net: Decimal,
    pub discounts: Vec<LineDiscount>,
    /// False once the cashier overrode the price: the override is the line's price.
    pub promotable: bool,
    /// Rank of the first non-stackable rule that applied: later-ranked rules skip the line.
    pub blocked_after_rank: Option<usize>,
    /// Taken by tier prices so far, so the best tier price wins instead of adding up.
    pub tier_discount: Decimal,
    pub points_multiplier: Option<Decimal>,
}

impl<'a> WorkLine<'a> {
    pub fn new(cart: &'a CartLine, unit_price: Decimal, promotable: bool) -> Self {
        // `unit_price` is in fen already, so the gross is exact.
        let gross = unit_price * Decimal::from(cart.quantity);
        WorkLine {
            cart,
            unit_price,
            gross,
            net: gross,
            discounts: Vec::new(),
            promotable,
            blocked_after_rank: None,
            tier_discount: Decimal::ZERO,
            points_multiplier: None,
        }
    }

    /// True when a promotion price rule at `rank` may still change this line.
    pub fn open_to(&self, rank: usize) -> bool {
        self.promotable
            && self
                .blocked_after_rank
                .is_none_or(|blocker| blocker >= rank)
    }

    /// Takes up to `amount` (rounded to fen) off the net, never below zero, and records it.
    /// Returns what was taken.
    pub fn take(
        &mut self,
        source: &str,
        promotion_id: &str,
        name: &str,
        amount: Decimal,
    ) -> Decimal {
        let taken = round_cny(amount).min(self.net).max(Decimal::ZERO);
        if taken > Decimal::ZERO {
            self.net -= taken;
            self.discounts.push(LineDiscount {
                source: source.to_owned(),
                promotion_id: promotion_id.to_owned(),
                name: name.to_owned(),
                amount: taken,
            });
        }
        taken
    }

    pub fn into_sale_line(self) -> SaleLine {
        let line = self.cart;
        SaleLine {
            line_no: line.line_no,
            sku: line.product.sku.clone(),
            name: line.product.name.clone(),
            category: line.product.category.clone(),
            unit: line.product.unit.clone(),
            quantity: line.quantity,
            lot: line.lot.clone(),
            expiry_date: line.expiry_date,
            serial: line.serial.clone(),
            registration_no: line.product.registration_no.clone(),
            unit_price: self.unit_price,
            gross: self.gross,
            discounts: self.discounts,
            net: self.net,
            vat_rate: line.product.vat_rate,
            points_multiplier: self.points_multiplier.unwrap_or(Decimal::ONE),
        }
    }
}
