//! Applying head office's change feed. A page of changes and the new cursor are written in
//! one transaction, so a crash never leaves half a page or a cursor past unapplied changes.
//! Head office's stock and balances overwrite only the `*_base` values; the till's own
//! unreflected documents keep adding on top, so a pull never forgets a local sale.

use rusqlite::{Transaction, TransactionBehavior, params};

use super::catalog::{upsert_barcode, upsert_lot, upsert_product, upsert_promotion};
use super::members::upsert_member;
use super::settings::{FEED_CURSOR_KEY, LOYALTY_RULES_KEY};
use super::stock::{set_serial, set_stock_base};
use super::{Store, StoreError};
use crate::catalog::{Lot, Product};
use crate::member::{LoyaltyRules, Member};
use crate::promotion::Promotion;

/// An open page of feed changes. Dropped without `commit`, nothing is applied.
pub struct FeedTransaction<'a> {
    tx: Transaction<'a>,
}

impl Store {
    pub fn begin_feed_page(&mut self) -> Result<FeedTransaction<'_>, StoreError> {
        Ok(FeedTransaction {
            tx: self
                .conn_mut()
                .transaction_with_behavior(TransactionBehavior::Immediate)?,
        })
    }

    /// The highest acknowledged sequence now; pass it to `mark_reflected` once a pull
    /// that started after this moment has drained the feed.
    pub fn acked_watermark(&self) -> Result<u64, StoreError> {
        Ok(self.conn().query_row(
            "SELECT COALESCE(MAX(sequence), 0) FROM document WHERE acked = 1 AND reflected = 0",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Head office's stock and balances now include every document acknowledged up to
    /// `watermark`, so their local effects stop being added on top.
    pub fn mark_reflected(&self, watermark: u64) -> Result<u64, StoreError> {
        Ok(self.conn().execute(
            "UPDATE document SET reflected = 1 WHERE acked = 1 AND reflected = 0 AND sequence <= ?1",
            [watermark as i64],
        )? as u64)
    }
}

impl FeedTransaction<'_> {
    pub fn upsert_product(&self, p: &Product) -> Result<(), StoreError> {
        upsert_product(&self.tx, p)
    }

    /// Deleted products stay in the file for old documents and returns, but are hidden.
    pub fn delete_product(&self, sku: &str) -> Result<(), StoreError> {
        self.tx
            .execute("UPDATE product SET active = 0 WHERE sku = ?1", [sku])?;
        Ok(())
    }

    pub fn upsert_barcode(&self, sku: &str, barcode: &str) -> Result<(), StoreError> {
        self.ensure_product_row(sku)?;
        upsert_barcode(&self.tx, sku, barcode)
    }

    pub fn delete_barcode(&self, barcode: &str) -> Result<(), StoreError> {
        self.tx
            .execute("DELETE FROM barcode WHERE barcode = ?1", [barcode])?;
        Ok(())
    }

    pub fn upsert_lot(&self, lot: &Lot) -> Result<(), StoreError> {
        self.ensure_product_row(&lot.sku)?;
        upsert_lot(&self.tx, lot)
    }

    pub fn set_stock(
        &self,
        sku: &str,
        lot_no: Option<&str>,
        quantity: i64,
    ) -> Result<(), StoreError> {
        set_stock_base(&self.tx, sku, lot_no, quantity)
    }

    pub fn set_serial(
        &self,
        sku: &str,
        serial: &str,
        lot_no: Option<&str>,
        available: bool,
    ) -> Result<(), StoreError> {
        set_serial(&self.tx, sku, serial, lot_no, available)
    }

    pub fn upsert_member(&self, m: &Member) -> Result<(), StoreError> {
        upsert_member(&self.tx, m)
    }

    pub fn upsert_promotion(&self, p: &Promotion) -> Result<(), StoreError> {
        upsert_promotion(&self.tx, p)
    }

    pub fn delete_promotion(&self, id: &str) -> Result<(), StoreError> {
        self.tx
            .execute("DELETE FROM promotion WHERE id = ?1", [id])?;
        Ok(())
    }

    pub fn set_loyalty_rules(&self, rules: &LoyaltyRules) -> Result<(), StoreError> {
        let json = serde_json::to_string(rules).expect("loyalty rules serialise");
        self.tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![LOYALTY_RULES_KEY, json],
        )?;
        Ok(())
    }

    /// Whether the product has a row (active or not): a barcode or lot of a product not
    /// yet known is held back by the agent until the product arrives in a later page.
    pub fn knows_product(&self, sku: &str) -> Result<bool, StoreError> {
        // Cached: a full feed asks this for every barcode and lot.
        Ok(self
            .tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM product WHERE sku = ?1)")?
            .query_row([sku], |r| r.get(0))?)
    }

    /// [`Store::mark_reflected`] inside this page, so head office's new stock and
    /// balances and the end of the local overlay become visible together.
    pub fn mark_reflected(&self, watermark: u64) -> Result<u64, StoreError> {
        Ok(self.tx.execute(
            "UPDATE document SET reflected = 1 WHERE acked = 1 AND reflected = 0 AND sequence <= ?1",
            [watermark as i64],
        )? as u64)
    }

    /// Feed order puts a product before its barcodes, but a product deleted and re-added
    /// across pages must not break the foreign key: fail with a clear error instead.
    fn ensure_product_row(&self, sku: &str) -> Result<(), StoreError> {
        if self.knows_product(sku)? {
            Ok(())
        } else {
            Err(StoreError::corrupt("feed change for unknown product", sku))
        }
    }

    /// Applies the page: the changes and the new cursor together.
    pub fn commit(self, cursor: i64) -> Result<(), StoreError> {
        self.tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![FEED_CURSOR_KEY, cursor.to_string()],
        )?;
        self.tx.commit()?;
        Ok(())
    }
}
