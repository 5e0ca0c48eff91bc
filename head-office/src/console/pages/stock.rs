//! Stock today (今日库存): stock per store, SKU and lot as head office holds it, with
//! the lot's expiry, the days left and its value at retail (with the total of all that
//! match: what a chain-wide near-expiry list puts at stake). Store managers see only
//! their stores, and pick among them.

use axum::extract::State;
use axum::response::Response;
use chrono::{NaiveDate, TimeDelta, Utc};
use maud::html;
use rust_decimal::Decimal;
use tokio_postgres::GenericClient;

use crate::auth::is_valid_id;
use crate::console::i18n::Lang;
use crate::console::stores::StoreScoped;
use crate::console::table::{
    Around, Cell, Column, Kind, Listing, Names, Params, Row, SHOWN_MAX, Table,
};
use crate::console::{page_error, stores};
use crate::error::DbError;
use crate::state::AppState;

const PATH: &str = "/stock";
/// Lots expiring within this many days are highlighted when no other window is asked.
const SOON_DAYS: i64 = 30;
/// Widest "expiring within" window the filter takes (ten years).
const EXPIRING_DAYS_MAX: i64 = 3650;

/// Stock of a list of stores ($1, NULL for all) whose SKU or product name contains $2,
/// in lots expiring by $3, with any shown cell containing $4 (the table's `q`; $5 is
/// today, for the days left), and when $7 only SKUs a store holds fewer of than the
/// product's safety stock: on the stock table's key (store, SKU, lot), with product
/// names and lot expiry joined by their keys. At most $6 rows, each with the count of
/// all that match and their value at retail: a chain holds 100,000 stock rows, and a
/// page shows 500 of them.
/// `order` is an ORDER BY list from [`order_by`] only. Public for the test that reads
/// its plan.
pub fn sql(order: &str) -> String {
    format!(
        "SELECT s.store_id, s.sku, p.data->>'name', s.lot_no, s.quantity, l.expiry_date,
                count(*) OVER (), {RETAIL_VALUE}::text, (sum({RETAIL_VALUE}) OVER ())::text
         FROM stock s
         LEFT JOIN products p ON p.sku = s.sku
         LEFT JOIN lots l ON l.sku = s.sku AND l.lot_no = s.lot_no
         WHERE ($1::text[] IS NULL OR s.store_id = ANY($1))
           AND ($2::text IS NULL
                OR strpos(lower(s.sku), lower($2)) > 0
                OR strpos(lower(coalesce(p.data->>'name', '')), lower($2)) > 0)
           AND ($3::date IS NULL OR l.expiry_date <= $3)
           AND (NOT $7::bool
                OR (SELECT sum(t.quantity) FROM stock t
                    WHERE t.store_id = s.store_id AND t.sku = s.sku)
                   < coalesce((p.data->>'safety_stock')::int8, 0))
           AND ($4::text IS NULL OR strpos(lower(concat_ws(' ', s.store_id, s.sku,
                    p.data->>'name', s.lot_no, s.quantity::text, l.expiry_date::text,
                    (l.expiry_date - $5::date)::text, {RETAIL_VALUE}::text)), lower($4)) > 0)
         ORDER BY {order}
         LIMIT $6"
    )
}

/// A row's value at retail: its units at the product's list price, to the fen.
const RETAIL_VALUE: &str = "round((p.data->>'price')::numeric * s.quantity, 2)";

/// The ORDER BY of a column the table sorts by (the key order when none), nulls where
/// the table puts empty cells: first when ascending.
pub fn order_by(column: Option<&str>, descending: bool) -> String {
    let key = r#"s.store_id COLLATE "C", s.sku COLLATE "C", s.lot_no COLLATE "C""#;
    let expression = match column {
        // Text in byte order, as the table sorts it: the page's 500 rows must be the
        // first 500 of the table's order whatever the database's collation.
        Some("store") => "s.store_id COLLATE \"C\"",
        Some("sku") => "s.sku COLLATE \"C\"",
        Some("name") => "(p.data->>'name') COLLATE \"C\"",
        Some("lot") => "s.lot_no COLLATE \"C\"",
        Some("quantity") => "s.quantity",
        Some("expiry" | "days_left") => "l.expiry_date",
        Some("retail_value") => RETAIL_VALUE,
        _ => return key.to_owned(),
    };
    let (direction, nulls) = if descending {
        ("DESC", "NULLS LAST")
    } else {
        ("ASC", "NULLS FIRST")
    };
    format!("{expression} {direction} {nulls}, {key}")
}

/// One stock record.
struct Holding {
    store_id: String,
    sku: String,
    name: Option<String>,
    lot_no: String,
    quantity: i64,
    expiry: Option<NaiveDate>,
    /// `None` for a SKU the catalog does not list.
    retail_value: Option<Decimal>,
}

/// What the page's own filters asked for.
#[derive(Debug, PartialEq)]
struct Filters {
    store: Option<String>,
    /// Part of a SKU or product name.
    sku: Option<String>,
    /// Only lots expiring within this many days (expired ones included).
    expiring: Option<i64>,
    /// Only SKUs a store holds fewer of than the product's safety stock (低库存).
    low: bool,
}

/// The filters, or every reason they were refused.
fn filters(lang: Lang, params: &Params) -> Result<Filters, Vec<String>> {
    let mut reasons = Vec::new();
    let store = params.get("store").map(str::to_owned);
    if let Some(bad) = store.as_deref().filter(|s| !is_valid_id(s)) {
        reasons.push(lang.tf("table.bad_store", &[("value", bad)]));
    }
    let expiring = match params.get("expiring") {
        None => None,
        Some(text) => match text.parse::<i64>() {
            Ok(days) if (0..=EXPIRING_DAYS_MAX).contains(&days) => Some(days),
            _ => {
                reasons.push(lang.tf(
                    "stock.bad_expiring",
                    &[("value", text), ("max", &EXPIRING_DAYS_MAX.to_string())],
                ));
                None
            }
        },
    };
    let low = match params.get("low") {
        None => false,
        Some("1" | "on") => true,
        Some(other) => {
            reasons.push(lang.tf("stock.bad_low", &[("value", other)]));
            false
        }
    };
    if !reasons.is_empty() {
        return Err(reasons);
    }
    Ok(Filters {
        store,
        sku: params.get("sku").map(str::to_owned),
        expiring,
        low,
    })
}

/// What to read: the page's filters, the table's `q` and order, and how many rows.
struct Asked<'a> {
    stores: Option<&'a [String]>,
    sku: Option<&'a str>,
    expiring_by: Option<NaiveDate>,
    contains: Option<&'a str>,
    today: NaiveDate,
    order: String,
    limit: i64,
    low: bool,
}

/// What every row that matches adds up to, however many the page shows.
struct Totals {
    rows: i64,
    retail_value: Option<Decimal>,
}

/// The stock asked for, in one statement, and what all rows that match add up to.
async fn holdings(
    client: &impl GenericClient,
    q: &Asked<'_>,
) -> Result<(Vec<Holding>, Totals), DbError> {
    let rows = client
        .query(
            &sql(&q.order),
            &[
                &q.stores,
                &q.sku,
                &q.expiring_by,
                &q.contains,
                &q.today,
                &q.limit,
                &q.low,
            ],
        )
        .await?;
    let money = |text: Option<String>| -> Result<Option<Decimal>, DbError> {
        text.map(|t| {
            t.parse()
                .map_err(|_| DbError::Corrupt(format!("a retail value {t:?}")))
        })
        .transpose()
    };
    let totals = Totals {
        rows: rows.first().map_or(0, |r| r.get(6)),
        retail_value: money(rows.first().and_then(|r| r.get(8)))?,
    };
    let holdings = rows
        .iter()
        .map(|r| {
            Ok(Holding {
                store_id: r.get(0),
                sku: r.get(1),
                name: r.get(2),
                lot_no: r.get(3),
                quantity: r.get(4),
                expiry: r.get(5),
                retail_value: money(r.get(7))?,
            })
        })
        .collect::<Result<_, DbError>>()?;
    Ok((holdings, totals))
}

fn table(lang: Lang, holdings: Vec<Holding>, today: NaiveDate, soon: i64) -> Table {
    let column = |key: &'static str, kind: Kind| Column {
        key,
        header: lang.t(&format!("stock.{key}")),
        kind,
    };
    let text = |t: String| {
        if t.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(t)
        }
    };
    Table {
        id: "stock",
        names: Names::Main,
        columns: vec![
            column("store", Kind::Text),
            column("sku", Kind::Text),
            column("name", Kind::Text),
            column("lot", Kind::Text),
            column("quantity", Kind::Number),
            column("expiry", Kind::Date),
            column("days_left", Kind::Number),
            column("retail_value", Kind::Money),
        ],
        rows: holdings
            .into_iter()
            .map(|h| {
                let days_left = h.expiry.map(|e| (e - today).num_days());
                Row {
                    flagged: days_left.is_some_and(|d| d <= soon),
                    cells: vec![
                        Cell::Text(h.store_id),
                        Cell::Text(h.sku),
                        h.name.map_or(Cell::Empty, text),
                        text(h.lot_no),
                        Cell::Number(h.quantity),
                        h.expiry.map_or(Cell::Empty, Cell::Date),
                        days_left.map_or(Cell::Empty, Cell::Number),
                        h.retail_value.map_or(Cell::Empty, Cell::Money),
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
    let today = crate::console::chain_today(Utc::now());
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
        title: lang.t("stock.title"),
        path: PATH,
        params: &params,
        fields: html! {
            (stores::select(lang, &lang.t("stock.store"), &choosable, params.get("store")))
            label { (lang.t("stock.sku_filter")) " "
                input name="sku" size="12" value=[params.get("sku")];
            }
            label { (lang.t("stock.expiring")) " "
                input type="number" name="expiring" min="0" max=(EXPIRING_DAYS_MAX) size="4" value=[params.get("expiring")];
            }
            label {
                input type="checkbox" name="low" value="1" checked[params.get("low").is_some()];
                " " (lang.t("stock.low"))
            }
        },
    };
    let filters = match filters(lang, &params) {
        Ok(f) => f,
        Err(reasons) => return listing.refused(&reasons),
    };
    let soon = filters.expiring.unwrap_or(SOON_DAYS);
    // The database sorts, filters and cuts; the table checks the query and draws.
    let (sort, wants_csv) = match (
        table(lang, vec![], today, soon).sort_of(&params),
        params.wants_csv(),
    ) {
        (Ok(sort), Ok(csv)) => (sort, csv),
        (Err(e), _) => return listing.refused(&[e.reason(lang)]),
        (_, Err(e)) => return listing.refused(&[e.reason(lang)]),
    };
    let keys = [
        "store",
        "sku",
        "name",
        "lot",
        "quantity",
        "expiry",
        "days_left",
        "retail_value",
    ];
    let column = sort.and_then(|s| keys.get(s.column).copied());
    let stores = signed.user.stores_to_show(filters.store);
    let query = Asked {
        stores: stores.as_deref(),
        sku: filters.sku.as_deref(),
        expiring_by: filters.expiring.map(|d| today + TimeDelta::days(d)),
        contains: params.get("q"),
        today,
        order: order_by(column, sort.is_some_and(|s| s.descending)),
        limit: if wants_csv {
            i64::MAX
        } else {
            SHOWN_MAX as i64
        },
        low: filters.low,
    };
    match holdings(&**client, &query).await {
        Ok((holdings, totals)) => {
            let shown = holdings.len();
            let value = totals.retail_value.unwrap_or_default();
            let notice = html! {
                @if totals.rows > shown as i64 {
                    p.notice { (lang.tf("table.truncated", &[("shown", &shown.to_string()), ("total", &totals.rows.to_string())])) }
                }
                p id="stock-total" { (lang.tf("stock.total_value", &[("rows", &totals.rows.to_string()), ("value", &format!("{value:.2}"))])) }
            };
            let around = Around {
                between: notice,
                ..Around::none()
            };
            listing.answer_with(table(lang, holdings, today, soon), "stock", around)
        }
        Err(e) => page_error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expiring_window_is_a_whole_number_of_days_in_range() {
        assert_eq!(
            filters(
                Lang::En,
                &Params::of(&[("expiring", "30"), ("sku", " strip ")])
            ),
            Ok(Filters {
                store: None,
                sku: Some("strip".into()),
                expiring: Some(30),
                low: false,
            })
        );
        for bad in ["-1", "3651", "ten", "1.5"] {
            let reasons = filters(Lang::En, &Params::of(&[("expiring", bad)])).unwrap_err();
            assert!(reasons[0].contains(bad), "{bad}: {reasons:?}");
        }
    }
}
