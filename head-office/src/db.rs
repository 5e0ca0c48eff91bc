//! The connection pool and the versioned migrations.

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

use crate::error::DbError;

/// Migrations in order; the number is the schema version the file brings the database to.
const MIGRATIONS: &[(i32, &str)] = &[(1, include_str!("../migrations/0001_init.sql"))];

/// Advisory lock key that serialises migrations of one database across processes.
const MIGRATION_LOCK_KEY: i64 = 0x4845_4144_4f46_4d31;

/// How long a request waits for a free connection, or for a new one to open, before it
/// is answered 503 with Retry-After.
pub const POOL_WAIT_TIMEOUT: Duration = Duration::from_secs(10);

/// A pool of at most `size_max` connections to `database_url` (a `postgres://` URL or a
/// `key=value` string).
pub fn pool(database_url: &str, size_max: usize) -> Result<Pool, DbError> {
    let config = tokio_postgres::Config::from_str(database_url)?;
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

/// The highest migration this build knows.
pub fn latest_version() -> i32 {
    MIGRATIONS.last().map_or(0, |(v, _)| *v)
}
