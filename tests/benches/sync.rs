//! Sync benchmarks on the real pieces (head office on the throwaway PostgreSQL over
//! loopback HTTP, real till files):
//!
//! - `drain`: a till's backlog of 50,000 sales pushed to head office, beside a bare
//!   `COPY` of the same rows into the same PostgreSQL (the floor any ingest is measured
//!   against). Goal: 5,000 sales/s or more.
//! - `feed`: the full feed of a 200,000-SKU catalog applied at an empty till, pulled
//!   over HTTP, and applied from pages already in memory. Goal: under 3 s.
//!
//!   Setup also prints, once, where the fetching side's time goes: head office's page
//!   queries and bodies alone, every page fetched and decoded one after another, and the
//!   decoding alone.
//!
//! `cargo bench -p tests --bench sync`; `BENCH_SALES` and `BENCH_SKUS` shrink the runs.
//! Setup (ringing up the backlog, importing the catalog) takes a few minutes and is
//! not measured; each measured run starts from a fresh database and a fresh till file.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use pos_core::data_dir::ServerConfig;
use pos_core::store::{OutboxRow, Store};
use sync_agent::client::{HeadOfficeClient, Timeouts};
use sync_agent::protocol::{BATCH_DOCUMENTS_MAX, FEED_LIMIT_MAX, FeedPage};
use sync_agent::pull::{apply_page, check_page, pull_all};
use sync_agent::push::push_all;
use tests::bench::{copy_backlog_till, copy_rows};
use tests::head_office::TestHeadOffice;
use tests::tills::TestTill;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

fn configure<'c>(
    c: &'c mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'c, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1));
    group
}

fn drain(c: &mut Criterion) {
    let sales = env_or("BENCH_SALES", 50_000);
    let rt = runtime();
    let started = Instant::now();
    let template = TestTill::init("S1", "T1", None);
    template.import_catalog(&tests::demo_catalog());
    template.sell(
        sales,
        1,
        Utc.with_ymd_and_hms(2026, 11, 22, 1, 0, 0).unwrap(),
    );
    let rows: Vec<OutboxRow> = template
        .store()
        .outbox_batch(usize::MAX >> 1, usize::MAX >> 1)
        .expect("the backlog");
    eprintln!(
        "backlog: {} documents ({sales} sales) rung up in {:?}",
        rows.len(),
        started.elapsed()
    );

    let mut group = configure(c, "drain");
    group.throughput(criterion::Throughput::Elements(sales));
    group.bench_function(format!("push_{sales}_sales_over_loopback"), |b| {
        b.iter_custom(|iters| {
            let mut measured = Duration::ZERO;
            for _ in 0..iters {
                measured += rt.block_on(async {
                    let ho = TestHeadOffice::start().await;
                    let token = ho.enroll("S1", "T1").await;
                    let till = copy_backlog_till(&template);
                    let mut store = till.store();
                    let identity = store.identity().unwrap().unwrap();
                    let client = HeadOfficeClient::new(
                        &ServerConfig {
                            url: ho.url(),
                            token,
                        },
                        Timeouts::default(),
                    )
                    .unwrap();
                    let started = Instant::now();
                    let report = push_all(
                        &mut store,
                        &client,
                        &identity,
                        BATCH_DOCUMENTS_MAX,
                        &Utc::now,
                        &mut |_| {},
                    )
                    .await
                    .expect("the push");
                    let elapsed = started.elapsed();
                    assert_eq!(report.accepted as usize, rows.len(), "{report:?}");
                    ho.stop().await;
                    elapsed
                });
            }
            measured
        })
    });
    group.bench_function(format!("copy_{sales}_sales_bare"), |b| {
        b.iter_custom(|iters| {
            let mut measured = Duration::ZERO;
            for _ in 0..iters {
                measured += rt.block_on(async {
                    let ho = TestHeadOffice::start().await;
                    let elapsed = copy_rows(&ho.database_url, "S1", "T1", &rows).await;
                    ho.stop().await;
                    elapsed
                });
            }
            measured
        })
    });
    group.finish();
}

fn feed(c: &mut Criterion) {
    let skus = env_or("BENCH_SKUS", 200_000) as usize;
    let rt = runtime();
    let started = Instant::now();
    let catalog =
        pos_core::demo::generate_catalog(skus, 7, NaiveDate::from_ymd_opt(2026, 11, 22).unwrap());
    let ho = rt.block_on(TestHeadOffice::start());
    rt.block_on(ho.import(&catalog, Some("S1")));
    let token = rt.block_on(ho.enroll("S1", "T1"));
    let server = ServerConfig {
        url: ho.url(),
        token,
    };
    // The pages as head office serves them, for the apply-only run.
    let pages: Vec<FeedPage> = rt.block_on(async {
        let client = HeadOfficeClient::new(&server, Timeouts::default()).unwrap();
        let (mut cursor, mut pages) = (0, Vec::new());
        loop {
            let page = client
                .feed_page(cursor, FEED_LIMIT_MAX, None)
                .await
                .expect("a feed page");
            check_page(cursor, &page).expect("a sound page");
            cursor = page.next_cursor;
            let more = page.more;
            pages.push(page);
            if !more {
                return pages;
            }
        }
    });
    let fetched = started.elapsed();
    let changes: usize = pages.iter().map(|p| p.changes.len()).sum();
    eprintln!(
        "feed: {skus} SKUs, {changes} changes in {} pages, set up in {fetched:?}",
        pages.len(),
    );
    feed_diagnostics(&rt, &ho, &server, &pages);

    let mut group = configure(c, "feed");
    group.throughput(criterion::Throughput::Elements(skus as u64));
    group.bench_function(format!("pull_{skus}_skus_over_loopback"), |b| {
        b.iter_custom(|iters| {
            let mut measured = Duration::ZERO;
            for _ in 0..iters {
                let till = TestTill::init("S1", "T1", Some(server.clone()));
                let mut store = till.store();
                // As the agent's own connection does.
                store
                    .set_page_cache_mib(sync_agent::agent::FEED_PAGE_CACHE_MIB)
                    .unwrap();
                let client = HeadOfficeClient::new(&server, Timeouts::default()).unwrap();
                let started = Instant::now();
                let report = rt
                    .block_on(pull_all(&mut store, &client, FEED_LIMIT_MAX, &mut |_| {}))
                    .expect("the pull");
                measured += started.elapsed();
                assert_eq!(report.changes as usize, changes);
            }
            measured
        })
    });
    group.bench_function(format!("apply_{skus}_skus_from_memory"), |b| {
        b.iter_custom(|iters| {
            let mut measured = Duration::ZERO;
            for _ in 0..iters {
                let till = TestTill::init("S1", "T1", None);
                let mut store: Store = till.store();
                store
                    .set_page_cache_mib(sync_agent::agent::FEED_PAGE_CACHE_MIB)
                    .unwrap();
                let started = Instant::now();
                let mut held_back = Vec::new();
                for (i, page) in pages.iter().enumerate() {
                    let last = i + 1 == pages.len();
                    held_back = apply_page(&mut store, page, held_back, last.then_some(0))
                        .expect("apply a page");
                }
                measured += started.elapsed();
                assert_eq!(store.product_count().unwrap() as usize, skus);
            }
            measured
        })
    });
    group.finish();
    rt.block_on(ho.stop());
}

/// Where one full feed's time goes outside the till's SQLite, printed once (not measured
/// by criterion): head office's page queries alone, the pages fetched one after another
/// over loopback (query, body, transfer, decoding), and decoding alone.
fn feed_diagnostics(
    rt: &tokio::runtime::Runtime,
    ho: &TestHeadOffice,
    server: &ServerConfig,
    pages: &[FeedPage],
) {
    rt.block_on(async {
        let mut client = ho.client().await;
        let started = Instant::now();
        let mut cursor = 0;
        for page in pages {
            head_office::feed::read_page(&mut client, "S1", cursor, FEED_LIMIT_MAX)
                .await
                .expect("a page");
            cursor = page.next_cursor;
        }
        eprintln!(
            "feed: head office's page queries and bodies alone: {:?}",
            started.elapsed()
        );
        let client = HeadOfficeClient::new(server, Timeouts::default()).unwrap();
        let started = Instant::now();
        let mut cursor = 0;
        for _ in pages {
            let page = client
                .feed_page(cursor, FEED_LIMIT_MAX, None)
                .await
                .expect("a page");
            cursor = page.next_cursor;
        }
        eprintln!(
            "feed: every page fetched over loopback and decoded, one after another: {:?}",
            started.elapsed()
        );
    });
    let bodies: Vec<Vec<u8>> = pages
        .iter()
        .map(|p| serde_json::to_vec(p).unwrap())
        .collect();
    let started = Instant::now();
    for body in &bodies {
        let _: FeedPage = serde_json::from_slice(body).expect("a page");
    }
    eprintln!(
        "feed: decoding alone: {:?} ({} MB of JSON)",
        started.elapsed(),
        bodies.iter().map(Vec::len).sum::<usize>() / 1_000_000
    );
}

criterion_group!(benches, drain, feed);
criterion_main!(benches);
