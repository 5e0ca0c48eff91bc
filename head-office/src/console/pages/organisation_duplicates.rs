//! Likely duplicate organisations (疑似重复机构), for admins: each open proposal with its
//! evidence (the same 统一社会信用代码, or the same name written differently) and both
//! organisations' names, codes, kinds, departments and how many contacts and
//! qualifications each has; a person merges one into the other with a reason, or
//! dismisses the pair. Both are audited. An organisation's page lists the merges into
//! it ([`merges_section`]).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use maud::{Markup, html};
use serde_json::json;
use uuid::Uuid;

use crate::console::i18n::Lang;
use crate::console::layout::{may_merge_organisations, page};
use crate::console::session::Signed;
use crate::console::table::field;
use crate::console::{audit, csrf_refused, forbidden, page_error, refused_change, url_part};
use crate::duplicates::org_merge::{OrgMergeError, OrgMergeRecord, OrgMergeRequest, merge};
use crate::duplicates::org_names::OrgEvidence;
use crate::duplicates::org_proposals::{self, OrgProposal, OrgSide};
use crate::error::DbError;
use crate::state::AppState;

pub const PATH: &str = "/organisation-duplicates";
const BACK: (&str, &str, &str) = (PATH, "org_duplicates.title", "org_duplicates.back");

/// `GET /organisation-duplicates`.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    if !may_merge_organisations(&signed.user) {
        return forbidden(lang, &signed);
    }
    let notice =
        field(&raw, "dismissed").map(|id| lang.tf("org_duplicates.dismissed", &[("id", id)]));
    let open = match state.pool.get().await {
        Ok(client) => org_proposals::open(&**client).await,
        Err(e) => Err(e.into()),
    };
    match open {
        Ok(open) => {
            let body = html! {
                @if let Some(notice) = &notice { p.notice role="status" { (notice) } }
                p { (lang.t("org_duplicates.intro")) }
                @if open.is_empty() { p { (lang.t("org_duplicates.none")) } }
                @for proposal in &open { (proposal_view(lang, &signed, proposal)) }
            };
            let title = lang.t("org_duplicates.title");
            Html(page(lang, Some(&signed), &title, PATH, body).into_string()).into_response()
        }
        Err(e) => page_error(e),
    }
}

fn evidence_text(lang: Lang, evidence: Option<OrgEvidence>) -> String {
    match evidence {
        Some(OrgEvidence::CreditCode) => lang.t("org_duplicates.same_code"),
        Some(OrgEvidence::Name) => lang.t("org_duplicates.same_name"),
        None => lang.t("org_duplicates.unknown_evidence"),
    }
}

fn side_row(lang: Lang, side: &OrgSide) -> Markup {
    html! {
        tr {
            td { a href={ "/organisations/" (url_part(&side.id)) } { (side.id) } }
            td { (side.name) }
            td { (side.credit_code) }
            td { (lang.t(&format!("organisations.kind_{}", side.kind))) }
            td { (side.departments.join("、")) }
            td { (side.contacts) }
            td { (side.qualifications) }
        }
    }
}

fn proposal_view(lang: Lang, signed: &Signed, p: &OrgProposal) -> Markup {
    let action = |what: &str| format!("{PATH}/{}/{what}", p.id);
    html! {
        section.proposal id={ "proposal-" (p.id) } {
            h2 { (lang.tf("org_duplicates.proposal", &[("id", &p.id.to_string())])) }
            p { (evidence_text(lang, p.evidence)) }
            table {
                thead { tr {
                    th { (lang.t("organisations.id")) } th { (lang.t("organisations.name")) }
                    th { (lang.t("organisations.credit_code")) } th { (lang.t("organisations.kind")) }
                    th { (lang.t("org_duplicates.departments")) }
                    th { (lang.t("organisations.contacts")) }
                    th { (lang.t("organisations.qualifications")) }
                } }
                tbody { (side_row(lang, &p.a)) (side_row(lang, &p.b)) }
            }
            form method="post" action=(action("merge")) {
                input type="hidden" name="csrf" value=(signed.csrf);
                fieldset {
                    legend { (lang.t("org_duplicates.keep")) }
                    @for side in [&p.a, &p.b] {
                        label { input type="radio" name="survivor" value=(side.id) required; " " (side.name) " (" (side.id) ")" }
                        " "
                    }
                }
                label { (lang.t("org_duplicates.reason")) " " input name="reason" required maxlength="500"; }
                " "
                button type="submit" { (lang.t("org_duplicates.merge")) }
            }
            form method="post" action=(action("dismiss")) {
                input type="hidden" name="csrf" value=(signed.csrf);
                button type="submit" { (lang.t("org_duplicates.dismiss")) }
            }
        }
    }
}

/// `POST /organisation-duplicates/{id}/merge`: `survivor` (one of the pair), `reason`.
pub async fn merge_pair(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Response {
    if !signed.csrf_matches(field(&posted, "csrf").unwrap_or_default()) {
        return csrf_refused(lang, &signed);
    }
    if !may_merge_organisations(&signed.user) {
        return forbidden(lang, &signed);
    }
    let survivor = field(&posted, "survivor").unwrap_or_default().to_owned();
    let reason = field(&posted, "reason").unwrap_or_default().to_owned();
    match merged(&state, &signed, id, &survivor, &reason).await {
        Ok(record) => (
            StatusCode::SEE_OTHER,
            [(
                LOCATION,
                format!("/organisations/{}#merges", url_part(&record.survivor_id)),
            )],
        )
            .into_response(),
        Err(OrgMergeError::Db(e)) => page_error(e),
        Err(e) => {
            let status = match e {
                OrgMergeError::Reason
                | OrgMergeError::SameOrganisation
                | OrgMergeError::Departments(_) => StatusCode::BAD_REQUEST,
                _ => StatusCode::CONFLICT,
            };
            let reason = lang.tf("org_duplicates.refused", &[("why", &e.to_string())]);
            refused_change(lang, &signed, status, &reason, BACK)
        }
    }
}

/// The merge and its audit entry, in one transaction.
async fn merged(
    state: &AppState,
    signed: &Signed,
    proposal: i64,
    survivor: &str,
    reason: &str,
) -> Result<OrgMergeRecord, OrgMergeError> {
    let mut client = state.pool.get().await.map_err(DbError::from)?;
    let tx = client.transaction().await?;
    let (a, b) = org_proposals::open_pair(&*tx, proposal)
        .await?
        .ok_or(OrgMergeError::Proposal(proposal))?;
    let merged_id = if survivor == a {
        b
    } else if survivor == b {
        a
    } else {
        return Err(OrgMergeError::NotFound(survivor.to_owned()));
    };
    let now = Utc::now();
    let request = OrgMergeRequest {
        survivor_id: survivor,
        merged_id: &merged_id,
        by: &signed.user.name,
        reason,
        proposal_id: Some(proposal),
        now,
        id: Uuid::now_v7(),
    };
    let record = merge(&tx, &request).await?;
    audit::record(
        &*tx,
        now,
        &signed.user.name,
        "organisation.merge",
        &record.survivor_id,
        Some(json!({ "merged_id": record.merged_id, "merged": record.merged })),
        Some(json!(record)),
    )
    .await?;
    tx.commit().await?;
    Ok(record)
}

/// `POST /organisation-duplicates/{id}/dismiss`.
pub async fn dismiss(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<i64>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Response {
    if !signed.csrf_matches(field(&posted, "csrf").unwrap_or_default()) {
        return csrf_refused(lang, &signed);
    }
    if !may_merge_organisations(&signed.user) {
        return forbidden(lang, &signed);
    }
    let done = async {
        let mut client = state.pool.get().await?;
        let tx = client.transaction().await?;
        let now = Utc::now();
        let pair = org_proposals::open_pair(&*tx, id).await?;
        if !org_proposals::dismiss(&*tx, id, &signed.user.name, now).await? {
            return Ok(false);
        }
        audit::record(
            &*tx,
            now,
            &signed.user.name,
            "organisation.duplicate_dismiss",
            &id.to_string(),
            pair.map(|(a, b)| json!({ "organisation_a": a, "organisation_b": b })),
            Some(json!({ "status": "dismissed" })),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, DbError>(true)
    }
    .await;
    match done {
        Ok(true) => (
            StatusCode::SEE_OTHER,
            [(LOCATION, format!("{PATH}?dismissed={id}"))],
        )
            .into_response(),
        Ok(false) => {
            let why = OrgMergeError::Proposal(id).to_string();
            let reason = lang.tf("org_duplicates.refused", &[("why", &why)]);
            refused_change(lang, &signed, StatusCode::CONFLICT, &reason, BACK)
        }
        Err(e) => page_error(e),
    }
}

/// The merges into an organisation, for its page: who, when, why, what the merged one
/// was and what moved.
pub fn merges_section(lang: Lang, merges: &[OrgMergeRecord]) -> Markup {
    html! {
        @if !merges.is_empty() {
            h2 id="merges" { (lang.t("org_duplicates.merges")) }
            table {
                thead { tr {
                    th { (lang.t("audit.at")) } th { (lang.t("org_duplicates.merged_by")) }
                    th { (lang.t("org_duplicates.reason")) } th { (lang.t("org_duplicates.merged_organisation")) }
                    th { (lang.t("org_duplicates.moved")) }
                } }
                tbody {
                    @for m in merges {
                        tr {
                            td { (m.merged_at.with_timezone(&crate::console::chain_offset()).format("%Y-%m-%d %H:%M")) }
                            td { (m.merged_by) }
                            td { (m.reason) }
                            td { (m.merged.name) " · " (m.merged.credit_code) " (" (m.merged_id) ")" }
                            td {
                                (lang.tf("org_duplicates.moved_text", &[
                                    ("departments", &m.moved.departments.len().to_string()),
                                    ("contacts", &m.moved.contacts.to_string()),
                                    ("qualifications", &m.moved.qualifications.len().to_string()),
                                    ("reviews", &m.moved.sale_reviews.to_string()),
                                ]))
                                @for d in &m.moved.dropped_qualifications {
                                    br;
                                    (lang.tf("org_duplicates.dropped", &[
                                        ("kind", &lang.t(&format!("organisations.q_{}", d.kind))),
                                        ("number", &d.number),
                                        ("of", &d.of),
                                    ]))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
