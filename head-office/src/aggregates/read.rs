//! What the dashboard and the reports read: sums over the aggregate tables for a list
//! of stores (or the chain) and a date range. A range is cut into whole months, read
//! from the month table, and the days at either end, read from the day table, so a year
//! costs twelve month rows per SKU, not 365 day rows.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use tokio_postgres::types::{FromSql, ToSql};
use tokio_postgres::{GenericClient, Row};

use super::{CHAIN, PromotionFigures, SkuFigures, StoreFigures, first_of_month};
use crate::error::DbError;

/// Whose figures: the whole chain, or some stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Chain,
    Stores(Vec<String>),
}

impl Scope {
    /// Some stores, or the chain when `None` (as `User::stores_to_show` answers).
    pub fn of(stores: Option<Vec<String>>) -> Scope {
        stores.map_or(Scope::Chain, Scope::Stores)
    }

    /// The `scope` values of the SKU and promotion tables.
    fn scopes(&self) -> Vec<String> {
        match self {
            Scope::Chain => vec![CHAIN.to_string()],
            Scope::Stores(stores) => stores.clone(),
        }
    }

    /// The store ids of the store tables; `None` for every store.
    fn stores(&self) -> Option<&[String]> {
        match self {
            Scope::Chain => None,
            Scope::Stores(stores) => Some(stores),
        }
    }
}

/// Rows of figures (per store, per day) added up; a sum past a decimal is reported as
/// corrupt figures, which they would be.
pub fn total<K>(rows: &[(K, StoreFigures)]) -> Result<StoreFigures, DbError> {
    rows.iter()
        .try_fold(StoreFigures::default(), |sum, (_, f)| sum.added(f))
        .map_err(|e| DbError::Corrupt(format!("the stores' figures: {e}")))
}

/// A date range, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Range {
    /// The whole months inside the range, as [first month, first month after): empty
    /// when `start >= end`.
    fn whole_months(&self) -> (NaiveDate, NaiveDate) {
        let start = if self.from == first_of_month(self.from) {
            self.from
        } else {
            next_month(self.from)
        };
        let end = first_of_month(self.to.checked_add_days(Days::new(1)).unwrap_or(self.to));
        if start >= end {
            (start, start)
        } else {
            (start, end)
        }
    }
}

fn next_month(date: NaiveDate) -> NaiveDate {
    first_of_month(date)
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(date)
}

fn money(row: &Row, i: usize) -> Result<Decimal, DbError> {
    let text: Option<String> = row
        .try_get(i)
        .map_err(|e| DbError::Corrupt(e.to_string()))?;
    text.map_or(Ok(Decimal::ZERO), |t| {
        t.parse()
            .map_err(|e| DbError::Corrupt(format!("a summed amount {t:?}: {e}")))
    })
}

fn store_figures(row: &Row, first: usize) -> Result<StoreFigures, DbError> {
    Ok(StoreFigures {
        sales_count: row.get(first),
        sales_amount: money(row, first + 1)?,
        returns_count: row.get(first + 2),
        returns_amount: money(row, first + 3)?,
        voids_count: row.get(first + 4),
        voids_amount: money(row, first + 5)?,
        discount_amount: money(row, first + 6)?,
    })
}

const STORE_SUMS: &str =
    "sum(sales_count)::int8, sum(sales_amount)::text, sum(returns_count)::int8,
     sum(returns_amount)::text, sum(voids_count)::int8, sum(voids_amount)::text,
     sum(discount_amount)::text";

/// The stores' figures of `table` where `filter` holds ($2, $3 its parameters), added up
/// per `group` (a column), in its order.
async fn grouped<K>(
    client: &impl GenericClient,
    scope: &Scope,
    (table, group, filter): (&str, &str, &str),
    params: (&(dyn ToSql + Sync), &(dyn ToSql + Sync)),
) -> Result<Vec<(K, StoreFigures)>, DbError>
where
    K: for<'a> FromSql<'a>,
{
    let sql = format!(
        "SELECT {group}, {STORE_SUMS} FROM {table}
         WHERE ($1::text[] IS NULL OR store_id = ANY($1)) AND {filter}
         GROUP BY 1 ORDER BY 1"
    );
    let rows = client
        .query(&sql, &[&scope.stores(), params.0, params.1])
        .await?;
    rows.iter()
        .map(|r| Ok((r.get(0), store_figures(r, 1)?)))
        .collect()
}

const IN_RANGE: &str = "business_date BETWEEN $2 AND $3";

/// Each store's figures over the range, by store.
pub async fn by_store(
    client: &impl GenericClient,
    scope: &Scope,
    range: Range,
) -> Result<Vec<(String, StoreFigures)>, DbError> {
    let query = ("sales_by_store_day", "store_id", IN_RANGE);
    grouped(client, scope, query, (&range.from, &range.to)).await
}

/// The stores' figures added up per day of the range.
pub async fn by_day(
    client: &impl GenericClient,
    scope: &Scope,
    range: Range,
) -> Result<Vec<(NaiveDate, StoreFigures)>, DbError> {
    let query = ("sales_by_store_day", "business_date", IN_RANGE);
    grouped(client, scope, query, (&range.from, &range.to)).await
}

/// The stores' figures added up per hour of one day (hours without sales left out).
pub async fn by_hour(
    client: &impl GenericClient,
    scope: &Scope,
    date: NaiveDate,
) -> Result<Vec<(i16, StoreFigures)>, DbError> {
    let query = ("sales_by_store_hour", "hour", IN_RANGE);
    grouped(client, scope, query, (&date, &date)).await
}

/// A SKU's figures under one category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkuRow {
    pub sku: String,
    pub category: String,
    pub figures: SkuFigures,
}

/// Every SKU sold or returned in the range, per category its lines carried (a product
/// moved to another category in the range has a row for each; returns are under the
/// empty category), with its figures (unordered).
pub async fn by_sku(
    client: &impl GenericClient,
    scope: &Scope,
    range: Range,
) -> Result<Vec<SkuRow>, DbError> {
    let (months_from, months_to) = range.whole_months();
    // Days before the first whole month, and from the end of the last one.
    let head_to = months_from.pred_opt().unwrap_or(months_from).min(range.to);
    let rows = client
        .query(
            "WITH parts AS (
                 SELECT sku, category, quantity, amount, discount, returned_quantity, returned_amount
                 FROM sales_by_sku_month WHERE scope = ANY($1) AND period >= $4 AND period < $5
                 UNION ALL
                 SELECT sku, category, quantity, amount, discount, returned_quantity, returned_amount
                 FROM sales_by_sku_day WHERE scope = ANY($1) AND period BETWEEN $2 AND $6 AND period < $4
                 UNION ALL
                 SELECT sku, category, quantity, amount, discount, returned_quantity, returned_amount
                 FROM sales_by_sku_day WHERE scope = ANY($1) AND period BETWEEN $5 AND $3
             )
             SELECT sku, category, sum(quantity)::int8, sum(amount)::text, sum(discount)::text,
                    sum(returned_quantity)::int8, sum(returned_amount)::text
             FROM parts GROUP BY sku, category",
            &[&scope.scopes(), &range.from, &range.to, &months_from, &months_to, &head_to],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(SkuRow {
                sku: r.get(0),
                category: r.get(1),
                figures: SkuFigures {
                    quantity: r.get(2),
                    amount: money(r, 3)?,
                    discount: money(r, 4)?,
                    returned_quantity: r.get(5),
                    returned_amount: money(r, 6)?,
                },
            })
        })
        .collect()
}

/// One SKU's figures over all the categories it sold under, with those categories
/// (sorted, the empty one of returns left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkuTotal {
    pub sku: String,
    pub categories: Vec<String>,
    pub figures: SkuFigures,
}

/// The rows of [`by_sku`] added up per SKU, in SKU order.
pub fn per_sku(rows: Vec<SkuRow>) -> Result<Vec<SkuTotal>, super::TallyOverflow> {
    let mut totals: std::collections::BTreeMap<String, SkuTotal> = Default::default();
    for row in rows {
        let total = totals.entry(row.sku.clone()).or_insert_with(|| SkuTotal {
            sku: row.sku,
            categories: Vec::new(),
            figures: SkuFigures::default(),
        });
        if !row.category.is_empty() && !total.categories.contains(&row.category) {
            total.categories.push(row.category);
            total.categories.sort();
        }
        super::add_sku(&mut total.figures, &row.figures)?;
    }
    Ok(totals.into_values().collect())
}

/// Every promotion that gave a discount in the range, with its name where head office
/// still has the promotion.
pub async fn by_promotion(
    client: &impl GenericClient,
    scope: &Scope,
    range: Range,
) -> Result<Vec<(String, Option<String>, PromotionFigures)>, DbError> {
    let rows = client
        .query(
            "SELECT a.promotion_id, max(p.data->>'name'), sum(a.lines)::int8, sum(a.quantity)::int8,
                    sum(a.discount)::text, sum(a.sales_amount)::text
             FROM sales_by_promotion_day a LEFT JOIN promotions p ON p.id = a.promotion_id
             WHERE a.scope = ANY($1) AND a.business_date BETWEEN $2 AND $3
             GROUP BY a.promotion_id ORDER BY a.promotion_id",
            &[&scope.scopes(), &range.from, &range.to],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.get(0),
                r.get(1),
                PromotionFigures {
                    lines: r.get(2),
                    quantity: r.get(3),
                    discount: money(r, 4)?,
                    sales_amount: money(r, 5)?,
                },
            ))
        })
        .collect()
}

/// Product names by SKU, for the SKUs a report shows.
pub async fn product_names(
    client: &impl GenericClient,
    skus: &[String],
) -> Result<std::collections::HashMap<String, String>, DbError> {
    let rows = client
        .query(
            "SELECT sku, data->>'name' FROM products WHERE sku = ANY($1)",
            &[&skus],
        )
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| Some((r.get(0), r.get::<_, Option<String>>(1)?)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn a_range_is_cut_into_whole_months_and_the_days_at_either_end() {
        let range = |from, to| Range { from, to }.whole_months();
        assert_eq!(
            range(d(1, 1), d(12, 31)),
            (d(1, 1), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
        );
        assert_eq!(range(d(1, 15), d(3, 10)), (d(2, 1), d(3, 1)));
        assert_eq!(
            range(d(1, 15), d(1, 31)),
            (d(2, 1), d(2, 1)),
            "no whole month: empty"
        );
        assert_eq!(range(d(2, 3), d(2, 20)), (d(3, 1), d(3, 1)));
        assert_eq!(
            range(d(2, 1), d(2, 27)),
            (d(2, 1), d(2, 1)),
            "February not whole"
        );
    }
}
