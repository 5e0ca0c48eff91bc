//! The electronic journal (电子日志): one entry per document, each holding the hash of
//! the document's canonical bytes and of the entry before it, so any change to a stored
//! document or a removed entry breaks the chain from that point on.

use rusqlite::{Transaction, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Store, StoreError};

/// The hash the first entry links to.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub(crate) fn hash_bytes(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn entry_hash(sequence: u64, prev_hash: &str, doc_hash: &str) -> String {
    hash_bytes(format!("{sequence}:{prev_hash}:{doc_hash}").as_bytes())
}

pub(crate) fn append(
    tx: &Transaction<'_>,
    sequence: u64,
    doc_hash: &str,
) -> Result<(), StoreError> {
    let prev: String = tx
        .query_row(
            "SELECT entry_hash FROM journal ORDER BY sequence DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(GENESIS.to_string()),
            e => Err(e),
        })?;
    let entry = entry_hash(sequence, &prev, doc_hash);
    tx.prepare_cached(
        "INSERT INTO journal (sequence, doc_hash, prev_hash, entry_hash) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![sequence as i64, doc_hash, prev, entry])?;
    Ok(())
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainReport {
    pub documents: u64,
    pub last_sequence: u64,
    pub chain_ok: bool,
    /// Sequence of the first entry whose link or document hash does not match.
    pub first_broken_link: Option<u64>,
    /// The first sequence number missing from 1..=last_sequence.
    pub first_sequence_gap: Option<u64>,
    /// Registrations written before sealing whose phone and name an erasure blanked:
    /// their links are checked against the hash recorded when they were whole.
    #[serde(default)]
    pub redacted: u64,
}

impl Store {
    /// Walks the whole chain: every document's bytes rehashed, every link recomputed,
    /// the sequence checked for gaps.
    pub fn verify_journal(&self) -> Result<ChainReport, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT d.sequence, d.body, j.doc_hash, j.prev_hash, j.entry_hash,
                    r.sequence IS NOT NULL, p.phone, p.name, p.salt
             FROM document d LEFT JOIN journal j USING (sequence)
                  LEFT JOIN redacted_document r USING (sequence)
                  LEFT JOIN member_personal p USING (sequence)
             ORDER BY d.sequence",
        )?;
        let mut rows = stmt.query([])?;
        let mut report = ChainReport {
            documents: 0,
            last_sequence: 0,
            chain_ok: true,
            first_broken_link: None,
            first_sequence_gap: None,
            redacted: 0,
        };
        let mut prev = GENESIS.to_string();
        while let Some(row) = rows.next()? {
            let sequence = row.get::<_, i64>(0)? as u64;
            let body: Vec<u8> = row.get(1)?;
            let doc_hash: Option<String> = row.get(2)?;
            let prev_hash: Option<String> = row.get(3)?;
            let stored_entry: Option<String> = row.get(4)?;
            report.documents += 1;
            if report.first_sequence_gap.is_none() && sequence != report.last_sequence + 1 {
                report.first_sequence_gap = Some(report.last_sequence + 1);
            }
            report.last_sequence = sequence;
            let redacted: bool = row.get(5)?;
            let personal: Option<(String, String, String)> =
                match row.get::<_, Option<String>>(6)? {
                    Some(phone) => Some((phone, row.get(7)?, row.get(8)?)),
                    None => None,
                };
            // A redacted document's bytes changed on purpose: its link is checked with
            // the hash recorded when it was whole.
            let actual_doc_hash = match (&doc_hash, redacted) {
                (Some(recorded), true) => {
                    report.redacted += 1;
                    recorded.clone()
                }
                _ => hash_bytes(&body),
            };
            let expected_entry = entry_hash(sequence, &prev, &actual_doc_hash);
            let intact = doc_hash.as_deref() == Some(actual_doc_hash.as_str())
                && prev_hash.as_deref() == Some(prev.as_str())
                && stored_entry.as_deref() == Some(expected_entry.as_str())
                && personal.is_none_or(|p| super::erasure::personal_matches_seal(&body, p));
            if !intact && report.first_broken_link.is_none() {
                report.first_broken_link = Some(sequence);
                report.chain_ok = false;
            }
            // Follow the stored chain so one tampered entry is reported once, not forever.
            prev = stored_entry.unwrap_or(expected_entry);
        }
        Ok(report)
    }
}
