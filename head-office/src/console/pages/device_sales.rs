//! Device sales record (医疗器械销售记录): every sale, return and void line of a class
//! II or III device, with the model, registration number, lot or serial and expiry, the
//! manufacturer and its licence or filing number as the catalog said when the line was
//! recorded, the document's number and the member masked. By store and business dates;
//! a store manager sees their stores only.

use axum::extract::State;
use axum::response::Response;
use chrono::{NaiveDate, TimeDelta, Utc};
use maud::html;

use crate::aggregates;
use crate::console::filters;
use crate::console::i18n::Lang;
use crate::console::stores::StoreScoped;
use crate::console::table::{Around, Cell, Column, Kind, Listing, Names, Params, Row, Table};
use crate::console::{page_error, stores};
use crate::device_sales::{self, DeviceSale};
use crate::state::AppState;

const PATH: &str = "/device-sales";
/// Business dates shown when the query names none: today and the 30 days before.
const DEFAULT_DAYS: i64 = 31;
/// Longest range one query may ask for.
const RANGE_DAYS_MAX: i64 = 366;

#[derive(Debug, PartialEq)]
struct Filters {
    store: Option<String>,
    from: NaiveDate,
    to: NaiveDate,
}

/// The filters, or every reason they were refused.
fn filters(lang: Lang, params: &Params, today: NaiveDate) -> Result<Filters, Vec<String>> {
    let mut reasons = Vec::new();
    let store = filters::store(lang, params).unwrap_or_else(|r| {
        reasons.push(r);
        None
    });
    let mut date = |field: &str| {
        let label = lang.t(&format!("device_sales.{field}"));
        filters::date(lang, params, field, &label).unwrap_or_else(|r| {
            reasons.push(r);
            None
        })
    };
    let (from, to) = (date("from"), date("to"));
    if !reasons.is_empty() {
        return Err(reasons);
    }
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(to - TimeDelta::days(DEFAULT_DAYS - 1));
    if from > to {
        return Err(vec![lang.t("device_sales.from_after_to")]);
    }
    if (to - from).num_days() >= RANGE_DAYS_MAX {
        return Err(vec![lang.tf(
            "device_sales.range_too_long",
            &[("days", &RANGE_DAYS_MAX.to_string())],
        )]);
    }
    Ok(Filters { store, from, to })
}

fn table(lang: Lang, sales: Vec<DeviceSale>) -> Table {
    let column = |key: &'static str, kind: Kind| Column {
        key,
        header: lang.t(&format!("device_sales.{key}")),
        kind,
    };
    let text = |t: Option<String>| t.map_or(Cell::Empty, Cell::Text);
    Table {
        id: "device_sales",
        names: Names::Main,
        columns: vec![
            column("date", Kind::Date),
            column("store", Kind::Text),
            column("document", Kind::Text),
            column("kind", Kind::Text),
            column("sku", Kind::Text),
            column("name", Kind::Text),
            column("model_spec", Kind::Text),
            column("registration_no", Kind::Text),
            column("device_class", Kind::Text),
            column("quantity", Kind::Number),
            column("unit_price", Kind::Money),
            column("lot", Kind::Text),
            column("serial", Kind::Text),
            column("expiry", Kind::Date),
            column("manufacturer", Kind::Text),
            column("manufacturer_licence", Kind::Text),
            column("member", Kind::Text),
        ],
        rows: sales
            .into_iter()
            .map(|s| Row {
                flagged: s.quantity < 0,
                cells: vec![
                    Cell::Date(s.business_date),
                    Cell::Text(s.store_id),
                    Cell::Text(s.document_no),
                    Cell::Text(lang.t(&format!("device_sales.kind_{}", s.kind))),
                    Cell::Text(s.sku),
                    Cell::Text(s.name),
                    text(s.model_spec),
                    text(s.registration_no),
                    Cell::Text(s.device_class),
                    Cell::Number(s.quantity),
                    Cell::Money(s.unit_price),
                    text(s.lot_no),
                    text(s.serial),
                    s.expiry_date.map_or(Cell::Empty, Cell::Date),
                    text(s.manufacturer),
                    text(s.manufacturer_licence),
                    text(s.member),
                ],
            })
            .collect(),
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    StoreScoped { signed, params }: StoreScoped,
) -> Response {
    let today = crate::console::chain_today(Utc::now());
    let parsed = filters(lang, &params, today);
    let (from, to) = match &parsed {
        Ok(f) => (f.from.to_string(), f.to.to_string()),
        Err(_) => (
            params.get("from").unwrap_or_default().to_owned(),
            params.get("to").unwrap_or_default().to_owned(),
        ),
    };
    let mut client = match state.pool.get().await {
        Ok(client) => client,
        Err(e) => return page_error(e.into()),
    };
    // What ingest queued moments ago is on the page too.
    if let Err(e) = aggregates::fold_round(&mut client).await {
        tracing::warn!(error = %e, "folding before the device sales page failed");
    }
    let choosable = match stores::choosable(&**client, &signed.user).await {
        Ok(stores) => stores,
        Err(e) => return page_error(e),
    };
    let listing = Listing {
        lang,
        signed: &signed,
        title: lang.t("device_sales.title"),
        path: PATH,
        params: &params,
        fields: html! {
            (stores::select(lang, &lang.t("device_sales.store"), &choosable, params.get("store")))
            label { (lang.t("device_sales.from")) " " input type="date" name="from" value=(from); }
            label { (lang.t("device_sales.to")) " " input type="date" name="to" value=(to); }
        },
    };
    let filters = match parsed {
        Ok(f) => f,
        Err(reasons) => return listing.refused(&reasons),
    };
    let stores = signed.user.stores_to_show(filters.store);
    let found = device_sales::device_sales(
        &**client,
        stores.as_deref(),
        Some(filters.from),
        Some(filters.to),
        device_sales::ROWS_MAX,
    )
    .await;
    match found {
        Ok(found) => {
            let between = html! {
                @if found.more {
                    p.notice role="status" {
                        (lang.tf("device_sales.more", &[("rows", &device_sales::ROWS_MAX.to_string())]))
                    }
                }
            };
            let around = Around {
                between,
                ..Around::none()
            };
            listing.answer_with(table(lang, found.sales), "device-sales", around)
        }
        Err(e) => page_error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn the_default_is_the_last_31_days_and_bad_dates_are_named() {
        let f = filters(Lang::En, &Params::of(&[]), day(31)).unwrap();
        assert_eq!((f.from, f.to, f.store), (day(1), day(31), None));
        let reasons = filters(
            Lang::En,
            &Params::of(&[("to", "2026-12-32"), ("store", "S 1")]),
            day(6),
        )
        .unwrap_err();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("2026-12-32")));
        let backwards = Params::of(&[("from", "2026-12-05"), ("to", "2026-12-04")]);
        assert!(filters(Lang::En, &backwards, day(6)).is_err());
        let long = Params::of(&[("from", "2025-01-01"), ("to", "2026-12-04")]);
        assert!(filters(Lang::En, &long, day(6)).is_err());
    }
}
