//! The queue between ingest and the aggregate tables: ingest appends one tally per batch
//! in its transaction (so a document and its figures commit together), and folding adds
//! queued tallies to the tables and deletes them in one transaction (so a tally counts
//! once). Folders take rows with SKIP LOCKED: two never fold the same tally.

use std::time::Duration;

use tokio_postgres::types::Json;
use tokio_postgres::{Client, GenericClient};

use super::{Tally, write};
use crate::error::DbError;

/// Tallies folded per round: bounds a round's memory and a page's wait.
const TALLIES_PER_ROUND: i64 = 500;

/// How often `serve` folds.
pub const FOLD_EVERY: Duration = Duration::from_secs(1);

/// Queues what a batch adds (nothing for an empty tally).
pub async fn enqueue(client: &impl GenericClient, tally: &Tally) -> Result<(), DbError> {
    if tally.is_empty() {
        return Ok(());
    }
    client
        .execute(
            "INSERT INTO sales_tally_queue (tally) VALUES ($1)",
            &[&Json(tally)],
        )
        .await?;
    Ok(())
}

/// Folds one round of the oldest queued tallies no other folder holds. Returns how many.
pub async fn fold_round(client: &mut Client) -> Result<usize, DbError> {
    let tx = client.transaction().await?;
    let rows = tx
        .query(
            "SELECT id, tally FROM sales_tally_queue ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
            &[&TALLIES_PER_ROUND],
        )
        .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut sum = Tally::default();
    let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
    for row in &rows {
        ids.push(row.get(0));
        let Json(tally): Json<Tally> = row
            .try_get(1)
            .map_err(|e| DbError::Corrupt(format!("a queued sales tally: {e}")))?;
        sum.merge(tally)
            .map_err(|e| DbError::Corrupt(format!("the queued sales tallies: {e}")))?;
    }
    write(&tx, &sum).await?;
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
