//! What the benches share: the 200,000-SKU data dir, a headless frame, the drivers.

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use iced::{Font, Pixels, Size, Theme};
use iced_test::core::renderer::{Headless, Style};
use iced_test::core::{Color, mouse};
use iced_test::renderer::Renderer;
use iced_test::runtime::user_interface::{Cache, UserInterface};
use pos_app::app::keys::{KeyPress, Pressed};
use pos_app::app::screen::{count, login, shift_open};
use pos_app::app::{App, Message, Screen};
use pos_core::data_dir::{AppConfig, DataDir};
use pos_core::till::Till;

pub const SKUS: usize = 200_000;
pub const SALES: usize = 1_000;

pub fn now() -> DateTime<Utc> {
    "2026-11-22T02:00:00Z".parse().expect("a valid time")
}

/// A till with a generated catalog of `skus` products, made once and kept.
pub fn data_dir(name: &str, skus: usize) -> DataDir {
    let root = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    let path = root.join("bench-data").join(name);
    let data = DataDir::new(&path);
    if data.till_path().exists() {
        return data;
    }
    std::fs::create_dir_all(&path).expect("bench data dir");
    let started = Instant::now();
    let catalog = pos_core::demo::generate_catalog(skus, 7, now().date_naive());
    pos_core::demo::demo_till(&data.till_path(), Default::default(), &catalog).expect("bench till");
    data.save_config(&AppConfig::default()).expect("config");
    eprintln!(
        "built {name}: {skus} SKUs in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    data
}

/// Lays out and draws the app's view with a headless renderer, as a frame would.
pub struct Frame {
    renderer: Renderer,
    cache: Cache,
}

impl Frame {
    pub fn new() -> Frame {
        let renderer = iced::futures::executor::block_on(Renderer::new(
            Font::with_name("Noto Sans CJK SC"),
            Pixels(16.0),
            None,
        ))
        .expect("headless renderer");
        Frame {
            renderer,
            cache: Cache::default(),
        }
    }

    pub fn draw(&mut self, app: &App) {
        let cache = std::mem::take(&mut self.cache);
        let mut ui = UserInterface::build(
            app.view(),
            Size::new(1366.0, 768.0),
            cache,
            &mut self.renderer,
        );
        ui.draw(
            &mut self.renderer,
            &Theme::Light,
            &Style {
                text_color: Color::BLACK,
            },
            mouse::Cursor::Unavailable,
        );
        self.cache = ui.into_cache();
    }
}

pub fn log_in(app: &mut App) {
    let _ = app.update(Message::Login(login::Message::Operator("cashier".into())));
    let _ = app.update(Message::Login(login::Message::Pin("1111".into())));
    let _ = app.update(Message::Login(login::Message::Submit));
    if matches!(app.screen(), Screen::ShiftOpen(_)) {
        let _ = app.update(Message::ShiftOpen(shift_open::Message::Count(
            count::Message::Count(0, "5".into()),
        )));
        let _ = app.update(Message::ShiftOpen(shift_open::Message::Confirm));
    }
    assert!(
        matches!(app.screen(), Screen::Sale(_)),
        "at the sale screen"
    );
}

/// Keys of a wedge scan, 4 ms apart, then Enter.
pub fn wedge_scan(app: &mut App, code: &str, at: &mut Instant) {
    for c in code.chars() {
        let _ = app.update(Message::Key(KeyPress::new(Pressed::Char(c), *at)));
        *at += Duration::from_millis(4);
    }
    let _ = app.update(Message::Key(KeyPress::new(Pressed::Enter, *at)));
    *at += Duration::from_millis(200);
}

pub fn barcodes(data: &DataDir, n: usize) -> Vec<String> {
    let till = Till::open(&data.till_path(), Default::default()).expect("till");
    let codes = till.store().product_codes(n * 20).expect("codes");
    // Untracked products only: lot and serial items need their UDI.
    codes
        .into_iter()
        .filter(|(sku, _)| {
            till.store()
                .product(sku)
                .ok()
                .flatten()
                .is_some_and(|p| p.tracking == pos_core::catalog::Tracking::None)
        })
        .map(|(_, barcode)| barcode)
        .take(n)
        .collect()
}
