//! Tills and sync (收银机与同步): each terminal's last contact and pull, open sequence
//! gaps, and point overdrafts to review, with the review action.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::console::adjustment::HQ_STORE;
use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::session::{CsrfForm, Signed};
use crate::console::{audit, csrf_refused, forbidden, page_error, problem_page};
use crate::error::DbError;
use crate::reports::{self, OverdraftReview, ReviewOutcome};
use crate::state::AppState;

const PATH: &str = "/tills";

/// One terminal as the page lists it.
struct TerminalRow {
    store_id: String,
    terminal_id: String,
    enrolled_at: DateTime<Utc>,
    last_contact_at: Option<DateTime<Utc>>,
    last_pull_at: Option<DateTime<Utc>>,
    last_sequence: i64,
    open_gaps: i64,
}

async fn terminals(
    client: &impl GenericClient,
    stores: Option<&[String]>,
) -> Result<Vec<TerminalRow>, DbError> {
    let rows = client
        .query(
            "SELECT t.store_id, t.terminal_id, t.enrolled_at, c.last_contact_at, c.last_pull_at,
                    t.last_sequence,
                    (SELECT count(*) FROM sequence_gaps g
                      WHERE g.store_id = t.store_id AND g.terminal_id = t.terminal_id
                        AND g.closed_at IS NULL)
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
            last_sequence: r.get(5),
            open_gaps: r.get(6),
        })
        .collect())
}

#[derive(Deserialize)]
pub struct Flash {
    reviewed: Option<Uuid>,
    already: Option<Uuid>,
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Query(flash): Query<Flash>,
) -> Response {
    match render(&state, lang, &signed, &flash).await {
        Ok(markup) => Html(markup.into_string()).into_response(),
        Err(e) => page_error(e),
    }
}

fn when(lang: Lang, at: Option<DateTime<Utc>>) -> String {
    at.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| lang.t("tills.never"))
}

async fn render(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    flash: &Flash,
) -> Result<Markup, DbError> {
    let client = state.pool.get().await?;
    let user = &signed.user;
    let terminals = terminals(&**client, user.store_filter()).await?;
    let gaps: Vec<_> = reports::open_gaps(&**client, None)
        .await?
        .into_iter()
        .filter(|g| user.sees_store(&g.store_id))
        .collect();
    let overdrafts: Vec<OverdraftReview> = reports::overdrafts(&**client)
        .await?
        .into_iter()
        .filter(|o| user.sees_store(&o.store_id))
        .collect();
    let body = html! {
        @if let Some(document) = flash.reviewed {
            p.notice role="status" { (lang.tf("tills.reviewed", &[("document", &document.to_string())])) }
        }
        @if let Some(document) = flash.already {
            p.notice role="status" { (lang.tf("tills.already_reviewed", &[("document", &document.to_string())])) }
        }
        table id="terminals" {
            thead { tr {
                th { (lang.t("tills.store")) } th { (lang.t("tills.terminal")) }
                th { (lang.t("tills.enrolled")) } th { (lang.t("tills.last_contact")) }
                th { (lang.t("tills.last_pull")) } th { (lang.t("tills.last_sequence")) }
                th { (lang.t("tills.open_gaps")) }
            } }
            tbody {
                @for t in &terminals {
                    tr {
                        td { (t.store_id) } td { (t.terminal_id) }
                        td { (when(lang, Some(t.enrolled_at))) }
                        td { (when(lang, t.last_contact_at)) }
                        td { (when(lang, t.last_pull_at)) }
                        td { (t.last_sequence) } td { (t.open_gaps) }
                    }
                }
            }
        }
        h2 { (lang.t("tills.gaps_title")) }
        @if gaps.is_empty() {
            p { (lang.t("tills.none")) }
        } @else {
            table id="gaps" {
                thead { tr { th { (lang.t("tills.store")) } th { (lang.t("tills.terminal")) } th { (lang.t("tills.gaps_title")) } } }
                tbody {
                    @for g in &gaps {
                        tr {
                            td { (g.store_id) } td { (g.terminal_id) }
                            td { (lang.tf("tills.gap_range", &[("from", &g.from_sequence.to_string()), ("to", &g.to_sequence.to_string())])) }
                        }
                    }
                }
            }
        }
        h2 { (lang.t("tills.overdrafts_title")) }
        @if overdrafts.is_empty() {
            p { (lang.t("tills.none")) }
        } @else {
            table id="overdrafts" {
                thead { tr {
                    th { (lang.t("tills.store")) } th { (lang.t("tills.member")) }
                    th { (lang.t("tills.document")) } th { (lang.t("tills.redeemed")) }
                    th { (lang.t("tills.flagged")) } th {}
                } }
                tbody {
                    @for o in &overdrafts {
                        tr {
                            td { (o.store_id) "/" (o.terminal_id) } td { (o.member_id) }
                            td { (o.document_id) }
                            td { (o.points_redeemed) " · " (lang.tf("tills.balance", &[("before", &o.balance_before.to_string()), ("after", &o.balance_after.to_string())])) }
                            td { (when(lang, Some(o.flagged_at))) }
                            td {
                                @if user.may_review_overdraft(&o.store_id) {
                                    form.inline method="post" action={ "/tills/overdrafts/" (o.document_id) "/review" } {
                                        input type="hidden" name="csrf" value=(signed.csrf);
                                        button type="submit" { (lang.t("tills.review")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(lang, Some(signed), &lang.t("tills.title"), PATH, body))
}

/// Marks an overdraft settled with the member, in one transaction with its audit entry.
pub async fn review_overdraft(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(document_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    let Ok(document_id) = document_id.parse::<Uuid>() else {
        return problem_page(
            StatusCode::NOT_FOUND,
            lang,
            Some(&signed),
            "error.not_found",
        );
    };
    match review(&state, &signed, document_id).await {
        Ok(Review::Done(ReviewOutcome::Reviewed)) => {
            see_other(&format!("{PATH}?reviewed={document_id}"))
        }
        Ok(Review::Done(ReviewOutcome::AlreadyReviewed)) => {
            see_other(&format!("{PATH}?already={document_id}"))
        }
        Ok(Review::Done(ReviewOutcome::NotFlagged)) | Ok(Review::NotFound) => problem_page(
            StatusCode::NOT_FOUND,
            lang,
            Some(&signed),
            "error.not_found",
        ),
        Ok(Review::Forbidden) => forbidden(lang, &signed),
        Err(e) => page_error(e),
    }
}

enum Review {
    Done(ReviewOutcome),
    NotFound,
    Forbidden,
}

async fn review(state: &AppState, signed: &Signed, document_id: Uuid) -> Result<Review, DbError> {
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    let Some(row) = tx
        .query_opt(
            "SELECT store_id, reviewed_at FROM overdraft_reviews WHERE document_id = $1 FOR UPDATE",
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
    let outcome = reports::mark_overdraft_reviewed(&*tx, document_id, &signed.user.name).await?;
    if outcome == ReviewOutcome::Reviewed {
        audit::record(
            &*tx,
            Utc::now(),
            &signed.user.name,
            "overdraft.review",
            &document_id.to_string(),
            Some(json!({ "store_id": store_id, "reviewed_at": null })),
            Some(json!({ "store_id": store_id, "reviewed_by": signed.user.name })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Review::Done(outcome))
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, location.to_owned())]).into_response()
}
