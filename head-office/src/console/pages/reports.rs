//! Reports (报表) over any date range: best sellers by amount and quantity, store
//! comparison, promotion effectiveness (discount given against sales of the promoted
//! items) and category mix. One report at a time (`report=`), each a sortable,
//! filterable table with its CSV; all read from the aggregates ingest keeps.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::Response;
use chrono::{Datelike, NaiveDate, Utc};
use maud::{Markup, html};
use rust_decimal::Decimal;

use crate::aggregates;
use crate::aggregates::read::{self, Range, Scope};
use crate::console::i18n::Lang;
use crate::console::stores::StoreScoped;
use crate::console::table::{Around, Cell, Column, Kind, Listing, Names, Params, Row, Table};
use crate::console::{chain_today, page_error};
use crate::console::{filters, stores};
use crate::error::DbError;
use crate::state::AppState;

const PATH: &str = "/reports";
/// Longest range one report covers: three years.
const RANGE_DAYS_MAX: i64 = 3 * 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Report {
    BestSellers,
    Stores,
    Promotions,
    Categories,
}

impl Report {
    const ALL: [Report; 4] = [
        Report::BestSellers,
        Report::Stores,
        Report::Promotions,
        Report::Categories,
    ];

    fn key(self) -> &'static str {
        match self {
            Report::BestSellers => "best_sellers",
            Report::Stores => "stores",
            Report::Promotions => "promotions",
            Report::Categories => "categories",
        }
    }
}

#[derive(Debug)]
struct Filters {
    report: Report,
    store: Option<String>,
    range: Range,
}

/// The filters, or every reason they were refused. The range defaults to this month.
fn filters(lang: Lang, params: &Params, today: NaiveDate) -> Result<Filters, Vec<String>> {
    let mut reasons = Vec::new();
    let report = match params.get("report") {
        None => Report::BestSellers,
        Some(key) => Report::ALL
            .into_iter()
            .find(|r| r.key() == key)
            .unwrap_or_else(|| {
                reasons.push(lang.tf("reports.bad_report", &[("value", key)]));
                Report::BestSellers
            }),
    };
    let store = filters::store(lang, params).unwrap_or_else(|r| {
        reasons.push(r);
        None
    });
    let mut date = |field: &str| {
        filters::date(lang, params, field, &lang.t(&format!("reports.{field}"))).unwrap_or_else(
            |r| {
                reasons.push(r);
                None
            },
        )
    };
    let (from, to) = (date("from"), date("to"));
    if !reasons.is_empty() {
        return Err(reasons);
    }
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
    if from > to {
        return Err(vec![lang.t("reports.from_after_to")]);
    }
    if (to - from).num_days() >= RANGE_DAYS_MAX {
        return Err(vec![lang.tf(
            "reports.range_too_long",
            &[("days", &RANGE_DAYS_MAX.to_string())],
        )]);
    }
    Ok(Filters {
        report,
        store,
        range: Range { from, to },
    })
}

fn columns(lang: Lang, report: Report, keys: &[(&'static str, Kind)]) -> Vec<Column> {
    keys.iter()
        .map(|(key, kind)| Column {
            key,
            header: lang.t(&format!("reports.{}.{key}", report.key())),
            kind: *kind,
        })
        .collect()
}

/// `part` as a percentage of `whole`, to two places; empty when the whole is zero.
fn percent(part: Decimal, whole: Decimal) -> Cell {
    part.checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|p| p.checked_div(whole))
        .map_or(Cell::Empty, |p| Cell::Money(p.round_dp(2)))
}

fn text_or_empty(text: String) -> Cell {
    if text.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(text)
    }
}

async fn best_sellers(
    client: &impl tokio_postgres::GenericClient,
    lang: Lang,
    scope: &Scope,
    range: Range,
) -> Result<Table, DbError> {
    let mut rows = read::per_sku(read::by_sku(client, scope, range).await?)
        .map_err(|e| DbError::Corrupt(format!("the SKUs' figures: {e}")))?;
    let skus: Vec<String> = rows.iter().map(|r| r.sku.clone()).collect();
    let names = read::product_names(client, &skus).await?;
    // The default order: amount, largest first; sorting by quantity is a click away.
    rows.sort_by(|a, b| (b.figures.amount.cmp(&a.figures.amount)).then_with(|| a.sku.cmp(&b.sku)));
    Ok(Table {
        id: "report",
        names: Names::Main,
        columns: columns(
            lang,
            Report::BestSellers,
            &[
                ("rank", Kind::Number),
                ("sku", Kind::Text),
                ("name", Kind::Text),
                ("category", Kind::Text),
                ("quantity", Kind::Number),
                ("amount", Kind::Money),
                ("discount", Kind::Money),
                ("returned_quantity", Kind::Number),
                ("returned_amount", Kind::Money),
            ],
        ),
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| {
                let f = row.figures;
                Row {
                    flagged: false,
                    cells: vec![
                        Cell::Number(i as i64 + 1),
                        Cell::Text(row.sku.clone()),
                        names.get(&row.sku).cloned().map_or(Cell::Empty, Cell::Text),
                        // Usually one; two when the product moved category in the range.
                        text_or_empty(row.categories.join(" / ")),
                        Cell::Number(f.quantity),
                        Cell::Money(f.amount),
                        Cell::Money(f.discount),
                        Cell::Number(f.returned_quantity),
                        Cell::Money(f.returned_amount),
                    ],
                }
            })
            .collect(),
    })
}

async fn store_comparison(
    client: &impl tokio_postgres::GenericClient,
    lang: Lang,
    scope: &Scope,
    range: Range,
) -> Result<Table, DbError> {
    let rows = read::by_store(client, scope, range).await?;
    let all = read::total(&rows)?;
    let all_net = all.net_amount().unwrap_or(Decimal::ZERO);
    Ok(Table {
        id: "report",
        names: Names::Main,
        columns: columns(
            lang,
            Report::Stores,
            &[
                ("store", Kind::Text),
                ("sales_count", Kind::Number),
                ("sales_amount", Kind::Money),
                ("average_basket", Kind::Money),
                ("returns_amount", Kind::Money),
                ("voids_amount", Kind::Money),
                ("discount_amount", Kind::Money),
                ("net_amount", Kind::Money),
                ("share", Kind::Money),
            ],
        ),
        rows: rows
            .into_iter()
            .map(|(store, f)| {
                let net = f.net_amount();
                Row {
                    flagged: false,
                    cells: vec![
                        Cell::Text(store),
                        Cell::Number(f.sales_count),
                        Cell::Money(f.sales_amount),
                        f.average_basket().map_or(Cell::Empty, Cell::Money),
                        Cell::Money(f.returns_amount),
                        Cell::Money(f.voids_amount),
                        Cell::Money(f.discount_amount),
                        net.map_or(Cell::Empty, Cell::Money),
                        net.map_or(Cell::Empty, |n| percent(n, all_net)),
                    ],
                }
            })
            .collect(),
    })
}

async fn promotions(
    client: &impl tokio_postgres::GenericClient,
    lang: Lang,
    scope: &Scope,
    range: Range,
) -> Result<Table, DbError> {
    let rows = read::by_promotion(client, scope, range).await?;
    Ok(Table {
        id: "report",
        names: Names::Main,
        columns: columns(
            lang,
            Report::Promotions,
            &[
                ("promotion", Kind::Text),
                ("name", Kind::Text),
                ("lines", Kind::Number),
                ("quantity", Kind::Number),
                ("discount", Kind::Money),
                ("sales_amount", Kind::Money),
                ("discount_rate", Kind::Money),
            ],
        ),
        rows: rows
            .into_iter()
            .map(|(id, name, f)| {
                // The rate is of the price before the promotion: discount / (sales + discount).
                let before = f
                    .sales_amount
                    .checked_add(f.discount)
                    .unwrap_or(Decimal::ZERO);
                Row {
                    flagged: false,
                    cells: vec![
                        Cell::Text(id),
                        name.map_or(Cell::Empty, Cell::Text),
                        Cell::Number(f.lines),
                        Cell::Number(f.quantity),
                        Cell::Money(f.discount),
                        Cell::Money(f.sales_amount),
                        percent(f.discount, before),
                    ],
                }
            })
            .collect(),
    })
}

async fn categories(
    client: &impl tokio_postgres::GenericClient,
    lang: Lang,
    scope: &Scope,
    range: Range,
) -> Result<Table, DbError> {
    let skus = read::by_sku(client, scope, range).await?;
    let mut by_category: BTreeMap<String, (i64, Decimal)> = BTreeMap::new();
    let mut total = Decimal::ZERO;
    let overflow =
        || DbError::Corrupt("the categories' figures add up past what a decimal holds".into());
    // The mix is of sales: rows of returns alone (their category is empty) sold nothing.
    let sold = |r: &read::SkuRow| r.figures.quantity != 0 || !r.figures.amount.is_zero();
    for row in skus.into_iter().filter(sold) {
        let f = row.figures;
        let entry = by_category.entry(row.category).or_default();
        entry.0 = entry.0.checked_add(f.quantity).ok_or_else(overflow)?;
        entry.1 = entry.1.checked_add(f.amount).ok_or_else(overflow)?;
        total = total.checked_add(f.amount).ok_or_else(overflow)?;
    }
    Ok(Table {
        id: "report",
        names: Names::Main,
        columns: columns(
            lang,
            Report::Categories,
            &[
                ("category", Kind::Text),
                ("quantity", Kind::Number),
                ("amount", Kind::Money),
                ("share", Kind::Money),
            ],
        ),
        rows: by_category
            .into_iter()
            .map(|(category, (quantity, amount))| Row {
                flagged: false,
                cells: vec![
                    text_or_empty(category),
                    Cell::Number(quantity),
                    Cell::Money(amount),
                    percent(amount, total),
                ],
            })
            .collect(),
    })
}

/// Links to each report, keeping the range and store.
fn tabs(lang: Lang, params: &Params, current: Report) -> Markup {
    html! {
        nav.tabs {
            @for r in Report::ALL {
                @let href = format!("{PATH}{}", params.with(&[("report", Some(r.key())), ("sort", None), ("dir", None), ("q", None)]));
                @if r == current {
                    a href=(href) aria-current="page" { (lang.t(&format!("reports.{}.title", r.key()))) }
                } @else {
                    a href=(href) { (lang.t(&format!("reports.{}.title", r.key()))) }
                }
            }
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    StoreScoped { signed, params }: StoreScoped,
) -> Response {
    let mut client = match state.pool.get().await {
        Ok(c) => c,
        Err(e) => return page_error(e.into()),
    };
    // The batches of the last moments, before `serve`'s folder takes them; if folding
    // fails the page still answers, from what was folded before.
    if let Err(e) = aggregates::fold_round(&mut client).await {
        tracing::warn!(error = %e, "folding sales tallies before a report failed");
    }
    let choosable = match stores::choosable(&**client, &signed.user).await {
        Ok(s) => s,
        Err(e) => return page_error(e),
    };
    let report_key = params
        .get("report")
        .unwrap_or(Report::BestSellers.key())
        .to_owned();
    let listing = Listing {
        lang,
        signed: &signed,
        title: lang.t("reports.title"),
        path: PATH,
        params: &params,
        fields: html! {
            input type="hidden" name="report" value=(report_key);
            (stores::select(lang, &lang.t("reports.store"), &choosable, params.get("store")))
            label { (lang.t("reports.from")) " " input type="date" name="from" value=[params.get("from")]; }
            label { (lang.t("reports.to")) " " input type="date" name="to" value=[params.get("to")]; }
        },
    };
    let filters = match filters(lang, &params, chain_today(Utc::now())) {
        Ok(f) => f,
        Err(reasons) => return listing.refused(&reasons),
    };
    let scope = Scope::of(signed.user.stores_to_show(filters.store.clone()));
    let (client, range) = (&**client, filters.range);
    let table = match filters.report {
        Report::BestSellers => best_sellers(client, lang, &scope, range).await,
        Report::Stores => store_comparison(client, lang, &scope, range).await,
        Report::Promotions => promotions(client, lang, &scope, range).await,
        Report::Categories => categories(client, lang, &scope, range).await,
    };
    let before = html! {
        (tabs(lang, &params, filters.report))
        p.range { (lang.tf("reports.range", &[("from", &range.from.to_string()), ("to", &range.to.to_string())])) }
    };
    match table {
        Ok(table) => listing.answer_with(
            table,
            &format!("report-{}", filters.report.key()),
            Around {
                between: before,
                ..Around::none()
            },
        ),
        Err(e) => page_error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn the_range_defaults_to_this_month_and_is_bounded() {
        let f = filters(Lang::En, &Params::of(&[]), d(12, 6)).unwrap();
        assert_eq!(
            (f.report, f.range),
            (
                Report::BestSellers,
                Range {
                    from: d(12, 1),
                    to: d(12, 6)
                }
            )
        );
        let f = filters(
            Lang::En,
            &Params::of(&[
                ("report", "categories"),
                ("from", "2026-01-01"),
                ("to", "2026-12-31"),
            ]),
            d(12, 6),
        )
        .unwrap();
        assert_eq!((f.report, f.range.from), (Report::Categories, d(1, 1)));
        assert!(
            filters(Lang::En, &Params::of(&[("from", "2026-12-07")]), d(12, 6)).is_err(),
            "from after to"
        );
        assert!(
            filters(Lang::En, &Params::of(&[("from", "2020-01-01")]), d(12, 6)).is_err(),
            "over three years"
        );
        let reasons = filters(
            Lang::En,
            &Params::of(&[("report", "x"), ("to", "soon")]),
            d(12, 6),
        )
        .unwrap_err();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
    }

    #[test]
    fn a_percentage_of_nothing_is_empty() {
        assert_eq!(percent(Decimal::ONE, Decimal::ZERO), Cell::Empty);
        assert_eq!(
            percent(Decimal::ONE, Decimal::from(3)),
            Cell::Money("33.33".parse().unwrap())
        );
    }
}
