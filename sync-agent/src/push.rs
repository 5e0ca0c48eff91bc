//! Push: the outbox in sequence order, in batches bounded by count and bytes. Head
//! office's answer for each document is recorded in one transaction per batch:
//! accepted and duplicate rows leave the outbox, rejected ones stay with the reason and
//! are skipped by later batches, so one bad document never holds up the rest.

use chrono::{DateTime, Utc};
use pos_core::store::{Ack, AckStatus, OutboxRow, Store, TillIdentity};

use crate::client::HeadOfficeClient;
use crate::error::SyncError;
use crate::protocol::{BATCH_BYTES_MAX, BATCH_DOCUMENTS_MAX, BatchResponse, DocumentStatus};

/// Room left in [`BATCH_BYTES_MAX`] for the envelope around the documents.
const ENVELOPE_BYTES_MAX: usize = 1_024;
/// Batches one push sends at most before it lets the pull run (5 million documents).
pub const PUSH_BATCHES_MAX: u64 = 10_000;

/// What one push did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushReport {
    pub batches: u64,
    pub accepted: u64,
    pub duplicate: u64,
    pub rejected: u64,
}

impl PushReport {
    /// Documents head office now has (accepted now or before).
    pub fn delivered(&self) -> u64 {
        self.accepted + self.duplicate
    }
}

/// Sends the waiting documents until the outbox holds only rejected ones. Stops at the
/// first failure, which is also noted on the waiting rows. `progress` hears about each
/// batch; `now` stamps rejections.
pub async fn push_all(
    store: &mut Store,
    client: &HeadOfficeClient,
    identity: &TillIdentity,
    batch_documents_max: usize,
    now: &dyn Fn() -> DateTime<Utc>,
    progress: &mut dyn FnMut(&PushReport),
) -> Result<PushReport, SyncError> {
    let mut report = PushReport::default();
    let mut count_max = batch_documents_max.clamp(1, BATCH_DOCUMENTS_MAX);
    while report.batches < PUSH_BATCHES_MAX {
        let rows =
            store.outbox_batch(count_max, BATCH_BYTES_MAX - ENVELOPE_BYTES_MAX - count_max)?;
        if rows.is_empty() {
            break;
        }
        let body = batch_json(identity, &rows);
        let acks = match client.post_batch(&body).await {
            Ok(response) => acks_for(&rows, &response)?,
            // Too large for head office: halve the batch; a single document that is
            // still too large is kept as rejected, for the manager to see.
            Err(SyncError::Http { status: 413, .. }) if rows.len() > 1 => {
                count_max = (rows.len() / 2).max(1);
                continue;
            }
            Err(SyncError::Http {
                status: 413,
                message,
                ..
            }) => vec![Ack {
                sequence: rows[0].sequence,
                status: AckStatus::Rejected,
                reason: Some(format!("too large for head office: {message}")),
            }],
            Err(e) => {
                store.record_push_failure(&e.to_string())?;
                return Err(e);
            }
        };
        store.record_acks(&acks, now())?;
        report.batches += 1;
        for ack in &acks {
            match ack.status {
                AckStatus::Accepted => report.accepted += 1,
                AckStatus::Duplicate => report.duplicate += 1,
                AckStatus::Rejected => report.rejected += 1,
            }
        }
        progress(&report);
    }
    Ok(report)
}

/// `{"store_id":..,"terminal_id":..,"documents":[..]}` with each document's stored
/// canonical bytes spliced in as they are: nothing is parsed or re-encoded, so head
/// office receives exactly the bytes the journal hashed.
pub fn batch_json(identity: &TillIdentity, rows: &[OutboxRow]) -> Vec<u8> {
    let documents_len: usize = rows.iter().map(|r| r.body.len() + 1).sum();
    let mut out = Vec::with_capacity(
        documents_len + 64 + identity.store_id.len() + identity.terminal_id.len(),
    );
    out.extend_from_slice(b"{\"store_id\":");
    serde_json::to_writer(&mut out, &identity.store_id).expect("a string serialises");
    out.extend_from_slice(b",\"terminal_id\":");
    serde_json::to_writer(&mut out, &identity.terminal_id).expect("a string serialises");
    out.extend_from_slice(b",\"documents\":[");
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(&row.body);
    }
    out.extend_from_slice(b"]}");
    out
}

/// Head office's answer as acks, only if it answers exactly the documents sent, in
/// order: a mismatched answer acknowledges nothing.
pub fn acks_for(rows: &[OutboxRow], response: &BatchResponse) -> Result<Vec<Ack>, SyncError> {
    if response.results.len() != rows.len() {
        return Err(SyncError::Protocol(format!(
            "{} results for {} documents",
            response.results.len(),
            rows.len()
        )));
    }
    rows.iter()
        .zip(&response.results)
        .map(|(row, result)| {
            if result.id != row.id || result.sequence != row.sequence {
                return Err(SyncError::Protocol(format!(
                    "result for document {} (sequence {}) where {} (sequence {}) was sent",
                    result.id, result.sequence, row.id, row.sequence
                )));
            }
            let status = match result.status {
                DocumentStatus::Accepted => AckStatus::Accepted,
                DocumentStatus::Duplicate => AckStatus::Duplicate,
                DocumentStatus::Rejected => AckStatus::Rejected,
            };
            let reason = match status {
                AckStatus::Rejected => Some(
                    result
                        .reason
                        .clone()
                        .unwrap_or_else(|| "rejected without a reason".into()),
                ),
                _ => {
                    // Head office took it but changed something on the way in (a member
                    // given a card of its own): the change itself comes down the feed.
                    if let Some(note) = &result.reason {
                        tracing::warn!(document = %row.id, sequence = row.sequence, %note, "accepted with a note from head office");
                    }
                    None
                }
            };
            Ok(Ack {
                sequence: row.sequence,
                status,
                reason,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{BatchRequest, DocumentResult};
    use uuid::Uuid;

    fn row(sequence: u64) -> OutboxRow {
        let id = Uuid::now_v7();
        let body = format!(r#"{{"id":"{id}","sequence":{sequence},"text":"收银 \"quoted\""}}"#)
            .into_bytes();
        OutboxRow { sequence, id, body }
    }

    fn result(row: &OutboxRow, status: DocumentStatus, reason: Option<&str>) -> DocumentResult {
        DocumentResult {
            id: row.id,
            sequence: row.sequence,
            status,
            reason: reason.map(Into::into),
        }
    }

    #[test]
    fn the_batch_is_valid_json_holding_the_stored_bytes() {
        let identity = TillIdentity {
            store_id: "S\"1".into(),
            terminal_id: "T1".into(),
        };
        let rows = vec![row(1), row(2)];
        let json: serde_json::Value =
            serde_json::from_slice(&batch_json(&identity, &rows)).unwrap();
        assert_eq!(json["store_id"], "S\"1");
        assert_eq!(json["terminal_id"], "T1");
        let docs = json["documents"].as_array().unwrap();
        for (doc, row) in docs.iter().zip(&rows) {
            assert_eq!(serde_json::to_vec(doc).unwrap(), row.body);
        }
        let empty: serde_json::Value = serde_json::from_slice(&batch_json(&identity, &[])).unwrap();
        assert_eq!(empty["documents"], serde_json::json!([]));
    }

    #[test]
    fn a_real_document_round_trips_as_a_batch_request() {
        let identity = TillIdentity {
            store_id: "S1".into(),
            terminal_id: "T1".into(),
        };
        let doc: pos_core::document::Document =
            serde_json::from_str(include_str!("../../pos-domain/tests/fixtures/sale_v1.json"))
                .unwrap();
        let rows = vec![OutboxRow {
            sequence: doc.sequence,
            id: doc.id,
            body: doc.canonical_bytes(),
        }];
        let batch: BatchRequest = serde_json::from_slice(&batch_json(&identity, &rows)).unwrap();
        assert_eq!(batch.documents, vec![doc]);
    }

    #[test]
    fn every_status_maps_and_rejections_keep_a_reason() {
        let rows = vec![row(1), row(2), row(3), row(4)];
        let response = BatchResponse {
            results: vec![
                result(&rows[0], DocumentStatus::Accepted, None),
                result(&rows[1], DocumentStatus::Duplicate, None),
                result(
                    &rows[2],
                    DocumentStatus::Rejected,
                    Some("does not add up: total"),
                ),
                result(&rows[3], DocumentStatus::Rejected, None),
            ],
        };
        let acks = acks_for(&rows, &response).unwrap();
        let got: Vec<(u64, AckStatus, Option<&str>)> = acks
            .iter()
            .map(|a| (a.sequence, a.status, a.reason.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, AckStatus::Accepted, None),
                (2, AckStatus::Duplicate, None),
                (3, AckStatus::Rejected, Some("does not add up: total")),
                (4, AckStatus::Rejected, Some("rejected without a reason")),
            ]
        );
    }

    #[test]
    fn an_answer_that_does_not_match_acknowledges_nothing() {
        let rows = vec![row(1), row(2)];
        let short = BatchResponse {
            results: vec![result(&rows[0], DocumentStatus::Accepted, None)],
        };
        assert!(matches!(
            acks_for(&rows, &short),
            Err(SyncError::Protocol(_))
        ));
        let swapped = BatchResponse {
            results: vec![
                result(&rows[1], DocumentStatus::Accepted, None),
                result(&rows[0], DocumentStatus::Accepted, None),
            ],
        };
        assert!(matches!(
            acks_for(&rows, &swapped),
            Err(SyncError::Protocol(_))
        ));
        let mut wrong_sequence = result(&rows[1], DocumentStatus::Accepted, None);
        wrong_sequence.sequence = 9;
        let wrong = BatchResponse {
            results: vec![
                result(&rows[0], DocumentStatus::Accepted, None),
                wrong_sequence,
            ],
        };
        assert!(matches!(
            acks_for(&rows, &wrong),
            Err(SyncError::Protocol(_))
        ));
    }
}
