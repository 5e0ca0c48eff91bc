//! Loading a whole catalog import into the till file: products, barcodes, lots, stock,
//! serials, members and promotions in one transaction. It writes to every table, so it
//! sits beside `catalog`, `stock` and `members` rather than in one of them.

use super::catalog::{upsert_barcode, upsert_lot, upsert_product, upsert_promotion};
use super::members::upsert_member;
use super::stock::{set_serial, set_stock_base};
use super::{Store, StoreError};
use crate::import::CatalogImport;

impl Store {
    /// Loads an import (the demo catalog, or head office's CSV) in one transaction.
    pub fn import_catalog(&mut self, catalog: &CatalogImport) -> Result<(), StoreError> {
        let tx = self.conn_mut().transaction()?;
        for p in &catalog.products {
            upsert_product(&tx, p)?;
        }
        for (sku, barcode) in &catalog.barcodes {
            upsert_barcode(&tx, sku, barcode)?;
        }
        for lot in &catalog.lots {
            upsert_lot(&tx, lot)?;
        }
        for s in &catalog.stock {
            set_stock_base(&tx, &s.sku, s.lot_no.as_deref(), s.quantity)?;
        }
        for s in &catalog.serials {
            set_serial(&tx, &s.sku, &s.serial, s.lot_no.as_deref(), true)?;
        }
        for m in &catalog.members {
            upsert_member(&tx, m)?;
        }
        for p in &catalog.promotions {
            upsert_promotion(&tx, p)?;
        }
        tx.commit()?;
        Ok(())
    }
}
