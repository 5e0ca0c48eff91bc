//! Recomputes every aggregate row from the stored documents: when the tables are first
//! made (migration 5) and by `head-office rebuild-aggregates` should they ever be in
//! doubt. The same [`Tally`] and [`write`] as ingest, so the two cannot disagree. The
//! device sales record is not emptied: its rows keep the catalog's fields of when they
//! were first folded, and only what the documents say is written again.

use pos_domain::document::{Document, DocumentBody, Sale};
use tokio_postgres::types::Json;
use tokio_postgres::{GenericClient, Row, Transaction};
use uuid::Uuid;

use super::device_sales::{self, Existing, LineRow};
use super::members::{self, MemberTally};
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
                  sales_by_sku_month, sales_by_promotion_day, sales_tally_queue, lot_trace,
                  sales_by_member_day",
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
        let sums = added_up(&rows, Parts::All)?;
        write(tx, &sums.tally).await?;
        trace::write(tx, &sums.traced).await?;
        device_sales::write(tx, &sums.devices, Existing::Refresh).await?;
        members::write(tx, &sums.members).await?;
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
    add_stored_parts(client, ids, Parts::All).await
}

/// Which aggregates a fold adds to: all of them, or (for the benchmark that measures
/// what the members' days cost per sale) all but those.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parts {
    All,
    WithoutMembers,
}

/// [`add_stored`] for the given `parts`.
pub async fn add_stored_parts(
    client: &impl GenericClient,
    ids: &[Uuid],
    parts: Parts,
) -> Result<(), DbError> {
    let rows = client
        .query(&format!("{WITH_VOIDED_SALE} WHERE d.id = ANY($1)"), &[&ids])
        .await?;
    let added = added_up(&rows, parts)?;
    write(client, &added.tally).await?;
    trace::write(client, &added.traced).await?;
    device_sales::write(client, &added.devices, Existing::Keep).await?;
    members::write(client, &added.members).await
}

/// What some stored documents add to each aggregate.
struct AddedUp {
    tally: Tally,
    traced: Vec<TraceRow>,
    devices: Vec<LineRow>,
    members: MemberTally,
}

/// The stored document in `column` of a row (NULL for none).
pub(crate) fn stored(row: &Row, column: usize, what: &str) -> Result<Option<Document>, DbError> {
    let doc: Option<Json<Document>> = row
        .try_get(column)
        .map_err(|e| DbError::Corrupt(format!("stored {what}: {e}")))?;
    Ok(doc.map(|Json(d)| d))
}

/// The sale a stored document is, if it is one.
pub(crate) fn sale_of(doc: &Option<Document>) -> Option<&Sale> {
    match doc.as_ref().map(|d| &d.body) {
        Some(DocumentBody::Sale(sale)) => Some(sale),
        _ => None,
    }
}

/// Rows of [`WITH_VOIDED_SALE`] added up: the sales figures, their trace, their device
/// sales lines and (unless left out) the members' days.
fn added_up(rows: &[Row], parts: Parts) -> Result<AddedUp, DbError> {
    let mut added = AddedUp {
        tally: Tally::default(),
        traced: Vec::new(),
        devices: Vec::new(),
        members: MemberTally::default(),
    };
    for row in rows {
        let doc = stored(row, 0, "document")?
            .ok_or_else(|| DbError::Corrupt("a stored document is null".into()))?;
        let voided = stored(row, 1, "voided sale")?;
        let returned = stored(row, 2, "returned sale")?;
        let (voided_sale, returned_sale) = (sale_of(&voided), sale_of(&returned));
        let corrupt =
            |e: super::TallyOverflow| DbError::Corrupt(format!("document {}: {e}", doc.id));
        added.tally.add(&doc, voided_sale).map_err(corrupt)?;
        added.traced.extend(trace::rows_of(&doc, voided_sale));
        added
            .devices
            .extend(device_sales::rows_of(&doc, voided_sale, returned_sale));
        if parts == Parts::All {
            added
                .members
                .add(&doc, voided.as_ref(), returned.as_ref())
                .map_err(corrupt)?;
        }
    }
    Ok(added)
}
