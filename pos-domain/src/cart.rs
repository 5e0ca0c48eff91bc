//! The cart being rung up: what the cashier has scanned, before pricing.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::catalog::{Product, Tracking};
use crate::member::Tier;

/// What pricing needs to know about the product on a line, copied when it is scanned so
/// a later catalog pull cannot change a sale in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineProduct {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit: String,
    pub price: Decimal,
    pub vat_rate: Decimal,
    pub registration_no: Option<String>,
    pub tracking: Tracking,
}

impl From<&Product> for LineProduct {
    fn from(p: &Product) -> Self {
        LineProduct {
            sku: p.sku.clone(),
            name: p.name.clone(),
            category: p.category.clone(),
            unit: p.unit.clone(),
            price: p.price,
            vat_rate: p.vat_rate,
            registration_no: p.registration_no.clone(),
            tracking: p.tracking,
        }
    }
}

/// A cashier's change to a line's price, with the reason given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ManualPrice {
    /// A new unit price replaces the list price (price override, 改价).
    Override { unit_price: Decimal, reason: String },
    /// Percent off the line after promotions (10 = 10% off).
    PercentOff { percent: Decimal, reason: String },
    /// Amount off the line after promotions.
    AmountOff { amount: Decimal, reason: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartLine {
    /// 1-based, stable while the cart lives.
    pub line_no: u32,
    pub product: LineProduct,
    pub quantity: u32,
    pub lot: Option<String>,
    pub expiry_date: Option<NaiveDate>,
    pub serial: Option<String>,
    pub manual: Option<ManualPrice>,
}

/// An order-level discount typed by the cashier, spread over lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OrderDiscount {
    Percent { percent: Decimal, reason: String },
    Amount { amount: Decimal, reason: String },
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Cart {
    pub lines: Vec<CartLine>,
    /// Tier of the attached member, if any; tier prices depend on it.
    pub member_tier: Option<Tier>,
    /// RFM segment of the attached member, if any; segment promotions depend on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_segment: Option<String>,
    pub order_discount: Option<OrderDiscount>,
}
