//! Point adjustments awaiting approval (待审批积分调整): every open request with who
//! asked, when, for which member, how many points and why. An admin other than the
//! requester approves it (the adjustment is then stored as a document) or rejects it
//! with a reason ([`adjustment_requests`]); both are audited. Everyone may read the list.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use crate::console::adjustment_requests::{self, Request, RequestError};
use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::session::Signed;
use crate::console::table::field;
use crate::console::{csrf_refused, forbidden, page_error, problem_page, url_part};
use crate::state::AppState;

pub const PATH: &str = "/point-adjustments";

/// `GET /point-adjustments`.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    let notice = if let Some(document) = field(&raw, "approved") {
        Some(lang.tf("adjustments.approved", &[("document", document)]))
    } else {
        field(&raw, "rejected").map(|id| lang.tf("adjustments.rejected", &[("request", id)]))
    };
    list_page(&state, lang, &signed, StatusCode::OK, notice, None).await
}

async fn list_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    status: StatusCode,
    notice: Option<String>,
    problem: Option<String>,
) -> Response {
    let pending = match state.pool.get().await {
        Ok(client) => adjustment_requests::pending(&**client).await,
        Err(e) => Err(e.into()),
    };
    let pending = match pending {
        Ok(pending) => pending,
        Err(e) => return page_error(e),
    };
    let body = html! {
        @if let Some(notice) = &notice { p.notice role="status" { (notice) } }
        @if let Some(problem) = &problem { p.problem role="alert" { (problem) } }
        p { (lang.t("adjustments.intro")) }
        @if pending.is_empty() {
            p { (lang.t("adjustments.none")) }
        } @else {
            table #pending {
                thead { tr {
                    th { (lang.t("adjustments.request")) }
                    th { (lang.t("adjustments.member")) }
                    th { (lang.t("adjustments.points")) }
                    th { (lang.t("adjustments.reason")) }
                    th { (lang.t("adjustments.requested_by")) }
                    th { (lang.t("adjustments.requested_at")) }
                    th { (lang.t("adjustments.decide")) }
                } }
                tbody {
                    @for request in &pending { (row(lang, signed, request)) }
                }
            }
        }
    };
    let title = lang.t("adjustments.title");
    let markup = page(lang, Some(signed), &title, PATH, body);
    (status, Html(markup.into_string())).into_response()
}

fn row(lang: Lang, signed: &Signed, request: &Request) -> Markup {
    let decides =
        adjustment_requests::may_approve(&signed.user) && signed.user.name != request.requested_by;
    html! {
        tr {
            td { (request.id) }
            td { a href={ "/members/" (url_part(&request.member_id)) } { (request.member_id) } }
            td { (request.points) }
            td { (request.reason) }
            td { (request.requested_by) }
            td { (request.requested_at.format("%Y-%m-%d %H:%M:%S")) }
            td {
                @if decides {
                    form.inline method="post" action={ (PATH) "/" (request.id) "/approve" } {
                        input type="hidden" name="csrf" value=(signed.csrf);
                        button type="submit" { (lang.t("adjustments.approve")) }
                    }
                    form.inline method="post" action={ (PATH) "/" (request.id) "/reject" } {
                        input type="hidden" name="csrf" value=(signed.csrf);
                        label { (lang.t("adjustments.reject_reason")) " " input name="reason" required maxlength=(adjustment_requests::REASON_MAX_CHARS); }
                        button type="submit" { (lang.t("adjustments.reject")) }
                    }
                } @else if signed.user.name == request.requested_by {
                    (lang.t("adjustments.yours"))
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /point-adjustments/{id}/approve`: stores the adjustment.
pub async fn approve(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    let decided =
        adjustment_requests::approve(&state.pool, &signed.user, id, Uuid::now_v7(), Utc::now())
            .await;
    match decided {
        Ok(document) => see_other(&format!("{PATH}?approved={document}")),
        Err(e) => refused(&state, lang, &signed, e).await,
    }
}

/// `POST /point-adjustments/{id}/reject`: closes the request with a reason.
pub async fn reject(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    match adjustment_requests::reject(&state.pool, &signed.user, id, &form.reason, Utc::now()).await
    {
        Ok(()) => see_other(&format!("{PATH}?rejected={id}")),
        Err(e) => refused(&state, lang, &signed, e).await,
    }
}

fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_owned())]).into_response()
}

/// The answer to a decision not made: nothing changed.
async fn refused(state: &AppState, lang: Lang, signed: &Signed, e: RequestError) -> Response {
    let status = match e {
        RequestError::Forbidden => return forbidden(lang, signed),
        RequestError::NoRequest => {
            return problem_page(StatusCode::NOT_FOUND, lang, Some(signed), "error.not_found");
        }
        RequestError::Db(e) => return page_error(e),
        RequestError::OwnRequest => StatusCode::FORBIDDEN,
        RequestError::Decided(_) => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    };
    let problem = lang.tf("adjustments.not_decided", &[("why", &explain(lang, &e))]);
    list_page(state, lang, signed, status, None, Some(problem)).await
}

/// Why a request or decision was refused, in the reader's language.
pub fn explain(lang: Lang, e: &RequestError) -> String {
    match e {
        RequestError::Points | RequestError::Reason => lang.t("adjustments.bad_input"),
        RequestError::BelowZero(balance) => lang.tf(
            "members.adjust_below_zero",
            &[("balance", &balance.to_string())],
        ),
        RequestError::Decided(status) => lang.tf("adjustments.decided", &[("status", status)]),
        RequestError::OwnRequest => lang.t("adjustments.own_request"),
        RequestError::Refused(why) => why.clone(),
        RequestError::NoMember | RequestError::NoRequest => lang.t("error.not_found"),
        RequestError::Forbidden => lang.t("error.forbidden"),
        RequestError::Db(_) => e.to_string(),
    }
}
