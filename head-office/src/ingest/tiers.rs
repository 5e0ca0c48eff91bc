//! Tiers at ingest: each accepted sale, return or void adds its paid money to its
//! member's day, and a member whose spend over the window now reaches a higher tier is
//! raised in the same transaction (an upgrade takes effect at once). See `crate::tiers`.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use pos_domain::document::{Document, DocumentBody};
use pos_domain::loyalty::{return_spend, sale_spend};
use pos_domain::member::{Tier, TierRules};
use rust_decimal::Decimal;
use tokio_postgres::Transaction;
use uuid::Uuid;

use super::effects::SaleMap;
use super::fault::Fault;
use crate::tiers::{self, TierChange};

/// Spend added per (head office's member id, business date).
pub type SpendDays = BTreeMap<(String, NaiveDate), Decimal>;

/// The last document of each member in the batch, and its business date.
pub type LastDocuments = HashMap<String, (Uuid, NaiveDate)>;

/// The pure part: what the accepted documents (in sequence order) add to each member's
/// days. A void takes back its sale's paid money on the void's date (a void comes
/// before the close, on its sale's day).
pub fn spend_days(
    accepted: &[&Document],
    sales: &SaleMap,
    resolved: &HashMap<String, String>,
) -> Result<(SpendDays, LastDocuments), Fault> {
    let mut days = SpendDays::new();
    let mut last = LastDocuments::new();
    let overflow = |id| {
        Fault::document(
            id,
            "its paid money is past the largest sum head office adds up",
        )
    };
    for doc in accepted {
        let (member, amount) = match &doc.body {
            DocumentBody::Sale(s) => (s.member.as_ref(), sale_spend(s)),
            DocumentBody::Return(r) => (r.member.as_ref(), return_spend(r).map(|a| -a)),
            DocumentBody::Void(v) => match sales.get(&v.sale_id) {
                Some(known) => (
                    known.sale.member.as_ref(),
                    sale_spend(&known.sale).map(|a| -a),
                ),
                None => (None, Some(Decimal::ZERO)),
            },
            _ => continue,
        };
        let Some(member) = member else { continue };
        let Some(id) = resolved.get(&member.member_id) else {
            continue;
        };
        let amount = amount.ok_or_else(|| overflow(doc.id))?;
        let day = days
            .entry((id.clone(), doc.business_date))
            .or_insert(Decimal::ZERO);
        *day = day.checked_add(amount).ok_or_else(|| overflow(doc.id))?;
        last.insert(id.clone(), (doc.id, doc.business_date));
    }
    Ok((days, last))
}

/// Adds the batch's spend and raises the members it takes past a higher tier's
/// threshold. Returns the members raised (the caller publishes them).
pub(super) async fn raise(
    tx: &Transaction<'_>,
    accepted: &[&Document],
    sales: &SaleMap,
    (resolved, tier_of): (&HashMap<String, String>, &HashMap<String, Tier>),
    rules: &TierRules,
) -> Result<Vec<String>, Fault> {
    let (days, last) = spend_days(accepted, sales, resolved)?;
    if days.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = days.keys().map(|(m, _)| m.as_str()).collect();
    let dates: Vec<NaiveDate> = days.keys().map(|(_, d)| *d).collect();
    let amounts: Vec<String> = days.values().map(Decimal::to_string).collect();
    tx.execute(
        "INSERT INTO member_spend_by_day (member_id, business_date, amount)
         SELECT m, d, a::numeric FROM unnest($1::text[], $2::date[], $3::text[]) AS u (m, d, a)
         ON CONFLICT (member_id, business_date)
         DO UPDATE SET amount = member_spend_by_day.amount + excluded.amount",
        &[&ids, &dates, &amounts],
    )
    .await
    .map_err(crate::error::DbError::from)?;
    if rules.is_off() {
        return Ok(Vec::new());
    }
    let mut by_date: BTreeMap<NaiveDate, Vec<String>> = BTreeMap::new();
    for (member, (_, date)) in &last {
        by_date.entry(*date).or_default().push(member.clone());
    }
    let mut changes = Vec::new();
    for (as_of, members) in by_date {
        for (member, spend) in tiers::window_spend(tx, &members, as_of, rules.window_days).await? {
            let (Some(current), Some((document, _))) = (tier_of.get(&member), last.get(&member))
            else {
                continue;
            };
            let reached = rules.tier_for_spend(spend);
            if reached > *current {
                changes.push(TierChange {
                    member_id: member.clone(),
                    from: *current,
                    to: reached,
                    reason: "spend",
                    window_spend: spend,
                    document_id: Some(*document),
                    changed_by: "ingest".into(),
                    effective_on: as_of,
                });
            }
        }
    }
    tiers::apply_changes(tx, &changes, rules.review_days).await?;
    for c in &changes {
        tracing::info!(member = %c.member_id, from = c.from.code(), to = c.to.code(), spend = %c.window_spend, "member's spend reached a higher tier; raised");
    }
    Ok(changes.into_iter().map(|c| c.member_id).collect())
}
