//! CSV files for an ERP: sales and returns one row per document line, closes one row
//! per Z report, members one row each with balance, stock one row per store, SKU, lot,
//! goods receipts' shortages and excesses one row per line that differs from its note,
//! the device sales record one row per line, a member segment one row per member. Rows
//! stream from the database to the file; memory does not grow with the data. The stock reports ([`StockReport`]: a lot's
//! recall list, a serial's life, near-expiry lots, low stock, transfers) are the rows of
//! their JSON API, every one of them, members masked.
//!
//! Every text cell that came from a till or an import goes through [`text_cell`], so a
//! spreadsheet opening the file never reads it as a formula; numbers head office writes
//! itself (amounts, quantities, counts) are written as they are, minus sign included.

use std::io::Write;
use std::pin::pin;

use chrono::NaiveDate;
use futures_util::TryStreamExt;
use pos_domain::document::{Document, DocumentBody, TenderKind};
use rust_decimal::Decimal;
use tokio_postgres::Client;
use tokio_postgres::types::{Json, ToSql};
use uuid::Uuid;

use crate::error::DbError;

mod reports;
mod segments;
pub use reports::{
    LOW_STOCK_HEADER, NEAR_EXPIRY_HEADER, StockReport, TRACE_HEADER, TRANSFERS_HEADER,
    export_report,
};
pub use segments::{SEGMENT_MEMBERS_HEADER, export_segment};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Sales,
    Returns,
    Closes,
    Members,
    Stock,
    ReceiptDiscrepancies,
    /// The sales record of class II and III devices (医疗器械销售记录), members masked.
    DeviceSales,
}

/// Business dates to export, both ends included; `None` is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateRange {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("writing the CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing the CSV: {0}")]
    Io(#[from] std::io::Error),
}

impl From<tokio_postgres::Error> for ExportError {
    fn from(e: tokio_postgres::Error) -> Self {
        ExportError::Db(e.into())
    }
}

pub const SALES_HEADER: &[&str] = &[
    "document_id",
    "store_id",
    "terminal_id",
    "sequence",
    "business_date",
    "created_at",
    "operator_id",
    "line_no",
    "sku",
    "name",
    "quantity",
    "lot_no",
    "serial",
    "unit_price",
    "gross",
    "discount",
    "net",
    "vat_rate",
    "member_id",
    "voided",
];
pub const RETURNS_HEADER: &[&str] = &[
    "document_id",
    "store_id",
    "terminal_id",
    "sequence",
    "business_date",
    "created_at",
    "operator_id",
    "original_sale_id",
    "original_line_no",
    "sku",
    "name",
    "quantity",
    "lot_no",
    "serial",
    "refund",
    "vat_rate",
    "member_id",
    "reason",
];
pub const CLOSES_HEADER: &[&str] = &[
    "store_id",
    "terminal_id",
    "business_date",
    "z_no",
    "document_id",
    "sales_count",
    "sales_total",
    "returns_count",
    "returns_total",
    "voids_count",
    "voids_total",
    "cash",
    "bank_card",
    "wechat_pay",
    "alipay",
    "points",
    "expected_cash",
    "counted_cash",
    "variance",
];
pub const MEMBERS_HEADER: &[&str] = &[
    "member_id",
    "card_no",
    "phone",
    "name",
    "tier",
    "points_balance",
    "merged_ids",
];
pub const STOCK_HEADER: &[&str] = &["store_id", "sku", "lot_no", "quantity"];
pub const RECEIPT_DISCREPANCIES_HEADER: &[&str] = &[
    "business_date",
    "store_id",
    "document_id",
    "line_no",
    "reference",
    "supplier",
    "sku",
    "lot_no",
    "expected",
    "received",
    "shortage",
    "excess",
];

pub const DEVICE_SALES_HEADER: &[&str] = &[
    "business_date",
    "store_id",
    "document_no",
    "document_id",
    "kind",
    "sku",
    "name",
    "model_spec",
    "registration_no",
    "device_class",
    "quantity",
    "unit_price",
    "lot_no",
    "serial",
    "expiry_date",
    "manufacturer",
    "manufacturer_licence",
    "member",
];

/// Writes the export of `kind` to `out` and returns the number of data rows.
pub async fn export<W: Write>(
    client: &Client,
    kind: ExportKind,
    dates: DateRange,
    out: W,
) -> Result<u64, ExportError> {
    let mut csv = csv::Writer::from_writer(out);
    let rows = match kind {
        ExportKind::Sales => documents(client, "sale", dates, &mut csv).await?,
        ExportKind::Returns => documents(client, "return", dates, &mut csv).await?,
        ExportKind::Closes => documents(client, "z_report", dates, &mut csv).await?,
        ExportKind::Members => members(client, &mut csv).await?,
        ExportKind::Stock => stock(client, &mut csv).await?,
        ExportKind::ReceiptDiscrepancies => receipt_discrepancies(client, dates, &mut csv).await?,
        ExportKind::DeviceSales => device_sales(client, dates, &mut csv).await?,
    };
    csv.flush()?;
    Ok(rows)
}

/// First characters that make a spreadsheet (Excel, LibreOffice, WPS) read a cell as a
/// formula or a DDE command; the full-width forms are taken as such by some CJK set-ups.
const FORMULA_STARTS: &[char] = &[
    '=', '+', '-', '@', '\t', '\r', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// A text cell an ERP's spreadsheet reads as text: a leading formula character gets a
/// `'` in front (the spreadsheet convention for "this is text"), and a NUL byte, which
/// cuts a cell short in some readers, becomes U+FFFD.
pub fn text_cell(value: &str) -> String {
    let value = value.replace('\0', "\u{FFFD}");
    if value.starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value
    }
}

async fn documents<W: Write>(
    client: &Client,
    kind: &str,
    dates: DateRange,
    csv: &mut csv::Writer<W>,
) -> Result<u64, ExportError> {
    csv.write_record(match kind {
        "sale" => SALES_HEADER,
        "return" => RETURNS_HEADER,
        _ => CLOSES_HEADER,
    })?;
    let params: [&(dyn ToSql + Sync); 3] = [&kind, &dates.from, &dates.to];
    let stream = client
        .query_raw(
            "SELECT d.document, v.id IS NOT NULL FROM documents d
             LEFT JOIN documents v ON v.voided_sale_id = d.id
             WHERE d.kind = $1
               AND ($2::date IS NULL OR d.business_date >= $2)
               AND ($3::date IS NULL OR d.business_date <= $3)
             ORDER BY d.store_id, d.terminal_id, d.sequence",
            params,
        )
        .await?;
    let mut stream = pin!(stream);
    let mut count = 0;
    while let Some(row) = stream.try_next().await? {
        let Json(doc): Json<Document> = row
            .try_get(0)
            .map_err(|e| DbError::Corrupt(format!("stored document: {e}")))?;
        let voided: bool = row.get(1);
        count += write_document(csv, &doc, voided)?;
    }
    Ok(count)
}

fn write_document<W: Write>(
    csv: &mut csv::Writer<W>,
    doc: &Document,
    voided: bool,
) -> Result<u64, ExportError> {
    let head = [
        doc.id.to_string(),
        text_cell(&doc.store_id),
        text_cell(&doc.terminal_id),
        doc.sequence.to_string(),
        doc.business_date.to_string(),
        doc.created_at.to_rfc3339(),
        text_cell(&doc.operator_id),
    ];
    let text = |o: &Option<String>| text_cell(o.as_deref().unwrap_or_default());
    let mut rows = 0;
    match &doc.body {
        DocumentBody::Sale(sale) => {
            let member = sale
                .member
                .as_ref()
                .map(|m| text_cell(&m.member_id))
                .unwrap_or_default();
            for l in &sale.lines {
                let discount: Decimal = l.discounts.iter().map(|d| d.amount).sum();
                let mut record = head.to_vec();
                record.extend([
                    l.line_no.to_string(),
                    text_cell(&l.sku),
                    text_cell(&l.name),
                    l.quantity.to_string(),
                    text(&l.lot),
                    text(&l.serial),
                    l.unit_price.to_string(),
                    l.gross.to_string(),
                    discount.to_string(),
                    l.net.to_string(),
                    l.vat_rate.to_string(),
                    member.clone(),
                    voided.to_string(),
                ]);
                csv.write_record(&record)?;
                rows += 1;
            }
        }
        DocumentBody::Return(ret) => {
            let member = ret
                .member
                .as_ref()
                .map(|m| text_cell(&m.member_id))
                .unwrap_or_default();
            let original = ret
                .original_sale_id
                .map(|id: Uuid| id.to_string())
                .unwrap_or_default();
            for l in &ret.lines {
                let mut record = head.to_vec();
                record.extend([
                    original.clone(),
                    l.original_line_no
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    text_cell(&l.sku),
                    text_cell(&l.name),
                    l.quantity.to_string(),
                    text(&l.lot),
                    text(&l.serial),
                    l.refund.to_string(),
                    l.vat_rate.to_string(),
                    member.clone(),
                    text_cell(&ret.reason),
                ]);
                csv.write_record(&record)?;
                rows += 1;
            }
        }
        DocumentBody::ZReport(z) => {
            let tender = |kind: TenderKind| -> String {
                let sum: Decimal = z
                    .totals
                    .tenders
                    .iter()
                    .filter(|t| t.kind == kind)
                    .map(|t| t.amount)
                    .sum();
                sum.to_string()
            };
            let t = &z.totals;
            csv.write_record([
                text_cell(&doc.store_id),
                text_cell(&doc.terminal_id),
                doc.business_date.to_string(),
                z.z_no.to_string(),
                doc.id.to_string(),
                t.sales_count.to_string(),
                t.sales_total.to_string(),
                t.returns_count.to_string(),
                t.returns_total.to_string(),
                t.voids_count.to_string(),
                t.voids_total.to_string(),
                tender(TenderKind::Cash),
                tender(TenderKind::BankCard),
                tender(TenderKind::WechatPay),
                tender(TenderKind::Alipay),
                tender(TenderKind::Points),
                t.expected_cash.to_string(),
                z.counted_cash.to_string(),
                z.variance.to_string(),
            ])?;
            rows += 1;
        }
        _ => {}
    }
    Ok(rows)
}

async fn members<W: Write>(client: &Client, csv: &mut csv::Writer<W>) -> Result<u64, ExportError> {
    let sql = "SELECT m.id, m.card_no, coalesce(m.phone, ''), m.name, m.tier, m.points_balance,
                      coalesce(string_agg(a.alias_id, ';' ORDER BY a.alias_id), '')
               FROM members m LEFT JOIN member_aliases a ON a.member_id = m.id
               GROUP BY m.id ORDER BY m.id";
    rows_to_csv(client, csv, MEMBERS_HEADER, sql, &[], |row| {
        Ok(vec![
            text_cell(row.get(0)),
            text_cell(row.get(1)),
            text_cell(row.get(2)),
            text_cell(row.get(3)),
            text_cell(row.get(4)),
            row.get::<_, i64>(5).to_string(),
            text_cell(row.get(6)),
        ])
    })
    .await
}

async fn stock<W: Write>(client: &Client, csv: &mut csv::Writer<W>) -> Result<u64, ExportError> {
    let sql = "SELECT store_id, sku, lot_no, quantity FROM stock ORDER BY store_id, sku, lot_no";
    rows_to_csv(client, csv, STOCK_HEADER, sql, &[], |row| {
        Ok(vec![
            text_cell(row.get(0)),
            text_cell(row.get(1)),
            text_cell(row.get(2)),
            row.get::<_, i64>(3).to_string(),
        ])
    })
    .await
}

/// Every store's receipt discrepancies on business dates within `dates`.
async fn receipt_discrepancies<W: Write>(
    client: &Client,
    dates: DateRange,
    csv: &mut csv::Writer<W>,
) -> Result<u64, ExportError> {
    let every_store: Option<Vec<String>> = None;
    let params: [&(dyn ToSql + Sync); 3] = [&every_store, &dates.from, &dates.to];
    let sql = crate::stock_reports::SQL;
    rows_to_csv(
        client,
        csv,
        RECEIPT_DISCREPANCIES_HEADER,
        sql,
        &params,
        |row| {
            let d = crate::stock_reports::from_row(row);
            let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
            Ok(vec![
                d.business_date.to_string(),
                text_cell(&d.store_id),
                d.document_id.to_string(),
                d.line_no.to_string(),
                text_cell(&d.reference),
                text_cell(&d.supplier),
                text_cell(&d.sku),
                text_cell(d.lot_no.as_deref().unwrap_or_default()),
                number(d.expected),
                d.received.to_string(),
                d.shortage.to_string(),
                d.excess.to_string(),
            ])
        },
    )
    .await
}

/// Every store's device sales record on business dates within `dates`.
async fn device_sales<W: Write>(
    client: &Client,
    dates: DateRange,
    csv: &mut csv::Writer<W>,
) -> Result<u64, ExportError> {
    let every_store: Option<Vec<String>> = None;
    let params: [&(dyn ToSql + Sync); 3] = [&every_store, &dates.from, &dates.to];
    let sql = crate::device_sales::SQL;
    rows_to_csv(client, csv, DEVICE_SALES_HEADER, sql, &params, |row| {
        let s = crate::device_sales::from_row(row)?;
        let text = |t: &Option<String>| text_cell(t.as_deref().unwrap_or_default());
        Ok(vec![
            s.business_date.to_string(),
            text_cell(&s.store_id),
            text_cell(&s.document_no),
            s.document_id.to_string(),
            s.kind.clone(),
            text_cell(&s.sku),
            text_cell(&s.name),
            text(&s.model_spec),
            text(&s.registration_no),
            s.device_class.clone(),
            s.quantity.to_string(),
            s.unit_price.to_string(),
            text(&s.lot_no),
            text(&s.serial),
            s.expiry_date.map(|d| d.to_string()).unwrap_or_default(),
            text(&s.manufacturer),
            text(&s.manufacturer_licence),
            text(&s.member),
        ])
    })
    .await
}

/// Streams the rows of `sql` with `params` into the CSV, one record per row, so a large
/// export never sits in memory; returns how many rows were written.
async fn rows_to_csv<W: Write>(
    client: &Client,
    csv: &mut csv::Writer<W>,
    header: &[&str],
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    record: impl Fn(&tokio_postgres::Row) -> Result<Vec<String>, ExportError>,
) -> Result<u64, ExportError> {
    csv.write_record(header)?;
    let stream = client.query_raw(sql, params.iter().copied()).await?;
    let mut stream = pin!(stream);
    let mut count = 0;
    while let Some(row) = stream.try_next().await? {
        csv.write_record(record(&row)?)?;
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::text_cell;

    #[test]
    fn formula_starts_get_a_quote_and_nul_is_replaced() {
        for dangerous in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "\u{FF1D}1+1",
        ] {
            assert_eq!(text_cell(dangerous), format!("'{dangerous}"));
        }
        assert_eq!(text_cell("a\0b"), "a\u{FFFD}b");
        assert_eq!(text_cell("\0=1"), "\u{FFFD}=1");
        for safe in ["", "BP-1", "张三", "a=b", "12.50", "'quoted"] {
            assert_eq!(text_cell(safe), safe);
        }
    }
}
