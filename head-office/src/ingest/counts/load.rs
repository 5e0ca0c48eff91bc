//! What settling a batch against its store's counts reads and writes.

use std::collections::HashMap;

use pos_domain::document::{Document, DocumentBody};
use pos_domain::effects::{DocumentEffects, effects_of};
use tokio_postgres::GenericClient;
use uuid::Uuid;

use super::{Key, Known, Settlement};
// The kinds folding reads are exactly those whose effects move stock.
use crate::aggregates::{FOLDED_KINDS, sale_of, stored};
use crate::error::DbError;
use crate::ingest::fault::Fault;

/// The store's count lock: shared for a batch that only moves stock, exclusive for one
/// that counts it.
pub async fn lock_store(
    client: &impl GenericClient,
    store_id: &str,
    exclusive: bool,
) -> Result<(), DbError> {
    let sql = if exclusive {
        "SELECT pg_advisory_xact_lock(hashtext('stock-count:' || $1::text))"
    } else {
        "SELECT pg_advisory_xact_lock_shared(hashtext('stock-count:' || $1::text))"
    };
    client.execute(sql, &[&store_id]).await?;
    Ok(())
}

pub async fn known(
    client: &impl GenericClient,
    store_id: &str,
    effects: &[(&Document, DocumentEffects)],
) -> Result<Known, Fault> {
    let mut known = Known {
        now: chrono::Utc::now(),
        ..Known::default()
    };
    let Some(earliest) = effects.iter().map(|(d, _)| d.created_at).min() else {
        return Ok(known);
    };
    let full = effects
        .iter()
        .any(|(d, _)| matches!(&d.body, DocumentBody::Stocktake(c) if c.full));
    if full {
        known.held = client
            .query(
                "SELECT sku, lot_no FROM stock WHERE store_id = $1 AND quantity <> 0",
                &[&store_id],
            )
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    }
    for row in client
        .query(
            "SELECT sku, lot_no, counted_at, document_id FROM stock_counts
             WHERE store_id = $1 AND counted_at > $2",
            &[&store_id, &earliest],
        )
        .await?
    {
        known
            .latest
            .insert((row.get(0), row.get(1)), (row.get(2), row.get(3)));
    }
    let batch: Vec<Uuid> = effects.iter().map(|(d, _)| d.id).collect();
    let mut counted: Vec<Key> = Vec::new();
    for (doc, _) in effects {
        let DocumentBody::Stocktake(count) = &doc.body else {
            continue;
        };
        let mut keys: Vec<Key> = count
            .lines
            .iter()
            .map(|l| (l.sku.clone(), l.lot.clone().unwrap_or_default()))
            .collect();
        if count.full {
            keys.extend(known.held.iter().cloned());
            keys.sort();
            keys.dedup();
        }
        let moved = moved_after(client, doc, &keys, &batch).await?;
        known.moved_after.insert(doc.id, moved);
        counted.extend(keys);
    }
    known.stock = stock_of(client, store_id, &counted).await?;
    Ok(known)
}

/// The stock moves of `keys` by the store's stored documents created after `count`,
/// outside the batch.
async fn moved_after(
    client: &impl GenericClient,
    count: &Document,
    keys: &[Key],
    batch: &[Uuid],
) -> Result<HashMap<Key, i64>, Fault> {
    let rows = client
        .query(
            "SELECT d.document, s.document FROM documents d
             LEFT JOIN documents s ON s.id = d.voided_sale_id
             WHERE d.store_id = $1 AND d.created_at > $2 AND d.kind = ANY($3)
               AND NOT d.id = ANY($4)",
            &[
                &count.store_id,
                &super::count_moment(count, chrono::Utc::now()),
                &&FOLDED_KINDS[..],
                &batch,
            ],
        )
        .await?;
    let mut moved: HashMap<Key, i64> = keys.iter().map(|k| (k.clone(), 0)).collect();
    for row in rows {
        let doc = stored(&row, 0, "document")?
            .ok_or_else(|| DbError::Corrupt("a stored document is null".into()))?;
        let voided = stored(&row, 1, "voided sale")?;
        let voided_sale = sale_of(&voided);
        let fx = effects_of(&doc, voided_sale)
            .map_err(|e| DbError::Corrupt(format!("stored document {}: {e}", doc.id)))?;
        for m in fx.stock.iter().filter(|m| m.store_id == count.store_id) {
            let key: Key = (m.sku.clone(), m.lot_no.clone().unwrap_or_default());
            if let Some(sum) = moved.get_mut(&key) {
                *sum = sum.checked_add(m.quantity).ok_or_else(|| {
                    Fault::document(count.id, format!("stock of {} adds up too far", m.sku))
                })?;
            }
        }
    }
    Ok(moved)
}

async fn stock_of(
    client: &impl GenericClient,
    store_id: &str,
    keys: &[Key],
) -> Result<HashMap<Key, i64>, DbError> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let skus: Vec<&str> = keys.iter().map(|(s, _)| s.as_str()).collect();
    let lots: Vec<&str> = keys.iter().map(|(_, l)| l.as_str()).collect();
    let rows = client
        .query(
            "SELECT s.sku, s.lot_no, s.quantity FROM stock s
             JOIN unnest($2::text[], $3::text[]) AS k (sku, lot_no) USING (sku, lot_no)
             WHERE s.store_id = $1",
            &[&store_id, &skus, &lots],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| ((r.get(0), r.get(1)), r.get(2)))
        .collect())
}

pub async fn record(
    client: &impl GenericClient,
    store_id: &str,
    settlement: &Settlement,
) -> Result<(), DbError> {
    if !settlement.postings.is_empty() {
        let p = &settlement.postings;
        let ids: Vec<Uuid> = p.iter().map(|p| p.document_id).collect();
        let skus: Vec<&str> = p.iter().map(|p| p.key.0.as_str()).collect();
        let lots: Vec<&str> = p.iter().map(|p| p.key.1.as_str()).collect();
        let at: Vec<_> = p.iter().map(|p| p.counted_at).collect();
        let counted: Vec<i64> = p.iter().map(|p| p.counted).collect();
        let expected: Vec<i64> = p.iter().map(|p| p.till_expected).collect();
        let posted: Vec<Option<i64>> = p.iter().map(|p| p.posted).collect();
        client
            .execute(
                "INSERT INTO count_postings
                     (document_id, store_id, sku, lot_no, counted_at, counted, till_expected, posted)
                 SELECT d, $2, s, l, a, c, e, p
                 FROM unnest($1::uuid[], $3::text[], $4::text[], $5::timestamptz[],
                             $6::int8[], $7::int8[], $8::int8[]) AS u (d, s, l, a, c, e, p)
                 ON CONFLICT (document_id, sku, lot_no) DO NOTHING",
                &[&ids, &store_id, &skus, &lots, &at, &counted, &expected, &posted],
            )
            .await?;
    }
    if !settlement.covered.is_empty() {
        let c = &settlement.covered;
        let ids: Vec<Uuid> = c.iter().map(|c| c.document_id).collect();
        let skus: Vec<&str> = c.iter().map(|c| c.key.0.as_str()).collect();
        let lots: Vec<&str> = c.iter().map(|c| c.key.1.as_str()).collect();
        let quantities: Vec<i64> = c.iter().map(|c| c.quantity).collect();
        let counts: Vec<Uuid> = c.iter().map(|c| c.count_document_id).collect();
        client
            .execute(
                "INSERT INTO count_covered_moves
                     (document_id, store_id, sku, lot_no, quantity, count_document_id)
                 SELECT d, $2, s, l, q, c
                 FROM unnest($1::uuid[], $3::text[], $4::text[], $5::int8[], $6::uuid[])
                      AS u (d, s, l, q, c)",
                &[&ids, &store_id, &skus, &lots, &quantities, &counts],
            )
            .await?;
    }
    if !settlement.new_latest.is_empty() {
        let n = &settlement.new_latest;
        let skus: Vec<&str> = n.keys().map(|(s, _)| s.as_str()).collect();
        let lots: Vec<&str> = n.keys().map(|(_, l)| l.as_str()).collect();
        let at: Vec<_> = n.values().map(|(a, _)| *a).collect();
        let ids: Vec<Uuid> = n.values().map(|(_, d)| *d).collect();
        client
            .execute(
                "INSERT INTO stock_counts (store_id, sku, lot_no, counted_at, document_id)
                 SELECT $1, s, l, a, d
                 FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::uuid[]) AS u (s, l, a, d)
                 ON CONFLICT (store_id, sku, lot_no) DO UPDATE
                     SET counted_at = excluded.counted_at, document_id = excluded.document_id
                     WHERE stock_counts.counted_at < excluded.counted_at",
                &[&store_id, &skus, &lots, &at, &ids],
            )
            .await?;
    }
    Ok(())
}
