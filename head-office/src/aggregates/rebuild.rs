//! Recomputes every aggregate row from the stored documents: when the tables are first
//! made (migration 5) and by `head-office rebuild-aggregates` should they ever be in
//! doubt. The same [`Tally`] and [`write`] as ingest, so the two cannot disagree. The
//! device sales record is not emptied: its rows keep the catalog's fields of when they
//! were first folded, and only what the documents say is written again.

use pos_domain::document::{Document, DocumentBody};
use tokio_postgres::types::Json;
use tokio_postgres::{GenericClient, Row, Transaction};
use uuid::Uuid;

use super::device_sales::{self, Existing, LineRow};
use super::trace::{self, TraceRow};
use super::{Tally, write};
use crate::error::DbError;

/// Documents read and added up per round: bounds the memory a rebuild takes.
const DOCUMENTS_PER_ROUND: i32 = 20_000;

/// Empties the aggregate tables and their queue (the documents behind it are stored) and
/// adds up every stored sale, return and void again.
/// Returns how many documents were added up.
pub async fn rebuild(tx: &Transaction<'_>) -> Result<u64, DbError> {
    tx.batch_execute(
        "TRUNCATE sales_by_store_hour, sales_by_store_day, sales_by_sku_day,
                  sales_by_sku_month, sales_by_promotion_day, sales_tally_queue, lot_trace",
    )
    .await?;
    let statement = tx
        .prepare(&format!("{WITH_VOIDED_SALE} WHERE d.kind = ANY($1)"))
        .await?;
    let portal = tx.bind(&statement, &[&FOLDED_KINDS.to_vec()]).await?;
    let mut added = 0u64;
    loop {
        let rows = tx.query_portal(&portal, DOCUMENTS_PER_ROUND).await?;
        if rows.is_empty() {
            break;
        }
        let (tally, traced, devices) = added_up(&rows)?;
        write(tx, &tally).await?;
        trace::write(tx, &traced).await?;
        device_sales::write(tx, &devices, Existing::Refresh).await?;
        added += rows.len() as u64;
    }
    Ok(added)
}

/// Stored documents, each with the sale it voids (a void is added up with its sale's
/// lines) and the sale it returns (the device sales record's price); the caller adds
/// its `WHERE`.
const WITH_VOIDED_SALE: &str = "SELECT d.document, s.document, r.document
     FROM documents d LEFT JOIN documents s ON s.id = d.voided_sale_id
     LEFT JOIN documents r
       ON d.kind = 'return' AND r.id = (d.document->'body'->>'original_sale_id')::uuid";

/// The kinds folding reads: sales, returns and voids for the sales figures, and every
/// kind that moves a lot or a serial for the trace.
pub const FOLDED_KINDS: [&str; 8] = [
    "sale",
    "return",
    "void",
    "goods_receipt",
    "write_off",
    "stocktake",
    "transfer_dispatch",
    "transfer_receipt",
];

/// Adds the stored documents `ids` to the aggregate tables and the trace.
pub async fn add_stored(client: &impl GenericClient, ids: &[Uuid]) -> Result<(), DbError> {
    let rows = client
        .query(&format!("{WITH_VOIDED_SALE} WHERE d.id = ANY($1)"), &[&ids])
        .await?;
    let (tally, traced, devices) = added_up(&rows)?;
    write(client, &tally).await?;
    trace::write(client, &traced).await?;
    device_sales::write(client, &devices, Existing::Keep).await
}

/// Rows of [`WITH_VOIDED_SALE`] added up, their trace and their device sales lines.
fn added_up(rows: &[Row]) -> Result<(Tally, Vec<TraceRow>, Vec<LineRow>), DbError> {
    let mut tally = Tally::default();
    let mut traced = Vec::new();
    let mut devices = Vec::new();
    for row in rows {
        let Json(doc): Json<Document> = row
            .try_get(0)
            .map_err(|e| DbError::Corrupt(format!("stored document: {e}")))?;
        let voided: Option<Json<Document>> = row
            .try_get(1)
            .map_err(|e| DbError::Corrupt(format!("stored voided sale: {e}")))?;
        let voided_sale = voided.and_then(|Json(sale)| match sale.body {
            DocumentBody::Sale(sale) => Some(sale),
            _ => None,
        });
        let returned: Option<Json<Document>> = row
            .try_get(2)
            .map_err(|e| DbError::Corrupt(format!("stored returned sale: {e}")))?;
        let returned_sale = returned.and_then(|Json(sale)| match sale.body {
            DocumentBody::Sale(sale) => Some(sale),
            _ => None,
        });
        tally
            .add(&doc, voided_sale.as_ref())
            .map_err(|e| DbError::Corrupt(format!("document {}: {e}", doc.id)))?;
        traced.extend(trace::rows_of(&doc, voided_sale.as_ref()));
        devices.extend(device_sales::rows_of(
            &doc,
            voided_sale.as_ref(),
            returned_sale.as_ref(),
        ));
    }
    Ok((tally, traced, devices))
}
