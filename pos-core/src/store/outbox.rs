//! Documents waiting for head office (待上传队列) and what head office answered.

use chrono::{DateTime, Utc};
use rusqlite::{TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Store, StoreError};

/// One document ready to send, with its canonical bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub sequence: u64,
    pub id: Uuid,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckStatus {
    Accepted,
    Duplicate,
    Rejected,
}

/// Head office's answer for one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    pub sequence: u64,
    pub status: AckStatus,
    pub reason: Option<String>,
}

/// A document head office refused, kept for the manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedDocument {
    pub sequence: u64,
    pub id: String,
    pub kind: String,
    pub reason: String,
    pub rejected_at: String,
}

/// For the status bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct OutboxStats {
    /// Waiting to be sent (not counting rejected ones).
    pub waiting: u64,
    /// `created_at` of the oldest waiting document.
    pub oldest_waiting: Option<String>,
    pub rejected: u64,
    pub last_error: Option<String>,
}

impl Store {
    /// The next documents to send, in sequence order, skipping rejected ones; at most
    /// `count_max` documents and `bytes_max` bytes (but always at least one document).
    pub fn outbox_batch(
        &self,
        count_max: usize,
        bytes_max: usize,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT o.sequence, d.id, d.body FROM outbox o JOIN document d USING (sequence)
             WHERE o.rejected_reason IS NULL ORDER BY o.sequence LIMIT ?1",
        )?;
        let mut rows = stmt.query([count_max as i64])?;
        let mut out = Vec::new();
        let mut bytes = 0;
        while let Some(row) = rows.next()? {
            let body: Vec<u8> = row.get(2)?;
            if !out.is_empty() && bytes + body.len() > bytes_max {
                break;
            }
            bytes += body.len();
            let id: String = row.get(1)?;
            let sequence = row.get::<_, i64>(0)? as u64;
            let body = super::erasure::whole_body(self, sequence, body)?;
            out.push(OutboxRow {
                sequence,
                id: id
                    .parse()
                    .map_err(|_| StoreError::corrupt("document id", id))?,
                body,
            });
        }
        Ok(out)
    }

    /// Records head office's answers in one transaction: accepted and duplicate rows
    /// leave the outbox and their documents are marked acknowledged; rejected rows stay
    /// with the reason.
    pub fn record_acks(&mut self, acks: &[Ack], at: DateTime<Utc>) -> Result<(), StoreError> {
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for ack in acks {
            let seq = ack.sequence as i64;
            match ack.status {
                AckStatus::Accepted | AckStatus::Duplicate => {
                    tx.prepare_cached("DELETE FROM outbox WHERE sequence = ?1")?
                        .execute([seq])?;
                    tx.prepare_cached("UPDATE document SET acked = 1 WHERE sequence = ?1")?
                        .execute([seq])?;
                }
                AckStatus::Rejected => {
                    tx.prepare_cached(
                        "UPDATE outbox SET rejected_reason = ?2, rejected_at = ?3, attempts = attempts + 1 WHERE sequence = ?1",
                    )?
                    .execute(params![seq, ack.reason.as_deref().unwrap_or("rejected"), at.to_rfc3339()])?;
                }
            }
        }
        tx.execute(
            "UPDATE outbox SET last_error = NULL WHERE rejected_reason IS NULL",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Notes a failed attempt (network down, server error) on the waiting rows.
    pub fn record_push_failure(&self, error: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?1 WHERE rejected_reason IS NULL",
            [error],
        )?;
        Ok(())
    }

    pub fn outbox_stats(&self) -> Result<OutboxStats, StoreError> {
        let (waiting, oldest, last_error): (i64, Option<String>, Option<String>) = self.conn().query_row(
            "SELECT COUNT(*), MIN(d.created_at), MAX(o.last_error) FROM outbox o JOIN document d USING (sequence)
             WHERE o.rejected_reason IS NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let rejected: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM outbox WHERE rejected_reason IS NOT NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(OutboxStats {
            waiting: waiting as u64,
            oldest_waiting: oldest,
            rejected: rejected as u64,
            last_error,
        })
    }

    pub fn rejected_documents(&self) -> Result<Vec<RejectedDocument>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT o.sequence, d.id, d.kind, o.rejected_reason, o.rejected_at FROM outbox o JOIN document d USING (sequence)
             WHERE o.rejected_reason IS NOT NULL ORDER BY o.sequence",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(RejectedDocument {
                sequence: r.get::<_, i64>(0)? as u64,
                id: r.get(1)?,
                kind: r.get(2)?,
                reason: r.get(3)?,
                rejected_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Puts a rejected document back in line, after the cause was fixed at head office.
    pub fn retry_rejected(&self, sequence: u64) -> Result<bool, StoreError> {
        let n = self.conn().execute(
            "UPDATE outbox SET rejected_reason = NULL, rejected_at = NULL WHERE sequence = ?1 AND rejected_reason IS NOT NULL",
            [sequence as i64],
        )?;
        Ok(n == 1)
    }
}
