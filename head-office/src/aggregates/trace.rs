//! Where each lot and serial went (追溯): one row per document line that moved a lot or a
//! serial unit — received, sold (to which member), returned, voided, written off,
//! counted, transferred — so a recall list of a lot, or a serial's whole life, is one
//! indexed read. Worked out from the stored documents when the queue is folded (and by
//! the rebuild), never on the till's request.

use chrono::NaiveDate;
use pos_domain::document::{Document, DocumentBody, Sale, SaleMember};
use pos_domain::stock_document::StockLine;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::error::DbError;

/// One movement of a lot or serial unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceRow {
    pub sku: String,
    /// '' when the product is not lot-tracked (a serial unit without a lot).
    pub lot_no: String,
    pub serial: Option<String>,
    pub store_id: String,
    pub document_id: Uuid,
    /// The document's till and place in its sequence: its number, without a join.
    pub terminal_id: String,
    pub sequence: i64,
    /// The document's kind (`sale`, `return`, `void`, `goods_receipt`, ...).
    pub kind: &'static str,
    pub business_date: NaiveDate,
    /// Into the store's stock (positive) or out of it (negative).
    pub quantity: i64,
    /// The member a sale or return was for, as the till named them.
    pub member_id: Option<String>,
}

/// The rows of one document; a void needs the sale it voids.
pub fn rows_of(doc: &Document, voided_sale: Option<&Sale>) -> Vec<TraceRow> {
    let mut out = Vec::new();
    let mut push = |sku: &str,
                    lot: &Option<String>,
                    serial: Option<&str>,
                    quantity: i64,
                    member: Option<&SaleMember>| {
        if lot.is_none() && serial.is_none() {
            return;
        }
        out.push(TraceRow {
            sku: sku.to_owned(),
            lot_no: lot.clone().unwrap_or_default(),
            serial: serial.map(str::to_owned),
            store_id: doc.store_id.clone(),
            document_id: doc.id,
            terminal_id: doc.terminal_id.clone(),
            // Validation keeps sequences within bigint.
            sequence: i64::try_from(doc.sequence).unwrap_or(i64::MAX),
            kind: doc.body.kind(),
            business_date: doc.business_date,
            quantity,
            member_id: member.map(|m| m.member_id.clone()),
        });
    };
    // A line of goods: a row per serial unit, else one for the lot.
    let mut goods = |line: &StockLine, sign: i64| {
        if line.serials.is_empty() {
            push(
                &line.sku,
                &line.lot,
                None,
                sign * i64::from(line.quantity),
                None,
            );
        }
        for serial in &line.serials {
            push(&line.sku, &line.lot, Some(serial), sign, None);
        }
    };
    match &doc.body {
        DocumentBody::Sale(sale) => {
            for l in &sale.lines {
                let q = -i64::from(l.quantity);
                push(&l.sku, &l.lot, l.serial.as_deref(), q, sale.member.as_ref());
            }
        }
        DocumentBody::Return(ret) => {
            for l in &ret.lines {
                let q = i64::from(l.quantity);
                push(&l.sku, &l.lot, l.serial.as_deref(), q, ret.member.as_ref());
            }
        }
        DocumentBody::Void(_) => {
            for l in voided_sale.iter().flat_map(|s| &s.lines) {
                let member = voided_sale.and_then(|s| s.member.as_ref());
                push(
                    &l.sku,
                    &l.lot,
                    l.serial.as_deref(),
                    i64::from(l.quantity),
                    member,
                );
            }
        }
        DocumentBody::GoodsReceipt(r) => r.lines.iter().for_each(|l| goods(&l.goods, 1)),
        DocumentBody::TransferReceipt(t) => t.lines.iter().for_each(|l| goods(&l.goods, 1)),
        DocumentBody::WriteOff(w) => w.lines.iter().for_each(|l| goods(l, -1)),
        DocumentBody::TransferDispatch(t) => t.lines.iter().for_each(|l| goods(l, -1)),
        DocumentBody::Stocktake(count) => {
            for l in count.lines.iter().filter(|l| l.variance() != 0) {
                // The units a count found missing by serial leave by serial (盘亏), so a
                // serial's life ends with the count; what is left is the lot's.
                for serial in &l.missing_serials {
                    push(&l.sku, &l.lot, Some(serial), -1, None);
                }
                let by_serial = i64::try_from(l.missing_serials.len()).unwrap_or(i64::MAX);
                let rest = l.variance().saturating_add(by_serial);
                if rest != 0 {
                    push(&l.sku, &l.lot, None, rest, None);
                }
            }
        }
        DocumentBody::PaidIn(_)
        | DocumentBody::PaidOut(_)
        | DocumentBody::ShiftOpen(_)
        | DocumentBody::ShiftClose(_)
        | DocumentBody::ZReport(_)
        | DocumentBody::MemberRegistration(_)
        | DocumentBody::PointAdjustment(_)
        | DocumentBody::OperatorChange(_) => {}
    }
    out
}

/// Writes `rows`; a document's rows are written once (folding deletes what it folds,
/// and the rebuild starts from an empty table).
pub async fn write(client: &impl GenericClient, rows: &[TraceRow]) -> Result<(), DbError> {
    if rows.is_empty() {
        return Ok(());
    }
    let column = |f: fn(&TraceRow) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let skus = column(|r| r.sku.clone());
    let lots = column(|r| r.lot_no.clone());
    let stores = column(|r| r.store_id.clone());
    let kinds = column(|r| r.kind.to_owned());
    let terminals = column(|r| r.terminal_id.clone());
    let sequences: Vec<i64> = rows.iter().map(|r| r.sequence).collect();
    let serials: Vec<Option<String>> = rows.iter().map(|r| r.serial.clone()).collect();
    let members: Vec<Option<String>> = rows.iter().map(|r| r.member_id.clone()).collect();
    let documents: Vec<Uuid> = rows.iter().map(|r| r.document_id).collect();
    let dates: Vec<NaiveDate> = rows.iter().map(|r| r.business_date).collect();
    let quantities: Vec<i64> = rows.iter().map(|r| r.quantity).collect();
    client
        .execute(
            "INSERT INTO lot_trace (sku, lot_no, serial, store_id, document_id, kind,
                                    business_date, quantity, member_id, terminal_id, sequence)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[],
                                  $6::text[], $7::date[], $8::int8[], $9::text[], $10::text[],
                                  $11::int8[])",
            &[
                &skus,
                &lots,
                &serials,
                &stores,
                &documents,
                &kinds,
                &dates,
                &quantities,
                &members,
                &terminals,
                &sequences,
            ],
        )
        .await?;
    Ok(())
}
