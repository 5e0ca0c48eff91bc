//! Signing in: the password check, backoff after failures and the lock-out.

use chrono::{DateTime, TimeDelta, Utc};
use tokio_postgres::GenericClient;

use super::session::{self, NewSession};
use super::users::{User, find_user, password_matches};
use crate::error::DbError;

/// Failures that cost nothing yet (a typo or two).
const FREE_FAILURES: i32 = 3;
/// Failures after which the name is locked for [`LOCK_OUT`].
pub const LOCK_OUT_FAILURES: i32 = 10;
pub const LOCK_OUT: TimeDelta = TimeDelta::hours(1);

/// How long a name must wait after its `failures`-th failure in a row: nothing for the
/// first three, then 1 s doubling each time, then an hour from the tenth.
pub fn wait_after(failures: i32) -> TimeDelta {
    if failures >= LOCK_OUT_FAILURES {
        LOCK_OUT
    } else if failures > FREE_FAILURES {
        TimeDelta::seconds(1 << (failures - FREE_FAILURES - 1))
    } else {
        TimeDelta::zero()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Wrong name or password: the same answer for both.
    #[error("wrong name or password")]
    Refused,
    #[error("too many failed sign-ins; try again after {until}")]
    Waiting { until: DateTime<Utc> },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Checks `password` for `name` at `now`; a match opens a session.
pub async fn sign_in(
    client: &impl GenericClient,
    name: &str,
    password: String,
    now: DateTime<Utc>,
) -> Result<(User, NewSession), SignInError> {
    let locked: Option<DateTime<Utc>> = client
        .query_opt(
            "SELECT locked_until FROM console_sign_in_failures WHERE name = $1",
            &[&name],
        )
        .await
        .map_err(DbError::from)?
        .map(|r| r.get(0));
    if let Some(until) = locked.filter(|until| *until > now) {
        return Err(SignInError::Waiting { until });
    }
    let found = find_user(client, name).await?;
    let hash = found.as_ref().map(|(_, hash)| hash.clone());
    // argon2 takes tens of milliseconds of CPU: off the threads that serve requests.
    let matches = tokio::task::spawn_blocking(move || password_matches(hash.as_deref(), &password))
        .await
        .unwrap_or(false);
    match found {
        Some((user, _)) if matches => {
            client
                .execute(
                    "DELETE FROM console_sign_in_failures WHERE name = $1",
                    &[&name],
                )
                .await
                .map_err(DbError::from)?;
            let session = session::open(client, &user.name, now).await?;
            Ok((user, session))
        }
        _ => {
            record_failure(client, name, now).await?;
            Err(SignInError::Refused)
        }
    }
}

async fn record_failure(
    client: &impl GenericClient,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let failures: i32 = client
        .query_one(
            "INSERT INTO console_sign_in_failures (name, failures, last_at, locked_until)
             VALUES ($1, 1, $2, $2)
             ON CONFLICT (name) DO UPDATE SET failures = console_sign_in_failures.failures + 1,
                                              last_at = $2
             RETURNING failures",
            &[&name, &now],
        )
        .await?
        .get(0);
    let until = now + wait_after(failures);
    client
        .execute(
            "UPDATE console_sign_in_failures SET locked_until = $2 WHERE name = $1",
            &[&name, &until],
        )
        .await?;
    tracing::warn!(name, failures, %until, "console sign-in refused");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_failures_are_free_then_the_wait_doubles_and_the_tenth_locks_for_an_hour() {
        let waits: Vec<i64> = (1..=11).map(|n| wait_after(n).num_seconds()).collect();
        assert_eq!(waits, [0, 0, 0, 1, 2, 4, 8, 16, 32, 3600, 3600]);
    }
}
