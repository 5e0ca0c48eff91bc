//! The audit log (审计日志), newest first: read-only for everyone; sortable, filterable
//! and exportable like every console table.

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;

use crate::console::audit::{AuditEntry, latest};
use crate::console::i18n::Lang;
use crate::console::layout::may_read_audit;
use crate::console::session::Signed;
use crate::console::table::{Cell, Column, Kind, Listing, Names, Params, Row, Table};
use crate::console::{forbidden, page_error};
use crate::state::AppState;

const PATH: &str = "/audit";
/// Newest entries the page (and its CSV) reads.
const READ_MAX: i64 = 10_000;

fn table(lang: Lang, entries: Vec<AuditEntry>) -> Table {
    let column = |key: &'static str| Column {
        key,
        header: lang.t(&format!("audit.{key}")),
        kind: Kind::Text,
    };
    let json = |v: Option<serde_json::Value>| match v {
        Some(v) => Cell::Text(v.to_string()),
        None => Cell::Empty,
    };
    Table {
        id: "audit",
        names: Names::Main,
        columns: ["at", "user", "action", "subject", "before", "after"]
            .into_iter()
            .map(column)
            .collect(),
        rows: entries
            .into_iter()
            .map(|e| Row {
                flagged: false,
                cells: vec![
                    Cell::Text(e.at.format("%Y-%m-%d %H:%M:%S").to_string()),
                    Cell::Text(e.user_name),
                    Cell::Text(e.action),
                    Cell::Text(e.subject),
                    json(e.before),
                    json(e.after),
                ],
            })
            .collect(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    if !may_read_audit(&signed.user) {
        return forbidden(lang, &signed);
    }
    let params = Params(raw);
    let listing = Listing {
        lang,
        signed: &signed,
        title: lang.t("audit.title"),
        path: PATH,
        params: &params,
        fields: html! {},
    };
    let entries = match state.pool.get().await {
        Ok(client) => latest(&**client, READ_MAX).await,
        Err(e) => Err(e.into()),
    };
    match entries {
        Ok(entries) => listing.answer(table(lang, entries), "audit"),
        Err(e) => page_error(e),
    }
}
