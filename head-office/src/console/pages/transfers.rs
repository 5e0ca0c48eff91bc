//! Transfers (调拨): every transfer between stores as ingest kept it — dispatched by one
//! store, received by the other — with what was sent, what arrived and the difference
//! head office settles. In transit and short transfers are highlighted. A store manager
//! sees the transfers from or to their stores.

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use maud::html;
use tokio_postgres::GenericClient;

use crate::console::i18n::Lang;
use crate::console::stores::StoreScoped;
use crate::console::table::{Cell, Column, Kind, Listing, Names, Row, Table};
use crate::console::{page_error, stores};
use crate::error::DbError;
use crate::state::AppState;

const PATH: &str = "/transfers";

/// Transfers from or to a list of stores ($1, NULL for all), newest first, with the
/// units each side's lines add up to.
const SQL: &str = "SELECT transfer_id, from_store, to_store, dispatched_on, received_on,
            (SELECT sum((l->>'quantity')::int8)::int8 FROM jsonb_array_elements(dispatched_lines) l),
            (SELECT sum((l->>'quantity')::int8)::int8 FROM jsonb_array_elements(received_lines) l)
     FROM transfers
     WHERE $1::text[] IS NULL OR from_store = ANY($1) OR to_store = ANY($1)
     ORDER BY coalesce(dispatched_on, received_on) DESC, transfer_id";

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Dispatched, not received yet (在途).
    InTransit,
    /// Dispatched and received (已收货).
    Received,
    /// Received while head office has not had the dispatch yet (the sending till is
    /// still to send it).
    DispatchAwaited,
}

impl Status {
    fn key(self) -> &'static str {
        match self {
            Status::InTransit => "in_transit",
            Status::Received => "received",
            Status::DispatchAwaited => "dispatch_awaited",
        }
    }
}

struct Transfer {
    id: String,
    from_store: String,
    to_store: String,
    dispatched_on: Option<NaiveDate>,
    received_on: Option<NaiveDate>,
    dispatched: Option<i64>,
    received: Option<i64>,
}

impl Transfer {
    fn status(&self) -> Status {
        match (self.dispatched_on, self.received_on) {
            (_, None) => Status::InTransit,
            (Some(_), Some(_)) => Status::Received,
            (None, Some(_)) => Status::DispatchAwaited,
        }
    }

    /// Units received less units dispatched, once both are known.
    fn difference(&self) -> Option<i64> {
        Some(self.received? - self.dispatched?)
    }
}

async fn transfers(
    client: &impl GenericClient,
    stores: Option<&[String]>,
) -> Result<Vec<Transfer>, DbError> {
    let rows = client.query(SQL, &[&stores]).await?;
    Ok(rows
        .iter()
        .map(|r| Transfer {
            id: r.get(0),
            from_store: r.get(1),
            to_store: r.get(2),
            dispatched_on: r.get(3),
            received_on: r.get(4),
            dispatched: r.get(5),
            received: r.get(6),
        })
        .collect())
}

fn table(lang: Lang, transfers: Vec<Transfer>) -> Table {
    let column = |key: &'static str, kind: Kind| Column {
        key,
        header: lang.t(&format!("transfers.{key}")),
        kind,
    };
    let day = |d: Option<NaiveDate>| d.map_or(Cell::Empty, Cell::Date);
    let units = |n: Option<i64>| n.map_or(Cell::Empty, Cell::Number);
    Table {
        id: "transfers",
        names: Names::Main,
        columns: vec![
            column("transfer", Kind::Text),
            column("from", Kind::Text),
            column("to", Kind::Text),
            column("dispatched_on", Kind::Date),
            column("received_on", Kind::Date),
            column("status", Kind::Text),
            column("dispatched", Kind::Number),
            column("received", Kind::Number),
            column("difference", Kind::Number),
        ],
        rows: transfers
            .into_iter()
            .map(|t| {
                let status = t.status();
                let difference = t.difference();
                Row {
                    flagged: status != Status::Received || difference.is_some_and(|d| d != 0),
                    cells: vec![
                        Cell::Text(t.id),
                        Cell::Text(t.from_store),
                        Cell::Text(t.to_store),
                        day(t.dispatched_on),
                        day(t.received_on),
                        Cell::Text(lang.t(&format!("transfers.status_{}", status.key()))),
                        units(t.dispatched),
                        units(t.received),
                        units(difference),
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
    let (client, choosable) = match stores::open(&state, &signed).await {
        Ok(opened) => opened,
        Err(answer) => return answer,
    };
    let listing = Listing {
        lang,
        signed: &signed,
        title: lang.t("transfers.title"),
        path: PATH,
        params: &params,
        fields: html! {
            (stores::select(lang, &lang.t("transfers.store"), &choosable, params.get("store")))
        },
    };
    let shown = match stores::shown(lang, &signed, &params) {
        Ok(shown) => shown,
        Err(reason) => return listing.refused(&[reason]),
    };
    let stores = shown;
    match transfers(&**client, stores.as_deref()).await {
        Ok(found) => listing.answer(table(lang, found), "transfers"),
        Err(e) => page_error(e),
    }
}
