//! Likely duplicate members (疑似重复会员), for admins: each open proposal with its
//! evidence (both members' cards, full names and phones — the read is logged — balances,
//! registration dates, how the phones differ); a person merges one into the other with
//! a reason, or dismisses the pair. Both are audited. A member's page lists the merges
//! into it ([`merges_section`]).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use maud::{Markup, html};
use serde_json::json;
use uuid::Uuid;

use super::member_privacy::log_read;
use crate::console::i18n::Lang;
use crate::console::layout::{may_merge_members, page};
use crate::console::session::Signed;
use crate::console::table::field;
use crate::console::{audit, csrf_refused, forbidden, page_error, refused_change, url_part};
use crate::duplicates::merge::{MergeError, MergeRecord, MergeRequest, merge};
use crate::duplicates::near::PhoneEvidence;
use crate::duplicates::proposals::{self, Proposal, Side};
use crate::error::DbError;
use crate::state::AppState;

pub const PATH: &str = "/member-duplicates";

/// `GET /member-duplicates`.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    if !may_merge_members(&signed.user) {
        return forbidden(lang, &signed);
    }
    let notice = field(&raw, "dismissed").map(|id| lang.tf("duplicates.dismissed", &[("id", id)]));
    let loaded = async {
        let client = state.pool.get().await?;
        let open = proposals::open(&**client).await?;
        let ids: Vec<&str> = open
            .iter()
            .flat_map(|p| [p.a.id.as_str(), p.b.id.as_str()])
            .collect();
        log_read(&**client, &signed.user, PATH, &ids).await?;
        Ok::<_, DbError>(open)
    }
    .await;
    match loaded {
        Ok(open) => {
            let body = html! {
                @if let Some(notice) = &notice { p.notice role="status" { (notice) } }
                p { (lang.t("duplicates.intro")) }
                @if open.is_empty() { p { (lang.t("duplicates.none")) } }
                @for proposal in &open { (proposal_view(lang, &signed, proposal)) }
            };
            let markup = page(lang, Some(&signed), &lang.t("duplicates.title"), PATH, body);
            Html(markup.into_string()).into_response()
        }
        Err(e) => page_error(e),
    }
}

fn evidence_text(lang: Lang, evidence: Option<PhoneEvidence>) -> String {
    match evidence {
        Some(PhoneEvidence::OneDigit { position }) => lang.tf(
            "duplicates.one_digit",
            &[("position", &position.to_string())],
        ),
        Some(PhoneEvidence::AdjacentSwap { position }) => lang.tf(
            "duplicates.adjacent_swap",
            &[
                ("position", &position.to_string()),
                ("next", &(position + 1).to_string()),
            ],
        ),
        None => lang.t("duplicates.unknown_evidence"),
    }
}

fn side_row(lang: Lang, side: &Side) -> Markup {
    html! {
        tr {
            td { a href={ "/members/" (url_part(&side.id)) } { (side.card_no) } }
            td { (side.name) }
            td { (side.phone) }
            td { (side.points_balance) }
            td { (side.created_at.with_timezone(&crate::console::chain_offset()).format("%Y-%m-%d")) }
            td { (lang.t("duplicates.member_id")) " " (side.id) }
        }
    }
}

fn proposal_view(lang: Lang, signed: &Signed, p: &Proposal) -> Markup {
    let action = |what: &str| format!("{PATH}/{}/{what}", p.id);
    html! {
        section.proposal id={ "proposal-" (p.id) } {
            h2 { (lang.tf("duplicates.proposal", &[("id", &p.id.to_string())])) }
            p { (lang.t("duplicates.same_name")) " · " (evidence_text(lang, p.evidence)) }
            table {
                thead { tr {
                    th { (lang.t("members.card")) } th { (lang.t("members.name")) }
                    th { (lang.t("members.phone")) } th { (lang.t("members.balance")) }
                    th { (lang.t("duplicates.registered")) } th { "ID" }
                } }
                tbody { (side_row(lang, &p.a)) (side_row(lang, &p.b)) }
            }
            form method="post" action=(action("merge")) {
                input type="hidden" name="csrf" value=(signed.csrf);
                fieldset {
                    legend { (lang.t("duplicates.keep")) }
                    @for side in [&p.a, &p.b] {
                        label { input type="radio" name="survivor" value=(side.id) required; " " (side.card_no) }
                        " "
                    }
                }
                label { (lang.t("duplicates.reason")) " " input name="reason" required maxlength="500"; }
                " "
                button type="submit" { (lang.t("duplicates.merge")) }
            }
            form method="post" action=(action("dismiss")) {
                input type="hidden" name="csrf" value=(signed.csrf);
                button type="submit" { (lang.t("duplicates.dismiss")) }
            }
        }
    }
}

/// `POST /member-duplicates/{id}/merge`: `survivor` (one of the pair's ids), `reason`.
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
    if !may_merge_members(&signed.user) {
        return forbidden(lang, &signed);
    }
    let survivor = field(&posted, "survivor").unwrap_or_default().to_owned();
    let reason = field(&posted, "reason").unwrap_or_default().to_owned();
    match merged(&state, &signed, id, &survivor, &reason).await {
        Ok(record) => (
            StatusCode::SEE_OTHER,
            [(
                LOCATION,
                format!("/members/{}#merges", url_part(&record.survivor_id)),
            )],
        )
            .into_response(),
        Err(MergeError::Db(e)) => page_error(e),
        Err(e) => {
            let status = match e {
                MergeError::Reason | MergeError::SameMember => StatusCode::BAD_REQUEST,
                _ => StatusCode::CONFLICT,
            };
            let reason = lang.tf("duplicates.refused", &[("why", &e.to_string())]);
            refused_change(
                lang,
                &signed,
                status,
                &reason,
                (PATH, "duplicates.title", "duplicates.back"),
            )
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
) -> Result<MergeRecord, MergeError> {
    let mut client = state.pool.get().await.map_err(DbError::from)?;
    let tx = client.transaction().await?;
    let (a, b) = proposals::open_pair(&*tx, proposal)
        .await?
        .ok_or(MergeError::Proposal(proposal))?;
    let merged_id = if survivor == a {
        b
    } else if survivor == b {
        a
    } else {
        return Err(MergeError::NotFound(survivor.to_owned()));
    };
    let now = Utc::now();
    let request = MergeRequest {
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
        "member.merge",
        &record.survivor_id,
        Some(json!({ "merged_id": record.merged_id, "merged_card_no": record.merged_card_no })),
        Some(json!(record)),
    )
    .await?;
    tx.commit().await?;
    crate::integrations::events::wake();
    Ok(record)
}

/// `POST /member-duplicates/{id}/dismiss`.
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
    if !may_merge_members(&signed.user) {
        return forbidden(lang, &signed);
    }
    let done = async {
        let mut client = state.pool.get().await?;
        let tx = client.transaction().await?;
        let now = Utc::now();
        let pair = proposals::open_pair(&*tx, id).await?;
        if !proposals::dismiss(&*tx, id, &signed.user.name, now).await? {
            return Ok(false);
        }
        audit::record(
            &*tx,
            now,
            &signed.user.name,
            "member.duplicate_dismiss",
            &id.to_string(),
            pair.map(|(a, b)| json!({ "member_a": a, "member_b": b })),
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
        Ok(false) => refused_change(
            lang,
            &signed,
            StatusCode::CONFLICT,
            &lang.tf(
                "duplicates.refused",
                &[("why", &MergeError::Proposal(id).to_string())],
            ),
            (PATH, "duplicates.title", "duplicates.back"),
        ),
        Err(e) => page_error(e),
    }
}

/// The merges into a member, for their page: who, when, why, what moved.
pub fn merges_section(lang: Lang, merges: &[MergeRecord]) -> Markup {
    html! {
        @if !merges.is_empty() {
            h2 id="merges" { (lang.t("duplicates.merges")) }
            table {
                thead { tr {
                    th { (lang.t("audit.at")) } th { (lang.t("duplicates.merged_by")) }
                    th { (lang.t("duplicates.reason")) } th { (lang.t("duplicates.merged_member")) }
                    th { (lang.t("duplicates.moved")) }
                } }
                tbody {
                    @for m in merges {
                        tr {
                            td { (m.merged_at.with_timezone(&crate::console::chain_offset()).format("%Y-%m-%d %H:%M")) }
                            td { (m.merged_by) }
                            td { (m.reason) }
                            td { (m.merged_card_no) " (" (m.merged_id) ")" }
                            td { (lang.tf("duplicates.moved_text", &[
                                ("entries", &m.moved.ledger_entries.to_string()),
                                ("points", &m.moved.points.to_string()),
                                ("ids", &m.moved.member_ids.to_string()),
                                ("cards", &m.moved.cards.to_string()),
                                ("channels", &m.moved.channel_customers.to_string()),
                                ("reviews", &m.moved.reviews.to_string()),
                            ])) }
                        }
                    }
                }
            }
        }
    }
}
