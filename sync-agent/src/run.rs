//! The agent's loop: a cycle, then a wait (the interval, or the backoff after a
//! failure), until shut down. A nudge ends a normal wait at once; during a backoff it
//! only refreshes the counts, so tills do not hammer a head office that is struggling.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Notify;
use tokio::time::Instant;

use crate::agent::Agent;
use crate::error::SyncError;
use crate::status::SyncStatus;

/// Runs `agent` until `shutdown` resolves; `on_status` hears every change of status.
/// A cycle in flight at shutdown is dropped at its next await point, which is always
/// between two SQLite transactions.
pub async fn run(
    mut agent: Agent,
    nudge: Arc<Notify>,
    shutdown: impl Future<Output = ()>,
    mut on_status: impl FnMut(&SyncStatus),
) {
    tokio::pin!(shutdown);
    agent.refresh_status();
    on_status(agent.status());
    let mut no_progress = |_| {};
    loop {
        let result = tokio::select! {
            result = agent.sync_once(&mut no_progress) => result,
            () = &mut shutdown => return,
        };
        on_status(agent.status());
        if let Err(e) = &result {
            tracing::warn!(error = %e, "sync cycle failed");
        }
        let nudge_starts_a_cycle = matches!(result, Ok(_) | Err(SyncError::Busy));
        let deadline = Instant::now() + agent.delay_after(&result, rand::random());
        loop {
            tokio::select! {
                () = tokio::time::sleep_until(deadline) => break,
                () = nudge.notified() => {
                    if nudge_starts_a_cycle {
                        break;
                    }
                    agent.refresh_status();
                    on_status(agent.status());
                }
                () = &mut shutdown => return,
            }
        }
    }
}
