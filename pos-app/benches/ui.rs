//! The till's own figures, through the real `App` (update + view + layout):
//! - `cold_start`: open a 200,000-SKU till, log in, and lay out the sale screen;
//! - `scan_to_screen`: a wedge scan until its line is laid out (p50 / p99 printed);
//!
//! Memory after 1,000 sales is its own bench (`memory`), so nothing measured here
//! stays in its figure.
//!
//! Run: `CARGO_TARGET_DIR=/work/targets/ui cargo bench -p pos-app --bench ui`.
//! The 200,000-SKU data dir is built once under the target dir and reused.

use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use pos_app::app::screen::sale;
use pos_app::app::{App, Clock, Message};

mod support;

use support::{Frame, SKUS, barcodes, data_dir, log_in, now, wedge_scan};

fn cold_start(c: &mut Criterion) {
    let data = data_dir("200k", SKUS);
    let mut group = c.benchmark_group("cold_start");
    group.sample_size(10);
    group.bench_function("open_200k_login_sale_screen", |b| {
        b.iter(|| {
            let mut app = App::new(data.clone(), Clock::manual(now()));
            log_in(&mut app);
            let mut frame = Frame::new();
            frame.draw(&app);
            app
        })
    });
    group.finish();
}

fn scan_to_screen(c: &mut Criterion) {
    let data = data_dir("200k", SKUS);
    let codes = barcodes(&data, 20);
    let mut app = App::new(data, Clock::manual(now()));
    log_in(&mut app);
    let mut frame = Frame::new();
    let mut at = Instant::now();
    wedge_scan(&mut app, &codes[0], &mut at);
    assert_eq!(
        app.till().expect("till").cart().lines.len(),
        1,
        "a scan adds a line: {:?}",
        app.banner()
    );
    let _ = app.update(Message::Sale(sale::Message::Clear));
    let mut samples = Vec::new();
    for round in 0..25 {
        for code in &codes {
            let started = Instant::now();
            wedge_scan(&mut app, code, &mut at);
            frame.draw(&app);
            samples.push(started.elapsed());
        }
        if round % 5 == 4 {
            let _ = app.update(Message::Sale(sale::Message::Clear));
        }
    }
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    eprintln!(
        "scan_to_screen over {} scans: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        samples.len(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        samples.last().expect("samples").as_secs_f64() * 1e3
    );
    let mut group = c.benchmark_group("scan_to_screen");
    let mut i = 0;
    group.bench_function("wedge_scan_update_view_layout", |b| {
        b.iter(|| {
            wedge_scan(&mut app, &codes[i % codes.len()], &mut at);
            frame.draw(&app);
            i += 1;
            if i % 100 == 0 {
                let _ = app.update(Message::Sale(sale::Message::Clear));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, cold_start, scan_to_screen);
criterion_main!(benches);
