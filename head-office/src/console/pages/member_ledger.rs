//! A member's point ledger on their page: every entry across the stores the person
//! sees, newest first, with the document behind it (a sale's or return's total too),
//! who recorded it and why; a part of the page (`ledger.sort`,
//! `ledger.q`, `ledger.format=csv` for all of it).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::console::i18n::Lang;
use crate::console::table::{Cell, Column, Kind, Names, Row, Table};
use crate::error::DbError;

pub struct LedgerRow {
    recorded_at: DateTime<Utc>,
    store_id: String,
    entry: String,
    points: i64,
    balance_after: i64,
    document_id: Uuid,
    /// Who recorded the entry and why (empty for rows from before they were kept).
    operator_id: String,
    reason: String,
    /// The document's kind and its till, where it is a till's document.
    document: Option<(String, String, i64)>,
    /// The sale's, return's or void's total; `None` for a document without one.
    total: Option<Decimal>,
}

/// The member's whole ledger, newest first; a store manager's only at their stores.
pub async fn ledger(
    client: &impl GenericClient,
    member_id: &str,
    stores: Option<&[String]>,
) -> Result<Vec<LedgerRow>, DbError> {
    let rows = client
        .query(
            "SELECT l.recorded_at, l.store_id, l.entry, l.points, l.balance_after, l.document_id,
                    d.kind, d.terminal_id, d.sequence, d.document->'body'->>'total',
                    coalesce(l.operator_id, ''), coalesce(l.reason, '')
             FROM point_ledger l LEFT JOIN documents d ON d.id = l.document_id
             WHERE l.member_id = $1 AND ($2::text[] IS NULL OR l.store_id = ANY($2))
             ORDER BY l.recorded_at DESC, l.document_id",
            &[&member_id, &stores],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| LedgerRow {
            recorded_at: r.get(0),
            store_id: r.get(1),
            entry: r.get(2),
            points: r.get(3),
            balance_after: r.get(4),
            document_id: r.get(5),
            operator_id: r.get(10),
            reason: r.get(11),
            document: r
                .get::<_, Option<String>>(6)
                .map(|kind| (kind, r.get(7), r.get(8))),
            total: r
                .get::<_, Option<String>>(9)
                .and_then(|t| t.parse::<Decimal>().ok()),
        })
        .collect())
}

pub fn ledger_table(lang: Lang, entries: Vec<LedgerRow>) -> Table {
    let column = |key: &'static str, header: &str, kind: Kind| Column {
        key,
        header: lang.t(header),
        kind,
    };
    Table {
        id: "ledger",
        names: Names::Part,
        columns: vec![
            column("at", "audit.at", Kind::Text),
            column("store", "tills.store", Kind::Text),
            column("entry", "members.entry", Kind::Text),
            column("points", "members.points", Kind::Number),
            column("balance_after", "members.balance_after", Kind::Number),
            column("document", "tills.document", Kind::Text),
            column("total", "members.document_total", Kind::Money),
            column("operator", "members.ledger_operator", Kind::Text),
            column("reason", "members.ledger_reason", Kind::Text),
        ],
        rows: entries
            .into_iter()
            .map(|e| {
                let document = match &e.document {
                    Some((kind, terminal, sequence)) => {
                        format!("{kind} {}/{terminal} #{sequence}", e.store_id)
                    }
                    None => e.document_id.to_string(),
                };
                Row {
                    flagged: false,
                    cells: vec![
                        Cell::Text(e.recorded_at.format("%Y-%m-%d %H:%M:%S").to_string()),
                        Cell::Text(e.store_id),
                        Cell::Text(e.entry),
                        Cell::Number(e.points),
                        Cell::Number(e.balance_after),
                        Cell::Text(document),
                        e.total.map_or(Cell::Empty, Cell::Money),
                        Cell::Text(e.operator_id),
                        Cell::Text(e.reason),
                    ],
                }
            })
            .collect(),
    }
}
