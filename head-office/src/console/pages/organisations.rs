//! Organisations (机构客户): clinics, pharmacies and hospitals as one customer. Everyone
//! signed in finds and reads them; admins and merchandisers create and edit them (name,
//! 统一社会信用代码, kind, departments), each change audited in its own transaction and
//! sent to the tills by the feed. Contacts and qualifications: `organisation_sections` (shown) and
//! `organisation_details` (changed).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use maud::{Markup, html};
use pos_domain::organisation::OrganisationKind;
use serde::Deserialize;
use serde_json::json;

use super::organisation_duplicates::merges_section;
use super::organisation_sections::{
    PATH, contacts_section, input_problem, log_contacts_read, may_edit_organisations,
    qualifications_section,
};
use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::session::Signed;
use crate::console::table::{Cell, Column, Kind, Listing, Names, Params, Row, Table};
use crate::console::{audit, csrf_refused, forbidden, page_error, problem_page, url_part};
use crate::duplicates::org_merge::{merges_into, survivor_of};
use crate::error::DbError;
use crate::organisations::{self, Listed, OrganisationRecord, check_input};
use crate::state::AppState;

/// Most organisations the list shows.
const LISTED_MAX: i64 = 500;

fn licence_text(lang: Lang, listed: &Listed) -> String {
    match listed.licence_until {
        None => lang.t("organisations.licence_missing"),
        Some(None) => lang.t("organisations.no_end"),
        Some(Some(d)) => d.to_string(),
    }
}

fn table(lang: Lang, found: &[Listed]) -> Table {
    let column = |key: &'static str, kind: Kind| Column {
        key,
        header: lang.t(&format!("organisations.{key}")),
        kind,
    };
    Table {
        id: "organisations",
        names: Names::Main,
        columns: vec![
            column("name", Kind::Text),
            column("credit_code", Kind::Text),
            column("kind", Kind::Text),
            column("licence_until", Kind::Text),
        ],
        rows: found
            .iter()
            .map(|o| Row {
                flagged: o.licence_until.is_none(),
                cells: vec![
                    Cell::Link {
                        text: o.name.clone(),
                        href: format!("{PATH}/{}", url_part(&o.id)),
                    },
                    Cell::Text(o.credit_code.clone()),
                    Cell::Text(lang.t(&format!("organisations.kind_{}", o.kind.code()))),
                    Cell::Text(licence_text(lang, o)),
                ],
            })
            .collect(),
    }
}

/// `GET /organisations?find=`: organisations whose name, code or id contains the text.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    let params = Params(raw);
    let wanted = params.get("find").unwrap_or_default().to_owned();
    let saved = params.get("saved").map(str::to_owned);
    let listing = Listing {
        lang,
        signed: &signed,
        title: lang.t("organisations.title"),
        path: PATH,
        params: &params,
        fields: html! {
            label { (lang.t("organisations.search")) " "
                input type="search" name="find" value=(wanted) autofocus;
            }
        },
    };
    let found = match state.pool.get().await {
        Ok(client) => organisations::search(&**client, &wanted, LISTED_MAX).await,
        Err(e) => Err(e.into()),
    };
    let around = crate::console::table::Around {
        above: html! {
            @if let Some(saved) = &saved {
                p.notice role="status" { (lang.tf("organisations.saved", &[("id", saved)])) }
            }
            @if may_edit_organisations(&signed.user) {
                p { a href={ (PATH) "/new" } { (lang.t("organisations.new")) } }
            }
        },
        ..crate::console::table::Around::none()
    };
    match found {
        Ok(found) if found.is_empty() => listing.form_only(html! {
            (around.above)
            p { (lang.t("organisations.none")) }
        }),
        Ok(found) => listing.answer_with(table(lang, &found), "organisations", around),
        Err(e) => page_error(e),
    }
}

/// The form's fields as typed.
#[derive(Debug, Default, Deserialize)]
pub struct Posted {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    credit_code: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    departments: String,
}

impl Posted {
    fn of(o: &OrganisationRecord) -> Posted {
        Posted {
            csrf: String::new(),
            name: o.name.clone(),
            credit_code: o.credit_code.clone(),
            kind: o.kind.code().to_owned(),
            departments: o.departments.join("\n"),
        }
    }
}

fn form(lang: Lang, signed: &Signed, action: &str, values: &Posted) -> Markup {
    let editable = may_edit_organisations(&signed.user);
    html! {
        form method="post" action=(action) {
            input type="hidden" name="csrf" value=(signed.csrf);
            label { (lang.t("organisations.name")) " "
                input name="name" value=(values.name) required readonly[!editable]; }
            label { (lang.t("organisations.credit_code")) " "
                input name="credit_code" value=(values.credit_code) required readonly[!editable]; }
            label { (lang.t("organisations.kind")) " "
                select name="kind" disabled[!editable] {
                    @for k in OrganisationKind::ALL {
                        option value=(k.code()) selected[values.kind == k.code()] {
                            (lang.t(&format!("organisations.kind_{}", k.code())))
                        }
                    }
                }
            }
            label { (lang.t("organisations.departments")) " "
                textarea name="departments" rows="4" readonly[!editable] { (values.departments) } }
            @if editable {
                button type="submit" { (lang.t("organisations.save")) }
            }
        }
    }
}

/// `GET /organisations/new`.
pub async fn new_form(lang: Lang, signed: Signed) -> Response {
    if !may_edit_organisations(&signed.user) {
        return forbidden(lang, &signed);
    }
    let body = form(lang, &signed, "/organisations/new", &Posted::default());
    let title = lang.t("organisations.new");
    Html(page(lang, Some(&signed), &title, PATH, body).into_string()).into_response()
}

/// `POST /organisations/new`.
pub async fn create(
    state: State<AppState>,
    lang: Lang,
    signed: Signed,
    Form(posted): Form<Posted>,
) -> Response {
    submit(state, lang, signed, None, posted).await
}

/// `POST /organisations/{id}`.
pub async fn update(
    state: State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<String>,
    Form(posted): Form<Posted>,
) -> Response {
    submit(state, lang, signed, Some(id), posted).await
}

/// Why a save did not happen.
enum Refused {
    Invalid(String),
    Gone,
}

async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    id: Option<String>,
    posted: Posted,
) -> Response {
    if !signed.csrf_matches(&posted.csrf) {
        return csrf_refused(lang, &signed);
    }
    if !may_edit_organisations(&signed.user) {
        return forbidden(lang, &signed);
    }
    let outcome = match check_input(
        &posted.name,
        &posted.credit_code,
        &posted.kind,
        &posted.departments,
    ) {
        Err(e) => Ok(Err(Refused::Invalid(input_problem(lang, &e)))),
        Ok(input) => save(&state, lang, &signed, id.as_deref(), &input).await,
    };
    let problem = match outcome {
        Ok(Ok(saved)) => {
            return (
                StatusCode::SEE_OTHER,
                [(LOCATION, format!("{PATH}?saved={}", url_part(&saved)))],
            )
                .into_response();
        }
        Ok(Err(Refused::Invalid(why))) => why,
        Ok(Err(Refused::Gone)) => {
            return problem_page(
                StatusCode::NOT_FOUND,
                lang,
                Some(&signed),
                "error.not_found",
            );
        }
        Err(e) => return page_error(e),
    };
    let action = match &id {
        None => "/organisations/new".to_owned(),
        Some(id) => format!("{PATH}/{}", url_part(id)),
    };
    let body = html! {
        p.problem role="alert" { (problem) }
        (form(lang, &signed, &action, &posted))
    };
    let title = lang.t("organisations.title");
    (
        StatusCode::BAD_REQUEST,
        Html(page(lang, Some(&signed), &title, PATH, body).into_string()),
    )
        .into_response()
}

/// Saves in one transaction with its audit entry (and the feed); the id saved.
async fn save(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    id: Option<&str>,
    input: &organisations::OrganisationInput,
) -> Result<Result<String, Refused>, DbError> {
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    if organisations::code_taken(&*tx, &input.credit_code, id).await? {
        let why = lang.tf("organisations.code_taken", &[("code", &input.credit_code)]);
        return Ok(Err(Refused::Invalid(why)));
    }
    let (saved, action, before) = match id {
        None => (
            organisations::create(&tx, input).await?,
            "organisation.create",
            None,
        ),
        Some(id) => {
            let Some(before) = organisations::load(&*tx, id).await? else {
                return Ok(Err(Refused::Gone));
            };
            organisations::update(&tx, id, input).await?;
            let before = json!({
                "name": before.name, "credit_code": before.credit_code,
                "kind": before.kind, "departments": before.departments,
            });
            (id.to_owned(), "organisation.update", Some(before))
        }
    };
    let after = json!(input);
    audit::record(
        &*tx,
        Utc::now(),
        &signed.user.name,
        action,
        &saved,
        before,
        Some(after),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(saved))
}

/// `GET /organisations/{id}`: the organisation, its qualifications and contacts.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<String>,
) -> Response {
    organisation_page(&state, lang, &signed, &id, StatusCode::OK, None).await
}

/// The organisation's page with an optional problem (`status` 400 then), or 404.
pub async fn organisation_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    id: &str,
    status: StatusCode,
    problem: Option<String>,
) -> Response {
    let loaded = async {
        let client = state.pool.get().await?;
        let Some(found) = organisations::load(&**client, id).await? else {
            return Ok(Err(survivor_of(&**client, id).await?));
        };
        log_contacts_read(&**client, &signed.user, &found).await?;
        let merges = merges_into(&**client, id).await?;
        Ok::<_, DbError>(Ok((found, merges)))
    }
    .await;
    match loaded {
        Ok(Ok((o, merges))) => {
            let action = format!("{PATH}/{}", url_part(&o.id));
            let body = html! {
                @if let Some(problem) = &problem { p.problem role="alert" { (problem) } }
                p { (lang.t("organisations.id")) ": " (o.id) }
                (form(lang, signed, &action, &Posted::of(&o)))
                (qualifications_section(lang, signed, &o))
                (contacts_section(lang, signed, &o))
                (merges_section(lang, &merges))
            };
            let title = format!("{} · {}", lang.t("organisations.title"), o.name);
            (
                status,
                Html(page(lang, Some(signed), &title, PATH, body).into_string()),
            )
                .into_response()
        }
        // Merged into another: its page is the survivor's.
        Ok(Err(Some(survivor))) => (
            StatusCode::SEE_OTHER,
            [(LOCATION, format!("{PATH}/{}", url_part(&survivor)))],
        )
            .into_response(),
        Ok(Err(None)) => problem_page(StatusCode::NOT_FOUND, lang, Some(signed), "error.not_found"),
        Err(e) => page_error(e),
    }
}
