//! Discrepancies (差异处理): goods receipts short of or beyond their delivery notes, and
//! transfers received otherwise than dispatched (compared per SKU and lot, so a lot
//! short and another over do not cancel out). Stock is already what the documents say;
//! head office (admins, merchandisers) settles each one with a note — a supplier's
//! credit, units lost in transit written off — once, audited. Unsettled ones are
//! highlighted; a store manager sees their stores' and cannot settle.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use maud::html;
use serde::Deserialize;
use serde_json::json;
use tokio_postgres::GenericClient;

use crate::console::i18n::Lang;
use crate::console::session::Signed;
use crate::console::stores::StoreScoped;
use crate::console::table::{Cell, Column, Kind, Names, Row, Table};
use crate::console::{audit, csrf_refused, forbidden, page_error, problem_page, stores, url_part};
use crate::error::DbError;
use crate::state::AppState;

const PATH: &str = "/discrepancies";
const NOTE_CHARS_MAX: usize = 200;

/// Receipts with a shortage or excess, and transfers whose lines differ per SKU and lot,
/// of the stores in $1 (NULL: all), with their settlement; newest first.
const SQL: &str = "
WITH receipts AS (
    SELECT 'receipt' AS kind, d.document_id::text AS subject, d.reference AS name,
           d.store_id AS store, d.supplier AS other, d.business_date AS day,
           sum(d.shortage)::int8 AS short, sum(d.excess)::int8 AS over
    FROM receipt_discrepancies d
    WHERE $1::text[] IS NULL OR d.store_id = ANY($1)
    GROUP BY d.document_id, d.reference, d.store_id, d.supplier, d.business_date
), sides AS (
    SELECT t.transfer_id, l->>'sku' AS sku, coalesce(l->>'lot', '') AS lot,
           (l->>'quantity')::int8 AS dispatched, 0::int8 AS received
    FROM transfers t, jsonb_array_elements(t.dispatched_lines) l
    WHERE t.receipt_document IS NOT NULL
    UNION ALL
    SELECT t.transfer_id, l->>'sku', coalesce(l->>'lot', ''), 0, (l->>'quantity')::int8
    FROM transfers t, jsonb_array_elements(t.received_lines) l
    WHERE t.dispatch_document IS NOT NULL
), per_lot AS (
    SELECT transfer_id, sum(dispatched) - sum(received) AS missing
    FROM sides GROUP BY transfer_id, sku, lot
), moved AS (
    SELECT 'transfer', t.transfer_id, t.transfer_id, t.to_store, t.from_store, t.received_on,
           sum(greatest(p.missing, 0))::int8, sum(greatest(-p.missing, 0))::int8
    FROM transfers t JOIN per_lot p USING (transfer_id)
    WHERE $1::text[] IS NULL OR t.from_store = ANY($1) OR t.to_store = ANY($1)
    GROUP BY t.transfer_id, t.to_store, t.from_store, t.received_on
    HAVING sum(abs(p.missing)) > 0
)
SELECT x.kind, x.subject, x.name, x.store, x.other, x.day, x.short, x.over,
       s.settled_by, s.settled_at, s.note
FROM (SELECT * FROM receipts UNION ALL SELECT * FROM moved) x
LEFT JOIN discrepancy_settlements s ON s.kind = x.kind AND s.subject = x.subject
ORDER BY x.day DESC, x.kind, x.name";

struct Discrepancy {
    kind: String,
    subject: String,
    name: String,
    store: String,
    other: String,
    day: NaiveDate,
    short: i64,
    over: i64,
    settled: Option<(String, DateTime<Utc>, String)>,
}

async fn discrepancies(
    client: &impl GenericClient,
    stores: Option<&[String]>,
) -> Result<Vec<Discrepancy>, DbError> {
    let rows = client.query(SQL, &[&stores]).await?;
    Ok(rows
        .iter()
        .map(|r| Discrepancy {
            kind: r.get(0),
            subject: r.get(1),
            name: r.get(2),
            store: r.get(3),
            other: r.get(4),
            day: r.get(5),
            short: r.get(6),
            over: r.get(7),
            settled: r
                .get::<_, Option<String>>(8)
                .map(|by| (by, r.get(9), r.get(10))),
        })
        .collect())
}

fn may_settle(signed: &Signed) -> bool {
    signed.user.may_edit_catalog()
}

fn table(lang: Lang, signed: &Signed, found: Vec<Discrepancy>) -> Table {
    let column = |key: &'static str, kind: Kind| Column {
        key,
        header: lang.t(&format!("discrepancies.{key}")),
        kind,
    };
    Table {
        id: "discrepancies",
        names: Names::Main,
        columns: vec![
            column("kind", Kind::Text),
            column("name", Kind::Text),
            column("store", Kind::Text),
            column("other", Kind::Text),
            column("day", Kind::Date),
            column("short", Kind::Number),
            column("over", Kind::Number),
            column("settled", Kind::Text),
            column("action", Kind::Action),
        ],
        rows: found
            .into_iter()
            .map(|d| {
                let settled = d.settled.as_ref().map_or(String::new(), |(by, at, note)| {
                    format!("{note} ({by}, {})", at.format("%Y-%m-%d"))
                });
                let form = html! {
                    @if d.settled.is_none() && may_settle(signed) {
                        form.inline method="post"
                            action={ (PATH) "/" (d.kind) "/" (url_part(&d.subject)) "/settle" } {
                            input type="hidden" name="csrf" value=(signed.csrf);
                            input type="text" name="note" required maxlength=(NOTE_CHARS_MAX)
                                placeholder=(lang.t("discrepancies.note"));
                            button type="submit" { (lang.t("discrepancies.settle")) }
                        }
                    }
                };
                Row {
                    flagged: d.settled.is_none(),
                    cells: vec![
                        Cell::Text(lang.t(&format!("discrepancies.kind_{}", d.kind))),
                        Cell::Text(d.name),
                        Cell::Text(d.store),
                        Cell::Text(d.other),
                        Cell::Date(d.day),
                        Cell::Number(d.short),
                        Cell::Number(d.over),
                        Cell::Text(settled),
                        Cell::action(Cell::Empty, form),
                    ],
                }
            })
            .collect(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    StoreScoped { signed, params }: StoreScoped,
) -> Response {
    let (client, choosable) = match stores::open(&state, &signed).await {
        Ok(opened) => opened,
        Err(answer) => return answer,
    };
    let listing =
        stores::store_listing(lang, &signed, &params, ("discrepancies", PATH), &choosable);
    let shown = match stores::shown(lang, &signed, &params) {
        Ok(shown) => shown,
        Err(reason) => return listing.refused(&[reason]),
    };
    match discrepancies(&**client, shown.as_deref()).await {
        Ok(found) => listing.answer(table(lang, &signed, found), "discrepancies"),
        Err(e) => page_error(e),
    }
}

#[derive(Deserialize)]
pub struct SettleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
}

/// What became of a settlement.
enum Settled {
    Done,
    /// No such discrepancy (or not one any more).
    Missing,
    Already,
}

/// Settles a discrepancy of `kind` ("receipt" or "transfer") once, with a note.
pub async fn settle(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path((kind, subject)): Path<(String, String)>,
    Form(form): Form<SettleForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    if !may_settle(&signed) {
        return forbidden(lang, &signed);
    }
    let note = form.note.trim();
    if note.is_empty()
        || note.chars().count() > NOTE_CHARS_MAX
        || note.chars().any(char::is_control)
    {
        return problem_page(
            StatusCode::BAD_REQUEST,
            lang,
            Some(&signed),
            "discrepancies.bad_note",
        );
    }
    let done = async {
        let mut client = state.pool.get().await?;
        let tx = client.transaction().await?;
        let listed = discrepancies(&*tx, None).await?;
        let Some(found) = listed
            .iter()
            .find(|d| d.kind == kind && d.subject == subject)
        else {
            return Ok(Settled::Missing);
        };
        let now = Utc::now();
        let inserted = tx
            .execute(
                "INSERT INTO discrepancy_settlements (kind, subject, settled_by, settled_at, note)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                &[&kind, &subject, &signed.user.name, &now, &note],
            )
            .await?;
        if inserted == 0 {
            return Ok(Settled::Already);
        }
        let after = json!({
            "name": found.name, "store": found.store, "other": found.other,
            "short": found.short, "over": found.over, "note": note,
        });
        let what = format!("{kind}/{subject}");
        audit::record(
            &*tx,
            now,
            &signed.user.name,
            "discrepancy.settle",
            &what,
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, DbError>(Settled::Done)
    }
    .await;
    match done {
        Ok(Settled::Done) => (StatusCode::SEE_OTHER, [(LOCATION, PATH.to_owned())]).into_response(),
        Ok(Settled::Already) => problem_page(
            StatusCode::CONFLICT,
            lang,
            Some(&signed),
            "discrepancies.already",
        ),
        Ok(Settled::Missing) => problem_page(
            StatusCode::NOT_FOUND,
            lang,
            Some(&signed),
            "error.not_found",
        ),
        Err(e) => page_error(e),
    }
}
