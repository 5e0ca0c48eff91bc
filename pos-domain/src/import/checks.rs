//! Checks across rows, run once the whole file is read: no key given twice, and rows
//! that refer to a product defined in the same file agree with its tracking. Rows about
//! SKUs the file does not define are taken as they are: a file may update the stock or
//! barcodes of products the till already has. Of all such problems, the one on the
//! earliest line is reported.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use super::CatalogImport;
use super::error::ImportError;
use super::kind::RecordKind;
use crate::catalog::Tracking;

/// The line of each record read, per kind, in file order.
#[derive(Default)]
pub(crate) struct RowLines {
    pub(crate) products: Vec<u64>,
    pub(crate) barcodes: Vec<u64>,
    pub(crate) lots: Vec<u64>,
    pub(crate) stock: Vec<u64>,
    pub(crate) serials: Vec<u64>,
    pub(crate) members: Vec<u64>,
    pub(crate) promotions: Vec<u64>,
}

pub(crate) fn check_across_rows(
    catalog: &CatalogImport,
    lines: &RowLines,
) -> Result<(), ImportError> {
    use RecordKind as K;
    let c = catalog;
    let problems = [
        first_repeat(
            K::Product,
            "sku",
            c.products
                .iter()
                .zip(&lines.products)
                .map(|(p, &l)| (l, &p.sku, &p.sku)),
        ),
        first_repeat(
            K::Barcode,
            "barcode",
            c.barcodes
                .iter()
                .zip(&lines.barcodes)
                .map(|((_, b), &l)| (l, b, b)),
        ),
        first_repeat(
            K::Lot,
            "lot_no",
            c.lots
                .iter()
                .zip(&lines.lots)
                .map(|(lot, &l)| (l, (&lot.sku, &lot.lot_no), &lot.lot_no)),
        ),
        first_repeat(
            K::Stock,
            "lot_no",
            c.stock.iter().zip(&lines.stock).filter_map(|(s, &l)| {
                let lot_no = s.lot_no.as_ref()?;
                Some((l, (&s.sku, lot_no), lot_no))
            }),
        ),
        first_repeat(
            K::Stock,
            "sku",
            c.stock
                .iter()
                .zip(&lines.stock)
                .filter(|(s, _)| s.lot_no.is_none())
                .map(|(s, &l)| (l, &s.sku, &s.sku)),
        ),
        first_repeat(
            K::Serial,
            "serial",
            c.serials
                .iter()
                .zip(&lines.serials)
                .map(|(s, &l)| (l, (&s.sku, &s.serial), &s.serial)),
        ),
        first_repeat(
            K::Member,
            "id",
            c.members
                .iter()
                .zip(&lines.members)
                .map(|(m, &l)| (l, &m.id, &m.id)),
        ),
        first_repeat(
            K::Member,
            "card_no",
            c.members
                .iter()
                .zip(&lines.members)
                .map(|(m, &l)| (l, &m.card_no, &m.card_no)),
        ),
        first_repeat(
            K::Promotion,
            "id",
            c.promotions
                .iter()
                .zip(&lines.promotions)
                .map(|(p, &l)| (l, &p.id, &p.id)),
        ),
        References::new(catalog).first_problem(lines),
    ];
    match problems.into_iter().flatten().min_by_key(ImportError::line) {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// The first record whose key an earlier record of the kind already has. `records`
/// yields (line, key, value shown) in file order.
fn first_repeat<'a, K: Eq + Hash>(
    kind: RecordKind,
    field: &'static str,
    records: impl Iterator<Item = (u64, K, &'a String)>,
) -> Option<ImportError> {
    let mut first_seen: HashMap<K, u64> = HashMap::with_capacity(records.size_hint().0);
    for (line, key, value) in records {
        if let Some(&first_line) = first_seen.get(&key) {
            return Some(ImportError::Duplicate {
                line,
                kind: kind.code().to_owned(),
                field,
                value: value.clone(),
                first_line,
            });
        }
        first_seen.insert(key, line);
    }
    None
}

/// Why a lot of a product with tracking none is refused.
pub(crate) const LOT_OF_UNTRACKED: &str =
    "this product has tracking none; give it tracking lot or serial to list lots";

/// What the file itself says about products and lots, to check rows against.
struct References<'a> {
    catalog: &'a CatalogImport,
    tracking: HashMap<&'a str, Tracking>,
    lots: HashSet<(&'a str, &'a str)>,
}

impl<'a> References<'a> {
    fn new(catalog: &'a CatalogImport) -> Self {
        let tracking = catalog
            .products
            .iter()
            .map(|p| (p.sku.as_str(), p.tracking))
            .collect();
        let lots = catalog
            .lots
            .iter()
            .map(|l| (l.sku.as_str(), l.lot_no.as_str()))
            .collect();
        References {
            catalog,
            tracking,
            lots,
        }
    }

    fn first_problem(&self, lines: &RowLines) -> Option<ImportError> {
        [
            self.lots(&lines.lots),
            self.stock(&lines.stock),
            self.serials(&lines.serials),
        ]
        .into_iter()
        .flatten()
        .min_by_key(ImportError::line)
    }

    fn lots(&self, lines: &[u64]) -> Option<ImportError> {
        self.catalog
            .lots
            .iter()
            .zip(lines)
            .find_map(|(lot, &line)| {
                (self.tracking.get(lot.sku.as_str()) == Some(&Tracking::None))
                    .then(|| problem(line, RecordKind::Lot, "sku", &lot.sku, LOT_OF_UNTRACKED))
            })
    }

    fn stock(&self, lines: &[u64]) -> Option<ImportError> {
        self.catalog
            .stock
            .iter()
            .zip(lines)
            .find_map(|(stock, &line)| {
                let tracking = *self.tracking.get(stock.sku.as_str())?;
                match (&stock.lot_no, tracking) {
                    (None, Tracking::Lot) => Some(problem(
                        line,
                        RecordKind::Stock,
                        "lot_no",
                        "",
                        "this product is lot-tracked; give the stock per lot",
                    )),
                    (Some(lot_no), Tracking::None) => Some(problem(
                        line,
                        RecordKind::Stock,
                        "lot_no",
                        lot_no,
                        "this product is not lot-tracked; leave lot_no empty",
                    )),
                    (Some(lot_no), _) => {
                        self.undefined_lot(line, RecordKind::Stock, &stock.sku, lot_no)
                    }
                    (None, _) => None,
                }
            })
    }

    fn serials(&self, lines: &[u64]) -> Option<ImportError> {
        self.catalog.serials.iter().zip(lines).find_map(|(serial, &line)| {
            let tracking = *self.tracking.get(serial.sku.as_str())?;
            if tracking != Tracking::Serial {
                return Some(problem(
                    line,
                    RecordKind::Serial,
                    "sku",
                    &serial.sku,
                    "this product is not serial-tracked; give it tracking serial to list serials",
                ));
            }
            let lot_no = serial.lot_no.as_deref()?;
            self.undefined_lot(line, RecordKind::Serial, &serial.sku, lot_no)
        })
    }

    /// Lots of a product defined in this file must be defined here too, with their expiry.
    fn undefined_lot(
        &self,
        line: u64,
        kind: RecordKind,
        sku: &str,
        lot_no: &str,
    ) -> Option<ImportError> {
        (!self.lots.contains(&(sku, lot_no))).then(|| {
            problem(
                line,
                kind,
                "lot_no",
                lot_no,
                "no lot row gives this lot of this product; add one with its expiry date",
            )
        })
    }
}

fn problem(
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
