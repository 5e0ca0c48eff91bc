//! The stock reports' CSV ([`StockReport`]): a lot's recall list, a serial's life,
//! near-expiry lots, low stock and transfers, the rows of their JSON API, every one of
//! them, members masked; text cells through [`text_cell`] like every export.

use std::io::Write;

use chrono::NaiveDate;
use tokio_postgres::Client;

use super::{ExportError, text_cell};

/// A stock report to export: the same rows as its JSON API, every one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StockReport {
    /// A lot's recall list (召回名单), members masked.
    Recall { sku: String, lot: String },
    /// A serial unit's whole life, members masked.
    SerialLife { sku: Option<String>, serial: String },
    /// Lots held that expire within `days` of `today`, expired ones included.
    NearExpiry { today: NaiveDate, days: i64 },
    /// SKUs a store holds fewer of than the product's safety stock.
    LowStock,
    /// Transfers between stores, in `state` when given.
    Transfers {
        state: Option<crate::stock_lists::TransferState>,
    },
}

pub const TRACE_HEADER: &[&str] = &[
    "business_date",
    "store_id",
    "kind",
    "document_no",
    "sku",
    "lot_no",
    "serial",
    "quantity",
    "member",
    "warranty_ends",
];
pub const NEAR_EXPIRY_HEADER: &[&str] = &[
    "store_id",
    "sku",
    "name",
    "lot_no",
    "expiry_date",
    "days_left",
    "quantity",
    "retail_value",
];
pub const LOW_STOCK_HEADER: &[&str] = &[
    "store_id",
    "sku",
    "name",
    "quantity",
    "safety_stock",
    "shortfall",
];
pub const TRANSFERS_HEADER: &[&str] = &[
    "transfer_id",
    "from_store",
    "to_store",
    "dispatched_on",
    "received_on",
    "state",
    "dispatched",
    "received",
    "difference",
];

/// Writes `report` for every store to `out` and returns the number of data rows.
pub async fn export_report<W: Write>(
    client: &Client,
    report: &StockReport,
    out: W,
) -> Result<u64, ExportError> {
    use crate::stock_lists;
    use crate::trace_reports::Traced;
    let mut csv = csv::Writer::from_writer(out);
    let text = |t: &Option<String>| text_cell(t.as_deref().unwrap_or_default());
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let records: Vec<Vec<String>> = match report {
        StockReport::Recall { sku, lot } => {
            trace_records(client, Traced::Lot { sku, lot }, &mut csv).await?
        }
        StockReport::SerialLife { sku, serial } => {
            let sku = sku.as_deref();
            trace_records(client, Traced::Serial { sku, serial }, &mut csv).await?
        }
        StockReport::NearExpiry { today, days } => {
            csv.write_record(NEAR_EXPIRY_HEADER)?;
            let found = stock_lists::near_expiry(client, None, *today, *days, i64::MAX).await?;
            found
                .lots
                .into_iter()
                .map(|l| {
                    vec![
                        text_cell(&l.store_id),
                        text_cell(&l.sku),
                        text(&l.name),
                        text_cell(&l.lot_no),
                        l.expiry_date.to_string(),
                        l.days_left.to_string(),
                        l.quantity.to_string(),
                        l.retail_value.map(|v| v.to_string()).unwrap_or_default(),
                    ]
                })
                .collect()
        }
        StockReport::LowStock => {
            csv.write_record(LOW_STOCK_HEADER)?;
            let found = stock_lists::low_stock(client, None, i64::MAX).await?;
            found
                .skus
                .into_iter()
                .map(|s| {
                    vec![
                        text_cell(&s.store_id),
                        text_cell(&s.sku),
                        text(&s.name),
                        s.quantity.to_string(),
                        s.safety_stock.to_string(),
                        s.shortfall.to_string(),
                    ]
                })
                .collect()
        }
        StockReport::Transfers { state } => {
            csv.write_record(TRANSFERS_HEADER)?;
            let found = stock_lists::transfers(client, None, *state, i64::MAX).await?;
            found
                .transfers
                .into_iter()
                .map(|t| {
                    vec![
                        text_cell(&t.transfer_id),
                        text_cell(&t.from_store),
                        text_cell(&t.to_store),
                        date(t.dispatched_on),
                        date(t.received_on),
                        t.state.key().to_owned(),
                        number(t.dispatched),
                        number(t.received),
                        number(t.difference),
                    ]
                })
                .collect()
        }
    };
    for record in &records {
        csv.write_record(record)?;
    }
    csv.flush()?;
    Ok(records.len() as u64)
}

/// The header of a lot's or a serial's movements, and their records, members masked.
async fn trace_records<W: Write>(
    client: &Client,
    traced: crate::trace_reports::Traced<'_>,
    csv: &mut csv::Writer<W>,
) -> Result<Vec<Vec<String>>, ExportError> {
    let text = |t: &Option<String>| text_cell(t.as_deref().unwrap_or_default());
    csv.write_record(TRACE_HEADER)?;
    let found = crate::trace_reports::trace(client, traced, None, i64::MAX).await?;
    Ok(found
        .movements
        .into_iter()
        .map(|m| {
            vec![
                m.business_date.to_string(),
                text_cell(&m.store_id),
                m.kind,
                text_cell(&m.document_no),
                text_cell(&m.sku),
                text(&m.lot_no),
                text(&m.serial),
                m.quantity.to_string(),
                text(&m.member),
                m.warranty_ends.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect())
}
