//! The catalog file: one CSV format that the till (`pos import FILE.csv`) and head office
//! (`head-office import`) both read, and that [`write_catalog_csv`] writes.
//!
//! Each row starts with its record kind; the columns after it are positional per kind.
//! Lines starting with `#` are comments, blank rows are skipped, fields may be quoted,
//! spaces around fields are trimmed, a UTF-8 byte-order mark is ignored, and empty extra
//! columns (a spreadsheet's padding) are allowed.
//!
//! ```text
//! product,sku,name,pinyin,category,unit,price,vat_rate,device_class,registration_no,tracking,safety_stock,model_spec,manufacturer,manufacturer_licence,warranty_months
//! barcode,sku,barcode
//! lot,sku,lot_no,expiry_date
//! stock,sku,lot_no,quantity
//! serial,sku,serial,lot_no
//! member,id,card_no,phone,name,tier,points_balance
//! promotion,id,name,priority,stackable,valid_from,valid_to,rule_json,segment
//! ```
//!
//! - `pinyin` left empty is filled with [`pinyin_initials`](crate::hanzi::pinyin_initials) of the name.
//! - `price` in yuan, tax included, at most 2 decimals; `vat_rate` a fraction in [0, 1).
//! - `device_class` is `I`, `II`, `III` or empty; `tracking` is `none`, `lot` or `serial`.
//! - `model_spec` (规格型号), `manufacturer` (生产企业) and `manufacturer_licence` (its
//!   生产许可证 or 备案凭证 number) are what a class II/III device's sales record carries;
//!   each may be empty, and a row may end before them (files written before they existed).
//! - `warranty_months` (保修期) is empty for none or 1 to 1200: a serial unit's warranty
//!   ends that many months after the day it is sold (the trace shows the date).
//! - `barcode` is 8, 12, 13 or 14 digits with a right GS1 check digit.
//! - Dates are `YYYY-MM-DD`; `valid_from` / `valid_to` are empty or `YYYY-MM-DDTHH:MM:SS`.
//! - `stock.lot_no` is empty for products that are not lot-tracked; a `serial` row is one
//!   unit in stock of a serial-tracked product, its `lot_no` may be empty.
//! - `tier` is `standard`, `gold`, `platinum` or `diamond` (普通 / 金卡 / 铂金 / 钻石 also read).
//! - `rule_json` is the JSON of a [`PromotionKind`](crate::promotion::PromotionKind), e.g.
//!   `{"kind":"spend_save","target":{"by":"all"},"threshold":"200","save":"20","repeat":true}`.
//! - `segment` is empty (every sale) or the code of the RFM segment whose members alone
//!   get the promotion (`important_value`); a row may end before it.
//!
//! A key given twice (SKU, barcode, lot, stock line, serial, member id or card, promotion
//! id) is an error, and rows about a product defined in the same file must fit its
//! tracking. The first error stops the import and names the line and the column.

mod checks;
mod error;
mod kind;
mod parse;
mod records;
mod row;
mod write;

use serde::{Deserialize, Serialize};

use crate::catalog::{Lot, Product, Tracking};
use crate::member::Member;
use crate::promotion::Promotion;

pub use error::ImportError;

/// Units on hand of a product, per lot where it is lot-tracked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockRecord {
    pub sku: String,
    pub lot_no: Option<String>,
    pub quantity: i64,
}

/// One unit in stock of a serial-tracked product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SerialRecord {
    pub sku: String,
    pub serial: String,
    pub lot_no: Option<String>,
}

/// Everything a catalog file holds, in file order per kind.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CatalogImport {
    pub products: Vec<Product>,
    /// (sku, barcode)
    pub barcodes: Vec<(String, String)>,
    pub lots: Vec<Lot>,
    pub stock: Vec<StockRecord>,
    pub serials: Vec<SerialRecord>,
    pub members: Vec<Member>,
    pub promotions: Vec<Promotion>,
}

/// Reads a catalog file; stops at the first bad row.
pub fn parse_catalog_csv<R: std::io::Read>(input: R) -> Result<CatalogImport, ImportError> {
    parse::parse(input)
}

/// A product's columns, in the catalog file's order.
pub fn product_fields() -> &'static [&'static str] {
    kind::RecordKind::Product.fields()
}

/// Reads one product from its fields (in [`product_fields`] order) with exactly the
/// checks a product row of the catalog file gets, so a product edited by hand (the
/// console's form) is held to the file's rules. Errors name the field. Like a row of the
/// file, the fields may end before the last four (model_spec, manufacturer,
/// manufacturer_licence, warranty_months).
pub fn product_from_fields(fields: &[&str]) -> Result<Product, ImportError> {
    let record = record_of(kind::RecordKind::Product, fields);
    let row = row::Row::new(1, kind::RecordKind::Product, &record)?;
    records::product(&row)
}

/// Reads one barcode row's fields (`sku`, `barcode`) with exactly the checks the catalog
/// file gives them (digits, length, GS1 check digit). Errors name the field.
pub fn barcode_from_fields(fields: &[&str; 2]) -> Result<(String, String), ImportError> {
    let record = record_of(kind::RecordKind::Barcode, fields);
    let row = row::Row::new(1, kind::RecordKind::Barcode, &record)?;
    records::barcode(&row)
}

/// Reads one lot row's fields (`sku`, `lot_no`, `expiry_date`) with the catalog file's
/// checks, and the one it makes against a product defined beside it: a product of
/// `tracking` none lists no lots.
pub fn lot_from_fields(fields: &[&str; 3], tracking: Tracking) -> Result<Lot, ImportError> {
    let record = record_of(kind::RecordKind::Lot, fields);
    let row = row::Row::new(1, kind::RecordKind::Lot, &record)?;
    let lot = records::lot(&row)?;
    if tracking == Tracking::None {
        return Err(row.field_error(0, checks::LOT_OF_UNTRACKED));
    }
    Ok(lot)
}

fn record_of(kind: kind::RecordKind, fields: &[&str]) -> csv::StringRecord {
    let mut record = csv::StringRecord::new();
    record.push_field(kind.code());
    for field in fields {
        record.push_field(field);
    }
    record
}

/// A product's fields as the catalog file writes them: what [`product_from_fields`]
/// reads back to the same product.
pub fn product_to_fields(p: &Product) -> [String; 15] {
    [
        p.sku.clone(),
        p.name.clone(),
        p.pinyin.clone(),
        p.category.clone(),
        p.unit.clone(),
        p.price.to_string(),
        p.vat_rate.to_string(),
        records::device_class_code(p.device_class).to_owned(),
        p.registration_no.clone().unwrap_or_default(),
        records::tracking_code(p.tracking).to_owned(),
        p.safety_stock.to_string(),
        p.model_spec.clone().unwrap_or_default(),
        p.manufacturer.clone().unwrap_or_default(),
        p.manufacturer_licence.clone().unwrap_or_default(),
        p.warranty_months.map(|m| m.to_string()).unwrap_or_default(),
    ]
}

/// A promotion's columns, in the catalog file's order.
pub fn promotion_fields() -> &'static [&'static str] {
    kind::RecordKind::Promotion.fields()
}

/// Reads one promotion from its fields (in [`promotion_fields`] order) with exactly the
/// checks a promotion row of the catalog file gets. Errors name the field.
pub fn promotion_from_fields(fields: &[&str; 8]) -> Result<Promotion, ImportError> {
    let mut record = csv::StringRecord::new();
    record.push_field(kind::RecordKind::Promotion.code());
    for field in fields {
        record.push_field(field);
    }
    let row = row::Row::new(1, kind::RecordKind::Promotion, &record)?;
    records::promotion(&row)
}

/// A promotion's fields as the catalog file writes them: what
/// [`promotion_from_fields`] reads back to the same promotion.
pub fn promotion_to_fields(p: &Promotion) -> [String; 8] {
    [
        p.id.clone(),
        p.name.clone(),
        p.priority.to_string(),
        p.stackable.to_string(),
        write::date_time(p.valid_from),
        write::date_time(p.valid_to),
        serde_json::to_string(&p.kind).expect("a rule is plain data"),
        p.segment.clone().unwrap_or_default(),
    ]
}

/// Writes `catalog` so that [`parse_catalog_csv`] reads back the same value (given its
/// `pinyin` fields are filled in), grouped by kind under a comment naming the columns.
pub fn write_catalog_csv<W: std::io::Write>(
    catalog: &CatalogImport,
    out: W,
) -> std::io::Result<()> {
    write::write(catalog, out)
}
