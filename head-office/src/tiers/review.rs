//! The review: a member whose review date has come gets the tier their spend over the
//! window reaches when it is lower (a downgrade takes effect only then); one who still
//! reaches their tier keeps it until the next review, `review_days` later. A tier set by
//! an import (no review date yet) is given its first review date. The day is passed in.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use pos_domain::member::{Member, Tier};
use pos_domain::protocol::Change;
use tokio_postgres::Client;

use super::{TierChange, apply_changes, tier_rules, window_spend};
use crate::error::DbError;
use crate::feed::{self, FeedEntry};

/// What a review run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewSummary {
    /// Members whose review date had come.
    pub reviewed: u64,
    /// Those lowered, with the change.
    pub downgraded: Vec<TierChange>,
    /// Members given their first review date.
    pub dated: u64,
}

/// Reviews the members due on `as_of`, in one transaction; `changed_by` names the run
/// (`schedule`, `command:<user>`), `now` is kept as the run's moment.
pub async fn review(
    client: &mut Client,
    now: DateTime<Utc>,
    as_of: NaiveDate,
    changed_by: &str,
) -> Result<ReviewSummary, DbError> {
    let tx = client.transaction().await?;
    let rules = tier_rules(&tx).await?;
    let mut summary = ReviewSummary::default();
    if !rules.is_off() {
        let next_review = as_of + Duration::days(i64::from(rules.review_days));
        summary.dated = tx
            .execute(
                "UPDATE members SET tier_review_on = $1
                 WHERE tier <> 'standard' AND tier_review_on IS NULL",
                &[&next_review],
            )
            .await?;
        let due = tx
            .query(
                "SELECT id, tier FROM members
                 WHERE tier <> 'standard' AND tier_review_on <= $1 ORDER BY id FOR UPDATE",
                &[&as_of],
            )
            .await?;
        let mut tier_of = std::collections::HashMap::new();
        for row in &due {
            let code: String = row.get(1);
            let tier = Tier::from_code(&code)
                .ok_or_else(|| DbError::Corrupt(format!("member tier {code:?}")))?;
            tier_of.insert(row.get::<_, String>(0), tier);
        }
        summary.reviewed = due.len() as u64;
        let ids: Vec<String> = tier_of.keys().cloned().collect();
        let mut kept = Vec::new();
        for (member, spend) in window_spend(&tx, &ids, as_of, rules.window_days).await? {
            let current = tier_of[&member];
            let reached = rules.tier_for_spend(spend);
            if reached < current {
                summary.downgraded.push(TierChange {
                    member_id: member,
                    from: current,
                    to: reached,
                    reason: "review",
                    window_spend: spend,
                    document_id: None,
                    changed_by: changed_by.to_owned(),
                    effective_on: as_of,
                });
            } else {
                kept.push(member);
            }
        }
        tx.execute(
            "UPDATE members SET tier_review_on = $2 WHERE id = ANY($1)",
            &[&kept, &next_review],
        )
        .await?;
        apply_changes(&tx, &summary.downgraded, rules.review_days).await?;
        let lowered: Vec<&str> = summary
            .downgraded
            .iter()
            .map(|c| c.member_id.as_str())
            .collect();
        let entries = members(&tx, &lowered)
            .await?
            .into_iter()
            .map(|m| FeedEntry::chain(Change::Member(m)))
            .collect();
        feed::publish(&tx, entries).await?;
    }
    let downgraded = summary.downgraded.len() as i64;
    tx.execute(
        "INSERT INTO tier_review_runs (ran_at, as_of, reviewed, downgraded) VALUES ($1, $2, $3, $4)",
        &[&now, &as_of, &(summary.reviewed as i64), &downgraded],
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}

/// The members as the feed sends them (masked by the feed).
async fn members(
    tx: &tokio_postgres::Transaction<'_>,
    ids: &[&str],
) -> Result<Vec<Member>, DbError> {
    let rows = tx
        .query(
            "SELECT id, card_no, coalesce(phone, ''), name, tier, points_balance
             FROM members WHERE id = ANY($1)",
            &[&ids],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let code: String = r.get(4);
            Ok(Member {
                id: r.get(0),
                card_no: r.get(1),
                phone: r.get(2),
                name: r.get(3),
                tier: Tier::from_code(&code)
                    .ok_or_else(|| DbError::Corrupt(format!("member tier {code:?}")))?,
                points_balance: r.get(5),
                phone_key: None,
                tier_spend: None,
                segment: None,
            })
        })
        .collect()
}
