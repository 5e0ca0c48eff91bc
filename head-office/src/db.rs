//! The connection pool and the versioned migrations.

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

use crate::error::DbError;

/// Migrations in order; the number is the schema version the file brings the database to.
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_feed_change_json.sql")),
    (
        3,
        include_str!("../migrations/0003_unique_cards_one_z_per_day.sql"),
    ),
    (4, include_str!("../migrations/0004_console.sql")),
    (5, include_str!("../migrations/0005_sales_aggregates.sql")),
    (6, include_str!("../migrations/0006_rejected_documents.sql")),
    (
        7,
        include_str!("../migrations/0007_sku_categories_and_queued_ids.sql"),
    ),
    (
        8,
        include_str!("../migrations/0008_receipt_discrepancies.sql"),
    ),
    (9, include_str!("../migrations/0009_stock_histories.sql")),
    (10, include_str!("../migrations/0010_transfers.sql")),
    (11, include_str!("../migrations/0011_lot_trace.sql")),
    (12, include_str!("../migrations/0012_transfer_orders.sql")),
    (
        13,
        include_str!("../migrations/0013_device_sales_and_trace_numbers.sql"),
    ),
    (14, include_str!("../migrations/0014_stock_levels.sql")),
    (15, include_str!("../migrations/0015_stock_counts.sql")),
    (16, include_str!("../migrations/0016_member_rfm.sql")),
    (17, include_str!("../migrations/0017_integrations.sql")),
    (18, include_str!("../migrations/0018_member_lookup_key.sql")),
    (19, include_str!("../migrations/0019_point_checks.sql")),
    (
        20,
        include_str!("../migrations/0020_integration_event_queue.sql"),
    ),
    (21, include_str!("../migrations/0021_member_erasure.sql")),
    (22, include_str!("../migrations/0022_member_tiers.sql")),
    (27, include_str!("../migrations/0027_member_codes.sql")),
    (28, include_str!("../migrations/0028_member_merges.sql")),
    (25, include_str!("../migrations/0025_organisations.sql")),
    (29, include_str!("../migrations/0029_points_review.sql")),
    (
        30,
        include_str!("../migrations/0030_member_standing_to_tills.sql"),
    ),
    (
        31,
        include_str!("../migrations/0031_organisation_merges.sql"),
    ),
    (33, include_str!("../migrations/0033_points_expiry.sql")),
    (34, include_str!("../migrations/0034_segment_moves.sql")),
];

/// The last migration that shapes the aggregates (5 makes them, 7 keys SKU rows by
/// category, 11 adds the lot trace, 13 the device sales record, 16 each member's days
/// for RFM): the rows for the documents already stored are added up in its
/// transaction. Only the last one rebuilds, with the code that knows the final shape; a
/// head office stopped between them has empty aggregates until the last one runs.
const SALES_AGGREGATES_VERSION: i32 = 16;

/// The migration that starts sending members masked: every member is published again.
const MEMBER_MASKING_VERSION: i32 = 18;

/// Advisory lock key that serialises migrations of one database across processes.
const MIGRATION_LOCK_KEY: i64 = 0x4845_4144_4f46_4d31;

/// How long a request waits for a free connection, or for a new one to open, before it
/// is answered 503 with Retry-After.
pub const POOL_WAIT_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest a statement may run while serving requests: a stuck query (a lock held by an
/// operator's session, a runaway plan) then fails the one request with a 503 instead of
/// holding a pooled connection until every request waits.
pub const REQUEST_STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);

/// A pool of at most `size_max` connections to `database_url` (a `postgres://` URL or a
/// `key=value` string). With `statement_timeout`, every connection cancels statements
/// that run longer (the server's own `statement_timeout`); `None` keeps the database's
/// setting, for the command-line imports and exports that may run long.
pub fn pool(
    database_url: &str,
    size_max: usize,
    statement_timeout: Option<Duration>,
) -> Result<Pool, DbError> {
    let mut config = tokio_postgres::Config::from_str(database_url)?;
    if let Some(timeout) = statement_timeout {
        let mut options = config.get_options().unwrap_or_default().to_string();
        options.push_str(&format!(" -c statement_timeout={}", timeout.as_millis()));
        config.options(options.trim());
    }
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size_max)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(POOL_WAIT_TIMEOUT))
        .create_timeout(Some(POOL_WAIT_TIMEOUT))
        .build()
        .map_err(|e| DbError::PoolSetup(e.to_string()))
}

/// Brings the schema to the latest version, each migration in its own transaction
/// together with its `schema_version` row. Returns the versions applied now.
pub async fn migrate(client: &mut tokio_postgres::Client) -> Result<Vec<i32>, DbError> {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (
                 version    integer     PRIMARY KEY,
                 applied_at timestamptz NOT NULL DEFAULT now()
             )",
        )
        .await?;
    let mut applied = Vec::new();
    for (version, sql) in MIGRATIONS {
        let tx = client.transaction().await?;
        // A migration may rewrite a large table: no request timeout applies to it.
        tx.batch_execute("SET LOCAL statement_timeout = 0").await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK_KEY])
            .await?;
        let done = tx
            .query_opt(
                "SELECT 1 FROM schema_version WHERE version = $1",
                &[version],
            )
            .await?
            .is_some();
        if !done {
            tx.batch_execute(sql).await?;
            if *version == SALES_AGGREGATES_VERSION {
                crate::aggregates::rebuild(&tx).await?;
            }
            if *version == MEMBER_MASKING_VERSION {
                crate::feed::republish_members(&tx).await?;
            }
            tx.execute(
                "INSERT INTO schema_version (version) VALUES ($1)",
                &[version],
            )
            .await?;
            applied.push(*version);
        }
        tx.commit().await?;
    }
    Ok(applied)
}

/// Every migration's version, in the order they apply.
pub fn versions() -> Vec<i32> {
    MIGRATIONS.iter().map(|(v, _)| *v).collect()
}

/// The highest migration this build knows.
pub fn latest_version() -> i32 {
    MIGRATIONS.last().map_or(0, |(v, _)| *v)
}
