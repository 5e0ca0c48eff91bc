//! Dashboard (概览): today and this week per store — sales amount and count, average
//! basket, returns, voids, discounts — with charts by hour and by day. Read from the
//! aggregates ingest keeps, never from the documents.

use axum::extract::State;
use axum::response::Response;
use chrono::{Datelike, Days, NaiveDate, Utc};
use maud::{Markup, html};
use rust_decimal::Decimal;

use crate::aggregates::read::{self, Range, Scope};
use crate::aggregates::{self, StoreFigures};
use crate::console::chart::{self, Bar};
use crate::console::i18n::Lang;
use crate::console::stores::StoreScoped;
use crate::console::table::{Around, Cell, Column, Kind, Listing, Names, Params, Row, Table};
use crate::console::{chain_today, page_error};
use crate::console::{filters, stores};
use crate::error::DbError;
use crate::state::AppState;

const PATH: &str = "/dashboard";

/// Which period the per-store table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Day,
    Week,
}

#[derive(Debug)]
struct Filters {
    store: Option<String>,
    date: NaiveDate,
    period: Period,
}

fn filters(lang: Lang, params: &Params, today: NaiveDate) -> Result<Filters, Vec<String>> {
    let mut reasons = Vec::new();
    let store = filters::store(lang, params).unwrap_or_else(|r| {
        reasons.push(r);
        None
    });
    let date = filters::date(lang, params, "date", &lang.t("dashboard.date")).unwrap_or_else(|r| {
        reasons.push(r);
        None
    });
    let period = match params.get("period") {
        None | Some("day") => Period::Day,
        Some("week") => Period::Week,
        Some(other) => {
            reasons.push(lang.tf("dashboard.bad_period", &[("value", other)]));
            Period::Day
        }
    };
    if !reasons.is_empty() {
        return Err(reasons);
    }
    Ok(Filters {
        store,
        date: date.unwrap_or(today),
        period,
    })
}

/// Monday of the date's week up to the date itself.
fn week_of(date: NaiveDate) -> Range {
    let from = date
        .checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))
        .unwrap_or(date);
    Range { from, to: date }
}

/// What the page shows, read in four statements on the aggregate tables.
struct Figures {
    day_by_store: Vec<(String, StoreFigures)>,
    week_by_store: Vec<(String, StoreFigures)>,
    by_hour: Vec<(i16, StoreFigures)>,
    by_day: Vec<(NaiveDate, StoreFigures)>,
    /// Monday to the date asked.
    week: Range,
}

async fn figures(state: &AppState, scope: &Scope, date: NaiveDate) -> Result<Figures, DbError> {
    let mut client = state.pool.get().await?;
    // The batches of the last moments, before `serve`'s folder takes them; if folding
    // fails the page still answers, from what was folded before.
    if let Err(e) = aggregates::fold_round(&mut client).await {
        tracing::warn!(error = %e, "folding sales tallies before the dashboard failed");
    }
    let day = Range {
        from: date,
        to: date,
    };
    let week = week_of(date);
    Ok(Figures {
        day_by_store: read::by_store(&**client, scope, day).await?,
        week_by_store: read::by_store(&**client, scope, week).await?,
        by_hour: read::by_hour(&**client, scope, date).await?,
        by_day: read::by_day(&**client, scope, week).await?,
        week,
    })
}

fn money_or_empty(amount: Option<Decimal>) -> Cell {
    amount.map_or(Cell::Empty, Cell::Money)
}

fn table(lang: Lang, rows: Vec<(String, StoreFigures)>) -> Table {
    let column = |key: &'static str, kind: Kind| Column {
        key,
        header: lang.t(&format!("dashboard.{key}")),
        kind,
    };
    Table {
        id: "by-store",
        names: Names::Main,
        columns: vec![
            column("store", Kind::Text),
            column("sales_count", Kind::Number),
            column("sales_amount", Kind::Money),
            column("average_basket", Kind::Money),
            column("returns_count", Kind::Number),
            column("returns_amount", Kind::Money),
            column("voids_count", Kind::Number),
            column("voids_amount", Kind::Money),
            column("discount_amount", Kind::Money),
            column("net_amount", Kind::Money),
        ],
        rows: rows
            .into_iter()
            .map(|(store, f)| Row {
                flagged: false,
                cells: vec![
                    Cell::Text(store),
                    Cell::Number(f.sales_count),
                    Cell::Money(f.sales_amount),
                    money_or_empty(f.average_basket()),
                    Cell::Number(f.returns_count),
                    Cell::Money(f.returns_amount),
                    Cell::Number(f.voids_count),
                    Cell::Money(f.voids_amount),
                    Cell::Money(f.discount_amount),
                    money_or_empty(f.net_amount()),
                ],
            })
            .collect(),
    }
}

/// The headline figures of one period, as a row of cards.
fn summary(lang: Lang, id: &str, title: &str, f: &StoreFigures) -> Markup {
    let card = |key: &str, value: String| {
        html! { div.card { span { (lang.t(&format!("dashboard.{key}"))) } strong { (value) } } }
    };
    let money = |m: Option<Decimal>| m.map_or_else(|| "—".to_string(), |m| format!("{m:.2}"));
    html! {
        section.summary id=(id) {
            h2 { (title) }
            div.cards {
                (card("sales_amount", money(Some(f.sales_amount))))
                (card("sales_count", f.sales_count.to_string()))
                (card("average_basket", money(f.average_basket())))
                (card("returns_amount", money(Some(f.returns_amount))))
                (card("voids_amount", money(Some(f.voids_amount))))
                (card("discount_amount", money(Some(f.discount_amount))))
            }
        }
    }
}

fn charts(lang: Lang, figures: &Figures) -> Markup {
    let hours: Vec<Bar> = (0..24)
        .map(|h| Bar {
            label: h.to_string(),
            value: figures
                .by_hour
                .iter()
                .find(|(hour, _)| *hour == h)
                .map_or(Decimal::ZERO, |(_, f)| f.sales_amount),
        })
        .collect();
    let days: Vec<Bar> = figures
        .by_day
        .iter()
        .map(|(date, f)| Bar {
            label: date.format("%m-%d").to_string(),
            value: f.sales_amount,
        })
        .collect();
    html! {
        div.charts {
            (chart::bars("chart-by-hour", &lang.t("dashboard.chart_by_hour"), &hours))
            (chart::bars("chart-by-day", &week_text(lang, "dashboard.chart_by_day", &figures.week), &days))
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    StoreScoped { signed, params }: StoreScoped,
) -> Response {
    let choosable = match state.pool.get().await {
        Ok(client) => stores::choosable(&**client, &signed.user).await,
        Err(e) => Err(e.into()),
    };
    let choosable = match choosable {
        Ok(s) => s,
        Err(e) => return page_error(e),
    };
    let listing = Listing {
        lang,
        signed: &signed,
        title: lang.t("dashboard.title"),
        path: PATH,
        params: &params,
        fields: html! {
            (stores::select(lang, &lang.t("dashboard.store"), &choosable, params.get("store")))
            label { (lang.t("dashboard.date")) " "
                input type="date" name="date" value=[params.get("date")];
            }
            label { (lang.t("dashboard.period")) " "
                select name="period" {
                    option value="day" selected[params.get("period") != Some("week")] { (lang.t("dashboard.today")) }
                    option value="week" selected[params.get("period") == Some("week")] { (lang.t("dashboard.this_week")) }
                }
            }
        },
    };
    let filters = match filters(lang, &params, chain_today(Utc::now())) {
        Ok(f) => f,
        Err(reasons) => return listing.refused(&reasons),
    };
    let scope = Scope::of(signed.user.stores_to_show(filters.store.clone()));
    let figures = match figures(&state, &scope, filters.date).await {
        Ok(f) => f,
        Err(e) => return page_error(e),
    };
    let (day_total, week_total) = match (
        read::total(&figures.day_by_store),
        read::total(&figures.week_by_store),
    ) {
        (Ok(d), Ok(w)) => (d, w),
        (Err(e), _) | (_, Err(e)) => return page_error(e),
    };
    let before = html! {
        div.summaries {
            (summary(lang, "day", &lang.tf("dashboard.day_of", &[("date", &filters.date.to_string())]), &day_total))
            (summary(lang, "week", &week_text(lang, "dashboard.week_of", &figures.week), &week_total))
        }
        (charts(lang, &figures))
        h2 {
            @if filters.period == Period::Week {
                (week_text(lang, "dashboard.by_store_week", &figures.week))
            } @else {
                (lang.tf("dashboard.by_store_day", &[("date", &filters.date.to_string())]))
            }
        }
    };
    let rows = match filters.period {
        Period::Day => figures.day_by_store,
        Period::Week => figures.week_by_store,
    };
    listing.answer_with(
        table(lang, rows),
        "dashboard",
        Around {
            between: before,
            ..Around::none()
        },
    )
}

/// A heading naming the week's first and last day: a past date's week is not "this week".
fn week_text(lang: Lang, key: &str, week: &Range) -> String {
    let (from, to) = (week.from.to_string(), week.to.to_string());
    lang.tf(key, &[("from", &from), ("to", &to)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_week_runs_from_monday_to_the_date() {
        let sunday = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert_eq!(
            week_of(sunday).from,
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
        );
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(
            week_of(monday),
            Range {
                from: monday,
                to: monday
            }
        );
    }

    #[test]
    fn a_bad_date_or_period_is_refused_naming_it() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let reasons = filters(
            Lang::En,
            &Params::of(&[("date", "12/06"), ("period", "year")]),
            today,
        )
        .unwrap_err();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(
            reasons[0].contains("12/06") && reasons[1].contains("year"),
            "{reasons:?}"
        );
        let f = filters(Lang::En, &Params::of(&[("period", "week")]), today).unwrap();
        assert_eq!((f.date, f.period), (today, Period::Week));
    }
}
