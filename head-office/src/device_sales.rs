//! The sales record of class II and III devices (医疗器械销售记录), as the folding of
//! the aggregates queue keeps it (`aggregates::device_sales`): one row per sale, return
//! and void line, with the catalog's fields of when it was recorded, the document's
//! number and the member masked. The console page, `GET /v1/stock/device-sales` and
//! `head-office export device-sales` read here.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::error::DbError;
use crate::masking::masked_member;

/// Most rows one answer of the API holds; past it `more` says to ask for fewer days.
pub const ROWS_MAX: i64 = 10_000;

/// One line of the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSale {
    pub business_date: NaiveDate,
    pub store_id: String,
    pub document_id: Uuid,
    /// The document's number: store/terminal #sequence.
    pub document_no: String,
    /// `sale`, `return` or `void`.
    pub kind: String,
    pub sku: String,
    pub name: String,
    /// `II` or `III`.
    pub device_class: String,
    pub model_spec: Option<String>,
    pub registration_no: Option<String>,
    /// Negative for a return or a void.
    pub quantity: i64,
    pub unit_price: Decimal,
    pub lot_no: Option<String>,
    pub serial: Option<String>,
    pub expiry_date: Option<NaiveDate>,
    pub manufacturer: Option<String>,
    pub manufacturer_licence: Option<String>,
    /// The member's card, name and phone, masked (卡号 王* 138****5678).
    pub member: Option<String>,
}

/// The answer of `GET /v1/stock/device-sales`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSales {
    pub sales: Vec<DeviceSale>,
    /// More rows match than [`ROWS_MAX`]: ask for a shorter range of dates.
    pub more: bool,
}

/// Rows of stores $1 (NULL: all) on business dates $2 to $3 (either NULL: open), in
/// date, store, document and line order, with the member behind an offline id.
pub const SQL: &str = "SELECT v.business_date, v.store_id, v.document_id,
            d.terminal_id, d.sequence, v.kind, v.sku, v.name, v.device_class, v.model_spec,
            v.registration_no, v.quantity, v.unit_price::text, v.lot_no, v.serial,
            v.expiry_date, v.manufacturer, v.manufacturer_licence,
            m.card_no, m.name, m.phone
     FROM device_sales v
     JOIN documents d ON d.id = v.document_id
     LEFT JOIN member_aliases a ON a.alias_id = v.member_id
     LEFT JOIN members m ON m.id = coalesce(a.member_id, v.member_id)
     WHERE ($1::text[] IS NULL OR v.store_id = ANY($1))
       AND ($2::date IS NULL OR v.business_date >= $2)
       AND ($3::date IS NULL OR v.business_date <= $3)
     ORDER BY v.business_date, v.store_id, d.terminal_id, d.sequence, v.line_no";

pub fn from_row(r: &tokio_postgres::Row) -> Result<DeviceSale, DbError> {
    let store_id: String = r.get(1);
    let terminal: String = r.get(3);
    let sequence: i64 = r.get(4);
    let price: String = r.get(12);
    let card: Option<String> = r.get(18);
    Ok(DeviceSale {
        business_date: r.get(0),
        document_no: format!("{store_id}/{terminal} #{sequence}"),
        store_id,
        document_id: r.get(2),
        kind: r.get(5),
        sku: r.get(6),
        name: r.get(7),
        device_class: r.get(8),
        model_spec: r.get(9),
        registration_no: r.get(10),
        quantity: r.get(11),
        unit_price: price
            .parse()
            .map_err(|_| DbError::Corrupt(format!("a device sale's price {price:?}")))?,
        lot_no: r.get(13),
        serial: r.get(14),
        expiry_date: r.get(15),
        manufacturer: r.get(16),
        manufacturer_licence: r.get(17),
        member: card.map(|card| {
            let name: String = r.get(19);
            let phone: Option<String> = r.get(20);
            masked_member(&card, &name, phone.as_deref())
        }),
    })
}

/// At most `limit` rows of [`SQL`] (business dates `from` to `to`, both included, either
/// open), and whether more match.
pub async fn device_sales(
    client: &impl GenericClient,
    stores: Option<&[String]>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    limit: i64,
) -> Result<DeviceSales, DbError> {
    let rows = client
        .query(
            &format!("{SQL} LIMIT {}", limit + 1),
            &[&stores, &from, &to],
        )
        .await?;
    let more = rows.len() as i64 > limit;
    let sales = rows
        .iter()
        .take(limit as usize)
        .map(from_row)
        .collect::<Result<_, _>>()?;
    Ok(DeviceSales { sales, more })
}
