//! `serve`'s daily expiry run, at the hour of the chain's clock of the RFM run and the
//! tier review (`--rfm-hour`): due when the chain's clock is past today's hour and no
//! run has been made since that moment. The clock is passed in: [`expire_if_due`] is
//! what the tests call with the moments they choose.

use chrono::{DateTime, Utc};
use tokio_postgres::Client;

use super::run::{ExpirySummary, expire};
use crate::chain_time;
use crate::error::DbError;
use crate::rfm::schedule::{CHECK_EVERY, due};

/// Expires the points lapsed before the chain's day at `now` when a run is due.
pub async fn expire_if_due(
    client: &mut Client,
    now: DateTime<Utc>,
    hour: u32,
) -> Result<Option<ExpirySummary>, DbError> {
    let last: Option<DateTime<Utc>> = client
        .query_one("SELECT max(ran_at) FROM point_expiry_runs", &[])
        .await?
        .get(0);
    if !due(now, hour, last) {
        return Ok(None);
    }
    Ok(Some(
        expire(client, now, chain_time::today(now), "schedule").await?,
    ))
}

/// `serve`'s scheduler: asks every [`CHECK_EVERY`] whether the day's run is due and
/// makes it; a failure is logged and tried again at the next check.
pub async fn keep_expiring(pool: deadpool_postgres::Pool, hour: u32) {
    let mut tick = tokio::time::interval(CHECK_EVERY);
    loop {
        tick.tick().await;
        let result = match pool.get().await {
            Ok(mut client) => expire_if_due(&mut client, Utc::now(), hour).await,
            Err(e) => Err(DbError::from(e)),
        };
        match result {
            Ok(Some(summary)) => tracing::info!(
                members = summary.members,
                points = summary.points,
                "lapsed points expired"
            ),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "expiring points failed; trying again"),
        }
    }
}
