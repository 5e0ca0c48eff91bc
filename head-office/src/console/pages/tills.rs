//! Tills and sync (收银机与同步): each terminal's last contact and pull, its backlog
//! (what the till says it holds that head office has not accepted), open sequence gaps,
//! the documents head office rejected with their reasons, and point overdrafts, points
//! that differ from the rules and redemption velocity to review, with the review action. The terminals table sorts, filters and exports as
//! CSV like every console table; store managers see only their stores.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::html;
use serde_json::json;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use super::tills_sections::{self, when};
use crate::auth::HQ_STORE;
use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::session::{CsrfForm, Signed};
use crate::console::table::{
    self, Cell, Column, Kind, Listing, Names, Params, Row, Table, filter_form,
};
use crate::console::{audit, csrf_refused, forbidden, page_error, problem_page};
use crate::error::DbError;
use crate::reports::{self, ReviewOutcome};
use crate::state::AppState;

const PATH: &str = "/tills";
/// The query's names that are the review's notice, not the table's.
const FLASH_KEYS: [&str; 2] = ["reviewed", "already"];

/// One terminal as the page lists it.
struct TerminalRow {
    store_id: String,
    terminal_id: String,
    enrolled_at: DateTime<Utc>,
    last_contact_at: Option<DateTime<Utc>>,
    last_pull_at: Option<DateTime<Utc>>,
    /// What the till said with its last pull that reported one; `None`: never said.
    backlog: Option<(i64, DateTime<Utc>)>,
    last_sequence: i64,
    open_gaps: i64,
    open_rejections: i64,
}

async fn terminals(
    client: &impl GenericClient,
    stores: Option<&[String]>,
) -> Result<Vec<TerminalRow>, DbError> {
    let rows = client
        .query(
            "SELECT t.store_id, t.terminal_id, t.enrolled_at, c.last_contact_at, c.last_pull_at,
                    c.backlog, c.backlog_at, t.last_sequence,
                    (SELECT count(*) FROM sequence_gaps g
                      WHERE g.store_id = t.store_id AND g.terminal_id = t.terminal_id
                        AND g.closed_at IS NULL),
                    (SELECT count(*) FROM rejected_documents r
                      WHERE r.store_id = t.store_id AND r.terminal_id = t.terminal_id
                        AND r.resolved_at IS NULL)
             FROM terminals t
             LEFT JOIN terminal_contacts c USING (store_id, terminal_id)
             WHERE ($1::text[] IS NULL OR t.store_id = ANY($1)) AND t.store_id <> $2
             ORDER BY t.store_id, t.terminal_id",
            &[&stores, &HQ_STORE],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| TerminalRow {
            store_id: r.get(0),
            terminal_id: r.get(1),
            enrolled_at: r.get(2),
            last_contact_at: r.get(3),
            last_pull_at: r.get(4),
            backlog: r
                .get::<_, Option<i64>>(5)
                .zip(r.get::<_, Option<DateTime<Utc>>>(6)),
            last_sequence: r.get(7),
            open_gaps: r.get(8),
            open_rejections: r.get(9),
        })
        .collect())
}

/// The terminals as the shared table: sorted, filtered and exported by the query.
fn terminals_table(lang: Lang, rows: Vec<TerminalRow>) -> Table {
    let column = |key: &'static str, kind: Kind| Column {
        key,
        header: lang.t(&format!("tills.{key}")),
        kind,
    };
    Table {
        id: "terminals",
        names: Names::Main,
        columns: vec![
            column("store", Kind::Text),
            column("terminal", Kind::Text),
            column("enrolled", Kind::Text),
            column("last_contact", Kind::Text),
            column("last_pull", Kind::Text),
            column("backlog", Kind::Number),
            column("backlog_at", Kind::Text),
            column("last_sequence", Kind::Number),
            column("open_gaps", Kind::Number),
            column("rejected", Kind::Number),
        ],
        rows: rows
            .into_iter()
            .map(|t| {
                let (backlog, backlog_at) = match t.backlog {
                    Some((n, at)) => (Cell::Number(n), Cell::Text(when(lang, Some(at)))),
                    None => (Cell::Text(lang.t("tills.unknown")), Cell::Empty),
                };
                Row {
                    flagged: t.open_gaps > 0 || t.open_rejections > 0,
                    cells: vec![
                        Cell::Text(t.store_id),
                        Cell::Text(t.terminal_id),
                        Cell::Text(when(lang, Some(t.enrolled_at))),
                        Cell::Text(when(lang, t.last_contact_at)),
                        Cell::Text(when(lang, t.last_pull_at)),
                        backlog,
                        backlog_at,
                        Cell::Number(t.last_sequence),
                        Cell::Number(t.open_gaps),
                        Cell::Number(t.open_rejections),
                    ],
                }
            })
            .collect(),
    }
}

/// The notice after a review, from the query it redirected to.
struct Flash {
    reviewed: Option<Uuid>,
    already: Option<Uuid>,
}

impl Flash {
    fn of(params: &Params) -> Flash {
        let id = |key| params.get(key).and_then(|v| v.parse().ok());
        Flash {
            reviewed: id("reviewed"),
            already: id("already"),
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    let flash = Flash::of(&Params(raw.clone()));
    // The table's links carry the query on; the notice is said once.
    let params = Params(
        raw.into_iter()
            .filter(|(k, _)| !FLASH_KEYS.contains(&k.as_str()))
            .collect(),
    );
    let listing = Listing {
        lang,
        signed: &signed,
        title: lang.t("tills.title"),
        path: PATH,
        params: &params,
        fields: html! {},
    };
    let found = async {
        let client = state.pool.get().await?;
        let rows = terminals(&**client, signed.user.store_filter()).await?;
        let parts = tills_sections::tables(&**client, lang, &signed).await?;
        Ok::<_, DbError>((rows, parts))
    };
    let (rows, mut parts) = match found.await {
        Ok(found) => found,
        Err(e) => return page_error(e),
    };
    // Whether each part had rows before the query filtered them.
    let had_rows = parts.each_ref().map(|t| !t.rows.is_empty());
    let mut table = terminals_table(lang, rows);
    for one in std::iter::once(&mut table).chain(parts.iter_mut()) {
        match one.prepare(&params) {
            Err(e) => return listing.refused(&[e.reason(lang)]),
            Ok(true) if one.names == Names::Main => return one.csv_response("tills"),
            Ok(true) => return one.csv_response(&format!("tills-{}", one.id)),
            Ok(false) => {}
        }
    }
    let body = html! {
        @if let Some(document) = flash.reviewed {
            p.notice role="status" { (lang.tf("tills.reviewed", &[("document", &document.to_string())])) }
        }
        @if let Some(document) = flash.already {
            p.notice role="status" { (lang.tf("tills.already_reviewed", &[("document", &document.to_string())])) }
        }
        (filter_form(lang, PATH, &params, html! {}))
        (table.render(lang, &params))
        @for (part, had_rows) in parts.iter().zip(had_rows) {
            h2 { (tills_sections::title(lang, part)) }
            @if had_rows {
                (table::part(lang, PATH, &params, part))
            } @else {
                p { (lang.t("tills.none")) }
            }
        }
    };
    let markup = page(lang, Some(&signed), &lang.t("tills.title"), PATH, body);
    Html(markup.into_string()).into_response()
}

/// Marks an overdraft settled with the member, in one transaction with its audit entry.
pub async fn review_overdraft(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(document_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    review_flag(&state, lang, &signed, &document_id, &form, Flag::Overdraft).await
}

/// Marks a member's day of redemptions past the velocity thresholds reviewed, audited
/// like an overdraft.
pub async fn review_velocity(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(document_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    review_flag(&state, lang, &signed, &document_id, &form, Flag::Velocity).await
}

/// Marks a sale whose points differ from the rules reviewed (the member's points settled
/// by an adjustment if need be), audited like an overdraft.
pub async fn review_points(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(document_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    review_flag(&state, lang, &signed, &document_id, &form, Flag::Points).await
}

async fn review_flag(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    document_id: &str,
    form: &CsrfForm,
    flag: Flag,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, signed);
    }
    let Ok(document_id) = document_id.parse::<Uuid>() else {
        return problem_page(StatusCode::NOT_FOUND, lang, Some(signed), "error.not_found");
    };
    answer_review(lang, signed, review(state, signed, document_id, flag).await)
}

fn answer_review(lang: Lang, signed: &Signed, reviewed: Result<Review, DbError>) -> Response {
    match reviewed {
        Ok(Review::Done(document_id, ReviewOutcome::Reviewed)) => {
            see_other(&format!("{PATH}?reviewed={document_id}"))
        }
        Ok(Review::Done(document_id, ReviewOutcome::AlreadyReviewed)) => {
            see_other(&format!("{PATH}?already={document_id}"))
        }
        Ok(Review::Done(_, ReviewOutcome::NotFlagged)) | Ok(Review::NotFound) => {
            problem_page(StatusCode::NOT_FOUND, lang, Some(signed), "error.not_found")
        }
        Ok(Review::Forbidden) => forbidden(lang, signed),
        Err(e) => page_error(e),
    }
}

enum Review {
    Done(Uuid, ReviewOutcome),
    NotFound,
    Forbidden,
}

/// What a person reviews: a point overdraft, a sale's points against the rules, or a
/// member's redemptions in a day.
#[derive(Clone, Copy)]
enum Flag {
    Overdraft,
    Points,
    Velocity,
}

impl Flag {
    fn table(self) -> &'static str {
        match self {
            Flag::Overdraft => "overdraft_reviews",
            Flag::Points => "point_reviews",
            Flag::Velocity => "velocity_reviews",
        }
    }

    fn action(self) -> &'static str {
        match self {
            Flag::Overdraft => "overdraft.review",
            Flag::Points => "points.review",
            Flag::Velocity => "velocity.review",
        }
    }
}

async fn review(
    state: &AppState,
    signed: &Signed,
    document_id: Uuid,
    flag: Flag,
) -> Result<Review, DbError> {
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    let Some(row) = tx
        .query_opt(
            &format!(
                "SELECT store_id, reviewed_at FROM {} WHERE document_id = $1 FOR UPDATE",
                flag.table()
            ),
            &[&document_id],
        )
        .await?
    else {
        return Ok(Review::NotFound);
    };
    let store_id: String = row.get(0);
    if !signed.user.may_review_overdraft(&store_id) {
        return Ok(Review::Forbidden);
    }
    let outcome =
        reports::mark_flag_reviewed(&*tx, flag.table(), document_id, &signed.user.name).await?;
    if outcome == ReviewOutcome::Reviewed {
        audit::record(
            &*tx,
            Utc::now(),
            &signed.user.name,
            flag.action(),
            &document_id.to_string(),
            Some(json!({ "store_id": store_id, "reviewed_at": null })),
            Some(json!({ "store_id": store_id, "reviewed_by": signed.user.name })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Review::Done(document_id, outcome))
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, location.to_owned())]).into_response()
}
