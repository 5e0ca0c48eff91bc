//! The loyalty rules' history under their form: every saved change from the audit log,
//! newest first, with who made it and which rules it changed (a tier's name, a
//! threshold, a multiplier, ...).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde_json::Value;
use tokio_postgres::GenericClient;

use crate::console::i18n::Lang;
use crate::error::DbError;

/// Changes the page lists.
const SHOWN_MAX: i64 = 20;

/// One saved change.
#[derive(Debug, Clone, PartialEq)]
pub struct LoyaltyChange {
    pub at: DateTime<Utc>,
    pub user_name: String,
    /// The rules it changed, as `points_per_yuan` or `tiers.labels`.
    pub changed: Vec<String>,
}

/// The names of the rules that differ between two saved versions: top-level fields,
/// and the tiers' fields one level down (`tiers.thresholds`, `tiers.labels`). A field
/// missing on one side (not written: its default) counts as changed when the other
/// side has it.
pub fn changed_fields(before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    fn walk(prefix: &str, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<String>) {
        let empty = serde_json::Map::new();
        let (Some(b), Some(a)) = (
            before.map_or(Some(&empty), Value::as_object),
            after.map_or(Some(&empty), Value::as_object),
        ) else {
            out.push(prefix.trim_end_matches('.').to_owned());
            return;
        };
        let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
        for key in keys {
            let (x, y) = (b.get(key), a.get(key));
            if x == y {
                continue;
            }
            let nested = x.is_none_or(Value::is_object) && y.is_none_or(Value::is_object);
            if prefix.is_empty() && nested {
                walk(&format!("{key}."), x, y, out);
            } else {
                out.push(format!("{prefix}{key}"));
            }
        }
    }
    let mut out = Vec::new();
    walk("", before, after, &mut out);
    out
}

/// The latest saved changes of the loyalty rules.
pub async fn changes(client: &impl GenericClient) -> Result<Vec<LoyaltyChange>, DbError> {
    let rows = client
        .query(
            "SELECT at, user_name, before, after FROM audit_log
             WHERE action = 'loyalty.update' AND subject = 'loyalty_rules'
             ORDER BY id DESC LIMIT $1",
            &[&SHOWN_MAX],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let (before, after): (Option<Value>, Option<Value>) = (r.get(2), r.get(3));
            LoyaltyChange {
                at: r.get(0),
                user_name: r.get(1),
                changed: changed_fields(before.as_ref(), after.as_ref()),
            }
        })
        .collect())
}

pub fn history_section(lang: Lang, changes: &[LoyaltyChange]) -> Markup {
    html! {
        h2 id="history" { (lang.t("loyalty.history")) }
        @if changes.is_empty() {
            p { (lang.t("loyalty.history_none")) }
        } @else {
            table {
                thead { tr {
                    th { (lang.t("audit.at")) } th { (lang.t("audit.user")) }
                    th { (lang.t("loyalty.changed")) }
                } }
                tbody {
                    @for c in changes {
                        tr {
                            td { (c.at.with_timezone(&crate::console::chain_offset()).format("%Y-%m-%d %H:%M")) }
                            td { (c.user_name) }
                            td { (c.changed.join(", ")) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_changed_rules_are_named_down_to_the_tiers_fields() {
        let before = json!({"points_per_yuan": "1", "redeem_cap_fraction": "0.5"});
        let after = json!({
            "points_per_yuan": "2",
            "redeem_cap_fraction": "0.5",
            "tiers": {"window_days": 365, "thresholds": ["100", null, null], "labels": [{"tier": "gold", "zh_cn": "银卡"}]}
        });
        assert_eq!(
            changed_fields(Some(&before), Some(&after)),
            [
                "points_per_yuan",
                "tiers.labels",
                "tiers.thresholds",
                "tiers.window_days"
            ]
        );
        let relabelled = json!({
            "points_per_yuan": "2",
            "redeem_cap_fraction": "0.5",
            "tiers": {"window_days": 365, "thresholds": ["100", null, null], "labels": [{"tier": "gold", "zh_cn": "白银"}]}
        });
        assert_eq!(
            changed_fields(Some(&after), Some(&relabelled)),
            ["tiers.labels"]
        );
        assert_eq!(
            changed_fields(None, Some(&before)),
            ["points_per_yuan", "redeem_cap_fraction"],
            "the first save names every rule it set"
        );
        assert!(changed_fields(Some(&before), Some(&before)).is_empty());
    }
}
