//! What head office reports about stock documents: the shortages and excesses of goods
//! receipts against their delivery notes (`receipt_discrepancies`, written at ingest).
//! The JSON API (`GET /v1/stock/receipt-discrepancies`) and the CSV export read here.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::error::DbError;

/// Most rows one answer of the API holds; past it `more` says to ask for fewer days.
pub const DISCREPANCIES_MAX: i64 = 10_000;

/// One receipt line that differs from its delivery note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptDiscrepancy {
    pub document_id: Uuid,
    pub line_no: i32,
    pub store_id: String,
    /// The delivery note's or shipment's number.
    pub reference: String,
    pub supplier: String,
    pub sku: String,
    pub lot_no: Option<String>,
    /// What the note announced; `None` when it announced nothing for the line.
    pub expected: Option<i64>,
    pub received: i64,
    pub shortage: i64,
    pub excess: i64,
    pub business_date: NaiveDate,
}

/// The answer of `GET /v1/stock/receipt-discrepancies`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptDiscrepancies {
    pub discrepancies: Vec<ReceiptDiscrepancy>,
    /// More rows match than [`DISCREPANCIES_MAX`]: ask for a shorter range of dates.
    pub more: bool,
}

/// Rows of the stores `stores` (`None`: every store) received on business dates within
/// `dates`, in date, store, receipt and line order: $1 stores, $2 from, $3 to. The CSV
/// export runs it without a limit.
pub const SQL: &str = "SELECT document_id, line_no, store_id, reference, supplier, sku, lot_no,
                              expected, received, shortage, excess, business_date
                       FROM receipt_discrepancies
                       WHERE ($1::text[] IS NULL OR store_id = ANY($1))
                         AND ($2::date IS NULL OR business_date >= $2)
                         AND ($3::date IS NULL OR business_date <= $3)
                       ORDER BY business_date, store_id, document_id, line_no";

pub fn from_row(row: &tokio_postgres::Row) -> ReceiptDiscrepancy {
    let lot: String = row.get(6);
    ReceiptDiscrepancy {
        document_id: row.get(0),
        line_no: row.get(1),
        store_id: row.get(2),
        reference: row.get(3),
        supplier: row.get(4),
        sku: row.get(5),
        lot_no: (!lot.is_empty()).then_some(lot),
        expected: row.get(7),
        received: row.get(8),
        shortage: row.get(9),
        excess: row.get(10),
        business_date: row.get(11),
    }
}

/// At most [`DISCREPANCIES_MAX`] rows of [`SQL`] (business dates `from` to `to`, both
/// included, either open), and whether more match.
pub async fn receipt_discrepancies(
    client: &impl GenericClient,
    stores: Option<&[String]>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<ReceiptDiscrepancies, DbError> {
    let rows = client
        .query(
            &format!("{SQL} LIMIT {}", DISCREPANCIES_MAX + 1),
            &[&stores, &from, &to],
        )
        .await?;
    let more = rows.len() as i64 > DISCREPANCIES_MAX;
    let discrepancies = rows
        .iter()
        .take(DISCREPANCIES_MAX as usize)
        .map(from_row)
        .collect();
    Ok(ReceiptDiscrepancies {
        discrepancies,
        more,
    })
}
