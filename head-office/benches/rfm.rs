//! RFM over a chain of 1 million members and 20 million sale lines (issue 13's goal:
//! under 60 s), and what the members' daily aggregate adds to each fold. A load
//! command, not criterion: it prints the figures for BENCHMARKS.md.
//!
//! `cargo bench -p head-office --bench rfm`
//! - `BENCH_MEMBERS` (1,000,000), `BENCH_SALES` (8,000,000 sales: 20 million lines at
//!   the chain's 2.5 lines a sale), `BENCH_DAYS` (365, the window), `BENCH_RUNS` (5
//!   timed runs);
//! - `BENCH_FOLD_STORES`, `BENCH_FOLD_DAYS`, `BENCH_FOLD_SALES` (10, 7, 220: the history
//!   whose fold is timed with and without the members' days), `BENCH_FOLD_RUNS` (10).
//!
//! The run reads only `sales_by_member_day`, so the chain is written with SQL straight
//! into it, as folding those sales would leave it: one row per member and day with the
//! day's sales (a sale in 200 voided: it counts for nothing), returns (a sale in 100,
//! half its amount) and amounts of 5 to 505 yuan; half the sales by a loyal 30% of the
//! members; one member in 100 also bought under a till's id merged into them
//! (`member_aliases`), on every other day; every member has its row in the tills' feed.
//! Then `rfm::run` is timed `BENCH_RUNS` times, each replacing the last one's million
//! rows as the daily run does: the first run sends nearly every member to the tills with
//! its new segment, the next ones (same figures) none.
//!
//! The fold's cost: a history generated through ingest (`head_office::history`), then
//! its sales, returns and voids added up with `aggregates::add_stored_parts` in rounds
//! of 10,000 documents (a fold round's most), with and without the members' days,
//! alternately, each in a transaction that first empties the aggregates (so every row
//! is inserted as a first fold would) and is rolled back.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use head_office::aggregates::{self, Parts};
use head_office::history::{self, HistorySpec};
use head_office::testing::PgCluster;
use head_office::{chain_time, db, rfm};
use uuid::Uuid;

fn env_i64(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const GENERATE: &str = "
SET work_mem = '512MB';
INSERT INTO members (id, card_no, phone, name)
  SELECT format('M%s', lpad(m::text, 7, '0')), format('C%s', lpad(m::text, 9, '0')),
         format('139%s', lpad(m::text, 8, '0')), '会员'
  FROM generate_series(1, $members) m;
-- Every member in the tills' feed, masked and keyed, as head office publishes them: a
-- run sends the members whose segment it changed from these rows (the first run: all).
INSERT INTO feed (scope, key, cursor, change)
  SELECT '', 'member' || chr(31) || id, nextval('feed_cursor'),
         json_build_object('entity', 'member', 'data', json_build_object(
             'id', id, 'card_no', card_no, 'phone', '*******' || right(phone, 4),
             'name', '会*', 'tier', tier, 'points_balance', points_balance,
             'phone_key', encode(sha256(convert_to(phone, 'UTF8')), 'hex')))
  FROM members;
INSERT INTO member_aliases (alias_id, member_id, card_no, document_id)
  SELECT format('T-M%s', lpad(m::text, 7, '0')), format('M%s', lpad(m::text, 7, '0')),
         format('TC%s', m), gen_random_uuid()
  FROM generate_series(1, $members, 100) m;
INSERT INTO sales_by_member_day (member_id, business_date, sales_count, sales_amount,
                                 returns_count, returns_amount)
SELECT CASE WHEN m % 100 = 1 AND back % 2 = 0 THEN format('T-M%s', lpad(m::text, 7, '0'))
            ELSE format('M%s', lpad(m::text, 7, '0')) END,
       $as_of - back,
       count(*) FILTER (WHERE NOT voided),
       coalesce(sum(amount) FILTER (WHERE NOT voided), 0),
       count(*) FILTER (WHERE returned AND NOT voided),
       coalesce(sum(round(amount / 2, 2)) FILTER (WHERE returned AND NOT voided), 0)
FROM (SELECT CASE WHEN g & 1 = 0 THEN 1 + (h & 2147483647) % $members
                  ELSE 1 + (h & 2147483647) % ($members * 3 / 10) END AS m,
             ((g >> 1) & 2147483647) % $days AS back,
             ((g >> 3) & 2147483647) % 50000 / 100.0 + 5 AS amount,
             ((h >> 3) & 2147483647) % 200 = 0 AS voided,
             ((h >> 3) & 2147483647) % 100 = 1 AS returned
      FROM (SELECT hashint4(s) AS h, hashint4(s + 1000000000) AS g
            FROM generate_series(1, $sales) s) hashed) sales
GROUP BY 1, 2;
";

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let members = env_i64("BENCH_MEMBERS", 1_000_000);
    let sales = env_i64("BENCH_SALES", 8_000_000);
    let days = env_i64("BENCH_DAYS", 365);
    let runs = env_i64("BENCH_RUNS", 5);
    let cluster = PgCluster::start().expect("start PostgreSQL");
    let url = cluster.create_database().await.expect("create a database");
    let pool = db::pool(&url, 2, None).expect("pool");
    let mut client = pool.get().await.expect("connect");
    db::migrate(&mut client).await.expect("migrate");
    let today = chain_time::today(Utc::now());

    fold_cost(&cluster, today).await;

    let started = Instant::now();
    // Parameters cannot go into a multi-statement text: they are written in.
    let sql = GENERATE
        .replace("$members", &members.to_string())
        .replace("$sales", &sales.to_string())
        .replace("$days", &days.to_string())
        .replace("$as_of", &format!("'{today}'::date"));
    client
        .batch_execute(&sql)
        .await
        .expect("generate the chain");
    // A run after the day's folding: statistics and the visibility map as autovacuum
    // would leave them.
    client
        .batch_execute("VACUUM ANALYZE")
        .await
        .expect("vacuum");
    let day_rows: i64 = client
        .query_one("SELECT count(*) FROM sales_by_member_day", &[])
        .await
        .unwrap()
        .get(0);
    eprintln!(
        "generated {members} members, {sales} sales ({day_rows} member-day rows) in {:.0} s",
        started.elapsed().as_secs_f64()
    );

    let mut times = Vec::new();
    let mut scored = 0;
    for run in 0..runs {
        let summary = rfm::run(&mut client, Utc::now(), today, days)
            .await
            .expect("run");
        scored = summary.members;
        let [read, score, write] = summary.phases;
        eprintln!(
            "run {}: {} ms (read {} ms, score {} ms, write {} ms), {} members; then {} moved members sent to the tills in {} ms",
            run + 1,
            ms(summary.took),
            ms(read),
            ms(score),
            ms(write),
            summary.members,
            summary.sent_to_tills,
            ms(summary.sending)
        );
        times.push(summary);
    }
    times.sort_by_key(|s| s.took);
    let median = &times[times.len() / 2];
    let worst = &times[times.len() - 1];
    let phases = |s: &rfm::RunSummary| {
        format!(
            "{} / {} / {}",
            ms(s.phases[0]),
            ms(s.phases[1]),
            ms(s.phases[2])
        )
    };
    println!(
        "| members | sales (lines) | member-day rows | scored | median ms (read / score / write) | slowest ms (read / score / write) |"
    );
    println!("|---|---|---|---|---|---|");
    println!(
        "| {members} | {sales} ({}) | {day_rows} | {scored} | {} ({}) | {} ({}) |",
        sales * 5 / 2,
        ms(median.took),
        phases(median),
        ms(worst.took),
        phases(worst)
    );
}

/// Times the fold of a generated history with and without the members' days, in a
/// database of its own on the cluster.
async fn fold_cost(cluster: &PgCluster, last_day: NaiveDate) {
    let url = cluster.create_database().await.expect("create a database");
    let pool = db::pool(&url, 2, None).expect("pool");
    db::migrate(&mut pool.get().await.expect("connect"))
        .await
        .expect("migrate");
    let spec = HistorySpec {
        stores: env_i64("BENCH_FOLD_STORES", 10) as u32,
        days: env_i64("BENCH_FOLD_DAYS", 7) as u32,
        sales_per_store_day: env_i64("BENCH_FOLD_SALES", 220) as u32,
        ..HistorySpec::chain_year(last_day)
    };
    let fold_runs = env_i64("BENCH_FOLD_RUNS", 10);
    let mut first = pool.get().await.expect("connect");
    let mut second = pool.get().await.expect("connect");
    history::generate(&mut [&mut **first, &mut **second], &spec, &|_, _| {})
        .await
        .expect("generate a history");
    drop(second);
    let ids: Vec<Uuid> = first
        .query(
            "SELECT id FROM documents WHERE kind IN ('sale', 'return', 'void') ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let client: &mut tokio_postgres::Client = &mut first;
    let mut with = Vec::new();
    let mut without = Vec::new();
    for run in 0..fold_runs {
        let order = if run % 2 == 0 {
            [Parts::All, Parts::WithoutMembers]
        } else {
            [Parts::WithoutMembers, Parts::All]
        };
        for parts in order {
            let tx = client.transaction().await.unwrap();
            tx.batch_execute(
                "TRUNCATE sales_by_store_hour, sales_by_store_day, sales_by_sku_day,
                          sales_by_sku_month, sales_by_promotion_day, lot_trace,
                          device_sales, sales_by_member_day",
            )
            .await
            .unwrap();
            let started = Instant::now();
            for round in ids.chunks(10_000) {
                aggregates::add_stored_parts(&tx, round, parts)
                    .await
                    .expect("fold");
            }
            let took = started.elapsed();
            tx.rollback().await.unwrap();
            match parts {
                Parts::All => with.push(took),
                Parts::WithoutMembers => without.push(took),
            }
        }
    }
    with.sort();
    without.sort();
    let (w, wo) = (with[with.len() / 2], without[without.len() / 2]);
    let per_doc = |d: Duration| d.as_secs_f64() * 1e6 / ids.len() as f64;
    println!("| documents folded | with members' days ms (µs/doc) | without ms (µs/doc) | ratio |");
    println!("|---|---|---|---|");
    println!(
        "| {} | {} ({:.1}) | {} ({:.1}) | {:.3} |",
        ids.len(),
        ms(w),
        per_doc(w),
        ms(wo),
        per_doc(wo),
        w.as_secs_f64() / wo.as_secs_f64()
    );
}
