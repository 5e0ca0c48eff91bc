//! Velocity thresholds (积分使用频次预警): how many redemptions of one member in a day,
//! or at how many stores, head office flags for review (the tills page lists the
//! flags). Admins and merchandisers set them, audited; everyone reads them. Shown on
//! the loyalty rules page ([`section`]).

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::session::Signed;
use crate::console::{audit, csrf_refused, forbidden, page_error};
use crate::error::DbError;
use crate::state::AppState;
use crate::velocity_rules::{self, VelocityRules, VelocityRulesError};

pub const PATH: &str = "/loyalty/velocity";

/// The form, with the values shown (as stored, or as typed when refused).
pub fn section(
    lang: Lang,
    signed: &Signed,
    (max_redemptions, stores_flagged): (&str, &str),
    problem: Option<&str>,
) -> Markup {
    let editable = signed.user.may_edit_catalog();
    html! {
        h2 { (lang.t("velocity.title")) }
        p { (lang.t("velocity.hint")) }
        @if let Some(problem) = problem { p.problem role="alert" { (problem) } }
        form method="post" action=(PATH) {
            input type="hidden" name="csrf" value=(signed.csrf);
            label {
                (lang.t("velocity.max_redemptions")) " "
                input name="max_redemptions" value=(max_redemptions) readonly[!editable];
            }
            label {
                (lang.t("velocity.stores_flagged")) " "
                input name="stores_flagged" value=(stores_flagged) readonly[!editable];
            }
            @if editable { button type="submit" { (lang.t("velocity.save")) } }
        }
    }
}

/// The stored thresholds as the section shows them.
pub async fn stored(
    client: &impl tokio_postgres::GenericClient,
) -> Result<(String, String), DbError> {
    let rules = velocity_rules::load(client).await?;
    Ok((
        rules.max_redemptions.to_string(),
        rules.stores_flagged.to_string(),
    ))
}

#[derive(Deserialize)]
pub struct VelocityForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    max_redemptions: String,
    #[serde(default)]
    stores_flagged: String,
}

/// `POST /loyalty/velocity`.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Form(form): Form<VelocityForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    if !signed.user.may_edit_catalog() {
        return forbidden(lang, &signed);
    }
    let rules = match VelocityRules::parse(&form.max_redemptions, &form.stores_flagged) {
        Ok(rules) => rules,
        Err(e) => {
            let key = match e {
                VelocityRulesError::MaxRedemptions => "velocity.bad_max_redemptions",
                VelocityRulesError::StoresFlagged => "velocity.bad_stores_flagged",
            };
            let typed = (form.max_redemptions.as_str(), form.stores_flagged.as_str());
            let body = section(lang, &signed, typed, Some(&lang.t(key)));
            let markup = page(
                lang,
                Some(&signed),
                &lang.t("velocity.title"),
                "/loyalty",
                body,
            );
            return (StatusCode::BAD_REQUEST, Html(markup.into_string())).into_response();
        }
    };
    match save(&state, &signed, &rules).await {
        Ok(()) => (StatusCode::SEE_OTHER, [(LOCATION, "/loyalty?saved=1")]).into_response(),
        Err(e) => page_error(e),
    }
}

/// Saves in one transaction with its audit entry (none when nothing changed).
async fn save(state: &AppState, signed: &Signed, rules: &VelocityRules) -> Result<(), DbError> {
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    let before = velocity_rules::save(&*tx, rules, &signed.user.name).await?;
    if before != *rules {
        audit::record(
            &*tx,
            Utc::now(),
            &signed.user.name,
            "velocity.update",
            "velocity_rules",
            Some(json!(before)),
            Some(json!(rules)),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
