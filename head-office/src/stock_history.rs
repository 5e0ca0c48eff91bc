//! When a store's stock began to have a history (`stock_histories`): its one opening
//! balance from the catalog file, or the first accepted document that moved its stock.
//! Stock at head office is the sum of the documents on top of that opening balance, so
//! the catalog's stock rows are taken for a store only before either happened
//! ([`open_balance`]); ingest notes the first document ([`note_document`]). Both insert
//! the store's row before they touch its stock, in their own transaction: the one that
//! commits first starts the history, the other waits on the key and then sees it.

use std::fmt;

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;
use uuid::Uuid;

use crate::error::DbError;

/// What `started_by` says of an opening balance.
const OPENING_BALANCE: &str = "opening_balance";

/// How a store's stock history began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockHistory {
    pub started_at: DateTime<Utc>,
    /// `None`: an opening balance; otherwise the document that first moved the stock.
    pub document: Option<(String, Uuid)>,
}

impl fmt::Display for StockHistory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.started_at.format("%Y-%m-%d %H:%M:%S UTC");
        match &self.document {
            None => write!(f, "its opening balance was imported at {at}"),
            Some((kind, id)) => write!(f, "{kind} document {id} moved its stock at {at}"),
        }
    }
}

/// Starts `store`'s history with an opening balance and returns `None`; or, with
/// nothing written, the history it already has.
pub async fn open_balance(
    tx: &Transaction<'_>,
    store: &str,
) -> Result<Option<StockHistory>, DbError> {
    let started = tx
        .execute(
            "INSERT INTO stock_histories (store_id, started_by) VALUES ($1, $2)
             ON CONFLICT (store_id) DO NOTHING",
            &[&store, &OPENING_BALANCE],
        )
        .await?;
    if started == 1 {
        return Ok(None);
    }
    let row = tx
        .query_one(
            "SELECT started_at, started_by, document_id FROM stock_histories WHERE store_id = $1",
            &[&store],
        )
        .await?;
    let document = row
        .get::<_, Option<Uuid>>(2)
        .map(|id| (row.get::<_, String>(1), id));
    Ok(Some(StockHistory {
        started_at: row.get(0),
        document,
    }))
}

/// Notes that document `id` of `kind` moved `store`'s stock; the history's first such
/// document is kept.
pub async fn note_document(
    tx: &Transaction<'_>,
    store: &str,
    kind: &str,
    id: Uuid,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO stock_histories (store_id, started_by, document_id) VALUES ($1, $2, $3)
         ON CONFLICT (store_id) DO NOTHING",
        &[&store, &kind, &id],
    )
    .await?;
    Ok(())
}
