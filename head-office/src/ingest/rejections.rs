//! What head office rejected, kept for the console's Tills and sync page: the till is
//! answered and keeps the document, and head office keeps its id, kind, sequence and
//! reason (never the document itself, which it did not take).
//!
//! Recorded after the batch is decided, by a statement of its own: a rejection is kept
//! even when the batch's transaction was what refused the document, and a failure to
//! record is logged without changing what the till is answered. Resolved rejections
//! are kept [`RESOLVED_KEPT`], then pruned by `serve`'s housekeeping.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use pos_domain::document::Document;
use pos_domain::protocol::{BatchResponse, DocumentStatus};
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::error::DbError;

/// How long a resolved rejection stays listed for the record before it is pruned.
pub const RESOLVED_KEPT: TimeDelta = TimeDelta::days(90);

/// Longest reason kept, in characters (ours are a few hundred; a document's own text
/// quoted in one is cut).
pub const REASON_CHARS_MAX: usize = 2_000;

/// One rejected document as it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rejection {
    id: Uuid,
    /// `None` when the till's sequence does not fit the column.
    sequence: Option<i64>,
    kind: &'static str,
    reason: String,
}

/// What one batch's answer means for the record: rejections to keep (or count again)
/// and ids the batch delivered, whose earlier rejections are resolved. An id both
/// delivered and rejected in one batch (a copy with other content) stays rejected.
#[derive(Debug, Default, PartialEq, Eq)]
struct Outcome {
    rejected: Vec<Rejection>,
    delivered: Vec<Uuid>,
}

fn outcome(docs: &[Document], response: &BatchResponse) -> Outcome {
    let mut out = Outcome::default();
    let mut rejected_ids = HashSet::new();
    for (doc, result) in docs.iter().zip(&response.results) {
        if result.status == DocumentStatus::Rejected && rejected_ids.insert(doc.id) {
            out.rejected.push(Rejection {
                id: doc.id,
                sequence: i64::try_from(doc.sequence).ok(),
                kind: doc.body.kind(),
                reason: storable(result.reason.as_deref().unwrap_or_default()),
            });
        }
    }
    let mut delivered_ids = HashSet::new();
    out.delivered = docs
        .iter()
        .zip(&response.results)
        .filter(|(_, r)| r.status != DocumentStatus::Rejected)
        .map(|(d, _)| d.id)
        .filter(|id| !rejected_ids.contains(id) && delivered_ids.insert(*id))
        .collect();
    out
}

/// `reason` as PostgreSQL's `text` takes it: no NUL (a rejected document's own text
/// may be quoted in it) and at most [`REASON_CHARS_MAX`] characters.
fn storable(reason: &str) -> String {
    let mut text: String = reason
        .chars()
        .take(REASON_CHARS_MAX)
        .map(|c| if c == '\0' { '\u{FFFD}' } else { c })
        .collect();
    if reason.chars().nth(REASON_CHARS_MAX).is_some() {
        text.push('…');
    }
    text
}

/// Keeps the batch's rejections and resolves earlier ones of documents it delivered,
/// for the terminal the caller checked against the token. Never fails: a failure is
/// logged, and the till's answer stands.
pub async fn record(
    client: &impl GenericClient,
    store_id: &str,
    terminal_id: &str,
    docs: &[Document],
    response: &BatchResponse,
) {
    let outcome = outcome(docs, response);
    if outcome.rejected.is_empty() && outcome.delivered.is_empty() {
        return;
    }
    if let Err(e) = write(client, store_id, terminal_id, &outcome).await {
        tracing::error!(store = store_id, terminal = terminal_id, rejected = outcome.rejected.len(), error = %e, "cannot record the batch's rejections for the console; the till was answered all the same");
    }
}

/// One statement: a row per rejected id (another try if it is there, opened again if
/// it was resolved; never a row of another terminal's), and delivered ids resolved.
/// Nearly every batch delivers and nearly no terminal has a rejection open, so the
/// resolving looks up the delivered ids only when the terminal has one open (one probe
/// of the open rows' index, evaluated once before the update starts). $1 store, $2
/// terminal, $3–$6 the rejections' ids, sequences, kinds and reasons, $7 delivered ids.
pub const RECORD_SQL: &str = "WITH rejected AS (
         INSERT INTO rejected_documents AS r (document_id, store_id, terminal_id,
                sequence, kind, reason, first_rejected_at, last_rejected_at, times)
         SELECT id, $1, $2, seq, kind, reason, now(), now(), 1
         FROM unnest($3::uuid[], $4::int8[], $5::text[], $6::text[])
              AS t(id, seq, kind, reason)
         ON CONFLICT (document_id) DO UPDATE
            SET sequence = excluded.sequence, kind = excluded.kind,
                reason = excluded.reason, last_rejected_at = excluded.last_rejected_at,
                times = LEAST(r.times, 2147483646) + 1, resolved_at = NULL
            WHERE r.store_id = excluded.store_id AND r.terminal_id = excluded.terminal_id
     ), resolved AS (
         UPDATE rejected_documents SET resolved_at = now()
         WHERE document_id = ANY($7) AND store_id = $1 AND terminal_id = $2
           AND resolved_at IS NULL
           AND EXISTS (SELECT 1 FROM rejected_documents o
                       WHERE o.store_id = $1 AND o.terminal_id = $2
                         AND o.resolved_at IS NULL)
     )
     SELECT 1";

async fn write(
    client: &impl GenericClient,
    store_id: &str,
    terminal_id: &str,
    outcome: &Outcome,
) -> Result<(), tokio_postgres::Error> {
    let ids: Vec<Uuid> = outcome.rejected.iter().map(|r| r.id).collect();
    let sequences: Vec<Option<i64>> = outcome.rejected.iter().map(|r| r.sequence).collect();
    let kinds: Vec<&str> = outcome.rejected.iter().map(|r| r.kind).collect();
    let reasons: Vec<&str> = outcome.rejected.iter().map(|r| r.reason.as_str()).collect();
    client
        .execute(
            RECORD_SQL,
            &[
                &store_id,
                &terminal_id,
                &ids,
                &sequences,
                &kinds,
                &reasons,
                &outcome.delivered,
            ],
        )
        .await?;
    Ok(())
}

/// Removes the rejections resolved more than [`RESOLVED_KEPT`] before `now`; open ones
/// stay however old. Returns how many went.
pub async fn prune_resolved(
    client: &impl GenericClient,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(client
        .execute(
            "DELETE FROM rejected_documents WHERE resolved_at < $1",
            &[&(now - RESOLVED_KEPT)],
        )
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pos_domain::document::{DocumentBody, Void};
    use pos_domain::protocol::DocumentResult;

    fn doc(sequence: u64) -> Document {
        Document {
            id: Uuid::now_v7(),
            store_id: "S1".into(),
            terminal_id: "T1".into(),
            sequence,
            business_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            created_at: chrono::Utc::now(),
            operator_id: "op".into(),
            approvals: vec![],
            body: DocumentBody::Void(Void {
                shift_id: Uuid::nil(),
                sale_id: Uuid::nil(),
                sale_sequence: 1,
                total: Default::default(),
                reason: "x".into(),
            }),
        }
    }

    fn result(doc: &Document, status: DocumentStatus, reason: Option<&str>) -> DocumentResult {
        DocumentResult {
            id: doc.id,
            sequence: doc.sequence,
            status,
            reason: reason.map(str::to_owned),
        }
    }

    #[test]
    fn rejections_are_kept_once_per_id_and_delivered_ids_resolve_them() {
        let (a, b, c) = (doc(2), doc(3), doc(u64::MAX));
        let docs = vec![a.clone(), b.clone(), a.clone(), c.clone(), b.clone()];
        let response = BatchResponse {
            results: vec![
                result(&a, DocumentStatus::Rejected, Some("first")),
                result(&b, DocumentStatus::Accepted, None),
                result(&a, DocumentStatus::Rejected, Some("again")),
                result(&c, DocumentStatus::Rejected, Some("a\0b")),
                result(&b, DocumentStatus::Duplicate, None),
            ],
        };
        let out = outcome(&docs, &response);
        let kept: Vec<(Uuid, Option<i64>, &str)> = out
            .rejected
            .iter()
            .map(|r| (r.id, r.sequence, r.reason.as_str()))
            .collect();
        assert_eq!(
            kept,
            [(a.id, Some(2), "first"), (c.id, None, "a\u{FFFD}b")],
            "one row per id, a sequence past i64 kept as unknown, no NUL"
        );
        assert_eq!(out.rejected[0].kind, "void");
        assert_eq!(out.delivered, [b.id]);
    }

    #[test]
    fn an_id_rejected_and_delivered_in_one_batch_stays_rejected() {
        let a = doc(2);
        let docs = vec![a.clone(), a.clone()];
        let response = BatchResponse {
            results: vec![
                result(&a, DocumentStatus::Accepted, None),
                result(&a, DocumentStatus::Rejected, Some("other content")),
            ],
        };
        let out = outcome(&docs, &response);
        assert_eq!(out.rejected.len(), 1);
        assert!(out.delivered.is_empty());
    }

    #[test]
    fn a_long_reason_is_cut_at_a_character() {
        let long = "缺".repeat(REASON_CHARS_MAX + 5);
        let kept = storable(&long);
        assert_eq!(kept.chars().count(), REASON_CHARS_MAX + 1);
        assert!(kept.ends_with('…'));
        assert_eq!(storable("short"), "short");
    }
}
