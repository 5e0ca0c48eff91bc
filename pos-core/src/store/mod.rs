//! The till's SQLite file: schema, migrations and the queries behind the `Till`.
//!
//! One file per till. WAL, `synchronous=FULL` and foreign keys are set on every open
//! (they are connection settings, not schema, so they live outside the migrations).
//!
//! # Layout
//! - `catalog`: products, barcodes, lots, promotions; search (with stock levels).
//! - `stock`: stock and serials (uses `catalog` to read products).
//! - `catalog_import`: a whole catalog import in one transaction.
//! - `documents`: the one write path for documents (journal, outbox, effects).
//! - `journal`: the hash chain and `verify`.
//! - `outbox`: what waits for head office and what it answered.
//! - `feed`: applying head office's changes.
//! - `operators`, `shifts`, `held`: the rest of the till's state.

mod catalog;
mod catalog_import;
mod documents;
mod erasure;
mod error;
mod feed;
mod held;
mod journal;
mod member_spend;
mod members;
pub(crate) mod operators;
mod organisations;
mod outbox;
mod pending_print;
mod points_expiry;
mod settings;
mod shifts;
mod stock;
mod stored;
mod transfer_orders;
mod write_lock;

pub use catalog::{ProductHit, StockLevel};
pub use documents::CommitError;
pub use error::StoreError;
pub use feed::{FeedTransaction, Placed, SET_ASIDE_LISTED_MAX, SetAside, SetAsideChange};
pub use held::{HELD_SALES_MAX, HeldSale};
pub use journal::ChainReport;
pub use members::CARD_RELEASED_PREFIX;
pub use operators::OperatorRow;
pub use organisations::ORGANISATION_HITS_MAX;
pub use outbox::{Ack, AckStatus, OutboxRow, OutboxStats, RejectedDocument};
pub use pending_print::{UNPRINTED_LISTED_MAX, UnprintedReceipt};
pub use settings::TillIdentity;
pub use shifts::OpenShift;

use std::path::Path;
use std::sync::LazyLock;

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{M, Migrations};

static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(vec![
        M::up(include_str!("migrations/001_init.sql")),
        M::up(include_str!("migrations/002_operator_active.sql")),
        M::up(include_str!("migrations/003_feed_set_aside.sql")),
        M::up(include_str!("migrations/004_transfer_orders.sql")),
        M::up(include_str!("migrations/005_member_phone_key.sql")),
        M::up(include_str!("migrations/006_member_erasure.sql")),
        M::up(include_str!("migrations/007_member_codes.sql")),
        M::up(include_str!("migrations/008_organisations.sql")),
        M::up(include_str!("migrations/009_points_expiry.sql")),
        M::up(include_str!("migrations/010_member_standing.sql")),
    ])
});

/// How many migrations this build knows; a file with a higher `user_version` was written
/// by a newer build and is not touched.
fn known_schema_version() -> i64 {
    10
}

/// An open till database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) and migrates the till file at `path`.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(|e| StoreError::open(path, e))?;
        Store::prepare(conn, path)
    }

    /// Opens an existing till file; a missing file is an error, not a new empty till.
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        Store::open(path)
    }

    fn prepare(mut conn: Connection, path: &Path) -> Result<Store, StoreError> {
        // Another connection (the sync agent's) may hold the write lock briefly; see
        // `write_lock` for why the retries are a millisecond apart.
        conn.busy_handler(Some(write_lock::retry_busy))
            .map_err(|e| StoreError::open(path, e))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| StoreError::open(path, e))?;
        if version > known_schema_version() {
            return Err(StoreError::SchemaTooNew {
                path: path.to_path_buf(),
                found: version,
                known: known_schema_version(),
            });
        }
        // Durability settings are per connection, so they are set on every open.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| StoreError::open(path, e))?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|e| StoreError::open(path, e))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| StoreError::open(path, e))?;
        // What is deleted or overwritten (a member's number once masked) is zeroed in
        // the file, not left in free space.
        conn.pragma_update(None, "secure_delete", "ON")
            .map_err(|e| StoreError::open(path, e))?;
        MIGRATIONS
            .to_latest(&mut conn)
            .map_err(|e| StoreError::Migration {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        Ok(Store { conn })
    }

    /// Lets this connection keep up to `mib` MiB of pages in memory (SQLite's default is
    /// 2 MiB). The sync agent's connection uses it: applying a 200,000-SKU feed touches far
    /// more than 2 MiB of index pages. The till's own connection keeps the default so its
    /// memory stays small.
    pub fn set_page_cache_mib(&self, mib: u32) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "cache_size", -(i64::from(mib) * 1024))?;
        Ok(())
    }

    /// Runs SQLite's own consistency check; `Ok(vec![])` means the file is sound.
    pub fn integrity_problems(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(rows.into_iter().filter(|r| r != "ok").collect())
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        MIGRATIONS.validate().unwrap();
        assert_eq!(
            known_schema_version(),
            i64::from(
                MIGRATIONS
                    .pending_migrations(&Connection::open_in_memory().unwrap())
                    .unwrap()
            )
        );
    }

    #[test]
    fn opening_a_newer_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("till.sqlite");
        drop(Store::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let err = Store::open(&path).err().unwrap();
        assert!(
            matches!(err, StoreError::SchemaTooNew { found: 99, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("newer"), "{err}");
    }

    #[test]
    fn opening_garbage_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("till.sqlite");
        std::fs::write(&path, b"this is not a database, it is a shopping list").unwrap();
        let err = Store::open(&path).err().unwrap();
        assert!(err.to_string().contains("till.sqlite"), "{err}");
    }
}
