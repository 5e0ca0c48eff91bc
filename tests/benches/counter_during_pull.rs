//! The counter while a full catalog pull runs: scan-to-line and sale commit on the till's
//! own connection, while the sync agent applies the full feed of a 200,000-SKU catalog
//! (pulled over loopback from a real head office) on its own connection to the same till
//! file, as the app and its embedded agent do. The same sales rung up with no pull, in
//! the same run, are the baseline.
//!
//! Goals (issue 14): scan to line p99 under 16 ms, sale commit p99 under 50 ms.
//!
//! `cargo bench -p tests --bench counter_during_pull`; `BENCH_SKUS` shrinks the catalog.
//! A load command, not criterion: the figures are percentiles over every scan and sale
//! rung up while the pull ran.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use pos_core::catalog::Tracking;
use pos_core::document::{DenominationCount, Tender, TenderKind};
use pos_core::till::{ItemInput, Till};
use rust_decimal::Decimal;
use sync_agent::client::{HeadOfficeClient, Timeouts};
use sync_agent::protocol::FEED_LIMIT_MAX;
use sync_agent::pull::pull_all;
use tests::head_office::TestHeadOffice;
use tests::tills::{PIN, TestTill};

/// Baseline sales rung up with no pull.
const BASELINE_SALES: usize = 200;
/// Lines per sale.
const LINES: usize = 3;

fn main() {
    let skus: usize = std::env::var("BENCH_SKUS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let business_date = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let mut catalog = pos_core::demo::generate_catalog(skus, 7, business_date);
    let demo = tests::demo_catalog();
    catalog.products.extend(demo.products.clone());
    catalog.barcodes.extend(demo.barcodes.clone());
    let ho = rt.block_on(TestHeadOffice::start());
    rt.block_on(ho.import(&catalog, Some("S1")));
    let server = rt.block_on(ho.enrolled_till("S1", "T9", ho.url())).server();

    let codes = counter_codes(&demo);
    let baseline = {
        let till = TestTill::init("S1", "T1", None);
        till.import_catalog(&demo);
        let mut counter = open_counter(&till);
        let mut figures = Figures::default();
        for _ in 0..BASELINE_SALES {
            ring_up(&mut counter, &codes, &mut figures);
        }
        figures
    };

    let till = TestTill::init("S1", "T2", Some(server.clone()));
    till.import_catalog(&demo);
    let mut counter = open_counter(&till);
    let pulling = Arc::new(AtomicBool::new(true));
    let agent = {
        let pulling = pulling.clone();
        let till_path = till.data.till_path();
        let server = server.clone();
        let handle = rt.handle().clone();
        std::thread::spawn(move || {
            // The agent's own connection, set up as the agent sets it.
            let mut store = pos_core::store::Store::open_existing(&till_path).unwrap();
            store
                .set_page_cache_mib(sync_agent::agent::FEED_PAGE_CACHE_MIB)
                .unwrap();
            let client = HeadOfficeClient::new(&server, Timeouts::default()).unwrap();
            let started = Instant::now();
            let report = handle
                .block_on(pull_all(&mut store, &client, FEED_LIMIT_MAX, &mut |_| {}))
                .expect("the pull");
            pulling.store(false, Ordering::SeqCst);
            (report, started.elapsed())
        })
    };
    let mut during = Figures::default();
    while pulling.load(Ordering::SeqCst) {
        ring_up(&mut counter, &codes, &mut during);
    }
    let (report, pulled_in) = agent.join().expect("the pull thread");
    assert!(report.drained, "{report:?}");

    println!(
        "full pull of {skus} SKUs ({} changes, {} pages) took {pulled_in:.2?} while the counter rang up {} sales",
        report.changes,
        report.pages,
        during.commits.len()
    );
    println!(
        "| what | baseline (no pull) p50 / p99 / max | during the pull p50 / p99 / max | p99 ratio | goal |"
    );
    println!("|---|---|---|---|---|");
    row(
        "scan to line (`Till::scan` + `Till::priced`)",
        &baseline.scans,
        &during.scans,
        "p99 < 16 ms",
    );
    row(
        "sale commit (`Till::pay`)",
        &baseline.commits,
        &during.commits,
        "p99 < 50 ms",
    );
    rt.block_on(ho.stop());
}

/// Barcodes of untracked demo products: scanned as they are, no lot or serial to pick.
fn counter_codes(demo: &pos_core::import::CatalogImport) -> Vec<String> {
    demo.barcodes
        .iter()
        .filter(|(sku, _)| {
            demo.products
                .iter()
                .any(|p| &p.sku == sku && p.tracking == Tracking::None)
        })
        .map(|(_, barcode)| barcode.clone())
        .take(8)
        .collect()
}

fn open_counter(till: &TestTill) -> Till {
    let mut counter = till.open();
    counter.login("manager", PIN, now()).expect("log in");
    counter
        .open_shift(
            vec![DenominationCount {
                denomination: Decimal::ONE_HUNDRED,
                count: 5,
            }],
            now(),
        )
        .expect("open the shift");
    counter
}

fn now() -> DateTime<Utc> {
    tests::first_sale_at()
}

#[derive(Default)]
struct Figures {
    scans: Vec<Duration>,
    commits: Vec<Duration>,
}

/// One sale of [`LINES`] scans paid in exact cash, each scan and the commit timed.
fn ring_up(counter: &mut Till, codes: &[String], figures: &mut Figures) {
    for i in 0..LINES {
        let code = &codes[(figures.scans.len() + i) % codes.len()];
        let started = Instant::now();
        counter
            .scan(&ItemInput::code(code.clone()), now())
            .expect("a scan");
        counter.priced(now()).expect("priced");
        figures.scans.push(started.elapsed());
    }
    let total = counter.priced(now()).expect("priced").total;
    let cash = Tender {
        kind: TenderKind::Cash,
        amount: total,
        reference: None,
        points: 0,
    };
    let started = Instant::now();
    counter.pay(&[cash], None, now()).expect("the sale");
    figures.commits.push(started.elapsed());
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn summary(samples: &[Duration]) -> (Duration, Duration, Duration) {
    let mut sorted = samples.to_vec();
    sorted.sort();
    (
        percentile(&sorted, 0.50),
        percentile(&sorted, 0.99),
        *sorted.last().expect("samples"),
    )
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn row(what: &str, baseline: &[Duration], during: &[Duration], goal: &str) {
    let (b50, b99, bmax) = summary(baseline);
    let (d50, d99, dmax) = summary(during);
    println!(
        "| {what} | {} / {} / {} | {} / {} / {} | {:.2}x | {goal} |",
        ms(b50),
        ms(b99),
        ms(bmax),
        ms(d50),
        ms(d99),
        ms(dmax),
        d99.as_secs_f64() / b99.as_secs_f64()
    );
}
