//! Members (会员): find a member by card, phone or id, and read their whole point
//! ledger across stores with the document behind each entry; admins and store managers
//! ask for a point adjustment with a reason, applied as a document once another person
//! approves it ([`super::point_adjustments`]). Phone and name are masked for every role but
//! admin; an admin's reading is logged and they may download a member's data
//! ([`super::member_privacy`]).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use tokio_postgres::GenericClient;

use super::member_ledger::{ledger, ledger_table};
use super::member_privacy::{log_read, may_see_personal_data};
use crate::console::adjustment_requests::{self, RequestError};
use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::session::Signed;
use crate::console::table::{self, Cell, Column, Kind, Listing, Names, Params, Row, Table};
use crate::console::users::User;
use crate::console::{bad_query, csrf_refused, forbidden, page_error, problem_page, url_part};
use crate::error::DbError;
use crate::member_erasure::REASON_MAX_CHARS;
use crate::state::AppState;
use pos_domain::member::mask_phone;

const PATH: &str = "/members";

pub use crate::masking::mask_name;

struct MemberRow {
    id: String,
    card_no: String,
    phone: Option<String>,
    name: String,
    tier: String,
    points_balance: i64,
    /// When their personal data was erased on request.
    erased_at: Option<chrono::DateTime<Utc>>,
}

impl MemberRow {
    fn from_row(r: &tokio_postgres::Row) -> MemberRow {
        MemberRow {
            id: r.get(0),
            card_no: r.get(1),
            phone: r.get(2),
            name: r.get(3),
            tier: r.get(4),
            points_balance: r.get(5),
            erased_at: r.get(6),
        }
    }

    fn phone_for(&self, user: &User) -> String {
        let phone = self.phone.clone().unwrap_or_default();
        if may_see_personal_data(user) {
            phone
        } else {
            mask_phone(&phone)
        }
    }

    fn name_for(&self, user: &User) -> String {
        if may_see_personal_data(user) {
            self.name.clone()
        } else {
            mask_name(&self.name)
        }
    }
}

const MEMBER_COLUMNS: &str =
    "m.id, m.card_no, m.phone, m.name, m.tier, m.points_balance, m.erased_at";

/// Members whose card, phone or id is exactly `wanted`, also through a till's merged id
/// or a joined card (provisional or merged). Exact only: a partial phone would let anyone list members.
async fn find(client: &impl GenericClient, wanted: &str) -> Result<Vec<MemberRow>, DbError> {
    let rows = client
        .query(
            &format!(
                "SELECT {MEMBER_COLUMNS} FROM members m
                 WHERE m.card_no = $1 OR m.phone = $1 OR m.id = $1
                    OR m.id IN (SELECT member_id FROM member_aliases WHERE alias_id = $1 OR card_no = $1)
                    OR m.id IN (SELECT member_id FROM member_cards WHERE card_no = $1)
                 ORDER BY m.id LIMIT 20"
            ),
            &[&wanted],
        )
        .await?;
    Ok(rows.iter().map(MemberRow::from_row).collect())
}

fn table(lang: Lang, user: &User, found: &[MemberRow]) -> Table {
    let column = |key: &'static str, kind: Kind| Column {
        key,
        header: lang.t(&format!("members.{key}")),
        kind,
    };
    Table {
        id: "members",
        names: Names::Main,
        columns: vec![
            column("card", Kind::Text),
            column("name", Kind::Text),
            column("phone", Kind::Text),
            column("tier", Kind::Text),
            column("balance", Kind::Number),
        ],
        // Masked here, so the page, its filter and its CSV only ever hold what the
        // role may see.
        rows: found
            .iter()
            .map(|m| Row {
                flagged: false,
                cells: vec![
                    Cell::Link {
                        text: m.card_no.clone(),
                        href: format!("{PATH}/{}", url_part(&m.id)),
                    },
                    Cell::Text(m.name_for(user)),
                    Cell::Text(m.phone_for(user)),
                    Cell::Text(m.tier.clone()),
                    Cell::Number(m.points_balance),
                ],
            })
            .collect(),
    }
}

/// Members found by `find` (exact card, phone or id), as a table the table's own `q`,
/// order and CSV work on.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    let params = Params(raw);
    let wanted = params.get("find").unwrap_or_default();
    let listing = Listing {
        lang,
        signed: &signed,
        title: lang.t("members.title"),
        path: PATH,
        params: &params,
        fields: html! {
            label { (lang.t("members.search")) " "
                input type="search" name="find" value=(wanted) autofocus;
            }
        },
    };
    if wanted.is_empty() {
        return listing.form_only(html! {});
    }
    let found = match state.pool.get().await {
        Ok(client) => match find(&**client, wanted).await {
            Ok(found) => {
                let ids: Vec<&str> = found.iter().map(|m| m.id.as_str()).collect();
                log_read(&**client, &signed.user, PATH, &ids)
                    .await
                    .map(|()| found)
            }
            Err(e) => Err(e),
        },
        Err(e) => Err(e.into()),
    };
    match found {
        Ok(found) if found.is_empty() => {
            listing.form_only(html! { p { (lang.t("members.none")) } })
        }
        Ok(found) => listing.answer(table(lang, &signed.user, &found), "members"),
        Err(e) => page_error(e),
    }
}

/// What the member's page says above the profile, and its status.
pub(super) struct Said {
    status: StatusCode,
    notice: Option<String>,
    problem: Option<String>,
}

impl Said {
    pub(super) fn refused(problem: String) -> Said {
        Said {
            status: StatusCode::BAD_REQUEST,
            notice: None,
            problem: Some(problem),
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<String>,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    // `requested` is the notice after an adjustment request, said once; the rest is the
    // ledger's.
    let (flash, query): (Vec<_>, Vec<_>) = raw.into_iter().partition(|(k, _)| k == "requested");
    let notice = flash
        .first()
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .map(|r| lang.tf("members.adjust_requested", &[("request", &r.to_string())]));
    let said = Said {
        status: StatusCode::OK,
        notice,
        problem: None,
    };
    member_page(&state, lang, &signed, &id, &Params(query), said).await
}

/// The member's page with an optional notice or problem, or 404; the ledger's CSV when
/// the query asks for it.
pub(super) async fn member_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    id: &str,
    params: &Params,
    said: Said,
) -> Response {
    let loaded = async {
        let client = state.pool.get().await?;
        let member = client
            .query_opt(
                &format!("SELECT {MEMBER_COLUMNS} FROM members m WHERE m.id = $1"),
                &[&id],
            )
            .await?
            .map(|r| MemberRow::from_row(&r));
        let (entries, tier_changes, merges) = match &member {
            Some(m) => {
                log_read(&**client, &signed.user, "/members/{id}", &[&m.id]).await?;
                (
                    ledger(&**client, &m.id, signed.user.store_filter()).await?,
                    crate::tiers::changes_of(&**client, &m.id).await?,
                    crate::duplicates::merge::merges_into(&**client, &m.id).await?,
                )
            }
            None => (Vec::new(), Vec::new(), Vec::new()),
        };
        Ok::<_, DbError>((member, entries, tier_changes, merges))
    }
    .await;
    match loaded {
        Ok((Some(member), entries, tier_changes, merges)) => {
            let mut ledger = ledger_table(lang, entries);
            match ledger.prepare(params) {
                Ok(true) => return ledger.csv_response("member-ledger"),
                Ok(false) => {}
                Err(e) => return bad_query(lang, signed, &e.reason(lang)),
            }
            let path = format!("{PATH}/{}", url_part(&member.id));
            let body = html! {
                @if let Some(notice) = &said.notice { p.notice role="status" { (notice) } }
                @if let Some(problem) = &said.problem { p.problem role="alert" { (problem) } }
                (profile(lang, &signed.user, &member))
                (super::member_tiers::tier_changes(lang, &tier_changes))
                (super::member_duplicates::merges_section(lang, &merges))
                h2 { (lang.t("members.ledger")) }
                (table::part(lang, &path, params, &ledger))
                @if may_adjust_points(&signed.user) {
                    (adjust_form(lang, signed, &member.id))
                }
                (erase_section(lang, signed, &member.id, member.erased_at))
            };
            let title = format!("{} · {}", lang.t("members.title"), member.card_no);
            (
                said.status,
                Html(page(lang, Some(signed), &title, PATH, body).into_string()),
            )
                .into_response()
        }
        Ok((None, ..)) => {
            problem_page(StatusCode::NOT_FOUND, lang, Some(signed), "error.not_found")
        }
        Err(e) => page_error(e),
    }
}

/// Who may ask for a manual point adjustment (a second person approves it).
pub fn may_adjust_points(user: &User) -> bool {
    adjustment_requests::may_request(user)
}

fn adjust_form(lang: Lang, signed: &Signed, member_id: &str) -> Markup {
    html! {
        h2 { (lang.t("members.adjust")) }
        form method="post" action={ "/members/" (url_part(member_id)) "/adjust" } {
            input type="hidden" name="csrf" value=(signed.csrf);
            label { (lang.t("members.adjust_points")) " " input name="points" required; }
            label { (lang.t("members.adjust_reason")) " " input name="reason" required maxlength=(adjustment_requests::REASON_MAX_CHARS); }
            button type="submit" { (lang.t("members.adjust_submit")) }
            p { (lang.t("members.adjust_needs_approval")) " " a href="/point-adjustments" { (lang.t("nav.point_adjustments")) } }
        }
    }
}

/// The member page's erasure part: when their data was erased, or (for admins) the form.
fn erase_section(
    lang: Lang,
    signed: &Signed,
    member_id: &str,
    erased_at: Option<DateTime<Utc>>,
) -> Markup {
    html! {
        @if let Some(at) = erased_at {
            p.notice { (lang.tf("members.erased_at", &[("at", &at.format("%Y-%m-%d %H:%M UTC").to_string())])) }
        } @else if may_see_personal_data(&signed.user) {
            h2 { (lang.t("members.erase")) }
            p { (lang.t("members.erase_hint")) }
            form method="post" action={ "/members/" (url_part(member_id)) "/erase" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                label { (lang.t("members.erase_confirm_card")) " " input name="confirm_card" required autocomplete="off"; }
                label { (lang.t("members.erase_reason")) " " input name="reason" required maxlength=(REASON_MAX_CHARS); }
                button type="submit" { (lang.t("members.erase_submit")) }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct AdjustForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    reason: String,
}

/// Records a request for a manual point adjustment, audited; another person approves it
/// on the point adjustments page ([`adjustment_requests`]). One that would take the
/// balance below zero is refused.
pub async fn adjust(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<String>,
    Form(form): Form<AdjustForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    if !may_adjust_points(&signed.user) {
        return forbidden(lang, &signed);
    }
    let Ok(points) = form.points.trim().parse::<i64>() else {
        let said = Said::refused(lang.t("members.adjust_invalid"));
        return member_page(&state, lang, &signed, &id, &Params::default(), said).await;
    };
    let asked = adjustment_requests::request(
        &state.pool,
        &signed.user,
        &id,
        points,
        &form.reason,
        Utc::now(),
    )
    .await;
    let problem = match asked {
        Ok(request) => {
            let to = format!("{PATH}/{}?requested={request}", url_part(&id));
            return (StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response();
        }
        Err(RequestError::Points | RequestError::Reason) => lang.t("members.adjust_invalid"),
        Err(RequestError::NoMember) => {
            return problem_page(
                StatusCode::NOT_FOUND,
                lang,
                Some(&signed),
                "error.not_found",
            );
        }
        Err(RequestError::Forbidden) => return forbidden(lang, &signed),
        Err(RequestError::Db(e)) => return page_error(e),
        Err(other) => lang.tf(
            "members.adjust_refused",
            &[("why", &super::point_adjustments::explain(lang, &other))],
        ),
    };
    let said = Said::refused(problem);
    member_page(&state, lang, &signed, &id, &Params::default(), said).await
}

fn profile(lang: Lang, user: &User, m: &MemberRow) -> Markup {
    html! {
        dl {
            dt { (lang.t("members.card")) } dd { (m.card_no) }
            dt { (lang.t("members.name")) } dd { (m.name_for(user)) }
            dt { (lang.t("members.phone")) } dd { (m.phone_for(user)) }
            dt { (lang.t("members.tier")) } dd { (m.tier) }
            dt { (lang.t("members.balance")) } dd { (m.points_balance) }
        }
        @if may_see_personal_data(user) {
            p { a href={ "/members/" (url_part(&m.id)) "/personal-data" } { (lang.t("members.export_personal")) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_their_first_character() {
        assert_eq!(mask_name("王小明"), "王**");
        assert_eq!(mask_name(""), "");
    }
}
