//! Receipts waiting to print (`pending_print`). A sale or return puts its receipt here in
//! its own transaction; the till takes it out once the printer took the paper. After a
//! crash or power cut, what is left here is what never printed.

use rusqlite::params;

use super::stored::parse_body;
use super::{Store, StoreError};
use crate::document::Document;

/// Unprinted receipts offered for reprint at most (the newest); older ones can still be
/// found and reprinted from the returns screen.
pub const UNPRINTED_LISTED_MAX: usize = 50;

/// A receipt that has not printed: its document and the last printer error ("" when no
/// print was tried yet, e.g. the till stopped first).
#[derive(Debug, Clone, PartialEq)]
pub struct UnprintedReceipt {
    pub document: Document,
    pub error: String,
}

/// Queues the receipt of `sequence`; called inside the document's own transaction.
pub(crate) fn queue(tx: &rusqlite::Transaction<'_>, sequence: u64) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO pending_print (sequence, error) VALUES (?1, '')")?
        .execute([sequence as i64])?;
    Ok(())
}

impl Store {
    /// The receipt of `sequence` is on paper, or there is nothing to print it on.
    pub fn receipt_done(&self, sequence: u64) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached("DELETE FROM pending_print WHERE sequence = ?1")?
            .execute([sequence as i64])?;
        Ok(())
    }

    /// The printer failed on the receipt of `sequence`: it stays queued with the reason.
    pub fn receipt_failed(&self, sequence: u64, error: &str) -> Result<(), StoreError> {
        self.conn()
            .prepare_cached("UPDATE pending_print SET error = ?2 WHERE sequence = ?1")?
            .execute(params![sequence as i64, error])?;
        Ok(())
    }

    /// Receipts still waiting, oldest first (the newest [`UNPRINTED_LISTED_MAX`]).
    pub fn unprinted_receipts(&self) -> Result<Vec<UnprintedReceipt>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT d.body, p.error FROM pending_print p JOIN document d ON d.sequence = p.sequence
             ORDER BY p.sequence DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([UNPRINTED_LISTED_MAX as i64], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut receipts = rows
            .map(|row| {
                let (body, error) = row?;
                Ok(UnprintedReceipt {
                    document: parse_body(&body)?,
                    error,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        receipts.reverse();
        Ok(receipts)
    }

    /// Forgets the waiting receipts of documents from `first_sequence` on (the
    /// simulator's, whose customers take none).
    pub fn forget_unprinted_receipts_from(&self, first_sequence: u64) -> Result<u64, StoreError> {
        Ok(self.conn().execute(
            "DELETE FROM pending_print WHERE sequence >= ?1",
            [first_sequence as i64],
        )? as u64)
    }

    /// Forgets every waiting receipt (the manager chose not to reprint them).
    pub fn forget_unprinted_receipts(&self) -> Result<u64, StoreError> {
        Ok(self.conn().execute("DELETE FROM pending_print", [])? as u64)
    }
}
