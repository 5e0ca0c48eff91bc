//! The change feed: one row per changed thing (product, stock line, member...) holding
//! its latest [`Change`] and the cursor of that change.
//!
//! A till from zero reads every row once; later it reads rows whose cursor moved past
//! its own. Cursors come from a sequence under a transaction-scoped advisory lock taken
//! just before commit, so transactions publish in cursor order and a reader never sees
//! cursor N while a smaller cursor is still uncommitted.

use std::collections::HashMap;

use sync_agent::protocol::{Change, FEED_LIMIT_MAX, FeedChange, FeedPage};
use tokio_postgres::types::Json;
use tokio_postgres::{GenericClient, Transaction};

use crate::error::DbError;

/// Advisory lock key for feed writers ("FEED").
const FEED_LOCK_KEY: i64 = 0x4645_4544;

/// Scope of a change every store receives.
pub const CHAIN_SCOPE: &str = "";

/// One change to publish. A later entry with the same scope and key replaces an
/// earlier one.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    pub scope: String,
    pub key: String,
    pub change: Change,
}

impl FeedEntry {
    /// A change for every store; its key names what it replaces.
    pub fn chain(change: Change) -> FeedEntry {
        FeedEntry {
            scope: CHAIN_SCOPE.into(),
            key: key_of(&change),
            change,
        }
    }

    /// A change for one store (its stock and serials).
    pub fn store(store_id: &str, change: Change) -> FeedEntry {
        FeedEntry {
            scope: store_id.into(),
            key: key_of(&change),
            change,
        }
    }
}

/// What a change replaces: a product and its deletion share a key, and so on.
pub fn key_of(change: &Change) -> String {
    const SEP: char = '\u{1f}';
    match change {
        Change::Product(p) => format!("product{SEP}{}", p.sku),
        Change::ProductDeleted { sku } => format!("product{SEP}{sku}"),
        Change::Barcode { barcode, .. } | Change::BarcodeDeleted { barcode } => {
            format!("barcode{SEP}{barcode}")
        }
        Change::Lot(l) => format!("lot{SEP}{}{SEP}{}", l.sku, l.lot_no),
        Change::Stock { sku, lot_no, .. } => {
            format!("stock{SEP}{sku}{SEP}{}", lot_no.as_deref().unwrap_or(""))
        }
        Change::Serial { sku, serial, .. } => format!("serial{SEP}{sku}{SEP}{serial}"),
        Change::Member(m) => format!("member{SEP}{}", m.id),
        Change::MemberAlias { alias_id, .. } => format!("alias{SEP}{alias_id}"),
        Change::Promotion(p) => format!("promotion{SEP}{}", p.id),
        Change::PromotionDeleted { id } => format!("promotion{SEP}{id}"),
        Change::LoyaltyRules(_) => "loyalty_rules".into(),
    }
}

/// Publishes `entries` with new cursors. Call it last in the transaction: the lock it
/// takes is held until commit.
pub async fn publish(tx: &Transaction<'_>, entries: Vec<FeedEntry>) -> Result<(), DbError> {
    if entries.is_empty() {
        return Ok(());
    }
    // One row per key: ON CONFLICT DO UPDATE may not touch a row twice in one statement.
    let mut latest: HashMap<(String, String), usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        latest.insert((e.scope.clone(), e.key.clone()), i);
    }
    let mut keep: Vec<usize> = latest.into_values().collect();
    keep.sort_unstable();
    let scopes: Vec<&str> = keep.iter().map(|&i| entries[i].scope.as_str()).collect();
    let keys: Vec<&str> = keep.iter().map(|&i| entries[i].key.as_str()).collect();
    let changes: Vec<Json<&Change>> = keep.iter().map(|&i| Json(&entries[i].change)).collect();
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&FEED_LOCK_KEY])
        .await?;
    tx.execute(
        "INSERT INTO feed (scope, key, cursor, change)
         SELECT scope, key, nextval('feed_cursor'), change
         FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS c (scope, key, change)
         ON CONFLICT (scope, key) DO UPDATE SET cursor = excluded.cursor, change = excluded.change",
        &[&scopes, &keys, &changes],
    )
    .await?;
    Ok(())
}

/// Up to `limit` changes after `cursor` for `store_id` (chain-wide and the store's own),
/// in cursor order. `limit` is cut to [`FEED_LIMIT_MAX`].
pub async fn read_page(
    client: &impl GenericClient,
    store_id: &str,
    cursor: i64,
    limit: u32,
) -> Result<FeedPage, DbError> {
    let limit = i64::from(limit.clamp(1, FEED_LIMIT_MAX));
    // Two index range scans merged, so other stores' rows are never walked over.
    let rows = client
        .query(
            "SELECT cursor, change FROM (
                 (SELECT cursor, change FROM feed WHERE scope = $1 AND cursor > $3
                  ORDER BY cursor LIMIT $4)
                 UNION ALL
                 (SELECT cursor, change FROM feed WHERE scope = $2 AND cursor > $3
                  ORDER BY cursor LIMIT $4)
             ) AS f ORDER BY cursor LIMIT $4",
            &[&CHAIN_SCOPE, &store_id, &cursor, &(limit + 1)],
        )
        .await?;
    let more = rows.len() as i64 > limit;
    let mut changes = Vec::with_capacity(rows.len());
    for row in rows.iter().take(limit as usize) {
        let Json(change): Json<Change> = row
            .try_get(1)
            .map_err(|e| DbError::Corrupt(format!("feed row: {e}")))?;
        changes.push(FeedChange {
            cursor: row.get(0),
            change,
        });
    }
    let next_cursor = changes.last().map_or(cursor, |c| c.cursor);
    Ok(FeedPage {
        changes,
        next_cursor,
        more,
    })
}
