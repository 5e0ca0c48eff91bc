//! The statements ingest runs, each over a whole batch (arrays through `unnest`), so a
//! batch of 500 documents costs a handful of round trips, not thousands.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use pos_domain::document::{Document, DocumentBody};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use tokio_postgres::Transaction;
use tokio_postgres::types::Json;
use uuid::Uuid;

use super::effects::{KnownSale, SaleMap, SerialRow, StockKey};
use super::fault::Fault;
use super::gaps::{GapChanges, OpenGap};
use crate::error::DbError;

mod members;
pub use members::*;

/// A sequence as PostgreSQL stores it. Validation keeps sequences within `bigint`; one
/// past it fails its document rather than being clamped onto another number.
fn to_i64(id: Uuid, n: u64) -> Result<i64, Fault> {
    i64::try_from(n).map_err(|_| {
        Fault::document(
            id,
            format!("sequence {n} is more than the largest head office stores"),
        )
    })
}

fn sequences_of(docs: &[&Document]) -> Result<Vec<i64>, Fault> {
    docs.iter().map(|d| to_i64(d.id, d.sequence)).collect()
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Locks the terminal's row for the transaction (one batch per terminal at a time) and
/// returns the highest sequence seen.
pub async fn lock_terminal(
    tx: &Transaction<'_>,
    store: &str,
    terminal: &str,
) -> Result<u64, DbError> {
    let row = tx
        .query_opt(
            "SELECT last_sequence FROM terminals WHERE store_id = $1 AND terminal_id = $2 FOR UPDATE",
            &[&store, &terminal],
        )
        .await?
        .ok_or_else(|| DbError::Corrupt(format!("terminal {store}/{terminal} vanished")))?;
    Ok(to_u64(row.get(0)))
}

/// Sales of `store` among `ids`, for voids to name.
pub async fn load_sales(
    tx: &Transaction<'_>,
    store: &str,
    ids: &[Uuid],
) -> Result<SaleMap, DbError> {
    if ids.is_empty() {
        return Ok(SaleMap::new());
    }
    let rows = tx
        .query(
            "SELECT document FROM documents WHERE id = ANY($1) AND store_id = $2 AND kind = 'sale'",
            &[&ids, &store],
        )
        .await?;
    let mut sales = SaleMap::new();
    for row in rows {
        let Json(doc): Json<Document> = row
            .try_get(0)
            .map_err(|e| DbError::Corrupt(format!("stored sale: {e}")))?;
        if let DocumentBody::Sale(sale) = doc.body {
            sales.insert(
                doc.id,
                KnownSale {
                    sequence: doc.sequence,
                    sale,
                },
            );
        }
    }
    Ok(sales)
}

/// Inserts the documents; one whose id (or sequence, or voided sale) is already taken
/// is skipped by the database. Returns the ids inserted now.
pub async fn insert_documents(
    tx: &Transaction<'_>,
    docs: &[&Document],
) -> Result<HashSet<Uuid>, Fault> {
    if docs.is_empty() {
        return Ok(HashSet::new());
    }
    let ids: Vec<Uuid> = docs.iter().map(|d| d.id).collect();
    let stores: Vec<&str> = docs.iter().map(|d| d.store_id.as_str()).collect();
    let terminals: Vec<&str> = docs.iter().map(|d| d.terminal_id.as_str()).collect();
    let sequences = sequences_of(docs)?;
    let kinds: Vec<&str> = docs.iter().map(|d| d.body.kind()).collect();
    let dates: Vec<NaiveDate> = docs.iter().map(|d| d.business_date).collect();
    let created: Vec<DateTime<Utc>> = docs.iter().map(|d| d.created_at).collect();
    // Serialised once: the same bytes are hashed and stored.
    let canonical: Vec<Vec<u8>> = docs.iter().map(|d| d.canonical_bytes()).collect();
    let hashes: Vec<String> = canonical
        .iter()
        .map(|b| hex::encode(Sha256::digest(b)))
        .collect();
    let voided: Vec<Option<Uuid>> = docs
        .iter()
        .map(|d| match &d.body {
            DocumentBody::Void(v) => Some(v.sale_id),
            _ => None,
        })
        .collect();
    let bodies: Vec<Json<Box<RawValue>>> = canonical
        .into_iter()
        .map(|bytes| {
            let text = String::from_utf8(bytes).expect("serde_json writes UTF-8");
            Json(RawValue::from_string(text).expect("serde_json writes valid JSON"))
        })
        .collect();
    let rows = tx
        .query(
            "INSERT INTO documents (id, store_id, terminal_id, sequence, kind, business_date,
                                    created_at, content_hash, voided_sale_id, document)
             SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int8[], $5::text[],
                                  $6::date[], $7::timestamptz[], $8::text[], $9::uuid[], $10::json[])
             ON CONFLICT DO NOTHING
             RETURNING id",
            &[&ids, &stores, &terminals, &sequences, &kinds, &dates, &created, &hashes, &voided, &bodies],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// What already holds the ids, sequences and voided sales of documents not inserted.
#[derive(Debug, Default)]
pub struct Conflicts {
    /// Id already stored -> the SHA-256 of the content stored under it.
    pub ids: HashMap<Uuid, String>,
    /// Sequence -> the document that has it.
    pub sequences: HashMap<u64, Uuid>,
    /// Voided sale -> the void that voided it.
    pub voided: HashMap<Uuid, Uuid>,
    /// Business date -> the terminal's Z report of that day (its id and Z number).
    pub z_reports: HashMap<NaiveDate, (Uuid, i64)>,
}

pub async fn conflicts(
    tx: &Transaction<'_>,
    store: &str,
    terminal: &str,
    docs: &[&Document],
) -> Result<Conflicts, Fault> {
    let ids: Vec<Uuid> = docs.iter().map(|d| d.id).collect();
    let sequences = sequences_of(docs)?;
    let voided: Vec<Uuid> = docs
        .iter()
        .filter_map(|d| match &d.body {
            DocumentBody::Void(v) => Some(v.sale_id),
            _ => None,
        })
        .collect();
    let rows = tx
        .query(
            "SELECT id, store_id = $2 AND terminal_id = $3 AND sequence = ANY($4), sequence, voided_sale_id,
                    content_hash
             FROM documents
             WHERE id = ANY($1)
                OR (store_id = $2 AND terminal_id = $3 AND sequence = ANY($4))
                OR voided_sale_id = ANY($5)",
            &[&ids, &store, &terminal, &sequences, &voided],
        )
        .await
        .map_err(DbError::from)?;
    let mut found = Conflicts::default();
    for row in rows {
        let id: Uuid = row.get(0);
        found.ids.insert(id, row.get(4));
        if row.get::<_, bool>(1) {
            found.sequences.insert(to_u64(row.get(2)), id);
        }
        if let Some(sale) = row.get::<_, Option<Uuid>>(3) {
            found.voided.insert(sale, id);
        }
    }
    let z_dates: Vec<NaiveDate> = docs
        .iter()
        .filter(|d| matches!(d.body, DocumentBody::ZReport(_)))
        .map(|d| d.business_date)
        .collect();
    if !z_dates.is_empty() {
        for row in tx
            .query(
                "SELECT business_date, id, coalesce((document->'body'->>'z_no')::bigint, 0)
                 FROM documents
                 WHERE store_id = $1 AND terminal_id = $2 AND kind = 'z_report'
                   AND z_duplicate_of IS NULL AND business_date = ANY($3)",
                &[&store, &terminal, &z_dates],
            )
            .await
            .map_err(DbError::from)?
        {
            found.z_reports.insert(row.get(0), (row.get(1), row.get(2)));
        }
    }
    Ok(found)
}

/// Adds the deltas to the stores' stock and returns the new quantities by (store, sku,
/// lot).
pub async fn apply_stock(
    tx: &Transaction<'_>,
    deltas: &std::collections::BTreeMap<StockKey, i64>,
) -> Result<Vec<(String, String, String, i64)>, DbError> {
    if deltas.is_empty() {
        return Ok(Vec::new());
    }
    let stores: Vec<&str> = deltas.keys().map(|(s, _, _)| s.as_str()).collect();
    let skus: Vec<&str> = deltas.keys().map(|(_, s, _)| s.as_str()).collect();
    let lots: Vec<&str> = deltas.keys().map(|(_, _, l)| l.as_str()).collect();
    let quantities: Vec<i64> = deltas.values().copied().collect();
    let rows = tx
        .query(
            "INSERT INTO stock (store_id, sku, lot_no, quantity)
             SELECT st, s, l, q FROM unnest($1::text[], $2::text[], $3::text[], $4::int8[]) AS d (st, s, l, q)
             ON CONFLICT (store_id, sku, lot_no) DO UPDATE SET quantity = stock.quantity + excluded.quantity
             RETURNING store_id, sku, lot_no, quantity",
            &[&stores, &skus, &lots, &quantities],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect())
}

pub async fn apply_serials(
    tx: &Transaction<'_>,
    serials: &std::collections::BTreeMap<(String, String), SerialRow>,
) -> Result<(), DbError> {
    if serials.is_empty() {
        return Ok(());
    }
    let stores: Vec<&str> = serials.values().map(|s| s.store_id.as_str()).collect();
    let skus: Vec<&str> = serials.keys().map(|(s, _)| s.as_str()).collect();
    let numbers: Vec<&str> = serials.keys().map(|(_, n)| n.as_str()).collect();
    let lots: Vec<Option<&str>> = serials.values().map(|s| s.lot_no.as_deref()).collect();
    let available: Vec<bool> = serials.values().map(|s| s.available).collect();
    tx.execute(
        "INSERT INTO serials (store_id, sku, serial, lot_no, available)
         SELECT st, s, n, l, a FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[]) AS u (st, s, n, l, a)
         ON CONFLICT (sku, serial) DO UPDATE
             SET store_id = excluded.store_id, available = excluded.available,
                 lot_no = coalesce(excluded.lot_no, serials.lot_no)",
        &[&stores, &skus, &numbers, &lots, &available],
    )
    .await?;
    Ok(())
}

pub async fn open_gaps(
    tx: &Transaction<'_>,
    store: &str,
    terminal: &str,
) -> Result<Vec<OpenGap>, DbError> {
    let rows = tx
        .query(
            "SELECT id, from_sequence, to_sequence, detected_at FROM sequence_gaps
             WHERE store_id = $1 AND terminal_id = $2 AND closed_at IS NULL",
            &[&store, &terminal],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| OpenGap {
            id: r.get(0),
            from_sequence: to_u64(r.get(1)),
            to_sequence: to_u64(r.get(2)),
            detected_at: r.get(3),
        })
        .collect())
}

pub async fn write_gaps(
    tx: &Transaction<'_>,
    store: &str,
    terminal: &str,
    changes: &GapChanges,
) -> Result<(), Fault> {
    if !changes.close.is_empty() {
        tx.execute(
            "UPDATE sequence_gaps SET closed_at = now() WHERE id = ANY($1)",
            &[&changes.close],
        )
        .await
        .map_err(DbError::from)?;
    }
    if !changes.open.is_empty() {
        let gap = |n: u64| {
            i64::try_from(n).map_err(|_| DbError::Corrupt(format!("gap sequence {n} past bigint")))
        };
        let from = changes
            .open
            .iter()
            .map(|g| gap(g.from_sequence))
            .collect::<Result<Vec<i64>, _>>()?;
        let to = changes
            .open
            .iter()
            .map(|g| gap(g.to_sequence))
            .collect::<Result<Vec<i64>, _>>()?;
        let at: Vec<Option<DateTime<Utc>>> = changes.open.iter().map(|g| g.detected_at).collect();
        tx.execute(
            "INSERT INTO sequence_gaps (store_id, terminal_id, from_sequence, to_sequence, detected_at)
             SELECT $1, $2, f, t, coalesce(a, now()) FROM unnest($3::int8[], $4::int8[], $5::timestamptz[]) AS g (f, t, a)",
            &[&store, &terminal, &from, &to, &at],
        )
        .await
        .map_err(DbError::from)?;
    }
    let last = i64::try_from(changes.last_sequence).map_err(|_| {
        DbError::Corrupt(format!(
            "last sequence {} past bigint",
            changes.last_sequence
        ))
    })?;
    tx.execute(
        "UPDATE terminals SET last_sequence = $3 WHERE store_id = $1 AND terminal_id = $2",
        &[&store, &terminal, &last],
    )
    .await
    .map_err(DbError::from)?;
    Ok(())
}
