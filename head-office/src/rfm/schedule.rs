//! `serve`'s daily run: once a day, at a configurable hour of the chain's clock (UTC+8,
//! see `chain_time`). A run is due when the chain's clock is past today's hour and no
//! run (scheduled or by the command) has been made since that moment, so a server down
//! at the hour runs as soon as it is back. The clock is passed in: [`run_if_due`] is
//! what the tests call with the moments they choose.

use std::time::Duration;

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use tokio_postgres::Client;

use super::{RfmError, RunSummary, run};
use crate::chain_time;
use crate::error::DbError;

/// The chain's hour the run is made at unless told otherwise (03:00, before the stores
/// open).
pub const HOUR_DEFAULT: u32 = 3;

/// How often `serve` asks whether a run is due.
pub const CHECK_EVERY: Duration = Duration::from_secs(60);

/// The moment of today's run (the chain's day at `now`, at `hour` o'clock), in UTC.
pub fn todays_moment(now: DateTime<Utc>, hour: u32) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour.min(23), 0, 0).expect("an hour of the day");
    let local = chain_time::today(now).and_time(time);
    chain_time::offset()
        .from_local_datetime(&local)
        .single()
        .expect("a fixed offset has one reading of each local time")
        .with_timezone(&Utc)
}

/// Is a run due at `now`, given the last run's moment?
pub fn due(now: DateTime<Utc>, hour: u32, last_run: Option<DateTime<Utc>>) -> bool {
    let moment = todays_moment(now, hour);
    now >= moment && last_run.is_none_or(|last| last < moment)
}

/// Runs RFM as of the chain's day at `now` when a run is due; `None` when it was not.
pub async fn run_if_due(
    client: &mut Client,
    now: DateTime<Utc>,
    hour: u32,
    window_days: i64,
) -> Result<Option<RunSummary>, RfmError> {
    let last: Option<DateTime<Utc>> = client
        .query_one("SELECT max(computed_at) FROM rfm_runs", &[])
        .await?
        .get(0);
    if !due(now, hour, last) {
        return Ok(None);
    }
    Ok(Some(
        run(client, now, chain_time::today(now), window_days).await?,
    ))
}

/// `serve`'s scheduler: asks every [`CHECK_EVERY`] whether the day's run is due and
/// makes it; a failure is logged and tried again at the next check.
pub async fn keep_scoring(pool: deadpool_postgres::Pool, hour: u32, window_days: i64) {
    let mut tick = tokio::time::interval(CHECK_EVERY);
    loop {
        tick.tick().await;
        let result = match pool.get().await {
            Ok(mut client) => run_if_due(&mut client, Utc::now(), hour, window_days).await,
            Err(e) => Err(DbError::from(e).into()),
        };
        match result {
            Ok(Some(summary)) => tracing::info!(
                members = summary.members,
                took_ms = summary.took.as_millis() as u64,
                "RFM scores recomputed"
            ),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "recomputing RFM failed; trying again"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).unwrap()
    }

    #[test]
    fn the_hour_is_the_chains() {
        // 03:00 in the chain is 19:00 UTC the day before; 23:59 UTC+8 of the 5th is
        // 15:59 UTC of the 5th, whose run was at 19:00 UTC of the 4th.
        assert_eq!(todays_moment(utc(5, 19, 30), 3), utc(5, 19, 0));
        assert_eq!(todays_moment(utc(5, 18, 59), 3), utc(5, 19, 0));
        assert_eq!(todays_moment(utc(5, 15, 59), 3), utc(4, 19, 0));
    }

    #[test]
    fn due_once_a_day_from_the_hour() {
        let hour = 3;
        assert!(!due(utc(5, 18, 59), hour, Some(utc(4, 19, 0))), "02:59");
        assert!(due(utc(5, 19, 0), hour, Some(utc(4, 19, 0))), "03:00");
        assert!(
            !due(utc(5, 19, 1), hour, Some(utc(5, 19, 0))),
            "run already"
        );
        assert!(
            due(utc(6, 2, 0), hour, Some(utc(4, 19, 0))),
            "missed: as soon as up"
        );
        assert!(due(utc(5, 19, 0), hour, None), "never run");
        assert!(!due(utc(5, 18, 0), hour, None), "before the first hour");
    }
}
