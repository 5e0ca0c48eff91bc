//! Transfer orders (调拨单): every order from or to the stores a person sees, where it
//! stands (requested, ordered, dispatched, received, cancelled), and the form to make
//! one — ordered at once by an admin or merchandiser, a request when a store manager
//! makes it — with approve and cancel buttons where the person may use them. The rules
//! and the audit are `console::transfer_orders`'; the tills hear through the feed.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use maud::{Markup, html};
use serde::Deserialize;

use super::transfer_order_text::refusal_text;
use crate::console::i18n::Lang;
use crate::console::session::Signed;
use crate::console::stores::StoreScoped;
use crate::console::table::{Around, Cell, Column, Kind, Names, Row, Table};
use crate::console::transfer_orders::{self as actions, Decision, NewOrder, OrderRefusal};
use crate::console::users::Role;
use crate::console::{csrf_refused, page_error, refused_change, stores, url_part};
use crate::error::DbError;
use crate::state::AppState;
use crate::transfer_orders::{self, OrderStatus, StoredOrder};

const PATH: &str = "/transfer-orders";

/// The approve and cancel buttons `signed` may press on `order`.
fn buttons(lang: Lang, signed: &Signed, order: &StoredOrder) -> Markup {
    let user = &signed.user;
    let head_office = matches!(user.role, Role::Admin | Role::Merchandiser);
    let approve = head_office && order.status == OrderStatus::Requested;
    let cancel = match order.status {
        OrderStatus::Requested => head_office || order.requested_by == user.name,
        OrderStatus::Ordered => head_office,
        _ => false,
    };
    let form = |what: &str, label: &str| {
        html! {
            form.inline method="post"
                action={ (PATH) "/" (url_part(&order.transfer_id)) "/" (what) } {
                input type="hidden" name="csrf" value=(signed.csrf);
                button type="submit" { (lang.t(label)) }
            }
        }
    };
    html! {
        @if approve { (form("approve", "transfer_orders.approve")) }
        @if cancel { (form("cancel", "transfer_orders.cancel")) }
    }
}

fn table(lang: Lang, signed: &Signed, orders: Vec<StoredOrder>) -> Table {
    let column = |key: &'static str, kind: Kind| Column {
        key,
        header: lang.t(&format!("transfer_orders.{key}")),
        kind,
    };
    Table {
        id: "transfer_orders",
        names: Names::Main,
        columns: vec![
            column("transfer", Kind::Text),
            column("from", Kind::Text),
            column("to", Kind::Text),
            column("lines", Kind::Text),
            column("units", Kind::Number),
            column("status", Kind::Text),
            column("requested_by", Kind::Text),
            column("decided_by", Kind::Text),
            column("note", Kind::Text),
            column("action", Kind::Action),
        ],
        rows: orders
            .into_iter()
            .map(|o| {
                let lines: Vec<String> = o
                    .lines
                    .iter()
                    .map(|l| {
                        format!(
                            "{} {} ×{}",
                            l.sku,
                            l.lot.as_deref().unwrap_or("-"),
                            l.quantity
                        )
                    })
                    .collect();
                let units = o.lines.iter().map(|l| i64::from(l.quantity)).sum();
                let action = buttons(lang, signed, &o);
                let mut status = lang.t(&format!("transfer_orders.status_{}", o.status.code()));
                if o.moved_unapproved {
                    status = format!("{status} {}", lang.t("transfer_orders.moved_unapproved"));
                }
                Row {
                    flagged: o.status == OrderStatus::Requested || o.moved_unapproved,
                    cells: vec![
                        Cell::Text(o.transfer_id),
                        Cell::Text(o.from_store),
                        Cell::Text(o.to_store),
                        Cell::Text(lines.join("; ")),
                        Cell::Number(units),
                        Cell::Text(status),
                        Cell::Text(o.requested_by),
                        Cell::Text(o.decided_by.unwrap_or_default()),
                        Cell::Text(o.note),
                        Cell::action(Cell::Empty, action),
                    ],
                }
            })
            .collect(),
    }
}

/// The form of a new order: stores and one line per row, `SKU [lot] units`.
fn new_form(lang: Lang, signed: &Signed, stores: &[String]) -> Markup {
    let select = |name: &str| {
        html! {
            select name=(name) required {
                @for store in stores { option value=(store) { (store) } }
            }
        }
    };
    html! {
        @if signed.user.role != Role::Auditor {
            h2 { (lang.t("transfer_orders.new")) }
            form method="post" action=(PATH) {
                input type="hidden" name="csrf" value=(signed.csrf);
                label { (lang.t("transfer_orders.from")) " " (select("from_store")) }
                " "
                label { (lang.t("transfer_orders.to")) " " (select("to_store")) }
                br;
                label { (lang.t("transfer_orders.lines_help")) br;
                    textarea name="lines" rows="5" cols="40" required {} }
                br;
                label { (lang.t("transfer_orders.note")) " " input type="text" name="note" maxlength="200"; }
                button type="submit" { (lang.t("transfer_orders.make")) }
            }
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    StoreScoped { signed, params }: StoreScoped,
) -> Response {
    let (client, choosable) = match stores::open(&state, &signed).await {
        Ok(opened) => opened,
        Err(answer) => return answer,
    };
    let listing = stores::store_listing(
        lang,
        &signed,
        &params,
        ("transfer_orders", PATH),
        &choosable,
    );
    let shown = match stores::shown(lang, &signed, &params) {
        Ok(shown) => shown,
        Err(reason) => return listing.refused(&[reason]),
    };
    // A transfer may go between any two stores (a store manager's must touch theirs).
    let all_stores = match stores::all(&**client).await {
        Ok(stores) => stores,
        Err(e) => return page_error(e),
    };
    let orders = match transfer_orders::list(&**client, shown.as_deref()).await {
        Ok(orders) => orders,
        Err(e) => return page_error(e),
    };
    let around = Around {
        above: match params.get("made") {
            Some(id) => {
                html! { p.notice role="status" { (lang.tf("transfer_orders.made", &[("transfer", id)])) } }
            }
            None => html! {},
        },
        below: new_form(lang, &signed, &all_stores),
        ..Around::none()
    };
    listing.answer_with(table(lang, &signed, orders), "transfer-orders", around)
}

#[derive(Deserialize)]
pub struct OrderForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    from_store: String,
    #[serde(default)]
    to_store: String,
    #[serde(default)]
    lines: String,
    #[serde(default)]
    note: String,
}

/// `SKU [lot] units` per row; a row of another shape is refused by its number.
fn lines_of(text: &str) -> Result<Vec<(String, Option<String>, i64)>, usize> {
    text.lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, row)| {
            let parts: Vec<&str> = row.split_whitespace().collect();
            let (sku, lot, units) = match parts.as_slice() {
                [sku, units] => (sku, None, units),
                [sku, lot, units] => (sku, Some(lot.to_string()), units),
                _ => return Err(i + 1),
            };
            let units = units.parse().map_err(|_| i + 1)?;
            Ok((sku.to_string(), lot, units))
        })
        .collect()
}

fn refused_page(lang: Lang, signed: &Signed, status: StatusCode, reason: &str) -> Response {
    let page = (PATH, "transfer_orders.title", "transfer_orders.back");
    refused_change(lang, signed, status, reason, page)
}

fn refusal_status(refusal: &OrderRefusal) -> StatusCode {
    match refusal {
        OrderRefusal::NotAllowed(_) | OrderRefusal::NotYourStore { .. } => StatusCode::FORBIDDEN,
        OrderRefusal::NotFound(_) => StatusCode::NOT_FOUND,
        OrderRefusal::WrongStatus { .. } | OrderRefusal::Duplicate(_) => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn answer(
    lang: Lang,
    signed: &Signed,
    done: Result<Result<StoredOrder, OrderRefusal>, DbError>,
) -> Response {
    match done {
        Ok(Ok(order)) => (
            StatusCode::SEE_OTHER,
            [(
                LOCATION,
                format!("{PATH}?made={}", url_part(&order.transfer_id)),
            )],
        )
            .into_response(),
        Ok(Err(refusal)) => refused_page(
            lang,
            signed,
            refusal_status(&refusal),
            &refusal_text(lang, &refusal),
        ),
        Err(e) => page_error(e),
    }
}

pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Form(form): Form<OrderForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    let lines = match lines_of(&form.lines) {
        Ok(lines) => lines,
        Err(row) => {
            let reason = lang.tf("transfer_orders.bad_row", &[("row", &row.to_string())]);
            return refused_page(lang, &signed, StatusCode::BAD_REQUEST, &reason);
        }
    };
    let new = NewOrder {
        from_store: form.from_store.trim().to_owned(),
        to_store: form.to_store.trim().to_owned(),
        lines,
        note: form.note,
    };
    order(&state, lang, &signed, &new).await
}

/// Makes `new` (an order, or a store manager's request) and answers with the orders
/// page, or the refusal. The Replenishment page's button comes here too.
pub(super) async fn order(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    new: &NewOrder,
) -> Response {
    let done = async {
        let mut client = state.pool.get().await?;
        let tx = client.transaction().await?;
        let made = actions::create(&tx, &signed.user, new, Utc::now()).await?;
        if made.is_ok() {
            tx.commit().await?;
        }
        Ok::<_, DbError>(made)
    }
    .await;
    answer(lang, signed, done)
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

async fn decide(
    state: AppState,
    lang: Lang,
    signed: Signed,
    transfer_id: String,
    csrf: &str,
    decision: Decision,
) -> Response {
    if !signed.csrf_matches(csrf) {
        return csrf_refused(lang, &signed);
    }
    let done = async {
        let mut client = state.pool.get().await?;
        let tx = client.transaction().await?;
        let decided =
            actions::decide(&tx, &signed.user, &transfer_id, decision, Utc::now()).await?;
        if decided.is_ok() {
            tx.commit().await?;
        }
        Ok::<_, DbError>(decided)
    }
    .await;
    answer(lang, &signed, done)
}

pub async fn approve(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(transfer_id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    decide(
        state,
        lang,
        signed,
        transfer_id,
        &form.csrf,
        Decision::Approve,
    )
    .await
}

pub async fn cancel(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(transfer_id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    decide(
        state,
        lang,
        signed,
        transfer_id,
        &form.csrf,
        Decision::Cancel,
    )
    .await
}
