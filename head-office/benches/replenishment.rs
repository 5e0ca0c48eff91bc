//! Replenishment suggestions for a whole chain: `replenishment::load` and `suggest` on a
//! generated chain of 50 stores × 5,000 SKUs × 90 days of sales (issue 12's goal: under
//! 2 s). A load command, not criterion: it prints the figures for BENCHMARKS.md.
//!
//! `cargo bench -p head-office --bench replenishment`
//! - `BENCH_STORES`, `BENCH_SKUS`, `BENCH_DAYS` (50, 5000, 90); `BENCH_SOLD_PERCENT`: the
//!   share of a store's SKUs sold on a day (10); `BENCH_RUNS`: timed runs (10).
//!
//! The chain is written with SQL straight into the tables the suggestions read (stock
//! with two lots per SKU, the day aggregates of sales, stores with a till, products with
//! a safety stock, transfers in transit), on a throwaway PostgreSQL cluster. Sales are
//! written a day at a time, oldest first, as ingest folds them.

use std::time::{Duration, Instant};

use chrono::Utc;
use head_office::replenishment::{self, Policy};
use head_office::testing::PgCluster;
use head_office::{chain_time, db};

fn env_i64(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Stores S001.., SKUs K00001.. with lots A (earlier) and B, sales on `percent` of the
/// (store, SKU, day) triples, one transfer in transit per store.
const GENERATE: &str = "
INSERT INTO terminals (store_id, terminal_id, token_sha256)
  SELECT format('S%s', lpad(s::text, 3, '0')), 'T01', sha256(s::text::bytea)
  FROM generate_series(1, $1::int) s;
INSERT INTO products (sku, data)
  SELECT format('K%s', lpad(k::text, 5, '0')),
         jsonb_build_object('sku', format('K%s', lpad(k::text, 5, '0')), 'safety_stock', k % 6)
  FROM generate_series(1, $2::int) k;
INSERT INTO lots (sku, lot_no, expiry_date)
  SELECT format('K%s', lpad(k::text, 5, '0')), lot, $4::date + (CASE lot WHEN 'A' THEN 60 ELSE 300 END)
  FROM generate_series(1, $2::int) k, unnest(ARRAY['A', 'B']) lot;
INSERT INTO stock (store_id, sku, lot_no, quantity)
  SELECT format('S%s', lpad(s::text, 3, '0')), format('K%s', lpad(k::text, 5, '0')), lot,
         (hashint4(s * 100003 + k * 7 + ascii(lot)) & 31)
  FROM generate_series(1, $1::int) s, generate_series(1, $2::int) k, unnest(ARRAY['A', 'B']) lot;
INSERT INTO sales_by_sku_day (scope, period, sku, category, quantity, amount, discount,
                              returned_quantity, returned_amount)
  SELECT format('S%s', lpad(s::text, 3, '0')), $4::date - d, format('K%s', lpad(k::text, 5, '0')), 'c',
         1 + (hashint4(s + k + d) & 3), 10, 0, 0, 0
  FROM generate_series(1, $3::int) d, generate_series(1, $1::int) s, generate_series(1, $2::int) k
  WHERE (hashint4(s * 7919 + k * 104729 + d) & 2147483647) % 100 < $5
  ORDER BY d DESC, s, k;
INSERT INTO transfers (transfer_id, from_store, to_store, dispatch_document, dispatched_on, dispatched_lines)
  SELECT format('TR%s', s), 'S001', format('S%s', lpad(s::text, 3, '0')), gen_random_uuid(), $4::date,
         jsonb_build_array(jsonb_build_object('sku', 'K00001', 'lot', 'A', 'quantity', 5))
  FROM generate_series(2, $1::int) s;
ANALYZE;
";

#[tokio::main]
async fn main() {
    let (stores, skus, days) = (
        env_i64("BENCH_STORES", 50),
        env_i64("BENCH_SKUS", 5_000),
        env_i64("BENCH_DAYS", 90),
    );
    let percent = env_i64("BENCH_SOLD_PERCENT", 10);
    let runs = env_i64("BENCH_RUNS", 10);
    let cluster = PgCluster::start().expect("start PostgreSQL");
    let url = cluster.create_database().await.expect("create a database");
    let pool = db::pool(&url, 2, None).expect("pool");
    let mut client = pool.get().await.expect("connect");
    db::migrate(&mut client).await.expect("migrate");
    let today = chain_time::today(Utc::now());
    let started = Instant::now();
    // Parameters cannot go into a multi-statement text: they are written in.
    let sql = GENERATE
        .replace("$1::int", &stores.to_string())
        .replace("$2::int", &skus.to_string())
        .replace("$3::int", &days.to_string())
        .replace("$4::date", &format!("'{today}'::date"))
        .replace("$5", &percent.to_string());
    client
        .batch_execute(&sql)
        .await
        .expect("generate the chain");
    let day_rows: i64 = client
        .query_one("SELECT count(*) FROM sales_by_sku_day", &[])
        .await
        .unwrap()
        .get(0);
    eprintln!(
        "generated {stores} stores × {skus} SKUs × {days} days ({day_rows} day rows of sales) in {:.0} s",
        started.elapsed().as_secs_f64()
    );

    let policy = Policy::default();
    let mut times: Vec<(Duration, Duration)> = Vec::new();
    let mut suggestions = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let (positions, safety) = replenishment::load(&mut **client, today, policy)
            .await
            .expect("load");
        let loaded = started.elapsed();
        let out = replenishment::suggest(&positions, &safety, policy);
        suggestions = out.len();
        times.push((loaded, started.elapsed()));
    }
    times.sort_by_key(|t| t.1);
    let ms = |d: Duration| format!("{:.0}", d.as_secs_f64() * 1000.0);
    let median = times[times.len() / 2];
    let worst = times[times.len() - 1];
    println!("| chain | day rows | suggestions | median (load) ms | slowest (load) ms |");
    println!("|---|---|---|---|---|");
    println!(
        "| {stores} stores × {skus} SKUs × {days} days | {day_rows} | {suggestions} | {} ({}) | {} ({}) |",
        ms(median.1),
        ms(median.0),
        ms(worst.1),
        ms(worst.0)
    );
}
