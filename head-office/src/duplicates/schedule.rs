//! One search for every kind of likely duplicate: members ([`super::find`]) and
//! organisations ([`super::org_find`]), run by `head-office duplicates` and hourly
//! inside `serve`.

use std::fmt;
use std::time::Duration;

use tokio_postgres::GenericClient;

use super::find::{self, SearchSummary};
use super::org_find::{self, OrgSearchSummary};
use crate::error::DbError;

/// How often `serve` searches for new likely duplicates.
pub const SEARCH_EVERY: Duration = Duration::from_secs(3600);

/// What one run did, for members and for organisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSummary {
    pub members: SearchSummary,
    pub organisations: OrgSearchSummary,
}

impl fmt::Display for RunSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (m, o) = (&self.members, &self.organisations);
        write!(
            f,
            "likely duplicates: {} members sharing a name examined, {} pairs proposed now, in {:.1} s; \
             {} organisations examined, {} pairs proposed now, in {:.1} s",
            m.examined,
            m.proposed,
            m.took.as_secs_f64(),
            o.examined,
            o.proposed,
            o.took.as_secs_f64()
        )
    }
}

/// Searches members, then organisations.
pub async fn search_all(client: &impl GenericClient) -> Result<RunSummary, DbError> {
    Ok(RunSummary {
        members: find::search(client).await?,
        organisations: org_find::search(client).await?,
    })
}

/// `serve`'s search: every [`SEARCH_EVERY`], from the start; a failure is logged and
/// tried again at the next turn.
pub async fn keep_searching(pool: deadpool_postgres::Pool) {
    let mut tick = tokio::time::interval(SEARCH_EVERY);
    loop {
        tick.tick().await;
        let result = match pool.get().await {
            Ok(client) => search_all(&**client).await,
            Err(e) => Err(DbError::from(e)),
        };
        match result {
            Ok(s) => tracing::info!(
                members_examined = s.members.examined,
                members_proposed = s.members.proposed,
                organisations_examined = s.organisations.examined,
                organisations_proposed = s.organisations.proposed,
                took_ms = (s.members.took + s.organisations.took).as_millis() as u64,
                "likely duplicates searched"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "searching likely duplicates failed; trying again")
            }
        }
    }
}
