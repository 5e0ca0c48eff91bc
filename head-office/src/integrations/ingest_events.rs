//! The events of tills' accepted documents, written off the till's request: ingest only
//! queues them ([`enqueue`]: one row per batch in its transaction, the ids of the
//! documents that report something and the members the batch created), so a batch never
//! waits on the events' lock. [`fold`] turns queued rows into events under that lock,
//! per document in sequence order: the member it created or merged, the sale, return or
//! void itself, and its point-ledger entries; then deletes the rows, in one transaction
//! (so an event is written once). `serve` folds as soon as a batch is queued
//! ([`keep_folding`]); a reader of the feed folds before it reads.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use std::time::Duration;

use pos_domain::document::{Document, DocumentBody, SaleMember};
use serde_json::{Value, json};
use tokio::sync::Notify;
use tokio_postgres::types::Json;
use tokio_postgres::{Client, GenericClient};
use uuid::Uuid;

use super::events::{self, EventKind, NewEvent};
use crate::error::DbError;

/// Queued batches folded per round: bounds a round's memory.
const BATCHES_PER_ROUND: i64 = 20;
/// `serve` folds at least this often (for rows queued by another process).
const FOLD_EVERY: Duration = Duration::from_secs(1);

static QUEUED: LazyLock<Notify> = LazyLock::new(Notify::new);

/// The member id a document names: a registration's, a sale's or return's member, a
/// point adjustment's.
fn named_member(doc: &Document) -> Option<&str> {
    fn of(m: &Option<SaleMember>) -> Option<&str> {
        m.as_ref().map(|m| m.member_id.as_str())
    }
    match &doc.body {
        DocumentBody::MemberRegistration(r) => Some(&r.member_id),
        DocumentBody::Sale(s) => of(&s.member),
        DocumentBody::Return(r) => of(&r.member),
        DocumentBody::PointAdjustment(p) => Some(&p.member_id),
        _ => None,
    }
}

/// A document that may report something: a sale, return or void, or one that names a
/// member (it may create or merge one, or move points).
fn reports_something(doc: &Document) -> bool {
    named_member(doc).is_some()
        || matches!(
            doc.body,
            DocumentBody::Sale(_) | DocumentBody::Return(_) | DocumentBody::Void(_)
        )
}

/// Queues the events of a batch's `accepted` documents (in sequence order); `created`
/// are the members the batch added. Call [`queued`] after the commit.
pub async fn enqueue(
    client: &impl GenericClient,
    accepted: &[&Document],
    created: &[String],
) -> Result<(), DbError> {
    let ids: Vec<Uuid> = accepted
        .iter()
        .filter(|d| reports_something(d))
        .map(|d| d.id)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    client
        .execute(
            "INSERT INTO integration_event_queue (document_ids, created_members) VALUES ($1, $2)",
            &[&ids, &created],
        )
        .await?;
    Ok(())
}

/// Tells this process's folder that a batch was queued (and committed).
pub fn queued() {
    QUEUED.notify_one();
}

/// Folds every queued batch into events; wakes the feed's readers when it wrote any.
/// Returns how many batches.
pub async fn fold(client: &mut Client) -> Result<usize, DbError> {
    let mut folded = 0;
    loop {
        match fold_round(client).await? {
            0 => break,
            n => folded += n,
        }
    }
    if folded > 0 {
        events::wake();
    }
    Ok(folded)
}

/// `serve`'s folder: folds when a batch is queued, and every [`FOLD_EVERY`]; a failure
/// is logged and tried again.
pub async fn keep_folding(pool: deadpool_postgres::Pool) {
    loop {
        let _ = tokio::time::timeout(FOLD_EVERY, QUEUED.notified()).await;
        let result = match pool.get().await {
            Ok(mut client) => fold(&mut client).await,
            Err(e) => Err(e.into()),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "writing the integration events of tills' batches failed; trying again");
        }
    }
}

/// One round: the oldest queued batches, under the events' lock (so rounds write in
/// queue order).
async fn fold_round(client: &mut Client) -> Result<usize, DbError> {
    // Readers fold before they read: an empty queue must not wait on the lock.
    let queued: bool = client
        .query_one("SELECT EXISTS (SELECT 1 FROM integration_event_queue)", &[])
        .await?
        .get(0);
    if !queued {
        return Ok(0);
    }
    let tx = client.transaction().await?;
    events::lock(&tx).await?;
    let rows = tx
        .query(
            "SELECT id, document_ids, created_members FROM integration_event_queue
             ORDER BY id LIMIT $1",
            &[&BATCHES_PER_ROUND],
        )
        .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let queue_ids: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
    let ids: Vec<Uuid> = rows.iter().flat_map(|r| r.get::<_, Vec<Uuid>>(1)).collect();
    let created: HashSet<String> = rows
        .iter()
        .flat_map(|r| r.get::<_, Vec<String>>(2))
        .collect();
    let docs = stored_documents(&tx, &ids).await?;
    let docs: Vec<&Document> = docs.iter().collect();
    let out = events_of(&tx, &docs, created).await?;
    events::record(&tx, &out).await?;
    tx.execute(
        "DELETE FROM integration_event_queue WHERE id = ANY($1)",
        &[&queue_ids],
    )
    .await?;
    tx.commit().await?;
    Ok(rows.len())
}

/// The stored documents `ids`, in that order.
async fn stored_documents(
    client: &impl GenericClient,
    ids: &[Uuid],
) -> Result<Vec<Document>, DbError> {
    let mut by_id: HashMap<Uuid, Document> = HashMap::with_capacity(ids.len());
    for row in client
        .query("SELECT document FROM documents WHERE id = ANY($1)", &[&ids])
        .await?
    {
        let Json(doc): Json<Document> = row
            .try_get(0)
            .map_err(|e| DbError::Corrupt(format!("stored document: {e}")))?;
        by_id.insert(doc.id, doc);
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// The events of `docs` (see the module's comment); `created` are the members their
/// batches added.
async fn events_of(
    client: &impl GenericClient,
    docs: &[&Document],
    mut created: HashSet<String>,
) -> Result<Vec<NewEvent>, DbError> {
    let ids: Vec<Uuid> = docs.iter().map(|d| d.id).collect();
    let mut named: Vec<String> = docs
        .iter()
        .filter_map(|d| named_member(d).map(str::to_owned))
        .collect();
    named.sort();
    named.dedup();
    // A till's id merged into another member: its documents report that member.
    let mut canonical: HashMap<String, String> = HashMap::new();
    let mut merged: HashMap<Uuid, (String, String)> = HashMap::new();
    for row in client
        .query(
            "SELECT alias_id, member_id, document_id FROM member_aliases
             WHERE alias_id = ANY($1) OR document_id = ANY($2)",
            &[&named, &ids],
        )
        .await?
    {
        let (alias_id, member_id): (String, String) = (row.get(0), row.get(1));
        let document_id: Uuid = row.get(2);
        if ids.contains(&document_id) {
            merged.insert(document_id, (alias_id.clone(), member_id.clone()));
        }
        canonical.insert(alias_id, member_id);
    }
    let mut points: HashMap<Uuid, Vec<NewEvent>> = HashMap::new();
    for row in client
        .query(
            "SELECT document_id, entry, member_id, points, balance_after, store_id
             FROM point_ledger WHERE document_id = ANY($1) ORDER BY document_id, entry",
            &[&ids],
        )
        .await?
    {
        let document_id: Uuid = row.get(0);
        points.entry(document_id).or_default().push(NewEvent {
            kind: EventKind::PointsChanged,
            member_id: Some(row.get(2)),
            data: json!({
                "document_id": document_id,
                "entry": row.get::<_, String>(1),
                "points": row.get::<_, i64>(3),
                "balance_after": row.get::<_, i64>(4),
                "store_id": row.get::<_, String>(5),
            }),
        });
    }

    let mut out = Vec::new();
    for doc in docs {
        if let Some(id) = named_member(doc)
            && created.remove(id)
        {
            out.push(NewEvent {
                kind: EventKind::MemberCreated,
                member_id: Some(id.to_owned()),
                data: json!({ "source": "till", "store_id": doc.store_id, "document_id": doc.id }),
            });
        }
        if let Some((alias_id, member_id)) = merged.remove(&doc.id) {
            out.push(NewEvent {
                kind: EventKind::MemberMerged,
                member_id: Some(member_id),
                data: json!({ "alias_id": alias_id, "store_id": doc.store_id, "document_id": doc.id }),
            });
        }
        let member = named_member(doc).map(|id| canonical.get(id).cloned().unwrap_or(id.into()));
        if let Some(event) = document_event(doc, member) {
            out.push(event);
        }
        out.extend(points.remove(&doc.id).unwrap_or_default());
    }
    Ok(out)
}
/// The sale, return or void `doc` is, as an event; `member` is its member's id at head
/// office (a merged till id resolved).
fn document_event(doc: &Document, member: Option<String>) -> Option<NewEvent> {
    let head = |extra: Value| {
        let mut data = json!({
            "document_id": doc.id,
            "store_id": doc.store_id,
            "terminal_id": doc.terminal_id,
            "sequence": doc.sequence,
            "business_date": doc.business_date,
            "created_at": doc.created_at,
        });
        if let (Value::Object(data), Value::Object(extra)) = (&mut data, extra) {
            data.extend(extra);
        }
        data
    };
    let (kind, data) = match &doc.body {
        DocumentBody::Sale(s) => (
            EventKind::Sale,
            head(json!({
                "total": s.total.to_string(),
                "points_earned": s.points_earned,
                "points_redeemed": s.points_redeemed,
                "lines": s.lines.iter().map(|l| json!({
                    "sku": l.sku, "quantity": l.quantity, "net": l.net.to_string(),
                })).collect::<Vec<_>>(),
            })),
        ),
        DocumentBody::Return(r) => (
            EventKind::Return,
            head(json!({
                "original_sale_id": r.original_sale_id,
                "total": r.total.to_string(),
                "points_reversed": r.points_reversed,
                "points_refunded": r.points_refunded,
                "lines": r.lines.iter().map(|l| json!({
                    "sku": l.sku, "quantity": l.quantity, "refund": l.refund.to_string(),
                })).collect::<Vec<_>>(),
            })),
        ),
        DocumentBody::Void(v) => (
            EventKind::Void,
            head(json!({ "sale_id": v.sale_id, "total": v.total.to_string() })),
        ),
        _ => return None,
    };
    let member = match &doc.body {
        DocumentBody::Sale(_) | DocumentBody::Return(_) => member,
        _ => None,
    };
    Some(NewEvent {
        kind,
        member_id: member,
        data,
    })
}
