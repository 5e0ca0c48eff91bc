//! The durable print queue, as the UI sees it: every sale and return is queued for its
//! receipt when it commits, and leaves the queue once the printer took the paper.

use super::{Till, TillError};
use crate::store::UnprintedReceipt;

impl Till {
    /// The receipt of document `sequence` printed (or there is no printer to print it
    /// on): it leaves the queue.
    pub fn receipt_done(&self, sequence: u64) -> Result<(), TillError> {
        Ok(self.store.receipt_done(sequence)?)
    }

    /// The printer failed on the receipt of `sequence`; it stays queued with `error`.
    pub fn receipt_failed(&self, sequence: u64, error: &str) -> Result<(), TillError> {
        Ok(self.store.receipt_failed(sequence, error)?)
    }

    /// Receipts committed but never printed (a printer fault, or the till stopped before
    /// it printed them), oldest first: offered for reprint when the till starts.
    pub fn unprinted_receipts(&self) -> Result<Vec<UnprintedReceipt>, TillError> {
        Ok(self.store.unprinted_receipts()?)
    }

    /// The manager chose not to reprint what waits; the returns screen can still
    /// reprint any of them.
    pub fn forget_unprinted_receipts(&self) -> Result<u64, TillError> {
        Ok(self.store.forget_unprinted_receipts()?)
    }
}
