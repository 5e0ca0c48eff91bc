//! Checks across rows: no key given twice, and rows that refer to a product defined in
//! the same file agree with its tracking. Rows about SKUs the file does not define are
//! taken as they are: a file may update stock or barcodes of products the till has.

use std::collections::HashMap;
use std::hash::Hash;

use super::error::ImportError;
use super::kind::RecordKind;
use super::{CatalogImport, SerialRecord, StockRecord};
use crate::catalog::{Lot, Product, Tracking};
use crate::member::Member;
use crate::promotion::Promotion;

/// Where each key was first seen, and the lines of rows checked once the file is read.
#[derive(Default)]
pub(crate) struct SeenInFile {
    products: HashMap<String, u64>,
    barcodes: HashMap<String, u64>,
    lots: HashMap<(String, String), u64>,
    stock: HashMap<(String, Option<String>), u64>,
    serials: HashMap<(String, String), u64>,
    member_ids: HashMap<String, u64>,
    member_cards: HashMap<String, u64>,
    promotions: HashMap<String, u64>,
    lot_lines: Vec<u64>,
    stock_lines: Vec<u64>,
    serial_lines: Vec<u64>,
}

impl SeenInFile {
    pub(crate) fn product(&mut self, line: u64, product: &Product) -> Result<(), ImportError> {
        first_time(
            &mut self.products,
            product.sku.clone(),
            line,
            RecordKind::Product,
            "sku",
            &product.sku,
        )
    }

    pub(crate) fn barcode(&mut self, line: u64, barcode: &str) -> Result<(), ImportError> {
        first_time(
            &mut self.barcodes,
            barcode.to_owned(),
            line,
            RecordKind::Barcode,
            "barcode",
            barcode,
        )
    }

    pub(crate) fn lot(&mut self, line: u64, lot: &Lot) -> Result<(), ImportError> {
        self.lot_lines.push(line);
        let key = (lot.sku.clone(), lot.lot_no.clone());
        first_time(
            &mut self.lots,
            key,
            line,
            RecordKind::Lot,
            "lot_no",
            &lot.lot_no,
        )
    }

    pub(crate) fn stock(&mut self, line: u64, stock: &StockRecord) -> Result<(), ImportError> {
        self.stock_lines.push(line);
        let key = (stock.sku.clone(), stock.lot_no.clone());
        let (field, value) = match &stock.lot_no {
            Some(lot_no) => ("lot_no", lot_no.as_str()),
            None => ("sku", stock.sku.as_str()),
        };
        first_time(&mut self.stock, key, line, RecordKind::Stock, field, value)
    }

    pub(crate) fn serial(&mut self, line: u64, serial: &SerialRecord) -> Result<(), ImportError> {
        self.serial_lines.push(line);
        let key = (serial.sku.clone(), serial.serial.clone());
        first_time(
            &mut self.serials,
            key,
            line,
            RecordKind::Serial,
            "serial",
            &serial.serial,
        )
    }

    pub(crate) fn member(&mut self, line: u64, member: &Member) -> Result<(), ImportError> {
        let kind = RecordKind::Member;
        first_time(
            &mut self.member_ids,
            member.id.clone(),
            line,
            kind,
            "id",
            &member.id,
        )?;
        first_time(
            &mut self.member_cards,
            member.card_no.clone(),
            line,
            kind,
            "card_no",
            &member.card_no,
        )
    }

    pub(crate) fn promotion(
        &mut self,
        line: u64,
        promotion: &Promotion,
    ) -> Result<(), ImportError> {
        first_time(
            &mut self.promotions,
            promotion.id.clone(),
            line,
            RecordKind::Promotion,
            "id",
            &promotion.id,
        )
    }

    /// Run after the last row, so rows may come in any order.
    pub(crate) fn check_references(&self, catalog: &CatalogImport) -> Result<(), ImportError> {
        let tracking: HashMap<&str, Tracking> = catalog
            .products
            .iter()
            .map(|p| (p.sku.as_str(), p.tracking))
            .collect();

        for (lot, &line) in catalog.lots.iter().zip(&self.lot_lines) {
            if tracking.get(lot.sku.as_str()) == Some(&Tracking::None) {
                return Err(reference_error(
                    line,
                    RecordKind::Lot,
                    "sku",
                    &lot.sku,
                    "this product has tracking none; give it tracking lot or serial to list lots",
                ));
            }
        }
        for (stock, &line) in catalog.stock.iter().zip(&self.stock_lines) {
            let Some(&product_tracking) = tracking.get(stock.sku.as_str()) else {
                continue;
            };
            match (&stock.lot_no, product_tracking) {
                (None, Tracking::Lot) => {
                    return Err(reference_error(
                        line,
                        RecordKind::Stock,
                        "lot_no",
                        "",
                        "this product is lot-tracked; give the stock per lot",
                    ));
                }
                (Some(lot_no), Tracking::None) => {
                    return Err(reference_error(
                        line,
                        RecordKind::Stock,
                        "lot_no",
                        lot_no,
                        "this product is not lot-tracked; leave lot_no empty",
                    ));
                }
                (Some(lot_no), _) => {
                    self.lot_is_defined(line, RecordKind::Stock, &stock.sku, lot_no)?
                }
                (None, _) => {}
            }
        }
        for (serial, &line) in catalog.serials.iter().zip(&self.serial_lines) {
            let Some(&product_tracking) = tracking.get(serial.sku.as_str()) else {
                continue;
            };
            if product_tracking != Tracking::Serial {
                return Err(reference_error(
                    line,
                    RecordKind::Serial,
                    "sku",
                    &serial.sku,
                    "this product is not serial-tracked; give it tracking serial to list serials",
                ));
            }
            if let Some(lot_no) = &serial.lot_no {
                self.lot_is_defined(line, RecordKind::Serial, &serial.sku, lot_no)?;
            }
        }
        Ok(())
    }

    fn lot_is_defined(
        &self,
        line: u64,
        kind: RecordKind,
        sku: &str,
        lot_no: &str,
    ) -> Result<(), ImportError> {
        if self.lots.contains_key(&(sku.to_owned(), lot_no.to_owned())) {
            return Ok(());
        }
        Err(reference_error(
            line,
            kind,
            "lot_no",
            lot_no,
            "no lot row gives this lot of this product; add one with its expiry date",
        ))
    }
}

fn first_time<K: Eq + Hash>(
    seen: &mut HashMap<K, u64>,
    key: K,
    line: u64,
    kind: RecordKind,
    field: &'static str,
    value: &str,
) -> Result<(), ImportError> {
    match seen.insert(key, line) {
        None => Ok(()),
        Some(first_line) => Err(ImportError::Duplicate {
            line,
            kind: kind.code().to_owned(),
            field,
            value: value.to_owned(),
            first_line,
        }),
    }
}

fn reference_error(
    line: u64,
    kind: RecordKind,
    field: &'static str,
    value: &str,
    why: &str,
) -> ImportError {
    ImportError::Field {
        line,
        kind: kind.code().to_owned(),
        field,
        value: value.to_owned(),
        why: why.to_owned(),
    }
}
