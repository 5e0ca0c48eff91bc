//! Replenishment (补货建议): per store and SKU, what is held, on its way and sold, the
//! levels it is kept at, and what to bring in — from which store's lots as a transfer,
//! and what to buy. One button turns a store's proposed transfer into a transfer order
//! (a request when a store manager presses it); a form sets a store's own minimum and
//! maximum for a SKU. Both audited. A store manager sees and acts for their stores.

use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::is_valid_id;
use crate::chain_time;
use crate::console::i18n::Lang;
use crate::console::session::Signed;
use crate::console::stores::StoreScoped;
use crate::console::table::{Around, Cell, Column, Kind, Listing, Names, Row, Table, field};
use crate::console::transfer_orders::NewOrder;
use crate::console::users::Role;
use crate::console::{
    audit, csrf_refused, forbidden, page_error, refused_change, stores, url_part,
};
use crate::error::DbError;
use crate::replenishment::{self, LEAD_DAYS_MAX, Policy, Suggestion, WINDOW_DAYS_MAX};
use crate::state::AppState;

const PATH: &str = "/replenishment";

/// `name` as whole days from 1 to `max`, `default` when absent.
fn days(lang: Lang, value: Option<&str>, default: i64, max: i64) -> Result<i64, String> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=max).contains(d))
            .ok_or_else(|| {
                lang.tf(
                    "replenishment.bad_days",
                    &[("value", v), ("max", &max.to_string())],
                )
            }),
    }
}

/// The transfer button of one proposed source: posts the lots and units to take.
fn transfer_button(lang: Lang, signed: &Signed, s: &Suggestion, from: &str) -> Markup {
    let covers: Vec<String> = s
        .transfers
        .iter()
        .filter(|c| c.from_store == from)
        .map(|c| format!("{}:{}", c.lot.as_deref().unwrap_or(""), c.quantity))
        .collect();
    html! {
        form.inline method="post" action={ (PATH) "/transfer" } {
            input type="hidden" name="csrf" value=(signed.csrf);
            input type="hidden" name="from_store" value=(from);
            input type="hidden" name="to_store" value=(s.store_id);
            input type="hidden" name="sku" value=(s.sku);
            input type="hidden" name="covers" value=(covers.join(";"));
            button type="submit" { (lang.tf("replenishment.make_transfer", &[("store", from)])) }
        }
    }
}

fn table(lang: Lang, signed: &Signed, suggestions: Vec<Suggestion>) -> Table {
    let column = |key: &'static str, kind: Kind| Column {
        key,
        header: lang.t(&format!("replenishment.{key}")),
        kind,
    };
    let may_order = signed.user.role != Role::Auditor;
    Table {
        id: "replenishment",
        names: Names::Main,
        columns: vec![
            column("store", Kind::Text),
            column("sku", Kind::Text),
            column("on_hand", Kind::Number),
            column("incoming", Kind::Number),
            column("velocity", Kind::Money),
            column("safety", Kind::Number),
            column("reorder_point", Kind::Number),
            column("order_up_to", Kind::Number),
            column("need", Kind::Number),
            column("transfers", Kind::Text),
            column("purchase", Kind::Number),
            column("action", Kind::Action),
        ],
        rows: suggestions
            .into_iter()
            .map(|s| {
                let proposed: Vec<String> = s
                    .transfers
                    .iter()
                    .map(|c| {
                        let lot = c.lot.as_deref().unwrap_or("-");
                        format!("{} {lot} ×{}", c.from_store, c.quantity)
                    })
                    .collect();
                let mut sources: Vec<&str> =
                    s.transfers.iter().map(|c| c.from_store.as_str()).collect();
                sources.dedup();
                let buttons = html! {
                    @if may_order {
                        @for from in &sources { (transfer_button(lang, signed, &s, from)) }
                    }
                };
                Row {
                    flagged: s.purchase > 0,
                    cells: vec![
                        Cell::Text(s.store_id.clone()),
                        Cell::Link {
                            text: s.sku.clone(),
                            href: format!("/catalog/{}", url_part(&s.sku)),
                        },
                        Cell::Number(s.on_hand),
                        Cell::Number(s.incoming),
                        Cell::Money(s.velocity),
                        Cell::Number(s.safety),
                        Cell::Number(s.reorder_point),
                        Cell::Number(s.order_up_to),
                        Cell::Number(s.need),
                        Cell::Text(proposed.join("; ")),
                        Cell::Number(s.purchase),
                        Cell::action(Cell::Empty, buttons),
                    ],
                }
            })
            .collect(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    StoreScoped { signed, params }: StoreScoped,
) -> Response {
    let (mut client, choosable) = match stores::open(&state, &signed).await {
        Ok(opened) => opened,
        Err(answer) => return answer,
    };
    let asked = |name: &str| params.get(name).map(str::to_owned);
    let listing = Listing {
        lang,
        signed: &signed,
        title: lang.t("replenishment.title"),
        path: PATH,
        params: &params,
        fields: html! {
            (stores::select(lang, &lang.t("replenishment.store"), &choosable, params.get("store")))
            label { (lang.t("replenishment.window")) " "
                input type="number" name="window" min="1" max=(WINDOW_DAYS_MAX)
                    value=(asked("window").unwrap_or_default()) placeholder="28"; }
            label { (lang.t("replenishment.lead")) " "
                input type="number" name="lead" min="1" max=(LEAD_DAYS_MAX)
                    value=(asked("lead").unwrap_or_default()) placeholder="7"; }
        },
    };
    let shown = match stores::shown(lang, &signed, &params) {
        Ok(shown) => shown,
        Err(reason) => return listing.refused(&[reason]),
    };
    let defaults = Policy::default();
    let policy = match (
        days(
            lang,
            params.get("window"),
            defaults.window_days,
            WINDOW_DAYS_MAX,
        ),
        days(lang, params.get("lead"), defaults.lead_days, LEAD_DAYS_MAX),
    ) {
        (Ok(window_days), Ok(lead_days)) => Policy {
            window_days,
            lead_days,
            ..defaults
        },
        (a, b) => {
            return listing.refused(&[a.err(), b.err()].into_iter().flatten().collect::<Vec<_>>());
        }
    };
    let today = chain_time::today(Utc::now());
    let suggestions = match replenishment::load(&mut **client, today, policy).await {
        Ok((positions, safety)) => replenishment::suggest(&positions, &safety, policy),
        Err(e) => return page_error(e),
    };
    let suggestions = suggestions
        .into_iter()
        .filter(|s| {
            shown
                .as_ref()
                .is_none_or(|stores| stores.contains(&s.store_id))
        })
        .collect();
    let around = Around {
        below: levels_form(lang, &signed, &choosable),
        ..Around::none()
    };
    listing.answer_with(table(lang, &signed, suggestions), "replenishment", around)
}

/// Sets a store's own minimum and maximum for a SKU (both empty: back to the defaults).
fn levels_form(lang: Lang, signed: &Signed, stores: &[String]) -> Markup {
    html! {
        @if signed.user.role != Role::Auditor {
            h2 { (lang.t("replenishment.levels")) }
            form.inline method="post" action={ (PATH) "/levels" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                label { (lang.t("replenishment.store")) " "
                    select name="store" {
                        @for store in stores { option value=(store) { (store) } }
                    }
                }
                label { (lang.t("replenishment.sku")) " " input type="text" name="sku" required; }
                label { (lang.t("replenishment.min")) " " input type="number" name="min" min="0"; }
                label { (lang.t("replenishment.max")) " " input type="number" name="max" min="0"; }
                button type="submit" { (lang.t("replenishment.set_levels")) }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    from_store: String,
    #[serde(default)]
    to_store: String,
    #[serde(default)]
    sku: String,
    /// `lot:units;lot:units`, lot empty for a product without lots.
    #[serde(default)]
    covers: String,
}

/// (SKU, lot, units) lines of a posted proposal; `None` when it is not one.
fn lines_of(sku: &str, covers: &str) -> Option<Vec<(String, Option<String>, i64)>> {
    covers
        .split(';')
        .map(|cover| {
            let (lot, units) = cover.rsplit_once(':')?;
            let lot = (!lot.is_empty()).then(|| lot.to_owned());
            Some((sku.to_owned(), lot, units.parse().ok()?))
        })
        .collect()
}

fn refused_page(lang: Lang, signed: &Signed, status: StatusCode, reason: &str) -> Response {
    let page = (PATH, "replenishment.title", "replenishment.back");
    refused_change(lang, signed, status, reason, page)
}

/// Turns a proposed transfer into a transfer order (a request for a store manager).
pub async fn make_transfer(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Form(form): Form<TransferForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    if signed.user.role == Role::Auditor {
        return forbidden(lang, &signed);
    }
    let Some(lines) = lines_of(form.sku.trim(), &form.covers) else {
        return refused_page(
            lang,
            &signed,
            StatusCode::BAD_REQUEST,
            &lang.t("replenishment.bad_covers"),
        );
    };
    let new = NewOrder {
        from_store: form.from_store.trim().to_owned(),
        to_store: form.to_store.trim().to_owned(),
        lines,
        note: lang.t("replenishment.note"),
    };
    super::transfer_orders::order(&state, lang, &signed, &new).await
}

#[derive(Deserialize)]
pub struct LevelsForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    fields: std::collections::HashMap<String, String>,
}

/// Sets (or clears, when both are empty) a store's minimum and maximum for a SKU.
pub async fn set_levels(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Form(form): Form<LevelsForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    let pairs: Vec<(String, String)> = form.fields.into_iter().collect();
    let (store, sku) = (
        field(&pairs, "store").unwrap_or(""),
        field(&pairs, "sku").unwrap_or(""),
    );
    if signed.user.role == Role::Auditor || !signed.user.sees_store(store) {
        return forbidden(lang, &signed);
    }
    let level = |name: &str| -> Result<Option<i64>, ()> {
        match field(&pairs, name).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=1_000_000_000).contains(n))
                .map(Some)
                .ok_or(()),
        }
    };
    let (Ok(min), Ok(max)) = (level("min"), level("max")) else {
        return refused_page(
            lang,
            &signed,
            StatusCode::BAD_REQUEST,
            &lang.t("replenishment.bad_level"),
        );
    };
    if min.zip(max).is_some_and(|(min, max)| max < min) || !is_valid_id(store) {
        return refused_page(
            lang,
            &signed,
            StatusCode::BAD_REQUEST,
            &lang.t("replenishment.bad_level"),
        );
    }
    let done = async {
        let mut client = state.pool.get().await?;
        let tx = client.transaction().await?;
        let known = tx.query_opt("SELECT 1 FROM products WHERE sku = $1", &[&sku]).await?;
        if known.is_none() {
            return Ok(false);
        }
        let before = tx
            .query_opt(
                "SELECT min_qty, max_qty FROM stock_levels WHERE store_id = $1 AND sku = $2 FOR UPDATE",
                &[&store, &sku],
            )
            .await?
            .map(|r| serde_json::json!({"min": r.get::<_, Option<i64>>(0), "max": r.get::<_, Option<i64>>(1)}));
        let now = Utc::now();
        if min.is_none() && max.is_none() {
            tx.execute("DELETE FROM stock_levels WHERE store_id = $1 AND sku = $2", &[&store, &sku])
                .await?;
        } else {
            tx.execute(
                "INSERT INTO stock_levels (store_id, sku, min_qty, max_qty, set_by, set_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (store_id, sku) DO UPDATE SET min_qty = excluded.min_qty,
                     max_qty = excluded.max_qty, set_by = excluded.set_by, set_at = excluded.set_at",
                &[&store, &sku, &min, &max, &signed.user.name, &now],
            )
            .await?;
        }
        let after = serde_json::json!({"min": min, "max": max});
        let subject = format!("{store}/{sku}");
        audit::record(&*tx, now, &signed.user.name, "stock_level.set", &subject, before, Some(after))
            .await?;
        tx.commit().await?;
        Ok::<_, DbError>(true)
    }
    .await;
    match done {
        Ok(true) => (
            StatusCode::SEE_OTHER,
            [(LOCATION, format!("{PATH}?store={}", url_part(store)))],
        )
            .into_response(),
        Ok(false) => refused_page(
            lang,
            &signed,
            StatusCode::BAD_REQUEST,
            &lang.tf("replenishment.unknown_sku", &[("sku", sku)]),
        ),
        Err(e) => page_error(e),
    }
}
