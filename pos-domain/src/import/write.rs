//! Writing a catalog in the format the parser reads.

use std::io::{self, Write};

use super::CatalogImport;
use super::kind::RecordKind;
use super::records::{device_class_code, tracking_code};
use chrono::NaiveDateTime;

/// `%.f` writes a fraction only when there is one, and the parser reads both.
const DATE_TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.f";

pub(crate) fn write<W: Write>(catalog: &CatalogImport, mut out: W) -> io::Result<()> {
    writeln!(
        out,
        "# Catalog file: one record per row, the first column says its kind."
    )?;
    for kind in RecordKind::ALL {
        writeln!(out, "# {},{}", kind.code(), kind.fields().join(","))?;
    }
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(out);
    for p in &catalog.products {
        let price = p.price.to_string();
        let vat_rate = p.vat_rate.to_string();
        let safety_stock = p.safety_stock.to_string();
        writer.write_record([
            "product",
            &p.sku,
            &p.name,
            &p.pinyin,
            &p.category,
            &p.unit,
            &price,
            &vat_rate,
            device_class_code(p.device_class),
            p.registration_no.as_deref().unwrap_or(""),
            tracking_code(p.tracking),
            &safety_stock,
            p.model_spec.as_deref().unwrap_or(""),
            p.manufacturer.as_deref().unwrap_or(""),
            p.manufacturer_licence.as_deref().unwrap_or(""),
            &p.warranty_months.map(|m| m.to_string()).unwrap_or_default(),
        ])?;
    }
    for (sku, barcode) in &catalog.barcodes {
        writer.write_record(["barcode", sku, barcode])?;
    }
    for lot in &catalog.lots {
        let expiry = lot.expiry_date.format("%Y-%m-%d").to_string();
        writer.write_record(["lot", &lot.sku, &lot.lot_no, &expiry])?;
    }
    for s in &catalog.stock {
        let quantity = s.quantity.to_string();
        writer.write_record([
            "stock",
            &s.sku,
            s.lot_no.as_deref().unwrap_or(""),
            &quantity,
        ])?;
    }
    for s in &catalog.serials {
        writer.write_record([
            "serial",
            &s.sku,
            &s.serial,
            s.lot_no.as_deref().unwrap_or(""),
        ])?;
    }
    for m in &catalog.members {
        let points = m.points_balance.to_string();
        writer.write_record([
            "member",
            &m.id,
            &m.card_no,
            &m.phone,
            &m.name,
            m.tier.code(),
            &points,
        ])?;
    }
    for p in &catalog.promotions {
        let rule_json = serde_json::to_string(&p.kind).map_err(io::Error::other)?;
        writer.write_record([
            "promotion",
            &p.id,
            &p.name,
            &p.priority.to_string(),
            if p.stackable { "true" } else { "false" },
            &date_time(p.valid_from),
            &date_time(p.valid_to),
            &rule_json,
            p.segment.as_deref().unwrap_or(""),
        ])?;
    }
    writer.flush()
}

pub(crate) fn date_time(value: Option<NaiveDateTime>) -> String {
    value
        .map(|v| v.format(DATE_TIME_FORMAT).to_string())
        .unwrap_or_default()
}
