//! Till store benchmarks on a 200,000-SKU catalog: barcode lookup, name/pinyin search,
//! catalog import, and the durable sale commit (p50/p99) beside a bare SQLite insert with
//! the same fsync settings, measured in the same run.
//!
//! Run: `cargo bench -p pos-core --bench till_store` (see BENCHMARKS.md).

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use criterion::{BatchSize, Criterion, criterion_group};
use pos_core::document::{DenominationCount, Tender, TenderKind};
use pos_core::import::CatalogImport;
use pos_core::store::Store;
use pos_core::till::{ItemInput, Till};
use rust_decimal::Decimal;

const SKUS: usize = 200_000;
const COMMITS: usize = 1_000;

fn today() -> NaiveDate {
    "2026-11-22".parse().unwrap()
}

fn now() -> DateTime<Utc> {
    "2026-11-22T02:00:00Z".parse().unwrap()
}

fn catalog() -> CatalogImport {
    pos_core::demo::generate_catalog(SKUS, 42, today())
}

fn new_till(dir: &Path, catalog: &CatalogImport) -> Till {
    pos_core::demo::demo_till(&dir.join("till.sqlite"), Default::default(), catalog).unwrap()
}

fn lookups(c: &mut Criterion, till: &Till, catalog: &CatalogImport) {
    let store = till.store();
    let barcodes: Vec<&str> = catalog
        .barcodes
        .iter()
        .step_by(997)
        .map(|(_, b)| b.as_str())
        .collect();
    let mut i = 0;
    c.bench_function("barcode lookup (200k SKUs)", |b| {
        b.iter(|| {
            i = (i + 1) % barcodes.len();
            black_box(store.product_by_code(barcodes[i]).unwrap().unwrap())
        })
    });
    c.bench_function("search pinyin initials 'xyj' (200k SKUs, 20 hits)", |b| {
        b.iter(|| black_box(store.search_products("xyj", 20).unwrap()))
    });
    c.bench_function("search Chinese name '血糖' (200k SKUs, 20 hits)", |b| {
        b.iter(|| black_box(store.search_products("血糖", 20).unwrap()))
    });
    c.bench_function("search by SKU (200k SKUs)", |b| {
        let sku = catalog.products[SKUS / 2].sku.clone();
        b.iter(|| black_box(store.search_products(&sku, 20).unwrap()))
    });
}

fn import(c: &mut Criterion, catalog: &CatalogImport) {
    let mut group = c.benchmark_group("import");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(60));
    group.bench_function("catalog import of 200k SKUs (one transaction)", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let store = Store::open(&dir.path().join("till.sqlite")).unwrap();
                (dir, store)
            },
            |(dir, mut store)| {
                store.import_catalog(catalog).unwrap();
                drop(store);
                dir
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Times each durable sale commit (`Till::pay` of a three-line cart, WAL + synchronous=FULL)
/// and each bare insert of a row the same size into a table of a file with the same
/// settings, interleaved so both see the same disk.
fn commit_latency(catalog: &CatalogImport) {
    let dir = tempfile::tempdir().unwrap();
    let mut till = new_till(dir.path(), catalog);
    till.login("manager", "123456", now()).unwrap();
    till.open_shift(
        vec![DenominationCount {
            denomination: Decimal::ONE_HUNDRED,
            count: 5,
        }],
        now(),
    )
    .unwrap();
    let plain: Vec<&str> = catalog
        .products
        .iter()
        .filter(|p| p.tracking == pos_core::catalog::Tracking::None)
        .take(300)
        .map(|p| p.sku.as_str())
        .collect();

    let bare = rusqlite::Connection::open(dir.path().join("bare.sqlite")).unwrap();
    bare.pragma_update(None, "journal_mode", "WAL").unwrap();
    bare.pragma_update(None, "synchronous", "FULL").unwrap();
    bare.execute(
        "CREATE TABLE doc (id INTEGER PRIMARY KEY, body BLOB NOT NULL)",
        [],
    )
    .unwrap();

    let (mut sale, mut insert) = (Vec::new(), Vec::new());
    for i in 0..COMMITS {
        for k in 0..3 {
            till.scan(&ItemInput::code(plain[(i * 3 + k) % plain.len()]), now())
                .unwrap();
        }
        let total = till.priced(now()).unwrap().total;
        let tender = Tender {
            kind: TenderKind::WechatPay,
            amount: total,
            reference: Some("4200".into()),
            points: 0,
        };
        let t = Instant::now();
        let doc = till.pay(&[tender], None, now()).unwrap();
        sale.push(t.elapsed());

        let body = doc.canonical_bytes();
        let t = Instant::now();
        bare.execute("INSERT INTO doc (body) VALUES (?1)", [&body])
            .unwrap();
        insert.push(t.elapsed());
    }
    sale.sort();
    insert.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("durable sale commit ({COMMITS} sales, 3 lines each, 200k SKUs):");
    println!(
        "  Till::pay      p50 {:.3} ms  p99 {:.3} ms",
        ms(percentile(&sale, 0.5)),
        ms(percentile(&sale, 0.99))
    );
    println!(
        "  bare INSERT    p50 {:.3} ms  p99 {:.3} ms",
        ms(percentile(&insert, 0.5)),
        ms(percentile(&insert, 0.99))
    );
    println!(
        "  ratio p50 {:.2}x",
        ms(percentile(&sale, 0.5)) / ms(percentile(&insert, 0.5))
    );
}

fn benches(c: &mut Criterion) {
    let catalog = catalog();
    let dir = tempfile::tempdir().unwrap();
    let till = new_till(dir.path(), &catalog);
    lookups(c, &till, &catalog);
    import(c, &catalog);
    commit_latency(&catalog);
}

criterion_group!(till_store, benches);

fn main() {
    till_store();
    Criterion::default().configure_from_args().final_summary();
}
