//! Head office works out again the points each sale to a member earned, from its lines
//! and the loyalty rules in force when it was rung up, with the tier head office holds
//! for the member, and flags a sale whose points differ (`point_reviews`, the console's
//! review list). The till's figure stands: the customer's receipt says it, and nothing
//! is changed without a person.
//!
//! A till applies new rules when it next pulls, so a sale matches if it agrees with any
//! rules in force during the day before it was rung up (a till offline that long still
//! sells under the rules it had).

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use pos_domain::document::TenderKind;
use pos_domain::document::{Document, DocumentBody};
use pos_domain::loyalty::points_earned;
use pos_domain::member::{LoyaltyRules, Tier};
use rust_decimal::Decimal;
use tokio_postgres::GenericClient;
use tokio_postgres::types::Json;
use uuid::Uuid;

use crate::error::DbError;

/// How long after new rules a till may still sell under the old ones.
const RULES_LAG: Duration = Duration::days(1);

/// A sale whose points differ from every rules' result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    pub document_id: Uuid,
    pub member_id: String,
    pub claimed: i64,
    pub computed: i64,
}

/// The rules versions, oldest first: (from when, rules).
pub type RulesHistory = Vec<(DateTime<Utc>, LoyaltyRules)>;

/// The rules a sale rung up at `at` may have been priced under.
fn rules_at(history: &RulesHistory, at: DateTime<Utc>) -> Vec<&LoyaltyRules> {
    let current = history.iter().rposition(|(from, _)| *from <= at);
    let earliest = history
        .iter()
        .rposition(|(from, _)| *from <= at - RULES_LAG);
    match current {
        Some(last) => history[earliest.unwrap_or(0)..=last]
            .iter()
            .map(|(_, r)| r)
            .collect(),
        None => Vec::new(),
    }
}

/// The pure part: the accepted sales whose points no rules of their moment give.
/// `tiers` holds head office's tier of each member by the id the document names.
pub fn disagreements(
    accepted: &[&Document],
    history: &RulesHistory,
    tiers: &HashMap<String, (String, Tier)>,
) -> Vec<Disagreement> {
    let mut found = Vec::new();
    for doc in accepted {
        let DocumentBody::Sale(sale) = &doc.body else {
            continue;
        };
        let Some(member) = &sale.member else {
            continue;
        };
        let Some((member_id, tier)) = tiers.get(&member.member_id) else {
            continue;
        };
        let candidates = rules_at(history, doc.created_at);
        let paid_with_points: Decimal = sale
            .tenders
            .iter()
            .filter(|t| t.kind == TenderKind::Points)
            .map(|t| t.amount)
            .sum();
        // A till that has not pulled a member's upgrade yet sells under the lower tier
        // the sale names: fewer points, not flagged.
        let mut tiers_allowed = vec![*tier];
        if member.tier < *tier {
            tiers_allowed.push(member.tier);
        }
        let results: Vec<i64> = tiers_allowed
            .iter()
            .flat_map(|t| {
                candidates.iter().map(|rules| {
                    points_earned(&sale.lines, sale.total, paid_with_points, *t, rules)
                })
            })
            .collect();
        if !results.contains(&sale.points_earned) {
            found.push(Disagreement {
                document_id: doc.id,
                member_id: member_id.clone(),
                claimed: sale.points_earned,
                computed: *results.get(candidates.len().wrapping_sub(1)).unwrap_or(&0),
            });
        }
    }
    found
}

/// Flags the batch's sales whose points disagree; `resolved` maps the ids documents name
/// to head office's members, `tier_of` holds their tiers (read with their balances).
pub(super) async fn check(
    client: &impl GenericClient,
    store_id: &str,
    terminal_id: &str,
    accepted: &[&Document],
    resolved: &HashMap<String, String>,
    tier_of: &HashMap<String, Tier>,
) -> Result<(), DbError> {
    let named = accepted
        .iter()
        .any(|d| matches!(&d.body, DocumentBody::Sale(s) if s.member.is_some()));
    if !named {
        return Ok(());
    }
    // Before head office set any rules, the tills sold under their defaults.
    let mut history: RulesHistory = vec![(DateTime::<Utc>::MIN_UTC, LoyaltyRules::default())];
    for row in client
        .query(
            "SELECT valid_from, data FROM loyalty_rules_history ORDER BY valid_from",
            &[],
        )
        .await?
    {
        let Json(rules): Json<LoyaltyRules> = row.get(1);
        history.push((row.get(0), rules));
    }
    let tiers: HashMap<String, (String, Tier)> = resolved
        .iter()
        .filter_map(|(named, id)| Some((named.clone(), (id.clone(), *tier_of.get(id)?))))
        .collect();
    let found = disagreements(accepted, &history, &tiers);
    for d in &found {
        client
            .execute(
                "INSERT INTO point_reviews (document_id, member_id, store_id, terminal_id, claimed, computed)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (document_id) DO NOTHING",
                &[&d.document_id, &d.member_id, &store_id, &terminal_id, &d.claimed, &d.computed],
            )
            .await?;
        tracing::warn!(document = %d.document_id, member = %d.member_id, claimed = d.claimed, computed = d.computed, "a sale's points differ from the rules; flagged for review");
    }
    Ok(())
}
