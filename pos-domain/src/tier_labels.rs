//! The chain's own names of its tiers (会员等级名称) as fields a person types in the
//! console, read back with their checks: short enough for a receipt line, no control
//! characters, and no two tiers shown under one name in a language. An empty field
//! keeps the built-in label. The four tiers stay the ladder; only their names change.

use crate::loyalty_rules::InvalidLoyaltyRules;
use crate::member::{Tier, TierLabel};

/// Longest label, in characters: it is printed after "会员等级: " on 58 mm paper.
pub const TIER_LABEL_CHARS_MAX: usize = 12;

/// The fields, in order: the zh-CN labels of standard, gold, platinum and diamond,
/// then their English labels.
pub const TIER_LABEL_FIELDS: [&str; 8] = [
    "tier_label_zh_standard",
    "tier_label_zh_gold",
    "tier_label_zh_platinum",
    "tier_label_zh_diamond",
    "tier_label_en_standard",
    "tier_label_en_gold",
    "tier_label_en_platinum",
    "tier_label_en_diamond",
];

/// The built-in Chinese label (the till's `tier.*` texts): what an empty Chinese field
/// shows, and what a chain's label may not repeat for another tier.
pub fn builtin_label_zh(tier: Tier) -> &'static str {
    match tier {
        Tier::Standard => "普通会员",
        Tier::Gold => "金卡",
        Tier::Platinum => "铂金",
        Tier::Diamond => "钻石",
    }
}

/// The built-in English label, as [`builtin_label_zh`].
pub fn builtin_label_en(tier: Tier) -> &'static str {
    match tier {
        Tier::Standard => "Standard",
        Tier::Gold => "Gold",
        Tier::Platinum => "Platinum",
        Tier::Diamond => "Diamond",
    }
}

fn refuse(index: usize, value: &str, why: &'static str) -> InvalidLoyaltyRules {
    InvalidLoyaltyRules {
        field: TIER_LABEL_FIELDS[index],
        value: value.to_owned(),
        why,
    }
}

/// The field of `tier`'s label in a language (0: zh-CN, 1: English).
fn field_index(tier: Tier, language: usize) -> usize {
    language * 4 + tier as usize
}

/// Checks the labels: each tier once, each text trimmed, at most
/// [`TIER_LABEL_CHARS_MAX`] characters, no control characters, and in each language no
/// two tiers under one name (a label left empty counts as its built-in one).
pub fn validate_tier_labels(labels: &[TierLabel]) -> Result<(), InvalidLoyaltyRules> {
    for (i, label) in labels.iter().enumerate() {
        if labels[..i].iter().any(|l| l.tier == label.tier) {
            let index = field_index(label.tier, 0);
            return Err(refuse(index, label.tier.code(), "names a tier twice"));
        }
    }
    for language in 0..2 {
        let shown = |tier: Tier| -> String {
            let chain = labels
                .iter()
                .find(|l| l.tier == tier)
                .map(|l| match language {
                    0 => l.zh_cn.as_str(),
                    _ => l.en.as_str(),
                });
            match chain.filter(|t| !t.is_empty()) {
                Some(text) => text.to_owned(),
                None if language == 0 => builtin_label_zh(tier).to_owned(),
                None => builtin_label_en(tier).to_owned(),
            }
        };
        for (n, tier) in Tier::ALL.into_iter().enumerate() {
            let text = shown(tier);
            let index = field_index(tier, language);
            if text.trim() != text {
                return Err(refuse(index, &text, "must not start or end with spaces"));
            }
            if text.chars().count() > TIER_LABEL_CHARS_MAX {
                return Err(refuse(index, &text, "must be at most 12 characters"));
            }
            if text.chars().any(char::is_control) {
                return Err(refuse(index, &text, "must not hold control characters"));
            }
            let lower = Tier::ALL[..n].iter().any(|t| shown(*t) == text);
            if lower {
                return Err(refuse(index, &text, "is already another tier's name"));
            }
        }
    }
    Ok(())
}

/// Reads the labels from their fields (in [`TIER_LABEL_FIELDS`] order) and checks them.
/// A tier with both fields empty has no entry: all empty gives no labels at all.
pub fn tier_labels_from_fields(fields: &[&str; 8]) -> Result<Vec<TierLabel>, InvalidLoyaltyRules> {
    let labels: Vec<TierLabel> = Tier::ALL
        .into_iter()
        .map(|tier| TierLabel {
            tier,
            zh_cn: fields[field_index(tier, 0)].trim().to_owned(),
            en: fields[field_index(tier, 1)].trim().to_owned(),
        })
        .filter(|l| !l.zh_cn.is_empty() || !l.en.is_empty())
        .collect();
    validate_tier_labels(&labels)?;
    Ok(labels)
}

/// The labels as fields: what [`tier_labels_from_fields`] reads back to the same labels.
pub fn tier_labels_to_fields(labels: &[TierLabel]) -> [String; 8] {
    let mut fields: [String; 8] = Default::default();
    for label in labels {
        fields[field_index(label.tier, 0)] = label.zh_cn.clone();
        fields[field_index(label.tier, 1)] = label.en.clone();
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::member::TierRules;

    fn read(fields: [&str; 8]) -> Result<Vec<TierLabel>, InvalidLoyaltyRules> {
        tier_labels_from_fields(&fields)
    }

    #[test]
    fn labels_read_back_and_empty_fields_keep_the_built_in_ones() {
        let labels = read(["", "银卡", "金卡", "黑卡", "", "Silver", "", ""]).unwrap();
        assert_eq!(labels.len(), 3, "standard has no entry");
        let rules = TierRules {
            labels: labels.clone(),
            ..TierRules::default()
        };
        assert_eq!(rules.chain_label(Tier::Gold, "zh-CN"), Some("银卡"));
        assert_eq!(rules.chain_label(Tier::Gold, "en"), Some("Silver"));
        assert_eq!(rules.chain_label(Tier::Platinum, "en"), None);
        assert_eq!(rules.chain_label(Tier::Standard, "zh-CN"), None);
        let fields = tier_labels_to_fields(&labels);
        let texts: Vec<&str> = fields.iter().map(String::as_str).collect();
        assert_eq!(read(texts.try_into().unwrap()).unwrap(), labels);
        assert_eq!(read(Default::default()).unwrap(), []);
    }

    #[test]
    fn a_bad_label_names_its_field() {
        for (fields, field, why) in [
            (
                ["", "超级无敌至尊金卡会员专享等级", "", "", "", "", "", ""],
                "tier_label_zh_gold",
                "at most 12",
            ),
            (
                ["", "钻石", "", "", "", "", "", ""],
                "tier_label_zh_diamond",
                "another tier",
            ),
            (
                ["", "", "", "", "", "", "Gold", ""],
                "tier_label_en_platinum",
                "another tier",
            ),
            (
                ["", "", "", "", "a\u{7}", "", "", ""],
                "tier_label_en_standard",
                "control",
            ),
        ] {
            let e = read(fields).unwrap_err();
            assert_eq!(e.field, field, "{fields:?}");
            assert!(e.to_string().contains(why), "{e}");
        }
        let twice = [
            TierLabel {
                tier: Tier::Gold,
                zh_cn: "银卡".into(),
                en: String::new(),
            },
            TierLabel {
                tier: Tier::Gold,
                zh_cn: "白银".into(),
                en: String::new(),
            },
        ];
        assert!(validate_tier_labels(&twice).is_err());
    }

    #[test]
    fn rules_without_labels_keep_their_bytes_and_labels_alone_are_sent() {
        let plain = crate::member::LoyaltyRules::default();
        let json = serde_json::to_string(&plain).unwrap();
        assert!(!json.contains("tiers"), "{json}");
        let mut named = plain.clone();
        named.tiers.labels = read(["", "银卡", "", "", "", "", "", ""]).unwrap();
        let json = serde_json::to_string(&named).unwrap();
        assert!(
            json.contains("银卡"),
            "labels without thresholds are sent: {json}"
        );
        let back: crate::member::LoyaltyRules = serde_json::from_str(&json).unwrap();
        assert_eq!(back, named);
    }
}
