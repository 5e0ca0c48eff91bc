//! Promotions (促销) are data, not code. This file holds the rule model; the engine
//! that applies them to a cart lives in `pricing`.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::member::Tier;

/// Which lines a rule looks at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
pub enum Target {
    All,
    Sku(String),
    Category(String),
}

/// What a rule does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PromotionKind {
    /// `percent` off each matching line (10 = 10% off).
    PercentOff { target: Target, percent: Decimal },
    /// `amount` off each matching unit, never below zero.
    AmountOff { target: Target, amount: Decimal },
    /// 满减: when matching lines reach `threshold`, take `save` off them (spread by
    /// largest remainder); with `repeat`, once per whole multiple of the threshold.
    SpendSave {
        target: Target,
        threshold: Decimal,
        save: Decimal,
        repeat: bool,
    },
    /// 买赠: for every `buy` units of `sku`, `get` more units of it are free.
    BuyGet { sku: String, buy: u32, get: u32 },
    /// 会员价: members of `tier` or above pay `price` per unit of `sku`.
    TierPrice {
        sku: String,
        tier: Tier,
        price: Decimal,
    },
    /// 积分加倍: matching lines earn points times `multiplier`.
    PointsMultiplier { target: Target, multiplier: Decimal },
}

/// A promotion rule with its validity, priority and stacking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Promotion {
    pub id: String,
    /// Shown on the line and the receipt.
    pub name: String,
    pub kind: PromotionKind,
    /// Higher runs first.
    pub priority: i32,
    /// A non-stackable rule that applies to a line stops lower-priority price rules on it.
    pub stackable: bool,
    pub valid_from: Option<NaiveDateTime>,
    pub valid_to: Option<NaiveDateTime>,
}

impl Promotion {
    /// True when `at` (store local time) lies within the validity window, ends inclusive.
    pub fn is_valid_at(&self, at: NaiveDateTime) -> bool {
        self.valid_from.is_none_or(|from| at >= from) && self.valid_to.is_none_or(|to| at <= to)
    }
}
