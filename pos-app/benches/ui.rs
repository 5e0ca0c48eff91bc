//! The till's own figures, through the real `App` (update + view + layout):
//! - `cold_start`: open a 200,000-SKU till, log in, and lay out the sale screen;
//! - `scan_to_screen`: a wedge scan until its line is laid out (p50 / p99 printed);
//! - `rss_after_1000_sales`: resident memory after ringing up 1,000 sales.
//!
//! Run: `CARGO_TARGET_DIR=/work/targets/ui cargo bench -p pos-app --bench ui`.
//! The 200,000-SKU data dir is built once under the target dir and reused.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use iced::{Font, Pixels, Size, Theme};
use iced_test::core::renderer::{Headless, Style};
use iced_test::core::{Color, mouse};
use iced_test::renderer::Renderer;
use iced_test::runtime::user_interface::{Cache, UserInterface};
use pos_app::app::keys::{KeyPress, Pressed};
use pos_app::app::screen::{count, login, payment, sale, shift_open};
use pos_app::app::{App, Clock, Message, Screen};
use pos_core::data_dir::{AppConfig, DataDir};
use pos_core::operator::Role;
use pos_core::store::TillIdentity;
use pos_core::till::{NewOperator, Till};

const SKUS: usize = 200_000;
const SALES: usize = 1_000;

fn now() -> DateTime<Utc> {
    "2026-11-22T02:00:00Z".parse().expect("a valid time")
}

/// A till with a generated catalog of `skus` products, made once and kept.
fn data_dir(name: &str, skus: usize) -> DataDir {
    let root = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("target"));
    let path = root.join("bench-data").join(name);
    let data = DataDir::new(&path);
    if data.till_path().exists() {
        return data;
    }
    std::fs::create_dir_all(&path).expect("bench data dir");
    let started = Instant::now();
    let identity = TillIdentity { store_id: "S001".into(), terminal_id: "T01".into() };
    let manager = NewOperator { id: "manager", name: "店长", role: Role::Manager, pin: "123456", salt: [1; 16] };
    let mut till = Till::init(&data.till_path(), identity, manager, Default::default()).expect("till");
    till.add_operator(NewOperator { id: "cashier", name: "收银员", role: Role::Cashier, pin: "1111", salt: [2; 16] })
        .expect("cashier");
    let catalog = pos_core::demo::generate_catalog(skus, 7, now().date_naive());
    till.store_mut().import_catalog(&catalog).expect("import");
    data.save_config(&AppConfig::default()).expect("config");
    eprintln!("built {name}: {skus} SKUs in {:.1} s", started.elapsed().as_secs_f64());
    data
}

/// Lays out and draws the app's view with a headless renderer, as a frame would.
struct Frame {
    renderer: Renderer,
    cache: Cache,
}

impl Frame {
    fn new() -> Frame {
        let renderer = iced::futures::executor::block_on(Renderer::new(Font::with_name("Noto Sans CJK SC"), Pixels(16.0), None))
            .expect("headless renderer");
        Frame { renderer, cache: Cache::default() }
    }

    fn draw(&mut self, app: &App) {
        let cache = std::mem::take(&mut self.cache);
        let mut ui = UserInterface::build(app.view(), Size::new(1366.0, 768.0), cache, &mut self.renderer);
        ui.draw(&mut self.renderer, &Theme::Light, &Style { text_color: Color::BLACK }, mouse::Cursor::Unavailable);
        self.cache = ui.into_cache();
    }
}

fn log_in(app: &mut App) {
    let _ = app.update(Message::Login(login::Message::Operator("cashier".into())));
    let _ = app.update(Message::Login(login::Message::Pin("1111".into())));
    let _ = app.update(Message::Login(login::Message::Submit));
    if matches!(app.screen(), Screen::ShiftOpen(_)) {
        let _ = app.update(Message::ShiftOpen(shift_open::Message::Count(count::Message::Count(0, "5".into()))));
        let _ = app.update(Message::ShiftOpen(shift_open::Message::Confirm));
    }
    assert!(matches!(app.screen(), Screen::Sale), "at the sale screen");
}

/// Keys of a wedge scan, 4 ms apart, then Enter.
fn wedge_scan(app: &mut App, code: &str, at: &mut Instant) {
    for c in code.chars() {
        let mut entry = app.sale().entry.clone();
        entry.push(c);
        let _ = app.update(Message::Sale(sale::Message::Entry(entry)));
        let _ = app.update(Message::Key(KeyPress::new(Pressed::Char(c), *at)));
        *at += Duration::from_millis(4);
    }
    let _ = app.update(Message::Key(KeyPress::new(Pressed::Enter, *at)));
    *at += Duration::from_millis(200);
}

fn barcodes(data: &DataDir, n: usize) -> Vec<String> {
    let till = Till::open(&data.till_path(), Default::default()).expect("till");
    let codes = till.store().product_codes(n * 20).expect("codes");
    // Untracked products only: lot and serial items need their UDI.
    codes
        .into_iter()
        .filter(|(sku, _)| {
            till.store().product(sku).ok().flatten().is_some_and(|p| p.tracking == pos_core::catalog::Tracking::None)
        })
        .map(|(_, barcode)| barcode)
        .take(n)
        .collect()
}

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

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn rss_after_1000_sales(c: &mut Criterion) {
    let data = data_dir("200k", SKUS);
    let codes = barcodes(&data, 30);
    let mut app = App::new(data, Clock::manual(now()));
    log_in(&mut app);
    let mut frame = Frame::new();
    let mut at = Instant::now();
    let before = resident_kib();
    let started = Instant::now();
    for n in 0..SALES {
        for k in 0..3 {
            wedge_scan(&mut app, &codes[(n * 3 + k) % codes.len()], &mut at);
        }
        frame.draw(&app);
        let _ = app.update(Message::Key(KeyPress::new(Pressed::F(12), at)));
        let _ = app.update(Message::Payment(payment::Message::Amount("10000".into())));
        let _ = app.update(Message::Payment(payment::Message::Add));
        frame.draw(&app);
        assert!(matches!(app.screen(), Screen::Sale), "sale {n} completed: {:?}", app.banner());
        app.clock().advance(chrono::Duration::seconds(20));
    }
    let elapsed = started.elapsed();
    let after = resident_kib();
    eprintln!(
        "rss_after_1000_sales: {:.1} MiB resident (was {:.1} MiB before the sales); {SALES} sales in {:.1} s",
        after as f64 / 1024.0,
        before as f64 / 1024.0,
        elapsed.as_secs_f64()
    );
    let mut group = c.benchmark_group("sale");
    group.sample_size(20);
    let mut n = 0;
    group.bench_function("three_scans_and_cash_payment", |b| {
        b.iter(|| {
            for k in 0..3 {
                wedge_scan(&mut app, &codes[(n + k) % codes.len()], &mut at);
            }
            let _ = app.update(Message::Key(KeyPress::new(Pressed::F(12), at)));
            let _ = app.update(Message::Payment(payment::Message::Amount("10000".into())));
            let _ = app.update(Message::Payment(payment::Message::Add));
            n += 3;
        })
    });
    group.finish();
}

criterion_group!(benches, cold_start, scan_to_screen, rss_after_1000_sales);
criterion_main!(benches);
