//! Tiers by spend (会员等级): the rules are part of the loyalty rules
//! ([`pos_domain::member::TierRules`], set in the console and sent down the feed).
//!
//! - At ingest (`crate::ingest`'s `tiers.rs`): each accepted sale, return or void adds its paid money to the member's
//!   day (`member_spend_by_day`) in ingest's transaction; a member whose spend over the
//!   window reaches a higher tier is raised at once and published to the tills.
//! - [`review`]: members whose review date has come are given the tier their spend
//!   reaches, when it is lower (a downgrade waits for the review date); run daily inside
//!   `serve` ([`schedule`]) and by `head-office tiers`, the day passed in.
//!
//! Every change is kept in `member_tier_changes` (what, why, by whom), shown on the
//! member's page.

pub mod review;
pub mod schedule;

use chrono::{DateTime, NaiveDate, Utc};
use pos_domain::member::{LoyaltyRules, Tier, TierRules};
use rust_decimal::Decimal;
use tokio_postgres::GenericClient;
use tokio_postgres::types::Json;
use uuid::Uuid;

use crate::error::DbError;

/// The tier rules in force (off until head office is given loyalty rules with them).
pub async fn tier_rules(client: &impl GenericClient) -> Result<TierRules, DbError> {
    let row = client
        .query_opt("SELECT data FROM loyalty_rules", &[])
        .await?;
    Ok(row.map_or_else(TierRules::default, |r| {
        r.get::<_, Json<LoyaltyRules>>(0).0.tiers
    }))
}

/// Spend of each member over the `window_days` days ending on `as_of`.
pub async fn window_spend(
    client: &impl GenericClient,
    members: &[String],
    as_of: NaiveDate,
    window_days: u32,
) -> Result<Vec<(String, Decimal)>, DbError> {
    let first = as_of - chrono::Duration::days(i64::from(window_days) - 1);
    let rows = client
        .query(
            "SELECT m, coalesce(sum(s.amount), 0)::text FROM unnest($1::text[]) AS m
             LEFT JOIN member_spend_by_day s
                    ON s.member_id = m AND s.business_date BETWEEN $2 AND $3
             GROUP BY m",
            &[&members, &first, &as_of],
        )
        .await?;
    rows.iter()
        .map(|r| Ok((r.get(0), decimal(r.get(1))?)))
        .collect()
}

/// A numeric read as text.
fn decimal(text: &str) -> Result<Decimal, DbError> {
    text.parse()
        .map_err(|_| DbError::Corrupt(format!("spend {text:?} is not a decimal")))
}

/// One change of a member's tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierChange {
    pub member_id: String,
    pub from: Tier,
    pub to: Tier,
    /// `spend` or `review`.
    pub reason: &'static str,
    pub window_spend: Decimal,
    pub document_id: Option<Uuid>,
    pub changed_by: String,
    pub effective_on: NaiveDate,
}

/// Sets the members' tiers with their next review date and records each change.
pub async fn apply_changes(
    client: &impl GenericClient,
    changes: &[TierChange],
    review_days: u32,
) -> Result<(), DbError> {
    for c in changes {
        let review_on = c.effective_on + chrono::Duration::days(i64::from(review_days));
        client
            .execute(
                "UPDATE members SET tier = $2, tier_review_on = $3 WHERE id = $1",
                &[&c.member_id, &c.to.code(), &review_on],
            )
            .await?;
        let spend = c.window_spend.to_string();
        client
            .execute(
                "INSERT INTO member_tier_changes
                     (member_id, from_tier, to_tier, reason, window_spend, document_id, changed_by, effective_on)
                 VALUES ($1, $2, $3, $4, $5::text::numeric, $6, $7, $8)",
                &[
                    &c.member_id,
                    &c.from.code(),
                    &c.to.code(),
                    &c.reason,
                    &spend,
                    &c.document_id,
                    &c.changed_by,
                    &c.effective_on,
                ],
            )
            .await?;
    }
    Ok(())
}

/// A member's tier changes as the console shows them, newest first.
#[derive(Debug, Clone)]
pub struct TierChangeRow {
    pub from_tier: String,
    pub to_tier: String,
    pub reason: String,
    pub window_spend: Decimal,
    pub document_id: Option<Uuid>,
    pub changed_by: String,
    pub effective_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
}

pub async fn changes_of(
    client: &impl GenericClient,
    member_id: &str,
) -> Result<Vec<TierChangeRow>, DbError> {
    let rows = client
        .query(
            "SELECT from_tier, to_tier, reason, window_spend::text, document_id, changed_by,
                    effective_on, recorded_at
             FROM member_tier_changes WHERE member_id = $1 ORDER BY id DESC LIMIT 100",
            &[&member_id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(TierChangeRow {
                from_tier: r.get(0),
                to_tier: r.get(1),
                reason: r.get(2),
                window_spend: decimal(r.get(3))?,
                document_id: r.get(4),
                changed_by: r.get(5),
                effective_on: r.get(6),
                recorded_at: r.get(7),
            })
        })
        .collect()
}
