//! A recall list for a lot sold in every store (issue 12; goal: under 100 ms), on a
//! generated chain: `head_office::history` (seed 7) with 50 stores, whose test strips
//! carry the month's lot, so a popular strip's lot is sold in every store. Timed: the
//! recall list's query (`trace_reports::trace`, the whole chain) and the JSON API
//! (`GET /v1/trace/lot` over loopback HTTP as an admin, members masked).
//!
//! `cargo bench -p head-office --bench recall`
//! - `BENCH_STORES`, `BENCH_DAYS`, `BENCH_SALES` size the history (50, 30, 80 sales a
//!   store a day): generating it takes about a minute on two cores, not timed.

use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use head_office::history::{self, HistorySpec};
use head_office::server::{self, AppState};
use head_office::testing::{PgCluster, Visitor};
use head_office::trace_reports::{self, Traced};
use head_office::{chain_time, db};

const PASSWORD: &str = "bench password 1";

fn env_u32(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn recall(c: &mut Criterion) {
    let cluster = PgCluster::start().expect("start PostgreSQL");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let spec = HistorySpec {
        stores: env_u32("BENCH_STORES", 50),
        days: env_u32("BENCH_DAYS", 30),
        sales_per_store_day: env_u32("BENCH_SALES", 80),
        ..HistorySpec::chain_year(chain_time::today(Utc::now()))
    };
    let (pool, base, token, sku, lot) = runtime.block_on(async {
        let url = cluster.create_database().await.unwrap();
        let pool = db::pool(&url, 8, Some(db::REQUEST_STATEMENT_TIMEOUT)).unwrap();
        let (mut a, mut b) = (pool.get().await.unwrap(), pool.get().await.unwrap());
        db::migrate(&mut a).await.unwrap();
        eprintln!("generating {spec:?}");
        let started = Instant::now();
        let summary = history::generate(&mut [&mut **a, &mut **b], &spec, &|_, _| {})
            .await
            .expect("generate");
        a.batch_execute("VACUUM ANALYZE").await.unwrap();
        let lot = a
            .query_one(
                "SELECT sku, lot_no, count(DISTINCT store_id), count(*) FROM lot_trace
                 WHERE kind = 'sale' GROUP BY sku, lot_no
                 ORDER BY count(DISTINCT store_id) DESC, count(*) DESC LIMIT 1",
                &[],
            )
            .await
            .unwrap();
        let (sku, lot_no, stores): (String, String, i64) = (lot.get(0), lot.get(1), lot.get(2));
        assert_eq!(
            stores,
            i64::from(spec.stores),
            "the lot is sold in every store"
        );
        let sizes = a
            .query_one(
                "SELECT (SELECT count(*) FROM lot_trace),
                        (SELECT count(*) FROM lot_trace WHERE sku = $1 AND lot_no = $2),
                        (SELECT count(*) FROM device_sales)",
                &[&sku, &lot_no],
            )
            .await
            .unwrap();
        eprintln!(
            "generated {summary:?} in {:.0} s; lot_trace {} rows, lot {sku}/{lot_no}: {} \
             movements in {stores} stores; device_sales {} rows",
            started.elapsed().as_secs_f64(),
            sizes.get::<_, i64>(0),
            sizes.get::<_, i64>(1),
            sizes.get::<_, i64>(2),
        );
        // Where the time goes, for BENCHMARKS.md.
        let every_store: Option<Vec<String>> = None;
        let no_serial: Option<String> = None;
        let plan = a
            .query(
                &format!("EXPLAIN (ANALYZE, BUFFERS) {}", trace_reports::SQL),
                &[&sku, &lot_no, &no_serial, &every_store],
            )
            .await
            .unwrap();
        for line in plan {
            eprintln!("{}", line.get::<_, String>(0));
        }
        head_office::console::users::add_user(&**a, "bench-admin", "admin", &[], PASSWORD)
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(server::run(
            listener,
            AppState::new(pool.clone()),
            std::future::pending(),
        ));
        let mut browser = Visitor::new(&base);
        assert_eq!(browser.sign_in("bench-admin", PASSWORD).await.status, 303);
        let token = browser
            .cookie(head_office::console::session::COOKIE_NAME)
            .expect("a session")
            .to_owned();
        (pool, base, token, sku, lot_no)
    });
    let http = reqwest::Client::new();
    let url = format!("{base}/v1/trace/lot?sku={sku}&lot={lot}");

    let mut group = c.benchmark_group("recall");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("lot_sold_in_every_store/query", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let client = pool.get().await.unwrap();
                let traced = Traced::Lot {
                    sku: &sku,
                    lot: &lot,
                };
                let found =
                    trace_reports::trace(&**client, traced, None, trace_reports::MOVEMENTS_MAX)
                        .await
                        .unwrap();
                assert_eq!(found.stores.len(), spec.stores as usize);
                found
            })
        });
    });
    group.bench_function("lot_sold_in_every_store/api", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let answer = http.get(&url).bearer_auth(&token).send().await.unwrap();
                assert_eq!(answer.status(), 200);
                answer.bytes().await.unwrap()
            })
        });
    });
    group.finish();
}

criterion_group!(benches, recall);
criterion_main!(benches);
