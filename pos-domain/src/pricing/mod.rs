//! Pricing: turns a cart into priced sale lines.
//!
//! The steps, in order, each recorded on the line as a [`LineDiscount`](crate::document::LineDiscount):
//! 1. list price, or the cashier's override price (an overridden line takes no price
//!    promotions: the override is its price), rounded to fen so gross = price x quantity;
//! 2. promotions valid at the sale's time (and for the member's segment, when a rule is
//!    for one), see [`promotions`];
//! 3. the cashier's percent or amount off the line;
//! 4. the order discount, spread over all lines by largest remainder.
//!
//! Every amount is in fen, a line's net never goes below zero, the nets add up exactly to
//! the total, and subtotal - discount_total == total.

mod line;
pub mod promotions;
mod spread;
mod vat;

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use crate::cart::{Cart, CartLine, ManualPrice, OrderDiscount};
use crate::document::{SaleLine, VatAmount};
use crate::money::round_cny;
use crate::promotion::Promotion;

pub use line::{SOURCE_MANUAL, SOURCE_ORDER, SOURCE_PROMOTION};
pub use promotions::{InvalidPromotion, validate_promotion};
pub use spread::spread_largest_remainder;
pub use vat::{vat_by_rate, vat_of_amounts};

use line::WorkLine;

/// Lines in one cart.
pub const CART_LINES_MAX: usize = 500;
/// Units on one line.
pub const LINE_QUANTITY_MAX: u32 = 9_999;
/// A unit price (list or override) above this is taken for a typing or data error.
pub const UNIT_PRICE_MAX_YUAN: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// What pricing needs besides the cart.
#[derive(Debug, Clone, Copy)]
pub struct PricingContext<'a> {
    pub promotions: &'a [Promotion],
    /// Store local time of the sale; only promotions valid then apply.
    pub at: NaiveDateTime,
}

/// A priced cart: ready to become a sale.
#[derive(Debug, Clone, PartialEq)]
pub struct PricedCart {
    pub lines: Vec<SaleLine>,
    /// Sum of line gross.
    pub subtotal: Decimal,
    /// Sum of every line discount.
    pub discount_total: Decimal,
    /// Sum of line nets.
    pub total: Decimal,
    pub vat: Vec<VatAmount>,
}

/// Why a cart cannot be priced. Every variant names what the cashier must fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PricingError {
    #[error("the cart has {lines} lines; at most {max} fit on one sale")]
    TooManyLines { lines: usize, max: usize },
    #[error("line {line_no} has quantity 0; enter at least 1 or remove the line")]
    ZeroQuantity { line_no: u32 },
    #[error("line {line_no} has quantity {quantity}; at most {max} per line")]
    QuantityTooLarge {
        line_no: u32,
        quantity: u32,
        max: u32,
    },
    #[error("line {line_no} has price {price}; a price must be between 0 and {max}")]
    PriceOutOfRange {
        line_no: u32,
        price: Decimal,
        max: Decimal,
    },
    #[error("line {line_no}: override price {price} must be between 0 and {max}")]
    OverridePriceOutOfRange {
        line_no: u32,
        price: Decimal,
        max: Decimal,
    },
    #[error("line {line_no}: discount of {percent}% must be between 0 and 100")]
    LinePercentOutOfRange { line_no: u32, percent: Decimal },
    #[error("line {line_no}: discount amount {amount} must not be negative")]
    LineAmountNegative { line_no: u32, amount: Decimal },
    #[error("line {line_no}: discount {amount} is more than the line's {max}")]
    LineDiscountTooLarge {
        line_no: u32,
        amount: Decimal,
        max: Decimal,
    },
    #[error("order discount of {percent}% must be between 0 and 100")]
    OrderPercentOutOfRange { percent: Decimal },
    #[error("order discount amount {amount} must not be negative")]
    OrderAmountNegative { amount: Decimal },
    #[error("order discount {amount} is more than the order's {max}")]
    OrderDiscountTooLarge { amount: Decimal, max: Decimal },
}

/// Prices a cart: promotions, manual changes and the order discount, in that order.
pub fn price_cart(cart: &Cart, ctx: &PricingContext) -> Result<PricedCart, PricingError> {
    if cart.lines.len() > CART_LINES_MAX {
        return Err(PricingError::TooManyLines {
            lines: cart.lines.len(),
            max: CART_LINES_MAX,
        });
    }
    let mut lines = cart
        .lines
        .iter()
        .map(start_line)
        .collect::<Result<Vec<_>, _>>()?;
    let member = promotions::MemberTerms {
        tier: cart.member_tier,
        segment: cart.member_segment.as_deref(),
    };
    promotions::apply_promotions(&mut lines, ctx.promotions, ctx.at, member);
    for line in &mut lines {
        apply_manual(line)?;
    }
    if let Some(discount) = &cart.order_discount {
        apply_order_discount(&mut lines, discount)?;
    }

    let lines: Vec<SaleLine> = lines.into_iter().map(WorkLine::into_sale_line).collect();
    let subtotal = lines.iter().map(|l| l.gross).sum();
    let discount_total = lines
        .iter()
        .flat_map(|l| &l.discounts)
        .map(|d| d.amount)
        .sum();
    let total = lines.iter().map(|l| l.net).sum();
    let vat = vat_by_rate(&lines);
    Ok(PricedCart {
        lines,
        subtotal,
        discount_total,
        total,
        vat,
    })
}

/// How far the cashier's manual change takes the line below its list price, as a
/// fraction of the list price of the line (0.15 = 15%), between 0 and 1. The Till asks
/// for a manager above its limit. A price raised above list counts as 0.
pub fn manual_discount_fraction(line: &CartLine) -> Decimal {
    let list = line.product.price * Decimal::from(line.quantity);
    let fraction = match &line.manual {
        None => Decimal::ZERO,
        Some(ManualPrice::Override { unit_price, .. }) if line.product.price > Decimal::ZERO => {
            (line.product.price - unit_price) / line.product.price
        }
        Some(ManualPrice::Override { .. }) => Decimal::ZERO,
        Some(ManualPrice::PercentOff { percent, .. }) => percent / Decimal::ONE_HUNDRED,
        Some(ManualPrice::AmountOff { amount, .. }) if list > Decimal::ZERO => amount / list,
        Some(ManualPrice::AmountOff { .. }) => Decimal::ZERO,
    };
    fraction.clamp(Decimal::ZERO, Decimal::ONE)
}

fn start_line(line: &CartLine) -> Result<WorkLine<'_>, PricingError> {
    let line_no = line.line_no;
    if line.quantity == 0 {
        return Err(PricingError::ZeroQuantity { line_no });
    }
    if line.quantity > LINE_QUANTITY_MAX {
        return Err(PricingError::QuantityTooLarge {
            line_no,
            quantity: line.quantity,
            max: LINE_QUANTITY_MAX,
        });
    }
    let list = line.product.price;
    if list < Decimal::ZERO || list > UNIT_PRICE_MAX_YUAN {
        return Err(PricingError::PriceOutOfRange {
            line_no,
            price: list,
            max: UNIT_PRICE_MAX_YUAN,
        });
    }
    match &line.manual {
        Some(ManualPrice::Override { unit_price, .. }) => {
            if *unit_price < Decimal::ZERO || *unit_price > UNIT_PRICE_MAX_YUAN {
                return Err(PricingError::OverridePriceOutOfRange {
                    line_no,
                    price: *unit_price,
                    max: UNIT_PRICE_MAX_YUAN,
                });
            }
            Ok(WorkLine::new(line, round_cny(*unit_price), false))
        }
        Some(ManualPrice::PercentOff { percent, .. }) if !percent_in_range(*percent) => {
            Err(PricingError::LinePercentOutOfRange {
                line_no,
                percent: *percent,
            })
        }
        Some(ManualPrice::AmountOff { amount, .. }) if *amount < Decimal::ZERO => {
            Err(PricingError::LineAmountNegative {
                line_no,
                amount: *amount,
            })
        }
        _ => Ok(WorkLine::new(line, round_cny(list), true)),
    }
}

fn percent_in_range(percent: Decimal) -> bool {
    (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&percent)
}

fn apply_manual(line: &mut WorkLine) -> Result<(), PricingError> {
    match &line.cart.manual {
        None | Some(ManualPrice::Override { .. }) => Ok(()),
        Some(ManualPrice::PercentOff { percent, reason }) => {
            let amount = line.net * percent / Decimal::ONE_HUNDRED;
            line.take(SOURCE_MANUAL, "", reason, amount);
            Ok(())
        }
        Some(ManualPrice::AmountOff { amount, reason }) => {
            let amount = round_cny(*amount);
            if amount > line.net {
                return Err(PricingError::LineDiscountTooLarge {
                    line_no: line.cart.line_no,
                    amount,
                    max: line.net,
                });
            }
            line.take(SOURCE_MANUAL, "", reason, amount);
            Ok(())
        }
    }
}

fn apply_order_discount(
    lines: &mut [WorkLine],
    discount: &OrderDiscount,
) -> Result<(), PricingError> {
    let before: Decimal = lines.iter().map(|l| l.net).sum();
    let (amount, reason) = match discount {
        OrderDiscount::Percent { percent, reason } => {
            if !percent_in_range(*percent) {
                return Err(PricingError::OrderPercentOutOfRange { percent: *percent });
            }
            (round_cny(before * percent / Decimal::ONE_HUNDRED), reason)
        }
        OrderDiscount::Amount { amount, reason } => {
            let amount = round_cny(*amount);
            if amount < Decimal::ZERO {
                return Err(PricingError::OrderAmountNegative { amount });
            }
            if amount > before {
                return Err(PricingError::OrderDiscountTooLarge {
                    amount,
                    max: before,
                });
            }
            (amount, reason)
        }
    };
    let weights: Vec<Decimal> = lines.iter().map(|l| l.net).collect();
    for (line, share) in lines
        .iter_mut()
        .zip(spread_largest_remainder(amount, &weights))
    {
        line.take(SOURCE_ORDER, "", reason, share);
    }
    Ok(())
}
