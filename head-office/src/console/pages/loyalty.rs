//! Loyalty rules (积分规则): what a yuan earns per tier, what points are worth, how much
//! of a sale they may pay and when a manager must approve, the tiers' thresholds and
//! the chain's own names of its tiers (zh-CN and English; empty: the built-in names).
//! Admins and merchandisers change them all with the domain's own checks (one form,
//! one role: the merchandiser role is the one that sets prices, promotions and
//! loyalty); store managers and auditors read. Each change is audited and listed under
//! the form ([`super::loyalty_history`]); the tills take them at their next pull.
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
    InvalidLoyaltyRules, LOYALTY_FIELDS, loyalty_rules_from_fields, loyalty_rules_to_fields,
};
use pos_domain::member::{LoyaltyRules, Tier};
use pos_domain::tier_labels::{
    TIER_LABEL_FIELDS, builtin_label_en, builtin_label_zh, tier_labels_from_fields,
    tier_labels_to_fields,
};
use serde::Deserialize;
use serde_json::json;

use super::loyalty_history::{changes, history_section};
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

/// Every field of the page, in order: the rules, then the tiers' names.
fn all_fields() -> impl Iterator<Item = &'static str> {
    LOYALTY_FIELDS.iter().chain(&TIER_LABEL_FIELDS).copied()
}

/// The values of [`all_fields`] for `rules`.
fn values_of(rules: &LoyaltyRules) -> Vec<String> {
    let mut values = loyalty_rules_to_fields(rules).to_vec();
    values.extend(tier_labels_to_fields(&rules.tiers.labels));
    values
}

/// What an empty tier-name field shows: the built-in label.
fn placeholder(field: &str) -> String {
    let tier = Tier::ALL.into_iter().find(|t| field.ends_with(t.code()));
    match tier {
        Some(t) if field.contains("_zh_") => builtin_label_zh(t).to_owned(),
        Some(t) => builtin_label_en(t).to_owned(),
        None => String::new(),
    }
}

fn form(lang: Lang, signed: &Signed, values: &[String], problem: Option<&str>) -> Markup {
    let editable = signed.user.may_edit_catalog();
    let input = |field: &str, value: &str| {
        let hint = placeholder(field);
        html! {
            label {
                (lang.t(&format!("loyalty.{field}"))) " "
                @if editable { input name=(field) value=(value) placeholder=(hint); }
                @else { input name=(field) value=(value) placeholder=(hint) readonly; }
            }
        }
    };
    let (rules, names) = values.split_at(LOYALTY_FIELDS.len());
    html! {
        @if let Some(problem) = problem {
            p.problem role="alert" { (problem) }
        }
        form method="post" action=(PATH) {
            input type="hidden" name="csrf" value=(signed.csrf);
            @for (field, value) in LOYALTY_FIELDS.iter().zip(rules) { (input(field, value)) }
            fieldset {
                legend { (lang.t("loyalty.tier_names")) }
                @for (field, value) in TIER_LABEL_FIELDS.iter().zip(names) { (input(field, value)) }
            }
            @if editable {
                button type="submit" { (lang.t("loyalty.save")) }
            }
        }
    }
}

/// Reads the posted fields: the rules, with the tiers' names.
fn read(values: &[String]) -> Result<LoyaltyRules, InvalidLoyaltyRules> {
    let texts: Vec<&str> = values.iter().map(String::as_str).collect();
    let (rules, names) = texts.split_at(LOYALTY_FIELDS.len());
    let mut rules = loyalty_rules_from_fields(rules.try_into().expect("one value per field"))?;
    rules.tiers.labels = tier_labels_from_fields(names.try_into().expect("one per name"))?;
    Ok(rules)
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
    let history = match state.pool.get().await {
        Ok(client) => changes(&**client).await,
        Err(e) => Err(e.into()),
    };
    let history = match history {
        Ok(history) => history,
        Err(e) => return page_error(e),
    };
    let body = html! {
        @if shown.saved.is_some() {
            p.notice role="status" { (lang.t("loyalty.saved")) }
        }
        @if !stored {
            p { (lang.t("loyalty.defaults")) }
        }
        (form(lang, &signed, &values_of(&rules), None))
        (super::loyalty_velocity::section(lang, &signed, (&velocity.0, &velocity.1), None))
        (history_section(lang, &history))
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
    let values: Vec<String> = all_fields().map(value).collect();
    let rules = match read(&values) {
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
