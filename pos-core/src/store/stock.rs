//! Stock and serials as the till knows them: head office's last values plus this till's
//! own documents that head office has not yet reflected.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Statement, Transaction, params};

use super::catalog::{PRODUCT_COLUMNS, finish_product, parse_date, product_from_row};
use super::{Store, StoreError};
use crate::catalog::{Lot, Product};

pub(crate) const SET_STOCK_BASE: &str =
    "INSERT INTO stock_base (sku, lot_no, quantity) VALUES (?1, ?2, ?3)
     ON CONFLICT (sku, lot_no) DO UPDATE SET quantity = excluded.quantity";

pub(crate) fn set_stock_base(
    tx: &Transaction<'_>,
    sku: &str,
    lot_no: Option<&str>,
    quantity: i64,
) -> Result<(), StoreError> {
    write_stock_base(
        &mut *tx.prepare_cached(SET_STOCK_BASE)?,
        sku,
        lot_no,
        quantity,
    )
}

/// Runs [`SET_STOCK_BASE`] prepared by the caller.
pub(crate) fn write_stock_base(
    set: &mut Statement<'_>,
    sku: &str,
    lot_no: Option<&str>,
    quantity: i64,
) -> Result<(), StoreError> {
    set.execute(params![sku, lot_no.unwrap_or(""), quantity])?;
    Ok(())
}

pub(crate) const SET_SERIAL: &str = "INSERT INTO serial_unit (sku, serial, lot_no, available) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (sku, serial) DO UPDATE SET lot_no = excluded.lot_no, available = excluded.available";

pub(crate) fn set_serial(
    tx: &Transaction<'_>,
    sku: &str,
    serial: &str,
    lot_no: Option<&str>,
    available: bool,
) -> Result<(), StoreError> {
    write_serial(
        &mut *tx.prepare_cached(SET_SERIAL)?,
        sku,
        serial,
        lot_no,
        available,
    )
}

/// Runs [`SET_SERIAL`] prepared by the caller.
pub(crate) fn write_serial(
    set: &mut Statement<'_>,
    sku: &str,
    serial: &str,
    lot_no: Option<&str>,
    available: bool,
) -> Result<(), StoreError> {
    set.execute(params![sku, serial, lot_no, available])?;
    Ok(())
}

impl Store {
    /// Lots expiring on or before `until` that still have stock, for the manager's alert.
    pub fn lots_expiring(&self, until: NaiveDate) -> Result<Vec<(Lot, i64)>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT l.sku, l.lot_no, l.expiry_date FROM lot l WHERE l.expiry_date <= ?1 ORDER BY l.expiry_date, l.sku",
        )?;
        let rows: Vec<(String, String, String)> = stmt
            .query_map([until.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for (sku, lot_no, d) in rows {
            let quantity = self.stock(&sku, Some(&lot_no))?;
            if quantity > 0 {
                out.push((
                    Lot {
                        sku,
                        lot_no,
                        expiry_date: parse_date(d, "lot expiry date")?,
                    },
                    quantity,
                ));
            }
        }
        Ok(out)
    }

    /// Stock of a SKU (one lot, or all lots when `lot_no` is `None` for a lot-tracked SKU).
    pub fn stock(&self, sku: &str, lot_no: Option<&str>) -> Result<i64, StoreError> {
        let (base_sql, moved_sql) = match lot_no {
            Some(_) => (
                "SELECT COALESCE(SUM(quantity), 0) FROM stock_base WHERE sku = ?1 AND lot_no = ?2",
                "SELECT COALESCE(SUM(m.quantity), 0) FROM stock_movement m JOIN document d USING (sequence)
                 WHERE d.reflected = 0 AND m.sku = ?1 AND m.lot_no = ?2",
            ),
            None => (
                "SELECT COALESCE(SUM(quantity), 0) FROM stock_base WHERE sku = ?1 AND ?2 IS NULL",
                "SELECT COALESCE(SUM(m.quantity), 0) FROM stock_movement m JOIN document d USING (sequence)
                 WHERE d.reflected = 0 AND m.sku = ?1 AND ?2 IS NULL",
            ),
        };
        let base: i64 = self
            .conn()
            .prepare_cached(base_sql)?
            .query_row(params![sku, lot_no], |r| r.get(0))?;
        let moved: i64 = self
            .conn()
            .prepare_cached(moved_sql)?
            .query_row(params![sku, lot_no], |r| r.get(0))?;
        Ok(base + moved)
    }

    /// Every (SKU, lot) the till has a figure for, with its stock (head office's base
    /// plus this till's documents it has not reflected yet), in SKU and lot order.
    pub fn stock_levels(&self) -> Result<Vec<(String, Option<String>, i64)>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT sku, lot_no, SUM(quantity) FROM (
                 SELECT sku, lot_no, quantity FROM stock_base
                 UNION ALL
                 SELECT m.sku, m.lot_no, m.quantity FROM stock_movement m
                 JOIN document d USING (sequence) WHERE d.reflected = 0
             ) GROUP BY sku, lot_no ORDER BY sku, lot_no",
        )?;
        let rows = stmt.query_map([], |r| {
            let lot: String = r.get(1)?;
            Ok((r.get(0)?, Some(lot).filter(|l| !l.is_empty()), r.get(2)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Products whose stock is below their safety stock, for the manager's alert.
    pub fn products_below_safety_stock(&self) -> Result<Vec<(Product, i64)>, StoreError> {
        let sql = format!(
            "SELECT {PRODUCT_COLUMNS} FROM product p WHERE active = 1 AND safety_stock > 0 AND
               (SELECT COALESCE(SUM(quantity), 0) FROM stock_base b WHERE b.sku = p.sku) +
               (SELECT COALESCE(SUM(m.quantity), 0) FROM stock_movement m JOIN document d USING (sequence)
                 WHERE d.reflected = 0 AND m.sku = p.sku) < safety_stock
             ORDER BY sku"
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let products: Vec<Product> = stmt
            .query_map([], product_from_row)?
            .map(|r| finish_product(r?))
            .collect::<Result<_, _>>()?;
        products
            .into_iter()
            .map(|p| {
                let stock = self.stock(&p.sku, None)?;
                Ok((p, stock))
            })
            .collect()
    }

    /// Whether a serial may be sold: known to head office as available (or unknown to
    /// it) and not sold by an open sale at this till.
    pub fn serial_sold_by(&self, sku: &str, serial: &str) -> Result<Option<u64>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT sale_sequence FROM serial_sale WHERE sku = ?1 AND serial = ?2 AND return_sequence IS NULL",
            )?
            .query_row([sku, serial], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|s| s as u64))
    }

    /// Head office's word on a serial: `Some(false)` when it knows the unit is sold.
    pub fn serial_available_at_head_office(
        &self,
        sku: &str,
        serial: &str,
    ) -> Result<Option<bool>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT available FROM serial_unit WHERE sku = ?1 AND serial = ?2")?
            .query_row([sku, serial], |r| r.get(0))
            .optional()?)
    }

    /// The lot head office lists a serial unit under, when it names one.
    pub fn serial_lot(&self, sku: &str, serial: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn()
            .prepare_cached("SELECT lot_no FROM serial_unit WHERE sku = ?1 AND serial = ?2")?
            .query_row([sku, serial], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten()
            .filter(|l| !l.is_empty()))
    }

    /// Serials of a SKU that head office lists as available and this till has not sold.
    pub fn available_serials(&self, sku: &str, limit: usize) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT u.serial FROM serial_unit u WHERE u.sku = ?1 AND u.available = 1 AND NOT EXISTS
               (SELECT 1 FROM serial_sale s WHERE s.sku = u.sku AND s.serial = u.serial AND s.return_sequence IS NULL)
             ORDER BY u.serial LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![sku, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Serials of a SKU and lot (`None`: units listed without a lot) that head office
    /// lists as available and this till has not sold: the units the store holds.
    pub fn held_serials(&self, sku: &str, lot_no: Option<&str>) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT u.serial FROM serial_unit u WHERE u.sku = ?1 AND COALESCE(u.lot_no, '') = ?2
               AND u.available = 1 AND NOT EXISTS
               (SELECT 1 FROM serial_sale s WHERE s.sku = u.sku AND s.serial = u.serial AND s.return_sequence IS NULL)
             ORDER BY u.serial",
        )?;
        let rows = stmt.query_map(params![sku, lot_no.unwrap_or("")], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
