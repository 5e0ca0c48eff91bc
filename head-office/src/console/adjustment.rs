//! A manual point adjustment made in the console: a `PointAdjustment` document like a
//! till's, written by head office's own terminal (`HQ`/`console`) and stored through the
//! same ingest, so it is validated, sequenced, applied to the ledger and sent to the
//! tills exactly as any document is.

use chrono::{DateTime, Utc};
use deadpool_postgres::{Object, Pool};
use pos_domain::document::{Document, DocumentBody, PointAdjustment};
use pos_domain::protocol::{BatchRequest, DocumentStatus};
use serde_json::json;
use tokio_postgres::{Client, Transaction};
use uuid::Uuid;

use super::audit;
use crate::auth::{HQ_STORE, new_token, token_sha256};
use crate::error::DbError;
use crate::ingest::ingest_batch;

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

/// Records `points` (positive adds) for `member_id` with `reason`, as `operator`, and
/// audits it with the balance before and after (from the document's own ledger row), in
/// one transaction: the document is never stored without its audit entry. `document_id`
/// comes from the caller (an id is randomness, not the domain's).
///
/// The sequence lock is the transaction's. The connection is taken out of the pool: if
/// the request is cancelled half-way, it closes and its transaction rolls back, instead
/// of going back to the pool in the middle of one.
pub async fn adjust_points(
    pool: &Pool,
    member_id: &str,
    points: i64,
    reason: &str,
    operator: &str,
    document_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Adjusted, DbError> {
    let mut client = Object::take(pool.get().await?);
    // tokio_postgres' own transaction, which ingest can take a savepoint of.
    let mut tx = Client::transaction(&mut client).await?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1)",
        &[&CONSOLE_SEQUENCE_LOCK],
    )
    .await?;
    let outcome = adjust_locked(
        &mut tx,
        member_id,
        points,
        reason,
        operator,
        document_id,
        now,
    )
    .await?;
    if let Adjusted::Stored(document) = &outcome {
        let after: i64 = tx
            .query_one(
                "SELECT balance_after FROM point_ledger WHERE document_id = $1 AND entry = 'adjust'",
                &[document],
            )
            .await?
            .get(0);
        audit::record(
            &tx,
            now,
            operator,
            "points.adjust",
            member_id,
            Some(json!({ "points_balance": after - points })),
            Some(json!({ "points_balance": after, "points": points, "reason": reason, "document_id": document })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(outcome)
}

async fn adjust_locked(
    client: &mut Transaction<'_>,
    member_id: &str,
    points: i64,
    reason: &str,
    operator: &str,
    document_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Adjusted, DbError> {
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
        id: document_id,
        store_id: HQ_STORE.into(),
        terminal_id: CONSOLE_TERMINAL.into(),
        sequence: u64::try_from(last).unwrap_or(0) + 1,
        business_date: super::chain_today(now),
        created_at: now,
        operator_id: operator.into(),
        approvals: Vec::new(),
        body: DocumentBody::PointAdjustment(PointAdjustment {
            member_id: member_id.into(),
            points,
            reason: reason.into(),
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
