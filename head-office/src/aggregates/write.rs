//! Adds a [`Tally`] to the aggregate tables: one statement per table over arrays
//! (`unnest`), rows taken in key order so that two transactions touching the same rows
//! lock them in the same order. Amounts travel as text: numeric in, exact.

use tokio_postgres::GenericClient;

use super::{PromotionFigures, ScopedKey, SkuFigures, SkuKey, StoreFigures, Tally};
use crate::error::DbError;

pub async fn write(client: &impl GenericClient, tally: &Tally) -> Result<(), DbError> {
    if tally.is_empty() {
        return Ok(());
    }
    let hours = tally
        .store_hours
        .iter()
        .map(|((store, date, hour), f)| (store.as_str(), *date, Some(*hour), f));
    write_store(client, "sales_by_store_hour", hours).await?;
    let days = tally
        .store_days
        .iter()
        .map(|((store, date), f)| (store.as_str(), *date, None, f));
    write_store(client, "sales_by_store_day", days).await?;
    write_skus(client, "sales_by_sku_day", &tally.sku_days).await?;
    write_skus(client, "sales_by_sku_month", &tally.sku_months).await?;
    write_promotions(client, &tally.promotion_days).await
}

#[derive(Default)]
struct StoreColumns {
    stores: Vec<String>,
    dates: Vec<chrono::NaiveDate>,
    hours: Vec<i16>,
    counts: [Vec<i64>; 3],
    amounts: [Vec<String>; 4],
}

async fn write_store<'a>(
    client: &impl GenericClient,
    table: &str,
    rows: impl Iterator<Item = (&'a str, chrono::NaiveDate, Option<i16>, &'a StoreFigures)>,
) -> Result<(), DbError> {
    let mut c = StoreColumns::default();
    for (store, date, hour, f) in rows {
        c.stores.push(store.to_string());
        c.dates.push(date);
        c.hours.push(hour.unwrap_or(0));
        c.counts[0].push(f.sales_count);
        c.counts[1].push(f.returns_count);
        c.counts[2].push(f.voids_count);
        c.amounts[0].push(f.sales_amount.to_string());
        c.amounts[1].push(f.returns_amount.to_string());
        c.amounts[2].push(f.voids_amount.to_string());
        c.amounts[3].push(f.discount_amount.to_string());
    }
    let by_hour = table == "sales_by_store_hour";
    let (hour_column, hour_value, key) = if by_hour {
        (", hour", ", h", "store_id, business_date, hour")
    } else {
        ("", "", "store_id, business_date")
    };
    let sql = format!(
        "INSERT INTO {table} AS t (store_id, business_date{hour_column}, sales_count, returns_count, voids_count,
                                   sales_amount, returns_amount, voids_amount, discount_amount)
         SELECT s, d{hour_value}, sc, rc, vc, sa::numeric, ra::numeric, va::numeric, da::numeric
         FROM unnest($1::text[], $2::date[], $3::int2[], $4::int8[], $5::int8[], $6::int8[],
                     $7::text[], $8::text[], $9::text[], $10::text[]) AS u (s, d, h, sc, rc, vc, sa, ra, va, da)
         ORDER BY 1, 2, 3
         ON CONFLICT ({key}) DO UPDATE SET
             sales_count = t.sales_count + excluded.sales_count,
             returns_count = t.returns_count + excluded.returns_count,
             voids_count = t.voids_count + excluded.voids_count,
             sales_amount = t.sales_amount + excluded.sales_amount,
             returns_amount = t.returns_amount + excluded.returns_amount,
             voids_amount = t.voids_amount + excluded.voids_amount,
             discount_amount = t.discount_amount + excluded.discount_amount"
    );
    client
        .execute(
            &sql,
            &[
                &c.stores,
                &c.dates,
                &c.hours,
                &c.counts[0],
                &c.counts[1],
                &c.counts[2],
                &c.amounts[0],
                &c.amounts[1],
                &c.amounts[2],
                &c.amounts[3],
            ],
        )
        .await?;
    Ok(())
}

async fn write_skus(
    client: &impl GenericClient,
    table: &str,
    rows: &std::collections::BTreeMap<SkuKey, SkuFigures>,
) -> Result<(), DbError> {
    let (mut scopes, mut periods, mut skus, mut categories) = (vec![], vec![], vec![], vec![]);
    let (mut quantities, mut returned_quantities) = (vec![], vec![]);
    let (mut amounts, mut discounts, mut returned_amounts) = (vec![], vec![], vec![]);
    for ((scope, period, sku, category), f) in rows {
        scopes.push(scope.as_str());
        periods.push(*period);
        skus.push(sku.as_str());
        categories.push(category.as_str());
        quantities.push(f.quantity);
        returned_quantities.push(f.returned_quantity);
        amounts.push(f.amount.to_string());
        discounts.push(f.discount.to_string());
        returned_amounts.push(f.returned_amount.to_string());
    }
    let sql = format!(
        "INSERT INTO {table} AS t (scope, period, sku, category, quantity, returned_quantity,
                                   amount, discount, returned_amount)
         SELECT sc, p, s, c, q, rq, a::numeric, d::numeric, ra::numeric
         FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::int8[], $6::int8[],
                     $7::text[], $8::text[], $9::text[]) AS u (sc, p, s, c, q, rq, a, d, ra)
         ORDER BY 1, 2, 3, 4
         ON CONFLICT (scope, period, sku, category) DO UPDATE SET
             quantity = t.quantity + excluded.quantity,
             returned_quantity = t.returned_quantity + excluded.returned_quantity,
             amount = t.amount + excluded.amount,
             discount = t.discount + excluded.discount,
             returned_amount = t.returned_amount + excluded.returned_amount"
    );
    client
        .execute(
            &sql,
            &[
                &scopes,
                &periods,
                &skus,
                &categories,
                &quantities,
                &returned_quantities,
                &amounts,
                &discounts,
                &returned_amounts,
            ],
        )
        .await?;
    Ok(())
}

async fn write_promotions(
    client: &impl GenericClient,
    rows: &std::collections::BTreeMap<ScopedKey, PromotionFigures>,
) -> Result<(), DbError> {
    if rows.is_empty() {
        return Ok(());
    }
    let (mut scopes, mut dates, mut ids) = (vec![], vec![], vec![]);
    let (mut lines, mut quantities, mut discounts, mut sales) = (vec![], vec![], vec![], vec![]);
    for ((scope, date, id), f) in rows {
        scopes.push(scope.as_str());
        dates.push(*date);
        ids.push(id.as_str());
        lines.push(f.lines);
        quantities.push(f.quantity);
        discounts.push(f.discount.to_string());
        sales.push(f.sales_amount.to_string());
    }
    client
        .execute(
            "INSERT INTO sales_by_promotion_day AS t (scope, business_date, promotion_id, lines, quantity, discount, sales_amount)
             SELECT sc, d, p, l, q, di::numeric, sa::numeric
             FROM unnest($1::text[], $2::date[], $3::text[], $4::int8[], $5::int8[], $6::text[], $7::text[])
                  AS u (sc, d, p, l, q, di, sa)
             ORDER BY 1, 2, 3
             ON CONFLICT (scope, business_date, promotion_id) DO UPDATE SET
                 lines = t.lines + excluded.lines,
                 quantity = t.quantity + excluded.quantity,
                 discount = t.discount + excluded.discount,
                 sales_amount = t.sales_amount + excluded.sales_amount",
            &[&scopes, &dates, &ids, &lines, &quantities, &discounts, &sales],
        )
        .await?;
    Ok(())
}
