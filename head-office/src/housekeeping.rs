//! Rows nobody needs any more, pruned by `serve` every [`PRUNE_EVERY`]: rejections
//! resolved long ago, console sessions that have ended, and sign-in failures old
//! enough to forget. Each rule lives with its table; this runs them together.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;

use crate::console::{session, sign_in};
use crate::error::DbError;
use crate::ingest::rejections;

/// How often `serve` prunes.
pub const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// What one round removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub resolved_rejections: u64,
    pub ended_sessions: u64,
    pub forgotten_sign_in_failures: u64,
}

/// One round of pruning as of `now`.
pub async fn prune(client: &impl GenericClient, now: DateTime<Utc>) -> Result<Pruned, DbError> {
    Ok(Pruned {
        resolved_rejections: rejections::prune_resolved(client, now).await?,
        ended_sessions: session::prune_ended(client, now).await?,
        forgotten_sign_in_failures: sign_in::prune_forgotten_failures(client, now).await?,
    })
}

/// `serve`'s housekeeper: prunes at start and every [`PRUNE_EVERY`]; a failure is
/// logged and tried again at the next round.
pub async fn keep_pruning(pool: deadpool_postgres::Pool) {
    let mut tick = tokio::time::interval(PRUNE_EVERY);
    loop {
        tick.tick().await;
        let result = match pool.get().await {
            Ok(client) => prune(&**client, Utc::now()).await,
            Err(e) => Err(e.into()),
        };
        match result {
            Ok(pruned) => tracing::debug!(?pruned, "housekeeping done"),
            Err(e) => tracing::warn!(error = %e, "housekeeping failed; trying again later"),
        }
    }
}
