//! Loyalty rules (积分规则): what a yuan earns per tier, what points are worth, how much
//! of a sale they may pay and when a manager must approve. Admins and merchandisers
//! change them with the domain's own checks; the tills take them at their next pull.
//! Until head office is given rules, the tills use the domain's defaults, and so does
//! this page.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use maud::{Markup, html};
use pos_domain::loyalty_rules::{
    LOYALTY_FIELDS, loyalty_rules_from_fields, loyalty_rules_to_fields,
};
use pos_domain::member::LoyaltyRules;
use serde::Deserialize;
use serde_json::json;

use crate::catalog::{loyalty_rules, save_loyalty_rules};
use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::session::Signed;
use crate::console::table::field;
use crate::console::{audit, csrf_refused, forbidden, page_error};
use crate::error::DbError;
use crate::state::AppState;

const PATH: &str = "/loyalty";

#[derive(Deserialize)]
pub struct Shown {
    saved: Option<String>,
}

fn form(lang: Lang, signed: &Signed, values: &[String], problem: Option<&str>) -> Markup {
    let editable = signed.user.may_edit_catalog();
    html! {
        @if let Some(problem) = problem {
            p.problem role="alert" { (problem) }
        }
        form method="post" action=(PATH) {
            input type="hidden" name="csrf" value=(signed.csrf);
            @for (field, value) in LOYALTY_FIELDS.iter().zip(values) {
                label {
                    (lang.t(&format!("loyalty.{field}"))) " "
                    @if editable { input name=(field) value=(value); }
                    @else { input name=(field) value=(value) readonly; }
                }
            }
            @if editable {
                button type="submit" { (lang.t("loyalty.save")) }
            }
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Query(shown): Query<Shown>,
) -> Response {
    let loaded = async {
        let client = state.pool.get().await?;
        let rules = loyalty_rules(&**client).await?;
        let velocity = super::loyalty_velocity::stored(&**client).await?;
        Ok::<_, DbError>((rules, velocity))
    };
    let ((rules, stored), velocity) = match loaded.await {
        Ok((Some(rules), velocity)) => ((rules, true), velocity),
        Ok((None, velocity)) => ((LoyaltyRules::default(), false), velocity),
        Err(e) => return page_error(e),
    };
    let body = html! {
        @if shown.saved.is_some() {
            p.notice role="status" { (lang.t("loyalty.saved")) }
        }
        @if !stored {
            p { (lang.t("loyalty.defaults")) }
        }
        (form(lang, &signed, &loyalty_rules_to_fields(&rules), None))
        (super::loyalty_velocity::section(lang, &signed, (&velocity.0, &velocity.1), None))
    };
    Html(page(lang, Some(&signed), &lang.t("loyalty.title"), PATH, body).into_string())
        .into_response()
}

pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Form(posted): Form<Vec<(String, String)>>,
) -> Response {
    let value = |name: &str| field(&posted, name).unwrap_or_default().to_owned();
    if !signed.csrf_matches(&value("csrf")) {
        return csrf_refused(lang, &signed);
    }
    if !signed.user.may_edit_catalog() {
        return forbidden(lang, &signed);
    }
    let values: Vec<String> = LOYALTY_FIELDS.iter().map(|f| value(f)).collect();
    let texts: Vec<&str> = values.iter().map(String::as_str).collect();
    let rules = match loyalty_rules_from_fields(&texts.try_into().expect("one value per field")) {
        Ok(rules) => rules,
        Err(e) => {
            let problem = lang.tf("loyalty.invalid", &[("why", &e.to_string())]);
            let body = form(lang, &signed, &values, Some(&problem));
            let markup = page(lang, Some(&signed), &lang.t("loyalty.title"), PATH, body);
            return (StatusCode::BAD_REQUEST, Html(markup.into_string())).into_response();
        }
    };
    match save(&state, &signed, &rules).await {
        Ok(()) => (
            StatusCode::SEE_OTHER,
            [(LOCATION, format!("{PATH}?saved=1"))],
        )
            .into_response(),
        Err(e) => page_error(e),
    }
}

/// Saves in one transaction with its audit entry (none when nothing changed).
async fn save(state: &AppState, signed: &Signed, rules: &LoyaltyRules) -> Result<(), DbError> {
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    let before = save_loyalty_rules(&tx, rules).await?;
    if before.as_ref() != Some(rules) {
        audit::record(
            &*tx,
            Utc::now(),
            &signed.user.name,
            "loyalty.update",
            "loyalty_rules",
            before.map(|b| json!(b)),
            Some(json!(rules)),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
