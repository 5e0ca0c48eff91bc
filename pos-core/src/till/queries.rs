//! What the screens and the commands read from the till file: product search, serials
//! and lots in stock, stock alerts, recent and refused documents, the outbox, the file's
//! health. Reads only; every write goes through the till's other methods.

use chrono::NaiveDate;

use super::{Till, TillError};
use crate::catalog::{Lot, Product};
use crate::document::Document;
use crate::member::Member;
use crate::store::{ChainReport, OutboxStats, RejectedDocument, SetAsideChange};

impl Till {
    /// Products by name, pinyin initials or SKU, best first, at most `limit`.
    pub fn search_products(&self, query: &str, limit: usize) -> Result<Vec<Product>, TillError> {
        Ok(self.store.search_products(query, limit)?)
    }

    /// The product of a SKU.
    pub fn product(&self, sku: &str) -> Result<Option<Product>, TillError> {
        Ok(self.store.product(sku)?)
    }

    /// How many products the catalog holds.
    pub fn product_count(&self) -> Result<u64, TillError> {
        Ok(self.store.product_count()?)
    }

    /// Serials of a serial-tracked SKU this till may sell, at most `limit`.
    pub fn available_serials(&self, sku: &str, limit: usize) -> Result<Vec<String>, TillError> {
        Ok(self.store.available_serials(sku, limit)?)
    }

    /// Lots expiring on or before `until` that still have stock, with that stock.
    pub fn lots_expiring(&self, until: NaiveDate) -> Result<Vec<(Lot, i64)>, TillError> {
        Ok(self.store.lots_expiring(until)?)
    }

    /// Products below their safety stock, with their stock.
    pub fn products_below_safety_stock(&self) -> Result<Vec<(Product, i64)>, TillError> {
        Ok(self.store.products_below_safety_stock()?)
    }

    /// A member by card, phone or id, without attaching them to the sale.
    pub fn find_member(&self, key: &str) -> Result<Option<Member>, TillError> {
        Ok(self.store.find_member(key)?)
    }

    /// The newest documents of a kind (`z_report`, `operator_change`, ...), newest first.
    pub fn recent_documents(&self, kind: &str, limit: usize) -> Result<Vec<Document>, TillError> {
        Ok(self.store.recent_documents(kind, limit)?)
    }

    /// The sequence of the last document written.
    pub fn last_sequence(&self) -> Result<u64, TillError> {
        Ok(self.store.last_sequence()?)
    }

    /// Documents head office refused.
    pub fn rejected_documents(&self) -> Result<Vec<RejectedDocument>, TillError> {
        Ok(self.store.rejected_documents()?)
    }

    /// Changes from head office the till set aside.
    pub fn set_aside_changes(&self) -> Result<Vec<SetAsideChange>, TillError> {
        Ok(self.store.set_aside_changes()?)
    }

    /// Documents waiting for head office, and how long the oldest has waited.
    pub fn outbox_stats(&self) -> Result<OutboxStats, TillError> {
        Ok(self.store.outbox_stats()?)
    }

    /// What SQLite's integrity check finds wrong with the file (empty when sound).
    pub fn integrity_problems(&self) -> Result<Vec<String>, TillError> {
        Ok(self.store.integrity_problems()?)
    }

    /// The journal's hash chain walked whole: every document rehashed, every link
    /// recomputed, the sequence checked for gaps.
    pub fn verify_journal(&self) -> Result<ChainReport, TillError> {
        Ok(self.store.verify_journal()?)
    }
}
