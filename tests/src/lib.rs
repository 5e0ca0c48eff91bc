//! The real pieces the end-to-end tests and benchmarks put together.
//!
//! # Layout
//! - [`head_office`]: head office on a throwaway PostgreSQL database, over HTTP on 127.0.0.1.
//! - [`tills`]: till data folders with sales rung up through the `Till`.
//! - [`proxy`]: a fault-injecting TCP proxy between agents and head office.
//! - [`ledger`]: what the tills' documents do to stock and points, added up.
//! - [`bench`]: helpers of the sync benchmarks.
//! - [`module_graph`]: import cycles between sibling modules, read from the sources.

pub mod bench;
pub mod head_office;
pub mod ledger;
pub mod module_graph;
pub mod proxy;
pub mod tills;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use sync_agent::backoff::Backoff;
use sync_agent::client::Timeouts;
use sync_agent::{AgentConfig, SyncHandle, SyncStatus};

/// Bound on any wait for the agents.
pub const WAIT_MAX: Duration = Duration::from_secs(120);

/// An agent tuned for tests: short timeouts and backoff, small batches and pages so
/// that a few thousand sales make many requests.
pub fn fast_agent_config() -> AgentConfig {
    AgentConfig {
        interval: Duration::from_millis(100),
        timeouts: Timeouts {
            connect_timeout_ms: 1_000,
            request_timeout_ms: 1_500,
        },
        backoff: Backoff {
            base_ms: 10,
            max_ms: 200,
        },
        batch_documents_max: 40,
        feed_page_limit: 200,
    }
}

/// The demo catalog (about 240 products, lots, serials, members, promotions).
pub fn demo_catalog() -> pos_core::import::CatalogImport {
    pos_core::import::parse_catalog_csv(pos_core::demo::demo_catalog_csv().as_bytes())
        .expect("the demo catalog parses")
}

/// When the tests' first sale is rung up: 09:30 in Beijing on the demo business date.
pub fn first_sale_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 1, 30, 0)
        .single()
        .expect("a valid time")
}

/// Entries that are not zero (a row at zero and no row mean the same stock).
pub fn nonzero<K: Ord + Clone>(map: &BTreeMap<K, i64>) -> BTreeMap<K, i64> {
    map.iter()
        .filter(|(_, v)| **v != 0)
        .map(|(k, v)| (k.clone(), *v))
        .collect()
}

/// Waits until `handle` reports a status for which `done` holds, at most [`WAIT_MAX`].
pub async fn wait_for(
    handle: &SyncHandle,
    what: &str,
    done: impl FnMut(&SyncStatus) -> bool,
) -> SyncStatus {
    let mut status = handle.subscribe();
    match tokio::time::timeout(WAIT_MAX, status.wait_for(done)).await {
        Ok(Ok(s)) => s.clone(),
        _ => panic!(
            "{what}: not within {WAIT_MAX:?}; last status {:?}",
            handle.status()
        ),
    }
}
