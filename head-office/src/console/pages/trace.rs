//! Trace (追溯): where a lot or a serial unit went — every receipt, transfer, sale (with
//! the member, masked unless the person may see personal data), return, void, write-off
//! and count, across the stores the person sees. A lot's page is the recall list; a
//! serial's is the unit's whole life.

use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use maud::html;
use tokio_postgres::GenericClient;

use super::members::{mask_name, may_see_personal_data};
use crate::aggregates;
use crate::console::i18n::Lang;
use crate::console::stores::StoreScoped;
use crate::console::table::{Around, Cell, Column, Kind, Listing, Names, Row, Table};
use crate::console::users::User;
use crate::console::{page_error, url_part};
use crate::error::DbError;
use crate::state::AppState;
use pos_domain::member::mask_phone;

const PATH: &str = "/trace";

/// The trace of SKU $1's lot $2 (or, when $2 is NULL, of its serial $3), at stores $4
/// (NULL for all), in date order, with each document's till and the member behind an
/// offline id.
const SQL: &str = "SELECT t.business_date, t.store_id, t.kind, d.terminal_id, d.sequence,
            t.quantity, t.serial, t.lot_no, m.id, m.card_no, m.phone, m.name
     FROM lot_trace t
     JOIN documents d ON d.id = t.document_id
     LEFT JOIN member_aliases a ON a.alias_id = t.member_id
     LEFT JOIN members m ON m.id = coalesce(a.member_id, t.member_id)
     WHERE t.sku = $1 AND (($2::text IS NOT NULL AND t.lot_no = $2)
                           OR ($2::text IS NULL AND t.serial = $3))
       AND ($4::text[] IS NULL OR t.store_id = ANY($4))
     ORDER BY t.business_date, t.store_id, d.terminal_id, d.sequence";

struct Movement {
    date: NaiveDate,
    store_id: String,
    kind: String,
    terminal_id: String,
    sequence: i64,
    quantity: i64,
    serial: Option<String>,
    lot_no: String,
    /// (id, card, phone, name) of the member a sale or return was for.
    member: Option<(String, String, Option<String>, String)>,
}

async fn movements(
    client: &impl GenericClient,
    sku: &str,
    lot: Option<&str>,
    serial: Option<&str>,
    stores: Option<&[String]>,
) -> Result<Vec<Movement>, DbError> {
    let rows = client.query(SQL, &[&sku, &lot, &serial, &stores]).await?;
    Ok(rows
        .iter()
        .map(|r| Movement {
            date: r.get(0),
            store_id: r.get(1),
            kind: r.get(2),
            terminal_id: r.get(3),
            sequence: r.get(4),
            quantity: r.get(5),
            serial: r.get(6),
            lot_no: r.get(7),
            member: r
                .get::<_, Option<String>>(8)
                .map(|id| (id, r.get(9), r.get(10), r.get(11))),
        })
        .collect())
}

/// A member as this person may see them: card, and phone and name masked but to admins.
fn member_cell(user: &User, member: Option<(String, String, Option<String>, String)>) -> Cell {
    let Some((id, card, phone, name)) = member else {
        return Cell::Empty;
    };
    let phone = phone.unwrap_or_default();
    let (phone, name) = if may_see_personal_data(user) {
        (phone, name)
    } else {
        (mask_phone(&phone), mask_name(&name))
    };
    Cell::Link {
        text: format!("{card} {name} {phone}"),
        href: format!("/members/{}", url_part(&id)),
    }
}

fn table(lang: Lang, user: &User, found: Vec<Movement>) -> Table {
    let column = |key: &'static str, kind: Kind| Column {
        key,
        header: lang.t(&format!("trace.{key}")),
        kind,
    };
    Table {
        id: "trace",
        names: Names::Main,
        columns: vec![
            column("date", Kind::Date),
            column("store", Kind::Text),
            column("kind", Kind::Text),
            column("document", Kind::Text),
            column("lot", Kind::Text),
            column("serial", Kind::Text),
            column("quantity", Kind::Number),
            column("member", Kind::Text),
        ],
        rows: found
            .into_iter()
            .map(|m| Row {
                flagged: m.kind == "sale",
                cells: vec![
                    Cell::Date(m.date),
                    Cell::Text(m.store_id.clone()),
                    Cell::Text(lang.t(&format!("trace.kind_{}", m.kind))),
                    Cell::Text(format!("{}/{} #{}", m.store_id, m.terminal_id, m.sequence)),
                    Cell::Text(m.lot_no),
                    m.serial.map_or(Cell::Empty, Cell::Text),
                    Cell::Number(m.quantity),
                    member_cell(user, m.member),
                ],
            })
            .collect(),
    }
}

/// Units sold less units returned and voided, and the stores and members they went to.
fn summary(lang: Lang, found: &[Movement]) -> String {
    let sales: Vec<&Movement> = found
        .iter()
        .filter(|m| ["sale", "return", "void"].contains(&m.kind.as_str()))
        .collect();
    let sold = sales
        .iter()
        .fold(0i64, |sum, m| sum.saturating_sub(m.quantity));
    let stores: std::collections::BTreeSet<&str> =
        sales.iter().map(|m| m.store_id.as_str()).collect();
    let members: std::collections::BTreeSet<&str> = sales
        .iter()
        .filter_map(|m| m.member.as_ref().map(|(id, ..)| id.as_str()))
        .collect();
    lang.tf(
        "trace.summary",
        &[
            ("sold", &sold.to_string()),
            ("members", &members.len().to_string()),
            ("stores", &stores.len().to_string()),
        ],
    )
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    StoreScoped { signed, params }: StoreScoped,
) -> Response {
    let (sku, lot, serial) = (params.get("sku"), params.get("lot"), params.get("serial"));
    let listing = Listing {
        lang,
        signed: &signed,
        title: lang.t("trace.title"),
        path: PATH,
        params: &params,
        fields: html! {
            label { (lang.t("trace.sku")) " " input name="sku" value=[sku]; }
            label { (lang.t("trace.lot")) " " input name="lot" value=[lot]; }
            label { (lang.t("trace.serial")) " " input name="serial" value=[serial]; }
            @if let Some(store) = params.get("store") { input type="hidden" name="store" value=(store); }
        },
    };
    let Some(sku) = sku else {
        return listing.form_only(html! { p { (lang.t("trace.ask")) } });
    };
    if lot.is_none() && serial.is_none() {
        return listing.refused(&[lang.t("trace.lot_or_serial")]);
    }
    let mut client = match state.pool.get().await {
        Ok(client) => client,
        Err(e) => return page_error(e.into()),
    };
    // What ingest queued moments ago is on the page too.
    if let Err(e) = aggregates::fold_round(&mut client).await {
        tracing::warn!(error = %e, "folding before the trace page failed");
    }
    let stores = signed
        .user
        .stores_to_show(params.get("store").map(str::to_owned));
    match movements(&**client, sku, lot, serial, stores.as_deref()).await {
        Ok(found) if found.is_empty() => listing.form_only(html! { p { (lang.t("trace.none")) } }),
        Ok(found) => {
            let between = html! { p.notice role="status" { (summary(lang, &found)) } };
            let table = table(lang, &signed.user, found);
            let around = Around {
                between,
                ..Around::none()
            };
            listing.answer_with(table, "trace", around)
        }
        Err(e) => page_error(e),
    }
}
