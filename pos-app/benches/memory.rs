//! Resident memory of the till after ringing up 1,000 sales on the 200,000-SKU catalog,
//! through the real `App` (wedge scans, the payment screen, a frame laid out and drawn
//! after each sale). Its own process, so no other bench's allocations count.
//!
//! Run: `CARGO_TARGET_DIR=/work/targets/ui cargo bench -p pos-app --bench memory`.

mod support;

use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use pos_app::app::keys::{KeyPress, Pressed};
use pos_app::app::screen::payment;
use pos_app::app::{App, Clock, Message, Screen};
use support::{Frame, SALES, SKUS, barcodes, data_dir, log_in, now, wedge_scan};

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Three scans and the exact amount in cash on the payment screen (the till refuses
/// change above 1,000 yuan as a typing slip); the sale is on disk after.
fn ring_up(app: &mut App, codes: &[String], n: usize, at: &mut Instant) {
    for k in 0..3 {
        wedge_scan(app, &codes[(n * 3 + k) % codes.len()], at);
    }
    let due = app
        .till()
        .and_then(|till| till.priced(app.clock().now()).ok())
        .map(|priced| priced.total)
        .expect("the sale prices");
    let _ = app.update(Message::Key(KeyPress::new(Pressed::F(12), *at)));
    let _ = app.update(Message::Payment(payment::Message::Amount(due.to_string())));
    let _ = app.update(Message::Payment(payment::Message::Add));
}

fn rss_after_1000_sales(c: &mut Criterion) {
    let data = data_dir("200k", SKUS);
    let codes = barcodes(&data, 30);
    let mut app = App::new(data, Clock::manual(now()));
    log_in(&mut app);
    let mut frame = Frame::new();
    frame.draw(&app);
    let mut at = Instant::now();
    let first = app
        .till()
        .expect("till")
        .store()
        .last_sequence()
        .expect("sequence");
    let before = resident_kib();
    let started = Instant::now();
    for n in 0..SALES {
        ring_up(&mut app, &codes, n, &mut at);
        frame.draw(&app);
        assert!(
            matches!(app.screen(), Screen::Sale(_)),
            "sale {n}: {:?}",
            app.banner()
        );
        app.clock().advance(chrono::Duration::seconds(20));
    }
    let elapsed = started.elapsed();
    let after = resident_kib();
    let last = app
        .till()
        .expect("till")
        .store()
        .last_sequence()
        .expect("sequence");
    assert_eq!(last - first, SALES as u64, "every sale is on disk");
    eprintln!(
        "rss_after_1000_sales: {:.1} MiB resident after {SALES} sales ({:.1} MiB with the sale screen up before them); {:.1} s, {:.1} ms a sale",
        after as f64 / 1024.0,
        before as f64 / 1024.0,
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e3 / SALES as f64
    );
    let mut group = c.benchmark_group("sale");
    group.sample_size(20);
    let mut n = SALES;
    group.bench_function("three_scans_and_cash_payment", |b| {
        b.iter(|| {
            ring_up(&mut app, &codes, n, &mut at);
            n += 1;
        })
    });
    group.finish();
}

criterion_group!(benches, rss_after_1000_sales);
criterion_main!(benches);
