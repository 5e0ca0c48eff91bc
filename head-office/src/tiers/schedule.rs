//! `serve`'s daily tier review, at the same hour of the chain's clock as the RFM run
//! (`--rfm-hour`): due when the chain's clock is past today's hour and no review run has
//! been made since that moment. The clock is passed in: [`review_if_due`] is what the
//! tests call with the moments they choose.

use chrono::{DateTime, Utc};
use tokio_postgres::Client;

use super::review::{ReviewSummary, review};
use crate::chain_time;
use crate::error::DbError;
use crate::rfm::schedule::{CHECK_EVERY, due};

/// Reviews tiers as of the chain's day at `now` when a run is due; `None` when not.
pub async fn review_if_due(
    client: &mut Client,
    now: DateTime<Utc>,
    hour: u32,
) -> Result<Option<ReviewSummary>, DbError> {
    let last: Option<DateTime<Utc>> = client
        .query_one("SELECT max(ran_at) FROM tier_review_runs", &[])
        .await?
        .get(0);
    if !due(now, hour, last) {
        return Ok(None);
    }
    Ok(Some(
        review(client, now, chain_time::today(now), "schedule").await?,
    ))
}

/// `serve`'s scheduler: asks every [`CHECK_EVERY`] whether the day's review is due and
/// makes it; a failure is logged and tried again at the next check.
pub async fn keep_reviewing(pool: deadpool_postgres::Pool, hour: u32) {
    let mut tick = tokio::time::interval(CHECK_EVERY);
    loop {
        tick.tick().await;
        let result = match pool.get().await {
            Ok(mut client) => review_if_due(&mut client, Utc::now(), hour).await,
            Err(e) => Err(DbError::from(e)),
        };
        match result {
            Ok(Some(summary)) => tracing::info!(
                reviewed = summary.reviewed,
                downgraded = summary.downgraded.len(),
                "member tiers reviewed"
            ),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "reviewing member tiers failed; trying again"),
        }
    }
}
