//! Signing in: the password check, backoff after failures and the lock-out.

use chrono::{DateTime, TimeDelta, Utc};
use deadpool_postgres::Pool;
use tokio::sync::Semaphore;
use tokio_postgres::GenericClient;

use super::session::{self, NewSession};
use super::users::{User, find_user, is_valid_name, password_matches};
use crate::error::DbError;

/// Failures that cost nothing yet (a typo or two).
const FREE_FAILURES: i32 = 3;
/// Failures after which the name is locked for [`LOCK_OUT`].
pub const LOCK_OUT_FAILURES: i32 = 10;
pub const LOCK_OUT: TimeDelta = TimeDelta::hours(1);
/// A name's failures are forgotten this long after its last one (and once no lock
/// holds it): a day keeps the backoff from being reset by waiting out a short pause.
pub const FAILURES_FORGOTTEN_AFTER: TimeDelta = TimeDelta::days(1);

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

/// argon2 runs at most this many at once, whoever asks: a flood of sign-ins waits here
/// instead of taking the database connections the tills need.
const VERIFICATIONS_AT_ONCE: usize = 2;
static VERIFICATIONS: Semaphore = Semaphore::const_new(VERIFICATIONS_AT_ONCE);

/// Failures of names nobody could have are counted under this one key, so made-up names
/// cannot fill the table.
const IMPOSSIBLE_NAMES: &str = "(not a user name)";

/// Checks `password` for `name` at `now`; a match opens a session.
///
/// The attempt is counted as a failure before the password is checked (and the count
/// cleared on a match), so attempts sent in parallel cannot slip past the backoff.
pub async fn sign_in(
    pool: &Pool,
    name: &str,
    password: String,
    now: DateTime<Utc>,
) -> Result<(User, NewSession), SignInError> {
    let key = if is_valid_name(name) {
        name
    } else {
        IMPOSSIBLE_NAMES
    };
    let found = {
        let client = pool.get().await.map_err(DbError::from)?;
        claim_attempt(&**client, key, now).await?;
        find_user(&**client, name).await?
    };
    let hash = found.as_ref().map(|(_, hash)| hash.clone());
    let matches = {
        let _turn = VERIFICATIONS.acquire().await.ok();
        // argon2 takes tens of milliseconds of CPU: off the threads that serve requests,
        // and holding no database connection.
        tokio::task::spawn_blocking(move || password_matches(hash.as_deref(), &password))
            .await
            .unwrap_or(false)
    };
    let client = pool.get().await.map_err(DbError::from)?;
    match found {
        Some((user, _)) if matches => {
            client
                .execute(
                    "DELETE FROM console_sign_in_failures WHERE name = $1",
                    &[&key],
                )
                .await
                .map_err(DbError::from)?;
            session::prune_ended(&**client, now).await?;
            let session = session::open(&**client, &user.name, now).await?;
            Ok((user, session))
        }
        _ => {
            tracing::warn!(name = key, "console sign-in refused");
            Err(SignInError::Refused)
        }
    }
}

/// Removes the failures of names that failed last more than
/// [`FAILURES_FORGOTTEN_AFTER`] before `now` and are not locked. Returns how many names.
pub async fn prune_forgotten_failures(
    client: &impl GenericClient,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(client
        .execute(
            "DELETE FROM console_sign_in_failures WHERE last_at < $1 AND locked_until <= $2",
            &[&(now - FAILURES_FORGOTTEN_AFTER), &now],
        )
        .await?)
}

/// Counts one more failure for `name` and sets its wait, unless it must still wait.
async fn claim_attempt(
    client: &impl GenericClient,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), SignInError> {
    let claimed = client
        .query_opt(
            "INSERT INTO console_sign_in_failures AS f (name, failures, last_at, locked_until)
             VALUES ($1, 1, $2, $2)
             ON CONFLICT (name) DO UPDATE SET failures = f.failures + 1, last_at = $2
             WHERE f.locked_until <= $2
             RETURNING failures",
            &[&name, &now],
        )
        .await
        .map_err(DbError::from)?;
    let Some(row) = claimed else {
        let until: DateTime<Utc> = client
            .query_one(
                "SELECT locked_until FROM console_sign_in_failures WHERE name = $1",
                &[&name],
            )
            .await
            .map_err(DbError::from)?
            .get(0);
        return Err(SignInError::Waiting { until });
    };
    let failures: i32 = row.get(0);
    client
        .execute(
            "UPDATE console_sign_in_failures SET locked_until = $2 WHERE name = $1",
            &[&name, &(now + wait_after(failures))],
        )
        .await
        .map_err(DbError::from)?;
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
