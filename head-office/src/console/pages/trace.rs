//! Trace (追溯): where a lot or a serial unit went — every receipt, transfer, sale (with
//! the member, masked unless the person may see personal data), return, void, write-off
//! and count, across the stores the person sees. A lot's page is the recall list; a
//! serial's is the unit's whole life.

use axum::extract::State;
use axum::response::Response;
use maud::html;

use super::member_privacy::{log_read, may_see_personal_data};
use super::members::mask_name;
use crate::aggregates;
use crate::console::i18n::Lang;
use crate::console::stores::StoreScoped;
use crate::console::table::{Around, Cell, Column, Kind, Listing, Names, Row, Table};
use crate::console::users::User;
use crate::console::{page_error, url_part};
use crate::state::AppState;
use crate::trace_reports::{self, MemberOf, Movement, Traced};
use pos_domain::member::mask_phone;

const PATH: &str = "/trace";

/// A member as this person may see them: card, and phone and name masked but to admins.
fn member_cell(user: &User, member: Option<MemberOf>) -> Cell {
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
            column("warranty", Kind::Date),
        ],
        rows: found
            .into_iter()
            .map(|m| {
                let warranty = m.warranty_ends().map_or(Cell::Empty, Cell::Date);
                Row {
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
                        warranty,
                    ],
                }
            })
            .collect(),
    }
}

/// Units sold less units returned and voided, and the stores and members they went to;
/// for a serial unit sold now, the last day of its warranty.
fn summary(lang: Lang, found: &[Movement], serial: bool) -> String {
    let (sold, stores, members) = trace_reports::sold(found);
    let said = lang.tf(
        "trace.summary",
        &[
            ("sold", &sold.to_string()),
            ("members", &members.len().to_string()),
            ("stores", &stores.len().to_string()),
        ],
    );
    match trace_reports::warranty_now(found).filter(|_| serial) {
        Some(ends) => format!(
            "{said} {}",
            lang.tf("trace.warranty_ends", &[("date", &ends.to_string())])
        ),
        None => said,
    }
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
    let traced = match lot {
        Some(lot) => Traced::Lot { sku, lot },
        None => Traced::Serial {
            sku: Some(sku),
            serial: serial.unwrap_or_default(),
        },
    };
    let found = match trace_reports::movements(&**client, traced, stores.as_deref(), i64::MAX).await
    {
        Ok(found) => {
            let shown: Vec<&str> = found
                .iter()
                .filter_map(|m| m.member.as_ref().map(|(id, ..)| id.as_str()))
                .collect();
            log_read(&**client, &signed.user, PATH, &shown)
                .await
                .map(|()| found)
        }
        Err(e) => Err(e),
    };
    match found {
        Ok(found) if found.is_empty() => listing.form_only(html! { p { (lang.t("trace.none")) } }),
        Ok(found) => {
            let between =
                html! { p.notice role="status" { (summary(lang, &found, lot.is_none())) } };
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
