//! Class III sales to organisations without a valid 医疗器械经营许可证 (flagged at ingest,
//! `ingest/organisation_checks.rs`): accepted, never lost, listed here until a person
//! marks them reviewed (audited). Store managers see and review their stores' sales;
//! admins and merchandisers every store's; auditors read them.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use maud::html;
use pos_domain::organisation::QualificationProblem;
use serde_json::json;
use tokio_postgres::GenericClient;
use tokio_postgres::types::Json;
use uuid::Uuid;

use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::session::{CsrfForm, Signed};
use crate::console::users::{Role, User};
use crate::console::{audit, csrf_refused, forbidden, page_error, problem_page, url_part};
use crate::error::DbError;
use crate::state::AppState;

pub const PATH: &str = "/organisation-reviews";
/// The audit action of a flag marked reviewed.
pub const REVIEW_ACTION: &str = "organisation_sale.review";

/// Marking a flagged sale reviewed: admins, merchandisers, and the store's managers.
pub fn may_review(user: &User, store: &str) -> bool {
    match user.role {
        Role::Admin | Role::Merchandiser => true,
        Role::StoreManager => user.sees_store(store),
        Role::Auditor => false,
    }
}

struct Flagged {
    document_id: Uuid,
    organisation_id: String,
    organisation_name: Option<String>,
    store_id: String,
    terminal_id: String,
    business_date: NaiveDate,
    problem: QualificationProblem,
    sold_under_warning: bool,
    flagged_at: DateTime<Utc>,
}

/// Flags nobody has reviewed yet, oldest first, of `stores` (every store when `None`).
async fn open(
    client: &impl GenericClient,
    stores: Option<&[String]>,
) -> Result<Vec<Flagged>, DbError> {
    let stores: Option<Vec<String>> = stores.map(<[String]>::to_vec);
    let rows = client
        .query(
            "SELECT r.document_id, r.organisation_id, o.name, r.store_id, r.terminal_id,
                    r.business_date, r.problem, r.sold_under_warning, r.flagged_at
             FROM organisation_sale_reviews r
             LEFT JOIN organisations o ON o.id = r.organisation_id
             WHERE r.reviewed_at IS NULL AND ($1::text[] IS NULL OR r.store_id = ANY($1))
             ORDER BY r.flagged_at, r.document_id LIMIT 1000",
            &[&stores],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Flagged {
            document_id: r.get(0),
            organisation_id: r.get(1),
            organisation_name: r.get(2),
            store_id: r.get(3),
            terminal_id: r.get(4),
            business_date: r.get(5),
            problem: r.get::<_, Json<QualificationProblem>>(6).0,
            sold_under_warning: r.get(7),
            flagged_at: r.get(8),
        })
        .collect())
}

fn problem_text(lang: Lang, p: &QualificationProblem) -> String {
    let kind = lang.t(&format!("organisations.q_{}", p.kind.code()));
    match p.valid_until {
        None => lang.tf("organisation_reviews.missing", &[("kind", &kind)]),
        Some(valid_until) => lang.tf(
            "organisation_reviews.expired",
            &[("kind", &kind), ("date", &valid_until.to_string())],
        ),
    }
}

/// `GET /organisation-reviews`.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    let reviewed = raw
        .iter()
        .find(|(k, _)| k == "reviewed")
        .and_then(|(_, v)| v.parse::<Uuid>().ok());
    let found = match state.pool.get().await {
        Ok(client) => open(&**client, signed.user.store_filter()).await,
        Err(e) => Err(e.into()),
    };
    let flags = match found {
        Ok(flags) => flags,
        Err(e) => return page_error(e),
    };
    let body = html! {
        @if let Some(d) = reviewed {
            p.notice role="status" { (lang.tf("organisation_reviews.reviewed", &[("document", &d.to_string())])) }
        }
        p { (lang.t("organisation_reviews.intro")) }
        @if flags.is_empty() {
            p { (lang.t("organisation_reviews.none")) }
        } @else {
            div.scroll { table {
                tr {
                    th { (lang.t("organisation_reviews.document")) }
                    th { (lang.t("organisation_reviews.organisation")) }
                    th { (lang.t("organisation_reviews.store")) }
                    th { (lang.t("organisation_reviews.business_date")) }
                    th { (lang.t("organisation_reviews.problem")) }
                    th { (lang.t("organisation_reviews.warning")) }
                    th { (lang.t("organisation_reviews.flagged_at")) }
                    th {}
                }
                @for f in &flags {
                    tr {
                        td { (f.document_id) }
                        td { a href={ "/organisations/" (url_part(&f.organisation_id)) } {
                            (f.organisation_name.clone().unwrap_or_else(|| f.organisation_id.clone()))
                        } }
                        td { (f.store_id) " " (f.terminal_id) }
                        td { (f.business_date) }
                        td { (problem_text(lang, &f.problem)) }
                        td { @if f.sold_under_warning { (lang.t("organisation_reviews.yes")) } @else { (lang.t("organisation_reviews.no")) } }
                        td { (f.flagged_at.with_timezone(&crate::console::chain_offset()).format("%Y-%m-%d %H:%M")) }
                        td { @if may_review(&signed.user, &f.store_id) {
                            form.inline method="post" action={ (PATH) "/" (f.document_id) "/review" } {
                                input type="hidden" name="csrf" value=(signed.csrf);
                                button type="submit" { (lang.t("organisation_reviews.mark")) }
                            }
                        } }
                    }
                }
            } }
        }
    };
    let title = lang.t("organisation_reviews.title");
    Html(page(lang, Some(&signed), &title, PATH, body).into_string()).into_response()
}

/// What marking a flag reviewed came to.
enum Marked {
    Done,
    NotFound,
    Forbidden,
}

/// `POST /organisation-reviews/{document_id}/review`: marks an open flag reviewed, with
/// an audit entry, in one transaction.
pub async fn review(
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
    let marked = async {
        let mut client = state.pool.get().await?;
        let tx = client.transaction().await?;
        let Some(row) = tx
            .query_opt(
                "SELECT store_id, organisation_id FROM organisation_sale_reviews
                 WHERE document_id = $1 AND reviewed_at IS NULL FOR UPDATE",
                &[&document_id],
            )
            .await?
        else {
            return Ok(Marked::NotFound);
        };
        let store: String = row.get(0);
        let organisation: String = row.get(1);
        if !may_review(&signed.user, &store) {
            return Ok(Marked::Forbidden);
        }
        let now = Utc::now();
        tx.execute(
            "UPDATE organisation_sale_reviews SET reviewed_at = $2, reviewed_by = $3
             WHERE document_id = $1",
            &[&document_id, &now, &signed.user.name],
        )
        .await?;
        audit::record(
            &*tx,
            now,
            &signed.user.name,
            REVIEW_ACTION,
            &document_id.to_string(),
            Some(json!({ "reviewed": false })),
            Some(json!({ "reviewed": true, "store": store, "organisation": organisation })),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, DbError>(Marked::Done)
    }
    .await;
    match marked {
        Ok(Marked::Done) => (
            StatusCode::SEE_OTHER,
            [(LOCATION, format!("{PATH}?reviewed={document_id}"))],
        )
            .into_response(),
        Ok(Marked::NotFound) => problem_page(
            StatusCode::NOT_FOUND,
            lang,
            Some(&signed),
            "error.not_found",
        ),
        Ok(Marked::Forbidden) => forbidden(lang, &signed),
        Err(e) => page_error(e),
    }
}
