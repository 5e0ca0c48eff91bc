//! A promotion as the console's form holds it: the catalog file's columns, with the rule
//! (`rule_json` in the file) typed as one field per number. Reading a form back goes
//! through the catalog file's own reader, so the console holds a promotion to exactly
//! the rules an import does.

use std::collections::BTreeMap;

use pos_domain::import::{
    ImportError, promotion_fields, promotion_from_fields, promotion_to_fields,
};
use pos_domain::promotion::{Promotion, PromotionKind, Target};
use serde_json::{Value, json};

use super::table::field;

/// The rule's fields, after the file's `id`..`valid_to`.
pub const RULE_FIELDS: [&str; 14] = [
    "kind",
    "target_by",
    "target_value",
    "percent",
    "amount",
    "threshold",
    "save",
    "repeat",
    "sku",
    "buy",
    "get",
    "tier",
    "price",
    "multiplier",
];

/// The field of the segment whose members alone get the promotion ("" for everyone).
pub const SEGMENT: &str = "segment";

/// The rule kinds, as `rule_json` names them.
pub const KINDS: [&str; 6] = [
    "percent_off",
    "amount_off",
    "spend_save",
    "buy_get",
    "tier_price",
    "points_multiplier",
];

/// What the form holds, field by field, as typed (trimmed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft(BTreeMap<&'static str, String>);

impl Draft {
    /// The form's fields from what was posted; other names are left out.
    pub fn from_posted(pairs: &[(String, String)]) -> Draft {
        let mut draft = Draft::default();
        for name in Draft::names() {
            if let Some(value) = field(pairs, name) {
                draft.0.insert(name, value.to_owned());
            }
        }
        draft
    }

    /// A new promotion's form: 0 priority, stackable, percent off everything.
    pub fn blank() -> Draft {
        let mut draft = Draft::default();
        draft.set("priority", "0");
        draft.set("stackable", "true");
        draft.set("kind", "percent_off");
        draft.set("target_by", "all");
        draft.set("repeat", "false");
        draft.set("tier", "gold");
        draft
    }

    /// The form of a stored promotion.
    pub fn of(promotion: &Promotion) -> Draft {
        let mut draft = Draft::blank();
        let fields = promotion_to_fields(promotion);
        for (name, value) in promotion_fields().iter().zip(fields).take(6) {
            draft.set(name, &value);
        }
        draft.set(SEGMENT, promotion.segment.as_deref().unwrap_or(""));
        // The rule's JSON is what the file holds: spread it over the form's fields.
        let rule = serde_json::to_value(&promotion.kind).expect("a rule is plain data");
        if let Value::Object(members) = rule {
            for (key, value) in members {
                match (key.as_str(), value) {
                    ("target", Value::Object(target)) => {
                        let text = |v: Option<&Value>| match v {
                            Some(Value::String(s)) => s.clone(),
                            _ => String::new(),
                        };
                        draft.set("target_by", &text(target.get("by")));
                        draft.set("target_value", &text(target.get("value")));
                    }
                    (key, Value::String(s)) => draft.set(key, &s),
                    (key, other) => draft.set(key, &other.to_string()),
                }
            }
        }
        draft
    }

    /// The value of field `name` ("" when not given).
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    pub fn set(&mut self, name: &str, value: &str) {
        if let Some(known) = Draft::names().find(|n| *n == name) {
            self.0.insert(known, value.to_owned());
        }
    }

    fn names() -> impl Iterator<Item = &'static str> {
        promotion_fields()[..6]
            .iter()
            .copied()
            .chain(RULE_FIELDS.iter().copied())
            .chain([SEGMENT])
    }

    /// The rule as the file's `rule_json`: numbers as typed (decimals as text, so the
    /// rule's reader says what is wrong with one), only the fields of the chosen kind.
    fn rule_json(&self) -> String {
        let text = |name: &str| Value::String(self.get(name).to_owned());
        // Whole numbers and yes/no go in as such when they read; otherwise as text, for
        // the reader to refuse with its reason.
        let whole = |name: &str| {
            self.get(name)
                .parse::<u64>()
                .map_or_else(|_| text(name), |n| json!(n))
        };
        let flag = |name: &str| {
            self.get(name)
                .parse::<bool>()
                .map_or_else(|_| text(name), |b| json!(b))
        };
        let target = match self.get("target_by") {
            "all" => json!({ "by": "all" }),
            by => json!({ "by": by, "value": self.get("target_value") }),
        };
        let kind = self.get("kind");
        let rule = match kind {
            "percent_off" => json!({ "kind": kind, "target": target, "percent": text("percent") }),
            "amount_off" => json!({ "kind": kind, "target": target, "amount": text("amount") }),
            "spend_save" => json!({
                "kind": kind, "target": target, "threshold": text("threshold"),
                "save": text("save"), "repeat": flag("repeat"),
            }),
            "buy_get" => {
                json!({ "kind": kind, "sku": text("sku"), "buy": whole("buy"), "get": whole("get") })
            }
            "tier_price" => json!({
                "kind": kind, "sku": text("sku"), "tier": text("tier"), "price": text("price"),
            }),
            "points_multiplier" => {
                json!({ "kind": kind, "target": target, "multiplier": text("multiplier") })
            }
            other => json!({ "kind": other }),
        };
        rule.to_string()
    }

    /// The promotion, read as a catalog file's promotion row is.
    pub fn read(&self) -> Result<Promotion, ImportError> {
        let rule = self.rule_json();
        let mut fields: Vec<&str> = promotion_fields()[..6]
            .iter()
            .map(|name| self.get(name))
            .collect();
        fields.push(&rule);
        fields.push(self.get(SEGMENT));
        promotion_from_fields(&fields.try_into().expect("one value per column"))
    }
}

/// The SKUs a rule names: each must be in the catalog.
pub fn named_skus(promotion: &Promotion) -> Vec<&str> {
    match &promotion.kind {
        PromotionKind::PercentOff { target, .. }
        | PromotionKind::AmountOff { target, .. }
        | PromotionKind::SpendSave { target, .. }
        | PromotionKind::PointsMultiplier { target, .. } => match target {
            Target::Sku(sku) => vec![sku.as_str()],
            Target::All | Target::Category(_) => vec![],
        },
        PromotionKind::BuyGet { sku, .. } | PromotionKind::TierPrice { sku, .. } => {
            vec![sku.as_str()]
        }
    }
}

/// The rule's kind, as [`KINDS`] names it.
pub fn kind_code(kind: &PromotionKind) -> &'static str {
    match kind {
        PromotionKind::PercentOff { .. } => KINDS[0],
        PromotionKind::AmountOff { .. } => KINDS[1],
        PromotionKind::SpendSave { .. } => KINDS[2],
        PromotionKind::BuyGet { .. } => KINDS[3],
        PromotionKind::TierPrice { .. } => KINDS[4],
        PromotionKind::PointsMultiplier { .. } => KINDS[5],
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use pos_domain::member::Tier;
    use rust_decimal::Decimal;

    use super::*;

    fn promotion(kind: PromotionKind) -> Promotion {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        Promotion {
            id: "P1".into(),
            name: "双十二".into(),
            kind,
            priority: 5,
            stackable: false,
            valid_from: Some(day.and_hms_opt(0, 0, 0).unwrap()),
            valid_to: Some(day.and_hms_opt(23, 59, 59).unwrap()),
            segment: None,
        }
    }

    #[test]
    fn every_kind_reads_back_from_its_form() {
        let money = |s: &str| s.parse::<Decimal>().unwrap();
        for kind in [
            PromotionKind::PercentOff {
                target: Target::Category("血糖".into()),
                percent: money("12.5"),
            },
            PromotionKind::AmountOff {
                target: Target::All,
                amount: money("3.00"),
            },
            PromotionKind::SpendSave {
                target: Target::Sku("100024".into()),
                threshold: money("200"),
                save: money("20"),
                repeat: true,
            },
            PromotionKind::BuyGet {
                sku: "100024".into(),
                buy: 2,
                get: 1,
            },
            PromotionKind::TierPrice {
                sku: "100024".into(),
                tier: Tier::Platinum,
                price: money("88.80"),
            },
            PromotionKind::PointsMultiplier {
                target: Target::All,
                multiplier: money("2"),
            },
        ] {
            let p = promotion(kind);
            assert_eq!(Draft::of(&p).read(), Ok(p.clone()), "{p:?}");
        }
    }

    #[test]
    fn a_segment_reads_back_from_its_form_and_a_malformed_code_is_refused() {
        let mut p = promotion(PromotionKind::PercentOff {
            target: Target::All,
            percent: Decimal::TEN,
        });
        p.segment = Some("important_value".into());
        let mut draft = Draft::of(&p);
        assert_eq!(draft.get(SEGMENT), "important_value");
        assert_eq!(draft.read(), Ok(p));
        draft.set(SEGMENT, "重要价值客户");
        let e = draft.read().unwrap_err().to_string();
        assert!(e.contains("segment") && e.contains("重要价值客户"), "{e}");
    }

    #[test]
    fn a_bad_number_is_refused_by_the_files_reader_naming_the_rule() {
        let mut draft = Draft::of(&promotion(PromotionKind::BuyGet {
            sku: "A".into(),
            buy: 2,
            get: 1,
        }));
        draft.set("get", "two");
        let e = draft.read().unwrap_err().to_string();
        assert!(e.contains("rule_json") && e.contains("two"), "{e}");
    }
}
