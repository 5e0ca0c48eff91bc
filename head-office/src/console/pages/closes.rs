//! Daily closes (日结): each store's Z reports by business date, counted cash against
//! expected cash, variances highlighted. Store managers see only their stores.

use axum::extract::State;
use axum::response::Response;
use chrono::{NaiveDate, TimeDelta, Utc};
use maud::html;
use rust_decimal::Decimal;
use tokio_postgres::GenericClient;

use crate::auth::is_valid_id;
use crate::console::filters;
use crate::console::i18n::Lang;
use crate::console::stores::StoreScoped;
use crate::console::table::{Cell, Column, Kind, Listing, Names, Params, Row, Table};
use crate::console::{page_error, stores};
use crate::error::DbError;
use crate::state::AppState;

const PATH: &str = "/closes";
/// Business dates shown when the query names none: today and the six days before.
const DEFAULT_DAYS: i64 = 7;
/// Longest range one query may ask for.
const RANGE_DAYS_MAX: i64 = 366;

/// The Z reports of a list of stores ($1, NULL for all) from $2 to $3, on the (store,
/// kind, business date) and (kind, business date) indexes. Duplicate Z reports set
/// aside at ingest are left out. Public for the test that reads its plan.
pub const SQL: &str = "SELECT store_id, business_date, terminal_id,
                    (document->'body'->>'z_no')::bigint,
                    document->'body'->'totals'->>'expected_cash',
                    document->'body'->>'counted_cash',
                    document->'body'->>'variance'
             FROM documents
             WHERE kind = 'z_report' AND z_duplicate_of IS NULL
               AND ($1::text[] IS NULL OR store_id = ANY($1))
               AND business_date BETWEEN $2 AND $3
             ORDER BY store_id, business_date, terminal_id";

/// One terminal's Z report.
struct Close {
    store_id: String,
    business_date: NaiveDate,
    terminal_id: String,
    z_no: i64,
    expected_cash: Decimal,
    counted_cash: Decimal,
    variance: Decimal,
}

/// The Z reports of `stores` (all when `None`) from `from` to `to`, in one statement.
async fn closes(
    client: &impl GenericClient,
    stores: Option<&[String]>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Close>, DbError> {
    let rows = client.query(SQL, &[&stores, &from, &to]).await?;
    rows.iter()
        .map(|r| {
            let amount = |i: usize| -> Result<Decimal, DbError> {
                let text: Option<String> = r.get(i);
                text.as_deref()
                    .and_then(|t| t.parse().ok())
                    .ok_or_else(|| DbError::Corrupt(format!("stored Z report amount {text:?}")))
            };
            Ok(Close {
                store_id: r.get(0),
                business_date: r.get(1),
                terminal_id: r.get(2),
                z_no: r
                    .get::<_, Option<i64>>(3)
                    .ok_or_else(|| DbError::Corrupt("stored Z report without z_no".into()))?,
                expected_cash: amount(4)?,
                counted_cash: amount(5)?,
                variance: amount(6)?,
            })
        })
        .collect()
}

/// What the page's own filters asked for.
#[derive(Debug)]
struct Filters {
    store: Option<String>,
    from: NaiveDate,
    to: NaiveDate,
}

fn date(lang: Lang, params: &Params, field: &str) -> Result<Option<NaiveDate>, String> {
    filters::date(lang, params, field, &lang.t(&format!("closes.{field}")))
}

/// The filters, or every reason they were refused.
fn filters(lang: Lang, params: &Params, today: NaiveDate) -> Result<Filters, Vec<String>> {
    let mut reasons = Vec::new();
    let store = params.get("store").map(str::to_owned);
    if let Some(bad) = store.as_deref().filter(|s| !is_valid_id(s)) {
        reasons.push(lang.tf("table.bad_store", &[("value", bad)]));
    }
    let from = date(lang, params, "from").unwrap_or_else(|r| {
        reasons.push(r);
        None
    });
    let to = date(lang, params, "to").unwrap_or_else(|r| {
        reasons.push(r);
        None
    });
    if !reasons.is_empty() {
        return Err(reasons);
    }
    let to = to.unwrap_or(today);
    let from = from.unwrap_or(to - TimeDelta::days(DEFAULT_DAYS - 1));
    if from > to {
        return Err(vec![lang.t("closes.from_after_to")]);
    }
    if (to - from).num_days() >= RANGE_DAYS_MAX {
        return Err(vec![lang.tf(
            "closes.range_too_long",
            &[("days", &RANGE_DAYS_MAX.to_string())],
        )]);
    }
    Ok(Filters { store, from, to })
}

fn table(lang: Lang, closes: Vec<Close>) -> Table {
    let column = |key: &'static str, kind: Kind| Column {
        key,
        header: lang.t(&format!("closes.{key}")),
        kind,
    };
    Table {
        id: "closes",
        names: Names::Main,
        columns: vec![
            column("store", Kind::Text),
            column("business_date", Kind::Date),
            column("terminal", Kind::Text),
            column("z_no", Kind::Number),
            column("expected_cash", Kind::Money),
            column("counted_cash", Kind::Money),
            column("variance", Kind::Money),
        ],
        rows: closes
            .into_iter()
            .map(|c| Row {
                flagged: !c.variance.is_zero(),
                cells: vec![
                    Cell::Text(c.store_id),
                    Cell::Date(c.business_date),
                    Cell::Text(c.terminal_id),
                    Cell::Number(c.z_no),
                    Cell::Money(c.expected_cash),
                    Cell::Money(c.counted_cash),
                    Cell::Money(c.variance),
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
    let client = match state.pool.get().await {
        Ok(client) => client,
        Err(e) => return page_error(e.into()),
    };
    let choosable = match stores::choosable(&**client, &signed.user).await {
        Ok(stores) => stores,
        Err(e) => return page_error(e),
    };
    let listing = Listing {
        lang,
        signed: &signed,
        title: lang.t("closes.title"),
        path: PATH,
        params: &params,
        fields: html! {
            (stores::select(lang, &lang.t("closes.store"), &choosable, params.get("store")))
            label { (lang.t("closes.from")) " " input type="date" name="from" value=(from); }
            label { (lang.t("closes.to")) " " input type="date" name="to" value=(to); }
        },
    };
    let filters = match parsed {
        Ok(f) => f,
        Err(reasons) => return listing.refused(&reasons),
    };
    let stores = signed.user.stores_to_show(filters.store);
    match closes(&**client, stores.as_deref(), filters.from, filters.to).await {
        Ok(closes) => listing.answer(table(lang, closes), "closes"),
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
    fn the_default_is_the_last_seven_days_and_bad_dates_are_named() {
        let f = filters(Lang::En, &Params::of(&[]), day(6)).unwrap();
        assert_eq!(
            (f.from, f.to, f.store),
            (NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), day(6), None)
        );
        let reasons = filters(
            Lang::En,
            &Params::of(&[("from", "2026-13-01"), ("store", "S 1")]),
            day(6),
        )
        .unwrap_err();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("2026-13-01")));
        assert!(
            filters(
                Lang::En,
                &Params::of(&[("from", "2026-12-05"), ("to", "2026-12-04")]),
                day(6)
            )
            .is_err()
        );
        assert!(
            filters(
                Lang::En,
                &Params::of(&[("from", "2025-01-01"), ("to", "2026-12-04")]),
                day(6)
            )
            .is_err()
        );
    }
}
