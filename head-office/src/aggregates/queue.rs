//! The queue between ingest and the aggregate tables: ingest appends one row per batch,
//! the ids of its sales, returns and voids, in its transaction (so a document and its
//! place in the queue commit together, and the till's request does no adding up).
//! Folding works out what the queued documents add up to from the stored documents,
//! adds it to the tables and deletes the rows, in one transaction (so a document counts
//! once). Folders take rows with SKIP LOCKED: two never fold the same batch.

use std::time::Duration;

use tokio_postgres::{Client, GenericClient};
use uuid::Uuid;

use super::rebuild::add_stored;
use crate::error::DbError;

/// Queued batches folded per round (each at most a batch's documents): bounds a round's
/// memory and a page's wait.
const BATCHES_PER_ROUND: i64 = 20;

/// How often `serve` folds.
pub const FOLD_EVERY: Duration = Duration::from_secs(1);

/// Queues a batch's stored sales, returns and voids (nothing when it has none).
pub async fn enqueue(client: &impl GenericClient, document_ids: &[Uuid]) -> Result<(), DbError> {
    if document_ids.is_empty() {
        return Ok(());
    }
    client
        .execute(
            "INSERT INTO sales_tally_queue (document_ids) VALUES ($1)",
            &[&document_ids],
        )
        .await?;
    Ok(())
}

/// Folds one round of the oldest queued batches no other folder holds. Returns how many.
pub async fn fold_round(client: &mut Client) -> Result<usize, DbError> {
    let tx = client.transaction().await?;
    let rows = tx
        .query(
            "SELECT id, document_ids FROM sales_tally_queue
             ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
            &[&BATCHES_PER_ROUND],
        )
        .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
    let documents: Vec<Uuid> = rows.iter().flat_map(|r| r.get::<_, Vec<Uuid>>(1)).collect();
    add_stored(&tx, &documents).await?;
    tx.execute("DELETE FROM sales_tally_queue WHERE id = ANY($1)", &[&ids])
        .await?;
    tx.commit().await?;
    Ok(rows.len())
}

/// Folds until the queue holds nothing this folder may take. Returns how many.
pub async fn fold(client: &mut Client) -> Result<usize, DbError> {
    let mut folded = 0;
    loop {
        match fold_round(client).await? {
            0 => return Ok(folded),
            n => folded += n,
        }
    }
}

/// `serve`'s folder: folds every [`FOLD_EVERY`]; a failure is logged and tried again.
pub async fn keep_folding(pool: deadpool_postgres::Pool) {
    let mut tick = tokio::time::interval(FOLD_EVERY);
    loop {
        tick.tick().await;
        let result = match pool.get().await {
            Ok(mut client) => fold(&mut client).await,
            Err(e) => Err(e.into()),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "folding the sales tallies failed; trying again");
        }
    }
}
