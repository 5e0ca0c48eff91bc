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
    /// For the members of this RFM segment only (its code): a sale with no member, or
    /// one in another segment, does not get it. `None`: for every sale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
}

/// Longest segment code (head office's `rfm_segments.code`).
pub const SEGMENT_CODE_CHARS_MAX: usize = 40;

/// A segment code is a lowercase letter, then lowercase letters, digits or `_`, at most
/// [`SEGMENT_CODE_CHARS_MAX`] in all (`important_value`).
pub fn check_segment_code(code: &str) -> Result<(), &'static str> {
    let mut chars = code.chars();
    let starts_right = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_right = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if starts_right && rest_right && code.len() <= SEGMENT_CODE_CHARS_MAX {
        Ok(())
    } else {
        Err("a segment code is a lowercase letter, then lowercase letters, digits or _, at most 40")
    }
}

impl Promotion {
    /// True when `at` (store local time) lies within the validity window, ends inclusive.
    pub fn is_valid_at(&self, at: NaiveDateTime) -> bool {
        self.valid_from.is_none_or(|from| at >= from) && self.valid_to.is_none_or(|to| at <= to)
    }

    /// True when the promotion is for every sale, or for `member_segment`'s members.
    pub fn is_for_segment(&self, member_segment: Option<&str>) -> bool {
        self.segment
            .as_deref()
            .is_none_or(|wanted| member_segment == Some(wanted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn for_segment(segment: Option<&str>) -> Promotion {
        Promotion {
            id: "P".into(),
            name: "P".into(),
            kind: PromotionKind::BuyGet {
                sku: "A".into(),
                buy: 1,
                get: 1,
            },
            priority: 0,
            stackable: true,
            valid_from: None,
            valid_to: None,
            segment: segment.map(str::to_owned),
        }
    }

    #[test]
    fn a_segment_promotion_is_for_its_segments_members_only() {
        let p = for_segment(Some("important_value"));
        assert!(p.is_for_segment(Some("important_value")));
        assert!(!p.is_for_segment(Some("general_value")));
        assert!(!p.is_for_segment(None), "no member, no segment price");
        let everyone = for_segment(None);
        assert!(everyone.is_for_segment(None) && everyone.is_for_segment(Some("x")));
    }

    #[test]
    fn segment_codes_are_checked() {
        for good in ["important_value", "a", "g2", &"a".repeat(40)] {
            assert_eq!(check_segment_code(good), Ok(()), "{good}");
        }
        for bad in ["", "Important", "2x", "a-b", "重要", &"a".repeat(41)] {
            assert!(check_segment_code(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_promotion_without_segment_is_written_as_before() {
        let json = serde_json::to_string(&for_segment(None)).unwrap();
        assert!(!json.contains("segment"), "{json}");
        let read: Promotion = serde_json::from_str(&json).unwrap();
        assert_eq!(read.segment, None);
        let with = for_segment(Some("important_value"));
        let back: Promotion = serde_json::from_str(&serde_json::to_string(&with).unwrap()).unwrap();
        assert_eq!(back, with);
    }
}
