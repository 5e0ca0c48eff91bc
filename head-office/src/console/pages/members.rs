//! Members (会员): find a member by card, phone or id, and read their whole point
//! ledger across stores with the document behind each entry; admins adjust points with
//! a reason (a document like any other). Phone and name are masked for every role but
//! admin.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::console::adjustment::{Adjusted, adjust_points};
use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::session::Signed;
use crate::console::table::{Cell, Column, Kind, Listing, Params, Row, Table};
use crate::console::users::{Role, User};
use crate::console::{csrf_refused, forbidden, page_error, problem_page, url_part};
use crate::error::DbError;
use crate::state::AppState;
use pos_domain::member::mask_phone;

const PATH: &str = "/members";
/// Most ledger entries a member's page lists, newest first.
const LEDGER_SHOWN: i64 = 500;

/// Full phone numbers and names are for admins; everyone else sees them masked.
pub fn may_see_personal_data(user: &User) -> bool {
    user.role == Role::Admin
}

/// 王小明 -> 王**.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count())),
        None => String::new(),
    }
}

struct MemberRow {
    id: String,
    card_no: String,
    phone: Option<String>,
    name: String,
    tier: String,
    points_balance: i64,
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

const MEMBER_COLUMNS: &str = "m.id, m.card_no, m.phone, m.name, m.tier, m.points_balance";

/// Members whose card, phone or id is exactly `wanted`, also through a till's merged id
/// or card. Exact only: a partial phone would let anyone list members.
async fn find(client: &impl GenericClient, wanted: &str) -> Result<Vec<MemberRow>, DbError> {
    let rows = client
        .query(
            &format!(
                "SELECT {MEMBER_COLUMNS} FROM members m
                 WHERE m.card_no = $1 OR m.phone = $1 OR m.id = $1
                    OR m.id IN (SELECT member_id FROM member_aliases WHERE alias_id = $1 OR card_no = $1)
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
        Ok(client) => find(&**client, wanted).await,
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

struct LedgerRow {
    recorded_at: DateTime<Utc>,
    store_id: String,
    entry: String,
    points: i64,
    balance_after: i64,
    document_id: Uuid,
    /// The document's kind and its till, where it is a till's document.
    document: Option<(String, String, i64)>,
}

/// The member's ledger, newest first; a store manager's only at their stores.
async fn ledger(
    client: &impl GenericClient,
    member_id: &str,
    stores: Option<&[String]>,
) -> Result<Vec<LedgerRow>, DbError> {
    let rows = client
        .query(
            "SELECT l.recorded_at, l.store_id, l.entry, l.points, l.balance_after, l.document_id,
                    d.kind, d.terminal_id, d.sequence
             FROM point_ledger l LEFT JOIN documents d ON d.id = l.document_id
             WHERE l.member_id = $1 AND ($3::text[] IS NULL OR l.store_id = ANY($3))
             ORDER BY l.recorded_at DESC, l.document_id LIMIT $2",
            &[&member_id, &LEDGER_SHOWN, &stores],
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
            document: r
                .get::<_, Option<String>>(6)
                .map(|kind| (kind, r.get(7), r.get(8))),
        })
        .collect())
}

#[derive(Deserialize)]
pub struct Flash {
    adjusted: Option<Uuid>,
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> Response {
    let notice = flash
        .adjusted
        .map(|d| lang.tf("members.adjusted", &[("document", &d.to_string())]));
    member_page(&state, lang, &signed, &id, StatusCode::OK, notice, None).await
}

/// The member's page with an optional notice or problem, or 404.
async fn member_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    id: &str,
    status: StatusCode,
    notice: Option<String>,
    problem: Option<String>,
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
        let entries = match &member {
            Some(m) => ledger(&**client, &m.id, signed.user.store_filter()).await?,
            None => Vec::new(),
        };
        Ok::<_, DbError>((member, entries))
    }
    .await;
    match loaded {
        Ok((Some(member), entries)) => {
            let body = html! {
                @if let Some(notice) = &notice { p.notice role="status" { (notice) } }
                @if let Some(problem) = &problem { p.problem role="alert" { (problem) } }
                (profile(lang, &signed.user, &member, &entries))
                @if may_adjust_points(&signed.user) {
                    (adjust_form(lang, signed, &member.id))
                }
            };
            let title = format!("{} · {}", lang.t("members.title"), member.card_no);
            (
                status,
                Html(page(lang, Some(signed), &title, PATH, body).into_string()),
            )
                .into_response()
        }
        Ok((None, _)) => problem_page(StatusCode::NOT_FOUND, lang, Some(signed), "error.not_found"),
        Err(e) => page_error(e),
    }
}

/// Manual point adjustments are for admins.
pub fn may_adjust_points(user: &User) -> bool {
    user.role == Role::Admin
}

fn adjust_form(lang: Lang, signed: &Signed, member_id: &str) -> Markup {
    html! {
        h2 { (lang.t("members.adjust")) }
        form method="post" action={ "/members/" (url_part(member_id)) "/adjust" } {
            input type="hidden" name="csrf" value=(signed.csrf);
            label { (lang.t("members.adjust_points")) " " input name="points" required; }
            label { (lang.t("members.adjust_reason")) " " input name="reason" required; }
            button type="submit" { (lang.t("members.adjust_submit")) }
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

/// Records a manual point adjustment as a document (see [`adjust_points`]), audited with
/// the balance before and after. One that would take the balance below zero is refused.
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
    let reason = form.reason.trim();
    let points = match form.points.trim().parse::<i64>() {
        Ok(p) if p != 0 && !reason.is_empty() => p,
        _ => {
            let problem = lang.t("members.adjust_invalid");
            return member_page(
                &state,
                lang,
                &signed,
                &id,
                StatusCode::BAD_REQUEST,
                None,
                Some(problem),
            )
            .await;
        }
    };
    let done = async {
        let Some(before) = balance(&**state.pool.get().await?, &id).await? else {
            return Ok(None);
        };
        if before.checked_add(points).is_none_or(|after| after < 0) {
            return Ok(Some(Adjusted::Refused(lang.tf(
                "members.adjust_below_zero",
                &[("balance", &before.to_string())],
            ))));
        }
        let outcome = adjust_points(
            &state.pool,
            &id,
            points,
            reason,
            &signed.user.name,
            Uuid::now_v7(),
            Utc::now(),
        )
        .await?;
        Ok::<_, DbError>(Some(outcome))
    }
    .await;
    match done {
        Ok(Some(Adjusted::Stored(document))) => (
            StatusCode::SEE_OTHER,
            [(
                LOCATION,
                format!("{PATH}/{}?adjusted={document}", url_part(&id)),
            )],
        )
            .into_response(),
        Ok(Some(Adjusted::Refused(why))) => {
            let problem = lang.tf("members.adjust_refused", &[("why", &why)]);
            member_page(
                &state,
                lang,
                &signed,
                &id,
                StatusCode::BAD_REQUEST,
                None,
                Some(problem),
            )
            .await
        }
        Ok(None) => problem_page(
            StatusCode::NOT_FOUND,
            lang,
            Some(&signed),
            "error.not_found",
        ),
        Err(e) => page_error(e),
    }
}

async fn balance(client: &impl GenericClient, id: &str) -> Result<Option<i64>, DbError> {
    Ok(client
        .query_opt("SELECT points_balance FROM members WHERE id = $1", &[&id])
        .await?
        .map(|r| r.get(0)))
}

fn profile(lang: Lang, user: &User, m: &MemberRow, entries: &[LedgerRow]) -> Markup {
    html! {
        dl {
            dt { (lang.t("members.card")) } dd { (m.card_no) }
            dt { (lang.t("members.name")) } dd { (m.name_for(user)) }
            dt { (lang.t("members.phone")) } dd { (m.phone_for(user)) }
            dt { (lang.t("members.tier")) } dd { (m.tier) }
            dt { (lang.t("members.balance")) } dd { (m.points_balance) }
        }
        h2 { (lang.t("members.ledger")) }
        div.scroll { table id="ledger" {
            thead { tr {
                th { (lang.t("audit.at")) } th { (lang.t("tills.store")) }
                th { (lang.t("members.entry")) } th { (lang.t("members.points")) }
                th { (lang.t("members.balance_after")) } th { (lang.t("tills.document")) }
            } }
            tbody {
                @for e in entries {
                    tr {
                        td { (e.recorded_at.format("%Y-%m-%d %H:%M:%S")) } td { (e.store_id) }
                        td { (e.entry) } td { (e.points) } td { (e.balance_after) }
                        td {
                            @match &e.document {
                                Some((kind, terminal, sequence)) => {
                                    (kind) " " (e.store_id) "/" (terminal) " #" (sequence)
                                }
                                None => (e.document_id),
                            }
                        }
                    }
                }
            }
        } }
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
