//! Members (会员) and their tiers. The balance here is what the till knows.

use chrono::NaiveDate;
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

/// A member's spend (paid money, net of returns) over the tier window ending `as_of`,
/// as head office counted it when it sent the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierSpend {
    pub amount: Decimal,
    pub as_of: NaiveDate,
}

/// A loyalty customer as the till sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Head office's id, or the document id of an offline registration.
    pub id: String,
    pub card_no: String,
    /// As a till may show it: head office sends it masked ([`Member::for_tills`]).
    pub phone: String,
    /// As a till may show it: masked, like the phone.
    pub name: String,
    pub tier: Tier,
    /// Points the till believes are available: last head-office value + unacknowledged local effects.
    pub points_balance: i64,
    /// The phone's [`phone_key`]: how a till finds the member by the number a customer
    /// says, without holding the number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_key: Option<String>,
    /// The member's spend in the tier window as head office knows it (tills add their
    /// own sales head office has not yet reflected); `None` when tiers by spend are off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_spend: Option<TierSpend>,
    /// Code of the RFM segment head office's last run put the member in; promotions
    /// may be for one segment's members only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
}

impl Member {
    /// What the tills receive: phone and name masked, the phone's keyed hash beside
    /// them. A member already masked (no full number) is kept as it is.
    pub fn for_tills(&self, lookup_key: &str) -> Member {
        let phone_key = match self.phone_key.clone() {
            Some(known) => Some(known),
            None if self.phone.is_empty() => None,
            None => Some(phone_key(lookup_key, &self.phone)),
        };
        Member {
            phone: mask_phone_for_tills(&self.phone),
            name: mask_name(&self.name),
            phone_key,
            ..self.clone()
        }
    }
}

/// A phone as the tills hold it: only its last 4 digits (13812345678 -> *******5678).
/// The tills hold the key of the phone's hash too, so every digit shown is one a
/// person with a till file need not guess: with 4 shown, 10 million numbers are left
/// per member.
pub fn mask_phone_for_tills(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let shown = if chars.len() >= 8 { 4 } else { 0 };
    let hidden = chars.len() - shown;
    let tail: String = chars[hidden..].iter().collect();
    format!("{}{tail}", "*".repeat(hidden))
}

/// The phone as keyed: spaces and dashes dropped, China's +86 or 0086 prefix too.
fn normalized_phone(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    for prefix in ["+86", "0086"] {
        if let Some(rest) = digits.strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
    digits
}

/// HMAC-SHA256 of the normalized phone under the chain's lookup key, in hex. Head office
/// keeps the key and sends it to its tills; a till file holds the keys of its members'
/// phones, never the numbers.
pub fn phone_key(lookup_key: &str, phone: &str) -> String {
    let mac = hmac_sha256(lookup_key.as_bytes(), normalized_phone(phone).as_bytes());
    mac.iter().map(|b| format!("{b:02x}")).collect()
}

/// HMAC (RFC 2104) over SHA-256.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// 王小明 -> 王**: the first character, the rest starred.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count())),
        None => String::new(),
    }
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
    /// Tiers by spend; off (and not written) unless set.
    #[serde(default, skip_serializing_if = "TierRules::is_unset")]
    pub tiers: TierRules,
    /// Points earned in a year lapse at the end of the year this many years later
    /// ([`crate::points_expiry`]); 0, the default (and not written): they never lapse.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub points_expiry_years: u32,
}

fn is_zero(years: &u32) -> bool {
    *years == 0
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
            tiers: TierRules::default(),
            points_expiry_years: 0,
        }
    }
}

impl LoyaltyRules {
    pub fn tier_multiplier(&self, tier: Tier) -> Decimal {
        self.tier_multipliers[tier as usize]
    }
}

/// Tiers by spend (会员等级规则): the four tiers stay the ladder; each tier above
/// standard may have a spend threshold over a rolling window of days. An upgrade takes
/// effect at once; a downgrade only at the member's review date (`review_days` after
/// their last tier change). Head office applies them; the tills receive the result.
/// Longest window and review period, in days (ten years).
pub const TIER_DAYS_MAX: u32 = 3660;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierRules {
    /// Days of spend counted, ending on the day looked at.
    pub window_days: u32,
    /// Days from a tier change to the review that may lower the tier.
    pub review_days: u32,
    /// Spend (paid money, net of returns) that reaches gold, platinum and diamond;
    /// `None`: the tier is not reached by spend. All `None`: tiers never change by spend.
    pub thresholds: [Option<Decimal>; 3],
    /// The chain's own names of its tiers ([`crate::tier_labels`]); empty: the built-in
    /// labels. Not written when empty, so rules set before them keep their bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<TierLabel>,
}

/// A tier's name as the chain calls it, in Simplified Chinese and English; an empty
/// text: the built-in label in that language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierLabel {
    pub tier: Tier,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub zh_cn: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub en: String,
}

impl Default for TierRules {
    fn default() -> Self {
        TierRules {
            window_days: 365,
            review_days: 365,
            thresholds: [None; 3],
            labels: Vec::new(),
        }
    }
}

impl TierRules {
    /// True when no tier is reached by spend: head office leaves tiers as they are set.
    pub fn is_off(&self) -> bool {
        self.thresholds.iter().all(Option::is_none)
    }

    /// Nothing to send: no tier by spend and no label of the chain's own.
    pub fn is_unset(&self) -> bool {
        self.is_off() && self.labels.is_empty()
    }

    /// The chain's label of `tier` in `language` (`"zh-CN"` or `"en"`), when it set one;
    /// `None`: the built-in label.
    pub fn chain_label(&self, tier: Tier, language: &str) -> Option<&str> {
        let label = self.labels.iter().find(|l| l.tier == tier)?;
        let text = match language {
            "en" => &label.en,
            _ => &label.zh_cn,
        };
        (!text.is_empty()).then_some(text.as_str())
    }

    /// The highest tier whose threshold `spend` reaches (standard when none).
    pub fn tier_for_spend(&self, spend: Decimal) -> Tier {
        let above = [Tier::Gold, Tier::Platinum, Tier::Diamond];
        above
            .into_iter()
            .zip(self.thresholds)
            .filter_map(|(tier, threshold)| threshold.filter(|t| spend >= *t).map(|_| tier))
            .max()
            .unwrap_or(Tier::Standard)
    }

    /// The next tier reachable by spend above `tier`, with its threshold.
    pub fn next_tier(&self, tier: Tier) -> Option<(Tier, Decimal)> {
        [Tier::Gold, Tier::Platinum, Tier::Diamond]
            .into_iter()
            .zip(self.thresholds)
            .filter(|(t, _)| *t > tier)
            .find_map(|(t, threshold)| threshold.map(|amount| (t, amount)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

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
    fn hmac_matches_rfc_4231() {
        // Test cases 2 and 6: a short key, and a key longer than the block.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let mac = hmac_sha256(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn a_phone_is_keyed_however_it_is_written_and_only_under_its_key() {
        let key = phone_key("k1", "13812345678");
        for written in ["138 1234 5678", "+8613812345678", "0086-138-1234-5678"] {
            assert_eq!(phone_key("k1", written), key, "{written}");
        }
        assert_ne!(phone_key("k2", "13812345678"), key);
        assert_ne!(phone_key("k1", "13812345679"), key);
    }

    #[test]
    fn tills_get_a_member_masked_with_the_phones_key() {
        let member = Member {
            id: "M1".into(),
            card_no: "C1".into(),
            phone: "13812345678".into(),
            name: "王小明".into(),
            tier: Tier::Gold,
            points_balance: 10,
            phone_key: None,
            tier_spend: None,
            segment: None,
        };
        let sent = member.for_tills("k1");
        assert_eq!(
            (sent.phone.as_str(), sent.name.as_str()),
            ("*******5678", "王**")
        );
        assert_eq!(mask_phone_for_tills("1234567"), "*******");
        assert_eq!(sent.phone_key, Some(phone_key("k1", "13812345678")));
        assert_eq!(sent.for_tills("k1"), sent, "masking twice changes nothing");
    }

    #[test]
    fn tier_codes_round_trip() {
        for t in Tier::ALL {
            assert_eq!(Tier::from_code(t.code()), Some(t));
        }
    }

    fn rules(thresholds: [Option<Decimal>; 3]) -> TierRules {
        TierRules {
            thresholds,
            ..TierRules::default()
        }
    }

    #[test]
    fn the_highest_threshold_reached_is_the_tier() {
        let r = rules([Some(dec!(1000)), Some(dec!(5000)), Some(dec!(20000))]);
        assert_eq!(r.tier_for_spend(dec!(999.99)), Tier::Standard);
        assert_eq!(r.tier_for_spend(dec!(1000)), Tier::Gold);
        assert_eq!(r.tier_for_spend(dec!(19999)), Tier::Platinum);
        assert_eq!(r.tier_for_spend(dec!(20000)), Tier::Diamond);
        assert_eq!(r.next_tier(Tier::Gold), Some((Tier::Platinum, dec!(5000))));
        assert_eq!(r.next_tier(Tier::Diamond), None);
    }

    #[test]
    fn a_tier_without_threshold_is_skipped_and_no_thresholds_is_off() {
        let r = rules([Some(dec!(1000)), None, Some(dec!(20000))]);
        assert_eq!(r.tier_for_spend(dec!(8000)), Tier::Gold);
        assert_eq!(r.next_tier(Tier::Gold), Some((Tier::Diamond, dec!(20000))));
        assert!(!r.is_off());
        assert!(TierRules::default().is_off());
        assert_eq!(
            TierRules::default().tier_for_spend(dec!(1e9)),
            Tier::Standard
        );
    }
}
