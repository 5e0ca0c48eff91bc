//! Members (会员) and their tiers. The balance here is what the till knows.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// 会员等级.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 普通
    #[default]
    Standard,
    /// 金卡
    Gold,
    /// 铂金
    Platinum,
    /// 钻石
    Diamond,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Standard, Tier::Gold, Tier::Platinum, Tier::Diamond];

    pub fn code(self) -> &'static str {
        match self {
            Tier::Standard => "standard",
            Tier::Gold => "gold",
            Tier::Platinum => "platinum",
            Tier::Diamond => "diamond",
        }
    }

    pub fn from_code(code: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Label for zh-CN receipts.
    pub fn label_zh(self) -> &'static str {
        match self {
            Tier::Standard => "普通",
            Tier::Gold => "金卡",
            Tier::Platinum => "铂金",
            Tier::Diamond => "钻石",
        }
    }
}

/// A loyalty customer as the till sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Head office's id, or the document id of an offline registration.
    pub id: String,
    pub card_no: String,
    pub phone: String,
    pub name: String,
    pub tier: Tier,
    /// Points the till believes are available: last head-office value + unacknowledged local effects.
    pub points_balance: i64,
}

/// Masks a phone number for screens and the console: a mobile number keeps its first 3
/// and last 4 digits (13812345678 -> 138****5678); a shorter number keeps at most its
/// last 2, so no length shows most of its digits.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let n = chars.len();
    let (head, tail) = match n {
        11.. => (3, 4),
        5..=10 => (0, 2),
        _ => (0, 0),
    };
    let head: String = chars[..head].iter().collect();
    let tail: String = chars[n - tail..].iter().collect();
    format!(
        "{head}{}{tail}",
        "*".repeat(n - head.chars().count() - tail.chars().count())
    )
}

/// The chain's loyalty settings. Head office sends them; the demo data sets defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoyaltyRules {
    /// Points earned per whole yuan paid (not counting the part paid with points).
    pub points_per_yuan: Decimal,
    /// Earn multipliers by tier: standard, gold, platinum, diamond.
    pub tier_multipliers: [Decimal; 4],
    /// Points that make one yuan when redeemed (100 points = 1 yuan).
    pub points_per_yuan_redeemed: i64,
    /// Points may pay at most this fraction of a sale's total (0.5 = half).
    pub redeem_cap_fraction: Decimal,
    /// Offline, a member may redeem at most this many points per business date at this till.
    pub offline_daily_redeem_limit: i64,
    /// Redeeming more than this many points in one sale needs a manager.
    pub approval_threshold_points: i64,
}

impl Default for LoyaltyRules {
    fn default() -> Self {
        LoyaltyRules {
            points_per_yuan: Decimal::ONE,
            tier_multipliers: [
                Decimal::ONE,
                Decimal::new(12, 1),
                Decimal::new(15, 1),
                Decimal::TWO,
            ],
            points_per_yuan_redeemed: 100,
            redeem_cap_fraction: Decimal::new(5, 1),
            offline_daily_redeem_limit: 5_000,
            approval_threshold_points: 2_000,
        }
    }
}

impl LoyaltyRules {
    pub fn tier_multiplier(&self, tier: Tier) -> Decimal {
        self.tier_multipliers[tier as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_phone() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("123"), "***");
        assert_eq!(mask_phone("+8613812345678"), "+86*******5678");
        for (phone, masked) in [
            ("1234567", "*****67"),
            ("12345678", "******78"),
            ("1234567890", "********90"),
        ] {
            assert_eq!(mask_phone(phone), masked, "{phone}");
        }
    }

    #[test]
    fn tier_codes_round_trip() {
        for t in Tier::ALL {
            assert_eq!(Tier::from_code(t.code()), Some(t));
        }
    }
}
