//! The sales record of class II and III devices (医疗器械销售记录): each sale, return
//! and void line of such a product, with what the record needs from the catalog taken
//! when the line is folded. Worked out from the stored documents when the queue is
//! folded (and by the rebuild), never on the till's request.
//!
//! What the catalog says is snapshotted in the insert's own statement (the products and
//! lots joined by key), so the product's class decides whether a line is recorded and
//! its manufacturer fields are those of that moment. Folding never overwrites a row;
//! the rebuild rewrites what the document says and keeps the snapshot (a product edited
//! since keeps its old fields on its old sales).

use chrono::NaiveDate;
use pos_domain::document::{Document, DocumentBody, Sale, SaleMember};
use rust_decimal::Decimal;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::error::DbError;

/// One line as its document says it; the catalog's part is joined when it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRow {
    pub document_id: Uuid,
    pub line_no: i32,
    /// `sale`, `return` or `void`.
    pub kind: &'static str,
    pub store_id: String,
    pub business_date: NaiveDate,
    pub sku: String,
    pub name: String,
    pub registration_no: Option<String>,
    /// Negative for a return or a void.
    pub quantity: i64,
    pub unit_price: Decimal,
    pub lot_no: Option<String>,
    pub serial: Option<String>,
    pub expiry_date: Option<NaiveDate>,
    pub member_id: Option<String>,
}

/// The lines of one document: a void needs the sale it voids, a return the sale it
/// returns (for the price the unit was sold at; without it, the refund per unit).
pub fn rows_of(
    doc: &Document,
    voided_sale: Option<&Sale>,
    returned_sale: Option<&Sale>,
) -> Vec<LineRow> {
    let member = |m: Option<&SaleMember>| m.map(|m| m.member_id.clone());
    let row = |line_no: u32, sku: &str, name: &str, quantity: i64| LineRow {
        document_id: doc.id,
        line_no: i32::try_from(line_no).unwrap_or(i32::MAX),
        kind: doc.body.kind(),
        store_id: doc.store_id.clone(),
        business_date: doc.business_date,
        sku: sku.to_owned(),
        name: name.to_owned(),
        registration_no: None,
        quantity,
        unit_price: Decimal::ZERO,
        lot_no: None,
        serial: None,
        expiry_date: None,
        member_id: None,
    };
    let sale_lines = |sale: &Sale, sign: i64| -> Vec<LineRow> {
        sale.lines
            .iter()
            .map(|l| LineRow {
                registration_no: l.registration_no.clone(),
                unit_price: l.unit_price,
                lot_no: l.lot.clone(),
                serial: l.serial.clone(),
                expiry_date: l.expiry_date,
                member_id: member(sale.member.as_ref()),
                ..row(l.line_no, &l.sku, &l.name, sign * i64::from(l.quantity))
            })
            .collect()
    };
    match &doc.body {
        DocumentBody::Sale(sale) => sale_lines(sale, 1),
        DocumentBody::Void(_) => voided_sale.map(|s| sale_lines(s, -1)).unwrap_or_default(),
        DocumentBody::Return(ret) => ret
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let sold = returned_sale.and_then(|s| {
                    s.lines
                        .iter()
                        .find(|sl| Some(sl.line_no) == l.original_line_no)
                });
                let per_unit = l
                    .refund
                    .checked_div(Decimal::from(l.quantity.max(1)))
                    .map_or(l.refund, |p| p.round_dp(2));
                LineRow {
                    registration_no: sold.and_then(|s| s.registration_no.clone()),
                    unit_price: sold.map_or(per_unit, |s| s.unit_price),
                    lot_no: l.lot.clone(),
                    serial: l.serial.clone(),
                    expiry_date: sold.and_then(|s| s.expiry_date),
                    member_id: member(ret.member.as_ref()),
                    ..row(
                        u32::try_from(i + 1).unwrap_or(u32::MAX),
                        &l.sku,
                        &l.name,
                        -i64::from(l.quantity),
                    )
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What a row already recorded is met with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Folding: a line is recorded once.
    Keep,
    /// The rebuild: what the document says is written again; the catalog's snapshot stays.
    Refresh,
}

/// Writes the rows of class II and III products, with the catalog's fields as they are
/// now for rows not recorded before.
pub async fn write(
    client: &impl GenericClient,
    rows: &[LineRow],
    existing: Existing,
) -> Result<(), DbError> {
    if rows.is_empty() {
        return Ok(());
    }
    let text = |f: fn(&LineRow) -> Option<String>| rows.iter().map(f).collect::<Vec<_>>();
    let ids: Vec<Uuid> = rows.iter().map(|r| r.document_id).collect();
    let line_nos: Vec<i32> = rows.iter().map(|r| r.line_no).collect();
    let kinds = text(|r| Some(r.kind.to_owned()));
    let stores = text(|r| Some(r.store_id.clone()));
    let dates: Vec<NaiveDate> = rows.iter().map(|r| r.business_date).collect();
    let skus = text(|r| Some(r.sku.clone()));
    let names = text(|r| Some(r.name.clone()));
    let registrations = text(|r| r.registration_no.clone());
    let quantities: Vec<i64> = rows.iter().map(|r| r.quantity).collect();
    // Decimals travel as text, as in the other aggregate tables.
    let prices = text(|r| Some(r.unit_price.to_string()));
    let lots = text(|r| r.lot_no.clone());
    let serials = text(|r| r.serial.clone());
    let expiries: Vec<Option<NaiveDate>> = rows.iter().map(|r| r.expiry_date).collect();
    let members = text(|r| r.member_id.clone());
    let on_conflict = match existing {
        Existing::Keep => "DO NOTHING",
        Existing::Refresh => {
            "DO UPDATE SET kind = excluded.kind, store_id = excluded.store_id,
                 business_date = excluded.business_date, sku = excluded.sku,
                 name = excluded.name, quantity = excluded.quantity,
                 unit_price = excluded.unit_price, lot_no = excluded.lot_no,
                 serial = excluded.serial, member_id = excluded.member_id"
        }
    };
    client
        .execute(
            &format!(
                "INSERT INTO device_sales (document_id, line_no, kind, store_id, business_date,
                     sku, name, device_class, model_spec, registration_no, quantity,
                     unit_price, lot_no, serial, expiry_date, manufacturer,
                     manufacturer_licence, member_id)
                 SELECT u.id, u.line_no, u.kind, u.store_id, u.business_date, u.sku, u.name,
                        p.data->>'device_class', p.data->>'model_spec',
                        coalesce(u.registration_no, p.data->>'registration_no'), u.quantity,
                        u.unit_price::numeric, u.lot_no, u.serial, coalesce(u.expiry, l.expiry_date),
                        p.data->>'manufacturer', p.data->>'manufacturer_licence', u.member_id
                 FROM unnest($1::uuid[], $2::int4[], $3::text[], $4::text[], $5::date[],
                             $6::text[], $7::text[], $8::text[], $9::int8[], $10::text[],
                             $11::text[], $12::text[], $13::date[], $14::text[])
                      AS u (id, line_no, kind, store_id, business_date, sku, name,
                            registration_no, quantity, unit_price, lot_no, serial, expiry,
                            member_id)
                 JOIN products p ON p.sku = u.sku AND p.data->>'device_class' IN ('II', 'III')
                 LEFT JOIN lots l ON l.sku = u.sku AND l.lot_no = u.lot_no
                 ON CONFLICT (document_id, line_no) {on_conflict}"
            ),
            &[
                &ids,
                &line_nos,
                &kinds,
                &stores,
                &dates,
                &skus,
                &names,
                &registrations,
                &quantities,
                &prices,
                &lots,
                &serials,
                &expiries,
                &members,
            ],
        )
        .await?;
    Ok(())
}
