//! Integrations (系统对接): the online shop, the CRM, the ERP. Admins add one (its key is
//! shown once, on the answer to the form) and revoke one; both are audited. Nobody
//! else sees this page.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use maud::{Markup, html};
use serde_json::json;

use crate::console::i18n::Lang;
use crate::console::layout::{may_manage_integrations, page};
use crate::console::session::Signed;
use crate::console::table::field;
use crate::console::{audit, csrf_refused, forbidden, page_error, url_part};
use crate::error::DbError;
use crate::integrations::keys::{self, Integration, KeyError, Scope};
use crate::state::AppState;

const PATH: &str = "/integrations";

fn listing(lang: Lang, signed: &Signed, integrations: &[Integration]) -> Markup {
    html! {
        table {
            thead { tr {
                th { (lang.t("integrations.name")) }
                th { (lang.t("integrations.channel")) }
                th { (lang.t("integrations.scopes")) }
                th { (lang.t("integrations.created")) }
                th { (lang.t("integrations.state")) }
            } }
            tbody {
                @for i in integrations {
                    tr {
                        td { (i.name) }
                        td { (i.channel) }
                        td { (i.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")) }
                        td { (i.created_by) " " (i.created_at.format("%Y-%m-%d %H:%M")) }
                        td {
                            @if let Some(at) = i.revoked_at {
                                (lang.tf("integrations.revoked_at", &[("at", &at.format("%Y-%m-%d %H:%M").to_string())]))
                            } @else {
                                form.inline method="post" action={ (PATH) "/" (url_part(&i.name)) "/revoke" } {
                                    input type="hidden" name="csrf" value=(signed.csrf);
                                    button type="submit" { (lang.t("integrations.revoke")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (lang.t("integrations.new")) }
        form method="post" action=(PATH) {
            input type="hidden" name="csrf" value=(signed.csrf);
            label { (lang.t("integrations.name")) " " input name="name" required; }
            label { (lang.t("integrations.channel")) " " input name="channel" placeholder="shop" required; }
            @for scope in Scope::ALL {
                label { input type="checkbox" name="scope" value=(scope.as_str()); " " (scope.as_str()) }
            }
            button type="submit" { (lang.t("integrations.add")) }
        }
    }
}

async fn render(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    status: StatusCode,
    top: Markup,
) -> Response {
    let integrations = match state.pool.get().await {
        Ok(client) => keys::list(&**client).await,
        Err(e) => Err(KeyError::Db(e.into())),
    };
    let integrations = match integrations {
        Ok(list) => list,
        Err(KeyError::Db(e)) => return page_error(e),
        Err(e) => return page_error(DbError::Corrupt(e.to_string())),
    };
    let body = html! { (top) (listing(lang, signed, &integrations)) };
    let markup = page(
        lang,
        Some(signed),
        &lang.t("integrations.title"),
        PATH,
        body,
    );
    (status, Html(markup.into_string())).into_response()
}

pub async fn show(State(state): State<AppState>, lang: Lang, signed: Signed) -> Response {
    if !may_manage_integrations(&signed.user) {
        return forbidden(lang, &signed);
    }
    render(&state, lang, &signed, StatusCode::OK, html! {}).await
}

fn problem(text: &str) -> Markup {
    html! { p.problem role="alert" { (text) } }
}

/// Adds an integration and shows its key this once; audited without the key.
pub async fn add(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Form(posted): Form<Vec<(String, String)>>,
) -> Response {
    if !signed.csrf_matches(field(&posted, "csrf").unwrap_or_default()) {
        return csrf_refused(lang, &signed);
    }
    if !may_manage_integrations(&signed.user) {
        return forbidden(lang, &signed);
    }
    let name = field(&posted, "name").unwrap_or_default().trim().to_owned();
    let channel = field(&posted, "channel")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let scope_names: Vec<&str> = posted
        .iter()
        .filter(|(k, _)| k == "scope")
        .map(|(_, v)| v.as_str())
        .collect();
    let added = async {
        let scopes = keys::parse_scopes(&scope_names)?;
        let mut client = state.pool.get().await.map_err(DbError::from)?;
        let tx = client.transaction().await?;
        let key = keys::add(&*tx, &name, &channel, &scopes, &signed.user.name).await?;
        let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
        audit::record(
            &*tx,
            Utc::now(),
            &signed.user.name,
            "integration.add",
            &name,
            None,
            Some(json!({ "channel": channel, "scopes": scopes })),
        )
        .await?;
        tx.commit().await?;
        Ok::<String, KeyError>(key)
    }
    .await;
    match added {
        Ok(key) => {
            let top = html! {
                p.notice role="status" { (lang.tf("integrations.added", &[("name", &name)])) }
                p { code { (key) } }
            };
            render(&state, lang, &signed, StatusCode::OK, top).await
        }
        Err(KeyError::Db(e)) => page_error(e),
        Err(e) => {
            let status = match e {
                KeyError::NameTaken(_) => StatusCode::CONFLICT,
                _ => StatusCode::BAD_REQUEST,
            };
            render(&state, lang, &signed, status, problem(&refusal(lang, &e))).await
        }
    }
}

/// A refusal in the person's language, naming what is wrong.
fn refusal(lang: Lang, e: &KeyError) -> String {
    match e {
        KeyError::BadName(name) => lang.tf("integrations.bad_name", &[("name", name)]),
        KeyError::BadChannel(channel) => {
            lang.tf("integrations.bad_channel", &[("channel", channel)])
        }
        KeyError::BadScope(scope) => lang.tf("integrations.bad_scope", &[("scope", scope)]),
        KeyError::NoScope => lang.t("integrations.no_scope"),
        KeyError::NameTaken(name) => lang.tf("integrations.name_taken", &[("name", name)]),
        KeyError::Unknown(name) => lang.tf("integrations.unknown", &[("name", name)]),
        KeyError::AlreadyRevoked(name) => {
            lang.tf("integrations.already_revoked", &[("name", name)])
        }
        KeyError::Db(e) => e.to_string(),
    }
}

/// Revokes an integration's key; audited.
pub async fn revoke(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(name): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Response {
    if !signed.csrf_matches(field(&posted, "csrf").unwrap_or_default()) {
        return csrf_refused(lang, &signed);
    }
    if !may_manage_integrations(&signed.user) {
        return forbidden(lang, &signed);
    }
    let revoked = async {
        let mut client = state.pool.get().await.map_err(DbError::from)?;
        let tx = client.transaction().await?;
        let integration = keys::revoke(&*tx, &name, &signed.user.name).await?;
        audit::record(
            &*tx,
            Utc::now(),
            &signed.user.name,
            "integration.revoke",
            &name,
            Some(json!({ "revoked": false })),
            Some(json!({ "revoked": true, "channel": integration.channel })),
        )
        .await?;
        tx.commit().await?;
        Ok::<(), KeyError>(())
    }
    .await;
    match revoked {
        Ok(()) => {
            let top = html! {
                p.notice role="status" { (lang.tf("integrations.revoked", &[("name", &name)])) }
            };
            render(&state, lang, &signed, StatusCode::OK, top).await
        }
        Err(KeyError::Db(e)) => page_error(e),
        Err(e) => {
            let status = match e {
                KeyError::Unknown(_) => StatusCode::NOT_FOUND,
                _ => StatusCode::CONFLICT,
            };
            render(&state, lang, &signed, status, problem(&refusal(lang, &e))).await
        }
    }
}
