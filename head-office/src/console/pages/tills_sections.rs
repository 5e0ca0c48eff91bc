//! The tables under the terminals on Tills and sync: open rejections, sequence gaps and
//! overdrafts, sales whose points differ from the rules and members redeeming too often
//! in a day, to review. Each is a part of the page (`rejections.sort`, `gaps.q`,
//! `overdrafts.format=csv`), limited to the stores the person sees.

use chrono::{DateTime, Utc};
use maud::html;
use tokio_postgres::GenericClient;

use crate::auth::HQ_STORE;
use crate::console::i18n::Lang;
use crate::console::session::Signed;
use crate::console::table::{Cell, Column, Kind, Names, Row, Table};
use crate::error::DbError;
use crate::point_reviews::{self, PointReview, VelocityReview};
use crate::reports::{self, OverdraftReview};
use pos_domain::protocol::SequenceGap;
use uuid::Uuid;

/// A document head office rejected and no later send resolved.
pub struct OpenRejection {
    pub store_id: String,
    pub terminal_id: String,
    pub sequence: Option<i64>,
    pub kind: String,
    pub reason: String,
    pub times: i32,
    pub last_rejected_at: DateTime<Utc>,
}

/// The open rejections of `stores` (all when `None`), per terminal in sequence order.
pub async fn open_rejections(
    client: &impl GenericClient,
    stores: Option<&[String]>,
) -> Result<Vec<OpenRejection>, DbError> {
    let rows = client
        .query(
            "SELECT store_id, terminal_id, sequence, kind, reason, times, last_rejected_at
             FROM rejected_documents
             WHERE resolved_at IS NULL AND ($1::text[] IS NULL OR store_id = ANY($1))
               AND store_id <> $2
             ORDER BY store_id, terminal_id, sequence NULLS LAST, document_id",
            &[&stores, &HQ_STORE],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| OpenRejection {
            store_id: r.get(0),
            terminal_id: r.get(1),
            sequence: r.get(2),
            kind: r.get(3),
            reason: r.get(4),
            times: r.get(5),
            last_rejected_at: r.get(6),
        })
        .collect())
}

pub fn when(lang: Lang, at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| lang.t("tills.never"))
}

/// The tables, in the page's order.
pub async fn tables(
    client: &impl GenericClient,
    lang: Lang,
    signed: &Signed,
) -> Result<[Table; 5], DbError> {
    let user = &signed.user;
    let rejections = open_rejections(client, user.store_filter()).await?;
    let gaps: Vec<SequenceGap> = reports::open_gaps(client, None)
        .await?
        .into_iter()
        .filter(|g| user.sees_store(&g.store_id))
        .collect();
    let overdrafts: Vec<OverdraftReview> = reports::overdrafts(client)
        .await?
        .into_iter()
        .filter(|o| user.sees_store(&o.store_id))
        .collect();
    let points: Vec<PointReview> = point_reviews::open(client)
        .await?
        .into_iter()
        .filter(|p| user.sees_store(&p.store_id))
        .collect();
    let velocity: Vec<VelocityReview> = point_reviews::open_velocity(client)
        .await?
        .into_iter()
        .filter(|v| v.stores.iter().any(|s| user.sees_store(s)))
        .collect();
    Ok([
        rejections_table(lang, rejections),
        gaps_table(lang, gaps),
        overdrafts_table(lang, signed, overdrafts),
        points_table(lang, signed, points),
        velocity_table(lang, signed, velocity),
    ])
}

/// The heading over each table.
pub fn title(lang: Lang, table: &Table) -> String {
    lang.t(&format!("tills.{}_title", table.id))
}

fn column(lang: Lang, key: &'static str, kind: Kind) -> Column {
    Column {
        key,
        header: lang.t(&format!("tills.{key}")),
        kind,
    }
}

fn rejections_table(lang: Lang, rejections: Vec<OpenRejection>) -> Table {
    Table {
        id: "rejections",
        names: Names::Part,
        columns: vec![
            column(lang, "store", Kind::Text),
            column(lang, "terminal", Kind::Text),
            column(lang, "sequence", Kind::Number),
            column(lang, "kind", Kind::Text),
            column(lang, "reason", Kind::Text),
            column(lang, "tries", Kind::Number),
            column(lang, "last_rejected", Kind::Text),
        ],
        rows: rejections
            .into_iter()
            .map(|r| Row {
                flagged: false,
                cells: vec![
                    Cell::Text(r.store_id),
                    Cell::Text(r.terminal_id),
                    r.sequence.map_or(Cell::Empty, Cell::Number),
                    Cell::Text(r.kind),
                    Cell::Text(r.reason),
                    Cell::Number(i64::from(r.times)),
                    Cell::Text(when(lang, Some(r.last_rejected_at))),
                ],
            })
            .collect(),
    }
}

fn gaps_table(lang: Lang, gaps: Vec<SequenceGap>) -> Table {
    let number = |n: u64| Cell::Number(i64::try_from(n).unwrap_or(i64::MAX));
    Table {
        id: "gaps",
        names: Names::Part,
        columns: vec![
            column(lang, "store", Kind::Text),
            column(lang, "terminal", Kind::Text),
            column(lang, "gap_from", Kind::Number),
            column(lang, "gap_to", Kind::Number),
            column(lang, "gap_missing", Kind::Number),
        ],
        rows: gaps
            .into_iter()
            .map(|g| Row {
                flagged: false,
                cells: vec![
                    Cell::Text(g.store_id),
                    Cell::Text(g.terminal_id),
                    number(g.from_sequence),
                    number(g.to_sequence),
                    number(
                        g.to_sequence
                            .saturating_sub(g.from_sequence)
                            .saturating_add(1),
                    ),
                ],
            })
            .collect(),
    }
}

fn overdrafts_table(lang: Lang, signed: &Signed, overdrafts: Vec<OverdraftReview>) -> Table {
    Table {
        id: "overdrafts",
        names: Names::Part,
        columns: vec![
            column(lang, "store", Kind::Text),
            column(lang, "terminal", Kind::Text),
            column(lang, "member", Kind::Text),
            column(lang, "document", Kind::Text),
            column(lang, "redeemed", Kind::Number),
            column(lang, "balance_before", Kind::Number),
            column(lang, "balance_after", Kind::Number),
            column(lang, "flagged", Kind::Text),
            column(lang, "action", Kind::Action),
        ],
        rows: overdrafts
            .into_iter()
            .map(|o| {
                let review = review_button(lang, signed, &o.store_id, "overdrafts", o.document_id);
                Row {
                    flagged: true,
                    cells: vec![
                        Cell::Text(o.store_id),
                        Cell::Text(o.terminal_id),
                        Cell::Text(o.member_id),
                        Cell::Text(o.document_id.to_string()),
                        Cell::Number(o.points_redeemed),
                        Cell::Number(o.balance_before),
                        Cell::Number(o.balance_after),
                        Cell::Text(when(lang, Some(o.flagged_at))),
                        Cell::action(Cell::Empty, review),
                    ],
                }
            })
            .collect(),
    }
}

/// Sales whose points differ from the rules, each with its review button.
fn points_table(lang: Lang, signed: &Signed, flags: Vec<PointReview>) -> Table {
    Table {
        id: "points",
        names: Names::Part,
        columns: vec![
            column(lang, "store", Kind::Text),
            column(lang, "terminal", Kind::Text),
            column(lang, "member", Kind::Text),
            column(lang, "document", Kind::Text),
            column(lang, "claimed", Kind::Number),
            column(lang, "computed", Kind::Number),
            column(lang, "flagged", Kind::Text),
            column(lang, "action", Kind::Action),
        ],
        rows: flags
            .into_iter()
            .map(|p| {
                let review = review_button(lang, signed, &p.store_id, "points", p.document_id);
                Row {
                    flagged: true,
                    cells: vec![
                        Cell::Text(p.store_id),
                        Cell::Text(p.terminal_id),
                        Cell::Text(p.member_id),
                        Cell::Text(p.document_id.to_string()),
                        Cell::Number(p.claimed),
                        Cell::Number(p.computed),
                        Cell::Text(when(lang, Some(p.flagged_at))),
                        Cell::action(Cell::Empty, review),
                    ],
                }
            })
            .collect(),
    }
}

/// Members whose redemptions in one day passed the velocity thresholds, naming every
/// redemption and store, each with its review button.
fn velocity_table(lang: Lang, signed: &Signed, flags: Vec<VelocityReview>) -> Table {
    Table {
        id: "velocity",
        names: Names::Part,
        columns: vec![
            column(lang, "member", Kind::Text),
            column(lang, "business_date", Kind::Text),
            column(lang, "redemptions", Kind::Number),
            column(lang, "redeemed", Kind::Number),
            column(lang, "stores", Kind::Text),
            column(lang, "documents", Kind::Text),
            column(lang, "flagged", Kind::Text),
            column(lang, "action", Kind::Action),
        ],
        rows: flags
            .into_iter()
            .map(|v| {
                let review = review_button(lang, signed, &v.store_id, "velocity", v.document_id);
                let documents: Vec<String> = v.documents.iter().map(Uuid::to_string).collect();
                Row {
                    flagged: true,
                    cells: vec![
                        Cell::Text(v.member_id),
                        Cell::Text(v.business_date.to_string()),
                        Cell::Number(i64::from(v.redemptions)),
                        Cell::Number(v.points_redeemed),
                        Cell::Text(v.stores.join(", ")),
                        Cell::Text(documents.join(", ")),
                        Cell::Text(when(lang, Some(v.flagged_at))),
                        Cell::action(Cell::Empty, review),
                    ],
                }
            })
            .collect(),
    }
}

/// A flag's review button, for who may review the store's flags.
fn review_button(
    lang: Lang,
    signed: &Signed,
    store_id: &str,
    flags: &str,
    document_id: uuid::Uuid,
) -> maud::Markup {
    html! {
        @if signed.user.may_review_overdraft(store_id) {
            form.inline method="post" action={ "/tills/" (flags) "/" (document_id) "/review" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                button type="submit" { (lang.t("tills.review")) }
            }
        }
    }
}
