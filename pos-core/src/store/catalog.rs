//! Catalog queries: products, barcodes, lots, stock and members as the till knows them.

use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, Statement, Transaction, params};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::catalog::{DeviceClass, Lot, Product, Tracking};
use crate::promotion::Promotion;

/// A product found by a search, with the stock the till believes it has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductHit {
    pub product: Product,
    pub stock: i64,
}

/// Stock of one SKU and lot: head office's last value plus this till's own documents
/// that head office has not yet reflected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    pub sku: String,
    pub lot_no: Option<String>,
    pub quantity: i64,
}

pub(super) const PRODUCT_COLUMNS: &str = "sku, name, pinyin, category, unit, price, vat_rate, device_class, \
     registration_no, tracking, safety_stock";

pub(crate) fn decimal(value: String, what: &'static str) -> Result<Decimal, StoreError> {
    Decimal::from_str(&value).map_err(|_| StoreError::corrupt(what, value))
}

pub(super) fn product_from_row(row: &Row<'_>) -> rusqlite::Result<(Product, String, String)> {
    let device_class: Option<String> = row.get(7)?;
    let tracking: String = row.get(9)?;
    Ok((
        Product {
            sku: row.get(0)?,
            name: row.get(1)?,
            pinyin: row.get(2)?,
            category: row.get(3)?,
            unit: row.get(4)?,
            price: Decimal::ZERO,
            vat_rate: Decimal::ZERO,
            device_class: device_class.as_deref().and_then(device_class_from_code),
            registration_no: row.get(8)?,
            tracking: tracking_from_code(&tracking).unwrap_or_default(),
            safety_stock: row.get(10)?,
            // The till sells without them: only head office's device sales record
            // reads a product's model and manufacturer.
            model_spec: None,
            manufacturer: None,
            manufacturer_licence: None,
            warranty_months: None,
        },
        row.get(5)?,
        row.get(6)?,
    ))
}

pub(super) fn finish_product(raw: (Product, String, String)) -> Result<Product, StoreError> {
    let (mut p, price, vat) = raw;
    p.price = decimal(price, "product price")?;
    p.vat_rate = decimal(vat, "vat rate")?;
    Ok(p)
}

pub(crate) fn tracking_code(t: Tracking) -> &'static str {
    match t {
        Tracking::None => "none",
        Tracking::Lot => "lot",
        Tracking::Serial => "serial",
    }
}

fn tracking_from_code(s: &str) -> Option<Tracking> {
    match s {
        "none" => Some(Tracking::None),
        "lot" => Some(Tracking::Lot),
        "serial" => Some(Tracking::Serial),
        _ => None,
    }
}

fn device_class_code(c: DeviceClass) -> &'static str {
    match c {
        DeviceClass::I => "I",
        DeviceClass::II => "II",
        DeviceClass::III => "III",
    }
}

fn device_class_from_code(s: &str) -> Option<DeviceClass> {
    match s {
        "I" => Some(DeviceClass::I),
        "II" => Some(DeviceClass::II),
        "III" => Some(DeviceClass::III),
        _ => None,
    }
}

/// Barcodes as printed and as they arrive inside a GS1 code differ by leading zeros:
/// a GTIN-14 "06901234567892" is the EAN-13 "6901234567892".
fn barcode_candidates(code: &str) -> Vec<String> {
    let mut out = vec![code.to_string()];
    if code.len() == 14 && code.chars().all(|c| c.is_ascii_digit()) {
        let trimmed = code.trim_start_matches('0');
        for len in [13, 12, 8] {
            if trimmed.len() <= len {
                out.push(format!("{trimmed:0>len$}"));
            }
        }
    }
    out
}

pub(crate) const UPSERT_PRODUCT: &str =
    "INSERT INTO product (sku, name, pinyin, category, unit, price, vat_rate, device_class,
         registration_no, tracking, safety_stock, active)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1)
     ON CONFLICT (sku) DO UPDATE SET name = excluded.name, pinyin = excluded.pinyin,
         category = excluded.category, unit = excluded.unit, price = excluded.price,
         vat_rate = excluded.vat_rate, device_class = excluded.device_class,
         registration_no = excluded.registration_no, tracking = excluded.tracking,
         safety_stock = excluded.safety_stock, active = 1";

pub(crate) fn upsert_product(tx: &Transaction<'_>, p: &Product) -> Result<(), StoreError> {
    write_product(&mut *tx.prepare_cached(UPSERT_PRODUCT)?, p)
}

/// Runs [`UPSERT_PRODUCT`] prepared by the caller.
pub(crate) fn write_product(upsert: &mut Statement<'_>, p: &Product) -> Result<(), StoreError> {
    upsert.execute(params![
        p.sku,
        p.name,
        p.pinyin,
        p.category,
        p.unit,
        p.price.to_string(),
        p.vat_rate.to_string(),
        p.device_class.map(device_class_code),
        p.registration_no,
        tracking_code(p.tracking),
        p.safety_stock,
    ])?;
    Ok(())
}

pub(crate) const UPSERT_BARCODE: &str = "INSERT INTO barcode (barcode, sku) VALUES (?1, ?2)
     ON CONFLICT (barcode) DO UPDATE SET sku = excluded.sku";

pub(crate) fn upsert_barcode(
    tx: &Transaction<'_>,
    sku: &str,
    barcode: &str,
) -> Result<(), StoreError> {
    write_barcode(&mut *tx.prepare_cached(UPSERT_BARCODE)?, sku, barcode)
}

/// Runs [`UPSERT_BARCODE`] prepared by the caller.
pub(crate) fn write_barcode(
    upsert: &mut Statement<'_>,
    sku: &str,
    barcode: &str,
) -> Result<(), StoreError> {
    upsert.execute(params![barcode, sku])?;
    Ok(())
}

pub(crate) const UPSERT_LOT: &str = "INSERT INTO lot (sku, lot_no, expiry_date) VALUES (?1, ?2, ?3)
     ON CONFLICT (sku, lot_no) DO UPDATE SET expiry_date = excluded.expiry_date";

pub(crate) fn upsert_lot(tx: &Transaction<'_>, lot: &Lot) -> Result<(), StoreError> {
    write_lot(&mut *tx.prepare_cached(UPSERT_LOT)?, lot)
}

/// Runs [`UPSERT_LOT`] prepared by the caller.
pub(crate) fn write_lot(upsert: &mut Statement<'_>, lot: &Lot) -> Result<(), StoreError> {
    upsert.execute(params![lot.sku, lot.lot_no, lot.expiry_date.to_string()])?;
    Ok(())
}

pub(crate) fn upsert_promotion(tx: &Transaction<'_>, p: &Promotion) -> Result<(), StoreError> {
    let json = serde_json::to_string(p).expect("promotions serialise");
    tx.prepare_cached(
        "INSERT INTO promotion (id, json) VALUES (?1, ?2)
         ON CONFLICT (id) DO UPDATE SET json = excluded.json",
    )?
    .execute(params![p.id, json])?;
    Ok(())
}

impl Store {
    pub fn product(&self, sku: &str) -> Result<Option<Product>, StoreError> {
        let sql = format!("SELECT {PRODUCT_COLUMNS} FROM product WHERE sku = ?1 AND active = 1");
        let raw = self
            .conn()
            .prepare_cached(&sql)?
            .query_row([sku], product_from_row)
            .optional()?;
        raw.map(finish_product).transpose()
    }

    /// Finds the product a scanned or typed code names: a barcode (with GTIN-14 zero
    /// padding allowed) or a SKU.
    pub fn product_by_code(&self, code: &str) -> Result<Option<Product>, StoreError> {
        let code = code.trim();
        for candidate in barcode_candidates(code) {
            let sku: Option<String> = self
                .conn()
                .prepare_cached("SELECT sku FROM barcode WHERE barcode = ?1")?
                .query_row([&candidate], |r| r.get(0))
                .optional()?;
            if let Some(sku) = sku {
                return self.product(&sku);
            }
        }
        self.product(code)
    }

    /// Search by name, pinyin initials or SKU; at most `limit` hits, best first: an exact
    /// SKU, then pinyin that starts with the query, then shorter names.
    pub fn search_products(&self, query: &str, limit: usize) -> Result<Vec<Product>, StoreError> {
        let query = query.trim();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        if let Some(exact) = self.product(query)? {
            return Ok(vec![exact]);
        }
        let lower = query.to_lowercase();
        let escaped = lower
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let prefix = format!("{escaped}%");
        let pattern = format!("%{escaped}%");
        // A scan of the catalog (about 30 ms for 200,000 SKUs, see BENCHMARKS.md): an index
        // kept by triggers made catalog imports and feed pages several times slower.
        let matching =
            "(pinyin LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\' OR sku LIKE ?1 ESCAPE '\\')";
        let sql = format!(
            "SELECT {PRODUCT_COLUMNS} FROM product WHERE active = 1 AND {matching}
             ORDER BY (pinyin LIKE ?2 ESCAPE '\\') DESC, length(name), sku LIMIT ?3"
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![pattern, prefix, limit as i64], product_from_row)?;
        rows.map(|r| finish_product(r?)).collect()
    }

    pub fn lot(&self, sku: &str, lot_no: &str) -> Result<Option<Lot>, StoreError> {
        let row: Option<String> = self
            .conn()
            .prepare_cached("SELECT expiry_date FROM lot WHERE sku = ?1 AND lot_no = ?2")?
            .query_row([sku, lot_no], |r| r.get(0))
            .optional()?;
        row.map(|d| {
            Ok(Lot {
                sku: sku.to_string(),
                lot_no: lot_no.to_string(),
                expiry_date: parse_date(d, "lot expiry date")?,
            })
        })
        .transpose()
    }

    /// Lots of a SKU, earliest expiry first (first expiry, first out).
    pub fn lots(&self, sku: &str) -> Result<Vec<Lot>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT lot_no, expiry_date FROM lot WHERE sku = ?1 ORDER BY expiry_date, lot_no",
        )?;
        let rows = stmt.query_map([sku], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        rows.map(|r| {
            let (lot_no, d) = r?;
            Ok(Lot {
                sku: sku.to_string(),
                lot_no,
                expiry_date: parse_date(d, "lot expiry date")?,
            })
        })
        .collect()
    }

    pub fn promotions(&self) -> Result<Vec<Promotion>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT json FROM promotion ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        rows.map(|r| {
            let json = r?;
            serde_json::from_str(&json).map_err(|_| StoreError::corrupt("promotion", json))
        })
        .collect()
    }

    /// Up to `limit` active SKUs with a barcode each, for the simulator and benchmarks.
    pub fn product_codes(&self, limit: usize) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT p.sku, MIN(b.barcode) FROM product p JOIN barcode b USING (sku)
             WHERE p.active = 1 GROUP BY p.sku ORDER BY p.sku LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn product_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT COUNT(*) FROM product WHERE active = 1", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }
}

pub(crate) fn parse_date(value: String, what: &'static str) -> Result<NaiveDate, StoreError> {
    value.parse().map_err(|_| StoreError::corrupt(what, value))
}

#[cfg(test)]
mod tests {
    use super::barcode_candidates;

    #[test]
    fn gtin14_matches_ean13() {
        assert!(barcode_candidates("06901234567892").contains(&"6901234567892".to_string()));
        assert_eq!(
            barcode_candidates("6901234567892"),
            vec!["6901234567892".to_string()]
        );
    }
}
