//! Console page speed on a head office holding a chain's history: every page's p50 and
//! p95 over real HTTP on loopback, signed in as an admin (the whole chain) and as a store
//! manager. Goal (issue 11): p95 < 200 ms on 50 stores × one year (~10 million sale
//! lines). A load command, not criterion: it prints a table for BENCHMARKS.md.
//!
//! `cargo bench -p head-office --bench console_pages`
//! - `BENCH_DATABASE_URL`: a database to use and keep (generated into if it holds no
//!   documents); without it, a throwaway cluster under `TMPDIR` (generation included).
//! - `BENCH_STORES`, `BENCH_DAYS`, `BENCH_SALES` shrink the history (50, 365, 220).
//! - `BENCH_REQUESTS`: timed requests per page (40).

use std::time::{Duration, Instant};

use chrono::{Datelike, Utc};
use head_office::history::{self, HistorySpec};
use head_office::server::{self, AppState};
use head_office::testing::{PgCluster, Visitor};
use head_office::{chain_time, db};

const PASSWORD: &str = "bench password 1";

fn env_u32(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let (_cluster, url) = match std::env::var("BENCH_DATABASE_URL") {
        Ok(url) => (None, url),
        Err(_) => {
            let cluster = PgCluster::start().expect("start PostgreSQL");
            let url = cluster.create_database().await.expect("create a database");
            (Some(cluster), url)
        }
    };
    let pool = db::pool(&url, 8, Some(db::REQUEST_STATEMENT_TIMEOUT)).expect("pool");
    let admin_pool = db::pool(&url, 2, None).expect("pool");
    let mut a = admin_pool.get().await.expect("connect");
    db::migrate(&mut a).await.expect("migrate");
    let today = chain_time::today(Utc::now());
    let documents: i64 = a
        .query_one("SELECT count(*) FROM documents", &[])
        .await
        .unwrap()
        .get(0);
    if documents == 0 {
        let spec = HistorySpec {
            stores: env_u32("BENCH_STORES", 50),
            days: env_u32("BENCH_DAYS", 365),
            sales_per_store_day: env_u32("BENCH_SALES", 220),
            ..HistorySpec::chain_year(today)
        };
        eprintln!("generating {spec:?}");
        let started = Instant::now();
        let mut b = admin_pool.get().await.expect("connect");
        let summary = history::generate(&mut [&mut **a, &mut **b], &spec, &|date, so_far| {
            if date.day() == 1 {
                eprintln!(
                    "{date}: {so_far:?} after {:.0} s",
                    started.elapsed().as_secs_f64()
                );
            }
        })
        .await
        .expect("generate");
        eprintln!(
            "generated {summary:?} in {:.0} s",
            started.elapsed().as_secs_f64()
        );
        a.batch_execute("VACUUM ANALYZE").await.expect("vacuum");
    }
    let row = a
        .query_one(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(DISTINCT store_id) FROM terminals),
                    (SELECT max(business_date) FROM documents),
                    (SELECT pg_size_pretty(pg_database_size(current_database())))",
            &[],
        )
        .await
        .unwrap();
    let last_day: chrono::NaiveDate = row.get(2);
    eprintln!(
        "head office holds {} documents of {} stores up to {last_day}, {}",
        row.get::<_, i64>(0),
        row.get::<_, i64>(1),
        row.get::<_, String>(3)
    );
    for (name, role, stores) in [
        ("bench-admin", "admin", vec![]),
        ("bench-manager", "store_manager", vec!["S001".to_string()]),
    ] {
        let exists = a
            .query_opt("SELECT 1 FROM console_users WHERE name = $1", &[&name])
            .await
            .unwrap()
            .is_some();
        if !exists {
            head_office::console::users::add_user(&**a, name, role, &stores, PASSWORD)
                .await
                .expect("add a console user");
        }
    }
    let member: String = a
        .query_one(
            "SELECT member_id FROM point_ledger GROUP BY member_id ORDER BY count(*) DESC LIMIT 1",
            &[],
        )
        .await
        .map(|r| r.get(0))
        .unwrap_or_else(|_| "M0000001".into());
    let card: String = a
        .query_one("SELECT card_no FROM members WHERE id = $1", &[&member])
        .await
        .map(|r| r.get(0))
        .unwrap_or_default();
    drop(a);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(server::run(
        listener,
        AppState::new(pool),
        std::future::pending(),
    ));

    let year_from = last_day - chrono::TimeDelta::days(364);
    let year = format!("from={year_from}&to={last_day}");
    let date = format!("date={last_day}");
    let pages: Vec<String> = vec![
        format!("/dashboard?{date}"),
        format!("/dashboard?{date}&period=week"),
        format!("/reports?to={last_day}"),
        format!("/reports?{year}"),
        format!("/reports?report=stores&{year}"),
        format!("/reports?report=promotions&{year}"),
        format!("/reports?report=categories&{year}"),
        "/tills".into(),
        format!("/closes?to={last_day}"),
        "/stock".into(),
        "/stock?sort=quantity&dir=desc".into(),
        "/stock?q=G0001".into(),
        "/stock?expiring=30".into(),
        "/catalog".into(),
        "/catalog?find=G00001".into(),
        "/catalog/G00001".into(),
        "/promotions".into(),
        "/promotions/P01".into(),
        "/loyalty".into(),
        format!("/members?find={card}"),
        format!("/members/{member}"),
        "/audit".into(),
        "/transfers".into(),
        "/transfer-orders".into(),
        "/discrepancies".into(),
        "/replenishment".into(),
        "/replenishment?store=S001".into(),
        format!(
            "/device-sales?from={}&to={last_day}",
            last_day - chrono::TimeDelta::days(30)
        ),
    ];
    let requests = env_u32("BENCH_REQUESTS", 40) as usize;
    println!("| who | page | p50 ms | p95 ms | max ms |");
    println!("|---|---|---|---|---|");
    for who in ["bench-admin", "bench-manager"] {
        let mut visitor = Visitor::new(&base);
        let answer = visitor.sign_in(who, PASSWORD).await;
        assert_eq!(answer.status, 303, "{who} signs in: {}", answer.body);
        for page in &pages {
            let mut times = Vec::with_capacity(requests);
            for i in 0..requests + 3 {
                let started = Instant::now();
                let answer = visitor.get(page).await;
                let took = started.elapsed();
                assert!(
                    answer.status == 200 || (who == "bench-manager" && answer.status == 403),
                    "{who} {page}: {} {}",
                    answer.status,
                    &answer.body[..answer.body.len().min(400)]
                );
                if i >= 3 {
                    times.push(took);
                }
            }
            times.sort();
            println!(
                "| {who} | `{page}` | {} | {} | {} |",
                ms(percentile(&times, 0.5)),
                ms(percentile(&times, 0.95)),
                ms(*times.last().unwrap())
            );
        }
    }
}
