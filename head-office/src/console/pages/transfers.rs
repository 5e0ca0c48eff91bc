//! Transfers (调拨): every transfer between stores as ingest kept it — dispatched by one
//! store, received by the other — with what was sent, what arrived and the difference
//! head office settles. In transit and short transfers are highlighted. A store manager
//! sees the transfers from or to their stores.

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;

use crate::console::i18n::Lang;
use crate::console::stores::StoreScoped;
use crate::console::table::{Cell, Column, Kind, Names, Row, Table};
use crate::console::{page_error, stores};
use crate::state::AppState;
use crate::stock_lists::{self, Transfer, TransferState};

const PATH: &str = "/transfers";

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
                let (status, difference) = (t.state, t.difference);
                Row {
                    flagged: status != TransferState::Received
                        || difference.is_some_and(|d| d != 0),
                    cells: vec![
                        Cell::Text(t.transfer_id),
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
    let listing = stores::store_listing(lang, &signed, &params, ("transfers", PATH), &choosable);
    let stores = match stores::shown(lang, &signed, &params) {
        Ok(shown) => shown,
        Err(reason) => return listing.refused(&[reason]),
    };
    match stock_lists::transfers(&**client, stores.as_deref(), None, i64::MAX).await {
        Ok(found) => listing.answer(table(lang, found.transfers), "transfers"),
        Err(e) => page_error(e),
    }
}
