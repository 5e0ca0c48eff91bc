//! Where a lot or a serial unit went (追溯), from `lot_trace` (kept when the aggregates
//! queue is folded): the recall list of a lot, a serial unit's whole life. The console's
//! Trace page, `GET /v1/trace/lot`, `GET /v1/trace/serial` and the `recall` and
//! `serial-life` exports read here. A sale of a product with a warranty period (保修期)
//! carries the day its warranty ends.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;

use crate::error::DbError;
use crate::masking::masked_member;

/// Most movements one answer of the API holds; past it `more` is true.
pub const MOVEMENTS_MAX: i64 = 10_000;

/// The movements of SKU $1's lot $2 or, when $2 is NULL, of serial $3 (of SKU $1, or of
/// any SKU when $1 is NULL too), at stores $4 (NULL for all), in date order, with the
/// member behind an offline id. The row holds its document's number; the member is
/// looked up by key for the rows that name one (a lot sold in every store has thousands
/// of rows, the chain tens of thousands of members: no scan of either other table;
/// `OFFSET 0` keeps the planner from turning the lookup into a hash of every member).
/// Public for the benchmark that prints its plan.
pub const SQL: &str = "SELECT t.business_date, t.store_id, t.kind, t.terminal_id, t.sequence,
            t.quantity, t.serial, t.lot_no, m.id, m.card_no, m.phone, m.name, t.sku,
            (p.data->>'warranty_months')::int
     FROM lot_trace t
     LEFT JOIN products p ON p.sku = t.sku
     LEFT JOIN LATERAL (
         SELECT m.id, m.card_no, m.phone, m.name FROM members m
         WHERE t.member_id IS NOT NULL
           AND m.id = coalesce((SELECT a.member_id FROM member_aliases a
                                WHERE a.alias_id = t.member_id), t.member_id)
         OFFSET 0
     ) m ON true
     WHERE (($2::text IS NOT NULL AND t.sku = $1 AND t.lot_no = $2)
            OR ($2::text IS NULL AND t.serial = $3 AND ($1::text IS NULL OR t.sku = $1)))
       AND ($4::text[] IS NULL OR t.store_id = ANY($4))
     ORDER BY t.business_date, t.store_id, t.terminal_id, t.sequence";

/// A member a sale or return was for: (id, card, phone, name).
pub type MemberOf = (String, String, Option<String>, String);

/// One movement, as the database holds it.
#[derive(Debug, Clone)]
pub struct Movement {
    pub date: NaiveDate,
    pub store_id: String,
    pub kind: String,
    pub terminal_id: String,
    pub sequence: i64,
    pub quantity: i64,
    pub serial: Option<String>,
    pub lot_no: String,
    pub sku: String,
    pub member: Option<MemberOf>,
    /// The product's warranty period, where it has one.
    pub warranty_months: Option<i32>,
}

impl Movement {
    /// A sale's last day of warranty (see [`warranty_last_day`]).
    pub fn warranty_ends(&self) -> Option<NaiveDate> {
        let months = u32::try_from(self.warranty_months?).ok()?;
        (self.kind == "sale")
            .then(|| warranty_last_day(self.date, months))
            .flatten()
    }
}

/// The day before the same date `months` later (sold 15 March with 12 months: covered
/// to 14 March next year); where that month has no such date, its last day (sold 31
/// January with 1 month: to 28 February).
pub fn warranty_last_day(sold: NaiveDate, months: u32) -> Option<NaiveDate> {
    let later = sold.checked_add_months(Months::new(months))?;
    if later.day() == sold.day() {
        later.checked_sub_days(Days::new(1))
    } else {
        Some(later)
    }
}

/// Where the unit of a serial's movements is sold now (not returned or its sale voided
/// after): the last day of that sale's warranty.
pub fn warranty_now(found: &[Movement]) -> Option<NaiveDate> {
    found.iter().fold(None, |now, m| match m.kind.as_str() {
        "sale" => m.warranty_ends(),
        "return" | "void" => None,
        _ => now,
    })
}

/// What to trace.
#[derive(Debug, Clone, Copy)]
pub enum Traced<'a> {
    Lot {
        sku: &'a str,
        lot: &'a str,
    },
    Serial {
        sku: Option<&'a str>,
        serial: &'a str,
    },
}

/// The movements of `traced` at `stores` (all when `None`), at most `limit`.
pub async fn movements(
    client: &impl GenericClient,
    traced: Traced<'_>,
    stores: Option<&[String]>,
    limit: i64,
) -> Result<Vec<Movement>, DbError> {
    let (sku, lot, serial) = match traced {
        Traced::Lot { sku, lot } => (Some(sku), Some(lot), None),
        Traced::Serial { sku, serial } => (sku, None, Some(serial)),
    };
    let rows = client
        .query(
            &format!("{SQL} LIMIT {limit}"),
            &[&sku, &lot, &serial, &stores],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Movement {
            date: r.get(0),
            store_id: r.get(1),
            kind: r.get(2),
            terminal_id: r.get(3),
            sequence: r.get(4),
            quantity: r.get(5),
            serial: r.get(6),
            lot_no: r.get(7),
            member: r
                .get::<_, Option<String>>(8)
                .map(|id| (id, r.get(9), r.get(10), r.get(11))),
            sku: r.get(12),
            warranty_months: r.get(13),
        })
        .collect())
}

/// Units sold less units returned and voided, and the stores and members they went to.
pub fn sold(found: &[Movement]) -> (i64, BTreeSet<&str>, BTreeSet<&str>) {
    let sales: Vec<&Movement> = found
        .iter()
        .filter(|m| ["sale", "return", "void"].contains(&m.kind.as_str()))
        .collect();
    let units = sales
        .iter()
        .fold(0i64, |sum, m| sum.saturating_sub(m.quantity));
    let stores = sales.iter().map(|m| m.store_id.as_str()).collect();
    let members = sales
        .iter()
        .filter_map(|m| m.member.as_ref().map(|(id, ..)| id.as_str()))
        .collect();
    (units, stores, members)
}

/// One movement as the API and the exports give it: the member masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceMovement {
    pub business_date: NaiveDate,
    pub store_id: String,
    /// The document's kind: sale, return, void, goods_receipt, write_off, stocktake,
    /// transfer_dispatch, transfer_receipt.
    pub kind: String,
    /// The document's number: store/terminal #sequence.
    pub document_no: String,
    pub sku: String,
    pub lot_no: Option<String>,
    pub serial: Option<String>,
    /// Into the store's stock (positive) or out of it (negative).
    pub quantity: i64,
    /// The member's card, name and phone, masked.
    pub member: Option<String>,
    /// A sale of a product with a warranty period: the last day of its warranty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warranty_ends: Option<NaiveDate>,
}

impl From<Movement> for TraceMovement {
    fn from(m: Movement) -> Self {
        TraceMovement {
            warranty_ends: m.warranty_ends(),
            document_no: format!("{}/{} #{}", m.store_id, m.terminal_id, m.sequence),
            business_date: m.date,
            store_id: m.store_id,
            kind: m.kind,
            sku: m.sku,
            lot_no: (!m.lot_no.is_empty()).then_some(m.lot_no),
            serial: m.serial,
            quantity: m.quantity,
            member: m
                .member
                .map(|(_, card, phone, name)| masked_member(&card, &name, phone.as_deref())),
        }
    }
}

/// The answer of `GET /v1/trace/lot` and `GET /v1/trace/serial`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    /// Units sold, less those returned and voided.
    pub sold: i64,
    /// The stores the units were sold at.
    pub stores: Vec<String>,
    /// How many members bought them.
    pub members: usize,
    pub movements: Vec<TraceMovement>,
    /// More movements match than [`MOVEMENTS_MAX`].
    pub more: bool,
    /// A serial unit sold now, of a product with a warranty period: its last day of
    /// warranty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warranty_ends: Option<NaiveDate>,
}

/// The trace of `traced` at `stores`, at most `limit` movements.
pub async fn trace(
    client: &impl GenericClient,
    traced: Traced<'_>,
    stores: Option<&[String]>,
    limit: i64,
) -> Result<Trace, DbError> {
    let mut found = movements(client, traced, stores, limit.saturating_add(1)).await?;
    let more = found.len() as i64 > limit;
    found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let (sold, stores, members) = sold(&found);
    let warranty_ends = match traced {
        Traced::Serial { .. } => warranty_now(&found),
        Traced::Lot { .. } => None,
    };
    let (stores, members) = (
        stores.into_iter().map(str::to_owned).collect(),
        members.len(),
    );
    Ok(Trace {
        sold,
        stores,
        members,
        movements: found.into_iter().map(TraceMovement::from).collect(),
        more,
        warranty_ends,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warranty_ends_the_day_before_the_date_months_later_or_on_a_short_months_last_day() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        for (sold, months, last) in [
            ("2026-03-15", 12, "2027-03-14"),
            ("2026-01-31", 1, "2026-02-28"),
            ("2028-02-29", 12, "2029-02-28"),
            ("2026-12-01", 24, "2028-11-30"),
        ] {
            assert_eq!(
                warranty_last_day(day(sold), months),
                Some(day(last)),
                "{sold}"
            );
        }
    }
}
