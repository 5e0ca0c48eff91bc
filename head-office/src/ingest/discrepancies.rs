//! A goods receipt's lines that differ from its delivery note (短缺 and 溢收), kept in
//! `receipt_discrepancies` in ingest's transaction: stored with the receipt or not at
//! all, so a resend (a duplicate, inserting nothing) records nothing twice.

use chrono::NaiveDate;
use pos_domain::document::{Document, DocumentBody};
use tokio_postgres::Transaction;
use uuid::Uuid;

use crate::error::DbError;

/// One receipt line with a shortage or an excess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discrepancy {
    pub document_id: Uuid,
    /// The line's place in the receipt, from 1.
    pub line_no: i32,
    pub store_id: String,
    pub reference: String,
    pub supplier: String,
    pub sku: String,
    /// '' when the product is not lot-tracked, as in `stock`.
    pub lot_no: String,
    pub expected: Option<i64>,
    pub received: i64,
    pub shortage: i64,
    pub excess: i64,
    pub business_date: NaiveDate,
}

/// The lines of the accepted goods receipts whose shortage or excess is not zero, as the
/// domain works them out (`ReceiptLine::shortage`, `excess`). A receipt none of whose
/// lines has an expected quantity was not against a delivery note: it has none.
pub fn of(accepted: &[&Document]) -> Vec<Discrepancy> {
    let mut found = Vec::new();
    for doc in accepted {
        let DocumentBody::GoodsReceipt(receipt) = &doc.body else {
            continue;
        };
        if receipt.lines.iter().all(|l| l.expected.is_none()) {
            continue;
        }
        for (i, line) in receipt.lines.iter().enumerate() {
            let (shortage, excess) = (line.shortage(), line.excess());
            if shortage == 0 && excess == 0 {
                continue;
            }
            found.push(Discrepancy {
                document_id: doc.id,
                // Validation bounds a receipt's lines far below i32.
                line_no: i32::try_from(i + 1).unwrap_or(i32::MAX),
                store_id: doc.store_id.clone(),
                reference: receipt.reference.clone(),
                supplier: receipt.supplier.clone(),
                sku: line.goods.sku.clone(),
                lot_no: line.goods.lot.clone().unwrap_or_default(),
                expected: line.expected.map(i64::from),
                received: i64::from(line.goods.quantity),
                shortage: i64::from(shortage),
                excess: i64::from(excess),
                business_date: doc.business_date,
            });
        }
    }
    found
}

/// Stores the discrepancies in one statement.
pub async fn record(tx: &Transaction<'_>, rows: &[Discrepancy]) -> Result<(), DbError> {
    if rows.is_empty() {
        return Ok(());
    }
    let column = |f: fn(&Discrepancy) -> &str| rows.iter().map(f).collect::<Vec<&str>>();
    let ids: Vec<Uuid> = rows.iter().map(|r| r.document_id).collect();
    let line_nos: Vec<i32> = rows.iter().map(|r| r.line_no).collect();
    let expected: Vec<Option<i64>> = rows.iter().map(|r| r.expected).collect();
    let received: Vec<i64> = rows.iter().map(|r| r.received).collect();
    let shortages: Vec<i64> = rows.iter().map(|r| r.shortage).collect();
    let excesses: Vec<i64> = rows.iter().map(|r| r.excess).collect();
    let dates: Vec<NaiveDate> = rows.iter().map(|r| r.business_date).collect();
    tx.execute(
        "INSERT INTO receipt_discrepancies (document_id, line_no, store_id, reference, supplier,
                                            sku, lot_no, expected, received, shortage, excess,
                                            business_date)
         SELECT * FROM unnest($1::uuid[], $2::int4[], $3::text[], $4::text[], $5::text[],
                              $6::text[], $7::text[], $8::int8[], $9::int8[], $10::int8[],
                              $11::int8[], $12::date[])",
        &[
            &ids,
            &line_nos,
            &column(|r| &r.store_id),
            &column(|r| &r.reference),
            &column(|r| &r.supplier),
            &column(|r| &r.sku),
            &column(|r| &r.lot_no),
            &expected,
            &received,
            &shortages,
            &excesses,
            &dates,
        ],
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use pos_domain::stock_document::{GoodsReceipt, ReceiptLine, StockLine};

    use super::*;

    fn line(sku: &str, quantity: u32, expected: Option<u32>) -> ReceiptLine {
        ReceiptLine {
            goods: StockLine {
                sku: sku.into(),
                lot: Some("L1".into()),
                expiry_date: None,
                serials: vec![],
                quantity,
            },
            expected,
        }
    }

    /// (sku, line_no, expected, received, shortage, excess)
    type Figures<'a> = (&'a str, i32, Option<i64>, i64, i64, i64);

    #[test]
    fn only_lines_that_differ_from_the_note_are_kept_with_the_domains_figures() {
        let doc = Document {
            id: Uuid::now_v7(),
            store_id: "S1".into(),
            terminal_id: "T1".into(),
            sequence: 1,
            business_date: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            created_at: Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap(),
            operator_id: "c1".into(),
            approvals: vec![],
            body: DocumentBody::GoodsReceipt(GoodsReceipt {
                reference: "DN-1".into(),
                supplier: "鱼跃".into(),
                lines: vec![
                    line("EXACT", 10, Some(10)),
                    line("SHORT", 8, Some(10)),
                    line("OVER", 12, Some(10)),
                    line("UNANNOUNCED", 3, None),
                ],
            }),
        };
        let found = of(&[&doc]);
        let figures: Vec<Figures> = found
            .iter()
            .map(|d| {
                (
                    d.sku.as_str(),
                    d.line_no,
                    d.expected,
                    d.received,
                    d.shortage,
                    d.excess,
                )
            })
            .collect();
        assert_eq!(
            figures,
            [
                ("SHORT", 2, Some(10), 8, 2, 0),
                ("OVER", 3, Some(10), 12, 0, 2),
                ("UNANNOUNCED", 4, None, 3, 0, 3),
            ]
        );
        assert!(
            found
                .iter()
                .all(|d| d.lot_no == "L1" && d.reference == "DN-1")
        );
    }

    #[test]
    fn a_receipt_without_expected_quantities_has_no_discrepancies() {
        let doc = Document {
            id: Uuid::now_v7(),
            store_id: "S1".into(),
            terminal_id: "T1".into(),
            sequence: 1,
            business_date: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            created_at: Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap(),
            operator_id: "c1".into(),
            approvals: vec![],
            body: DocumentBody::GoodsReceipt(GoodsReceipt {
                reference: "DN-2".into(),
                supplier: "鱼跃".into(),
                lines: vec![line("STRIP", 10, None), line("CUFF", 2, None)],
            }),
        };
        assert_eq!(of(&[&doc]), vec![]);
    }
}
