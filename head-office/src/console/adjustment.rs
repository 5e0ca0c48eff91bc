//! A manual point adjustment made in the console, once a second person approved it
//! ([`super::adjustment_requests`]): a `PointAdjustment` document like a till's, naming
//! the requester as its operator and the approver in its approvals, written by head
//! office's own terminal (`HQ`/`console`) and stored through the same ingest, so it is
//! validated, sequenced, applied to the ledger and sent to the tills exactly as any
//! document is.

use chrono::{DateTime, Utc};
use deadpool_postgres::{Object, Pool};
use pos_domain::document::{Approval, Document, DocumentBody, PointAdjustment};
use pos_domain::protocol::{BatchRequest, DocumentStatus};
use serde_json::json;
use tokio_postgres::{Client, Transaction};
use uuid::Uuid;

use super::audit;
use crate::auth::{HQ_STORE, new_token, token_sha256};
use crate::error::DbError;
use crate::ingest::ingest_batch;
use crate::ingest::ledger_reason::ADJUSTMENT_APPROVAL;

/// The terminal of documents head office writes itself (under [`HQ_STORE`]).
pub const CONSOLE_TERMINAL: &str = "console";

/// Serialises the console's documents: one sequence after another, never two at once.
const CONSOLE_SEQUENCE_LOCK: i64 = 0x4843_4f4e_534f_4c45;

/// What became of an adjustment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Adjusted {
    Stored(Uuid),
    /// The document's own checks refused it; the reason says why.
    Refused(String),
}

/// A manual adjustment to store: who asked for it and who approved it (never the same
/// person: [`super::adjustment_requests`] sees to that).
#[derive(Debug, Clone)]
pub struct Adjustment<'a> {
    pub member_id: &'a str,
    /// Positive adds.
    pub points: i64,
    pub reason: &'a str,
    /// The document's operator: who asked for it.
    pub requested_by: &'a str,
    /// Named in the document's approvals, the ledger's reason and the audit entry.
    pub approved_by: &'a str,
    /// From the caller (an id is randomness, not the domain's).
    pub document_id: Uuid,
    pub now: DateTime<Utc>,
}

/// Stores `adjustment` in a transaction of its own (see [`apply`]).
///
/// The connection is taken out of the pool: if the request is cancelled half-way, it
/// closes and its transaction rolls back, instead of going back to the pool in the
/// middle of one.
pub async fn adjust_points(pool: &Pool, adjustment: &Adjustment<'_>) -> Result<Adjusted, DbError> {
    let mut client = Object::take(pool.get().await?);
    // tokio_postgres' own transaction, which ingest can take a savepoint of.
    let mut tx = Client::transaction(&mut client).await?;
    let outcome = apply(&mut tx, adjustment).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Stores `adjustment` as a document in `tx` and audits it (as the approver) with the
/// balance before and after, from the document's own ledger row: the document is never
/// stored without its audit entry. Holds the console's sequence lock until `tx` ends.
pub async fn apply(
    tx: &mut Transaction<'_>,
    adjustment: &Adjustment<'_>,
) -> Result<Adjusted, DbError> {
    tx.execute(
        "SELECT pg_advisory_xact_lock($1)",
        &[&CONSOLE_SEQUENCE_LOCK],
    )
    .await?;
    let outcome = adjust_locked(tx, adjustment).await?;
    if let Adjusted::Stored(document) = &outcome {
        let after: i64 = tx
            .query_one(
                "SELECT balance_after FROM point_ledger WHERE document_id = $1 AND entry = 'adjust'",
                &[document],
            )
            .await?
            .get(0);
        let points = adjustment.points;
        audit::record(
            &*tx,
            adjustment.now,
            adjustment.approved_by,
            "points.adjust",
            adjustment.member_id,
            Some(json!({ "points_balance": after - points })),
            Some(json!({
                "points_balance": after,
                "points": points,
                "reason": adjustment.reason,
                "document_id": document,
                "requested_by": adjustment.requested_by,
                "approved_by": adjustment.approved_by,
            })),
        )
        .await?;
    }
    Ok(outcome)
}

async fn adjust_locked(
    client: &mut Transaction<'_>,
    adjustment: &Adjustment<'_>,
) -> Result<Adjusted, DbError> {
    let now = adjustment.now;
    // Head office's own terminal; its token is random and thrown away: no till holds it.
    client
        .execute(
            "INSERT INTO terminals (store_id, terminal_id, token_sha256) VALUES ($1, $2, $3)
             ON CONFLICT (store_id, terminal_id) DO NOTHING",
            &[
                &HQ_STORE,
                &CONSOLE_TERMINAL,
                &token_sha256(&new_token()).as_slice(),
            ],
        )
        .await?;
    let last: i64 = client
        .query_one(
            "SELECT last_sequence FROM terminals WHERE store_id = $1 AND terminal_id = $2",
            &[&HQ_STORE, &CONSOLE_TERMINAL],
        )
        .await?
        .get(0);
    let document = Document {
        id: adjustment.document_id,
        store_id: HQ_STORE.into(),
        terminal_id: CONSOLE_TERMINAL.into(),
        sequence: u64::try_from(last).unwrap_or(0) + 1,
        business_date: super::chain_today(now),
        created_at: now,
        operator_id: adjustment.requested_by.into(),
        approvals: vec![Approval {
            action: ADJUSTMENT_APPROVAL.into(),
            manager_id: adjustment.approved_by.into(),
            at: now,
        }],
        body: DocumentBody::PointAdjustment(PointAdjustment {
            member_id: adjustment.member_id.into(),
            points: adjustment.points,
            reason: adjustment.reason.into(),
        }),
    };
    let batch = BatchRequest {
        store_id: HQ_STORE.into(),
        terminal_id: CONSOLE_TERMINAL.into(),
        documents: vec![document],
    };
    let answer = ingest_batch(client, &batch).await?;
    let result = &answer.results[0];
    Ok(match result.status {
        DocumentStatus::Accepted | DocumentStatus::Duplicate => Adjusted::Stored(result.id),
        DocumentStatus::Rejected => Adjusted::Refused(result.reason.clone().unwrap_or_default()),
    })
}
