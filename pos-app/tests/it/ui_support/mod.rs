//! Shared set-up for the UI tests: a demo till in a temporary data dir, a fixed clock on
//! the demo business date, a capturing printer on 127.0.0.1, and drivers that feed the
//! app the same messages the window would.

#![allow(dead_code)]

pub mod basket;
pub mod fake_printer;

use std::io::Read;
use std::net::TcpListener;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use iced::Settings;
use iced_test::Simulator;
use pos_app::app::keys::{KeyPress, Pressed};
use pos_app::app::{App, Clock, Message};
use pos_core::data_dir::{AppConfig, DataDir, PrinterConfig};
use pos_core::import::parse_catalog_csv;
use pos_core::till::Till;

pub const MANAGER_PIN: &str = pos_core::demo::DEMO_MANAGER_PIN;
pub const CASHIER_PIN: &str = pos_core::demo::DEMO_CASHIER_PIN;
/// Scanner keys arrive this far apart; people type far slower.
pub const SCANNER_GAP: Duration = Duration::from_millis(4);
pub const PERSON_GAP: Duration = Duration::from_millis(180);

/// 10:00 in Beijing on the demo catalog's business date.
pub fn demo_now() -> DateTime<Utc> {
    "2026-11-22T02:00:00Z".parse().expect("a valid time")
}

/// A till with the demo catalog, a manager and a cashier.
pub fn demo_data_dir(dir: &std::path::Path, printer: Option<String>) -> DataDir {
    let data = DataDir::new(dir);
    std::fs::create_dir_all(dir).expect("the data dir");
    let catalog = parse_catalog_csv(pos_core::demo::demo_catalog_csv().as_bytes())
        .expect("demo catalog parses");
    pos_core::demo::demo_till(&data.till_path(), Default::default(), &catalog)
        .expect("demo till created");
    let config = AppConfig {
        printer: printer.map(|uri| PrinterConfig { uri, width_mm: 80 }),
        ..AppConfig::default()
    };
    data.save_config(&config).expect("config saved");
    data
}

/// A printer on 127.0.0.1 that keeps every job (one connection = one job) and never
/// answers a status query.
pub struct CapturingPrinter {
    pub uri: String,
    jobs: Receiver<Vec<u8>>,
}

impl CapturingPrinter {
    pub fn start() -> CapturingPrinter {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let uri = format!("tcp://{}", listener.local_addr().expect("local address"));
        let (tx, jobs) = channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                let mut bytes = Vec::new();
                let _ = stream.read_to_end(&mut bytes);
                // The printer thread's status polls are not jobs (nobody answers them).
                if is_status_poll(&bytes) {
                    continue;
                }
                if tx.send(bytes).is_err() {
                    break;
                }
            }
        });
        CapturingPrinter { uri, jobs }
    }

    /// The next job the till sent, waiting at most ten seconds.
    pub fn next_job(&self) -> Vec<u8> {
        self.jobs
            .recv_timeout(Duration::from_secs(10))
            .expect("the till printed within 10 s")
    }
}

/// Whether a connection carried only `DLE EOT n` status queries.
pub fn is_status_poll(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && bytes.len().is_multiple_of(3)
        && bytes
            .chunks(3)
            .all(|q| q[0] == 0x10 && q[1] == 0x04 && matches!(q[2], 1..=4))
}

/// Drives an [`App`] as the window would.
pub struct Driver {
    pub app: App,
    pub at: Instant,
}

impl Driver {
    pub fn new(data: DataDir) -> Driver {
        Driver {
            app: App::new(data, Clock::manual(demo_now())),
            at: Instant::now(),
        }
    }

    /// Logs the cashier in and opens the shift with a float of `hundreds` 100-yuan
    /// notes: the sale screen.
    pub fn log_in_and_open_shift(&mut self, hundreds: u32) {
        use pos_app::app::screen::{count, login, shift_open};
        self.send(Message::Login(login::Message::Operator("cashier".into())));
        self.send(Message::Login(login::Message::Pin(CASHIER_PIN.into())));
        self.key(Pressed::Enter);
        self.send(Message::ShiftOpen(shift_open::Message::Count(
            count::Message::Count(0, hundreds.to_string()),
        )));
        self.key(Pressed::Enter);
        assert!(matches!(self.app.screen(), pos_app::app::Screen::Sale(_)));
    }

    pub fn send(&mut self, message: Message) {
        let _ = self.app.update(message);
    }

    pub fn key(&mut self, key: Pressed) {
        self.at += PERSON_GAP;
        let press = KeyPress::new(key, self.at);
        self.send(Message::Key(press));
    }

    /// Keys `gap` apart, then Enter, as the window's key router hands them over: the app
    /// types each into the active box (the sale screen's entry box) and acts on it.
    pub fn type_into_entry(&mut self, text: &str, gap: Duration) {
        self.at += PERSON_GAP;
        for c in text.chars() {
            self.send(Message::Key(KeyPress::new(Pressed::Char(c), self.at)));
            self.at += gap;
        }
        self.send(Message::Key(KeyPress::new(Pressed::Enter, self.at)));
    }

    /// A keyboard-wedge scan on whatever screen is showing.
    pub fn scan(&mut self, code: &str) {
        self.type_into_entry(code, SCANNER_GAP);
    }

    /// The window when keys come faster than it draws: every event goes through the view
    /// as it stands (one pass, as iced hands over all events waiting), then the app
    /// handles the messages that pass published, in order. Returns how many there were.
    pub fn window(&mut self, events: Keys) -> usize {
        let messages: Vec<Message> = {
            let mut ui =
                Simulator::with_size(Settings::default(), (1366.0, 768.0), self.app.view());
            let _ = ui.simulate(events.0);
            ui.into_messages().collect()
        };
        let count = messages.len();
        for m in messages {
            self.send(m);
        }
        count
    }

    /// Clicks the text box with this id in the real view, and feeds back its messages.
    pub fn click_box(&mut self, id: &'static str) {
        let messages: Vec<Message> = {
            let mut ui =
                Simulator::with_size(Settings::default(), (1366.0, 768.0), self.app.view());
            ui.click(iced::widget::Id::new(id))
                .unwrap_or_else(|e| panic!("no box {id} to click: {e:?}"));
            ui.into_messages().collect()
        };
        for m in messages {
            self.send(m);
        }
    }

    /// Clicks the widget showing `label` in the real view, and feeds back its messages.
    pub fn click(&mut self, label: &str) {
        let messages: Vec<Message> = {
            let mut ui =
                Simulator::with_size(Settings::default(), (1366.0, 768.0), self.app.view());
            ui.click(label)
                .unwrap_or_else(|e| panic!("no \"{label}\" to click: {e:?}"));
            ui.into_messages().collect()
        };
        assert!(!messages.is_empty(), "clicking \"{label}\" did nothing");
        for m in messages {
            self.send(m);
        }
    }

    /// Whether the real view shows `text` somewhere.
    pub fn shows(&self, text: &str) -> bool {
        let mut ui = Simulator::with_size(Settings::default(), (1366.0, 768.0), self.app.view());
        ui.find(text).is_ok()
    }

    /// The translation of `key` in the app's language.
    pub fn t(&self, key: &str) -> String {
        self.app.i18n().t(key).to_string()
    }

    pub fn banner(&self) -> String {
        self.app
            .banner()
            .map(|b| b.text.clone())
            .unwrap_or_default()
    }

    pub fn till(&self) -> &Till {
        self.app.till().expect("the till is open")
    }
}

/// A demo till with no printer, the cashier at the sale screen with a float of
/// `hundreds` 100-yuan notes.
pub fn at_sale_screen(hundreds: u32) -> (tempfile::TempDir, Driver) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut d = Driver::new(demo_data_dir(dir.path(), None));
    d.log_in_and_open_shift(hundreds);
    (dir, d)
}

/// Key presses as the window gets them from the keyboard (press and release each).
#[derive(Debug, Clone, Default)]
pub struct Keys(pub Vec<iced::Event>);

impl Keys {
    pub fn new() -> Keys {
        Keys::default()
    }

    /// Types `text`, a key per character.
    pub fn text(mut self, text: &str) -> Keys {
        self.0.extend(iced_test::simulator::typewrite(text));
        self
    }

    /// A named key: Enter, F12, Tab...
    pub fn key(mut self, key: iced::keyboard::key::Named) -> Keys {
        self.0.extend(iced_test::simulator::tap_key(
            iced::keyboard::Key::Named(key),
            None,
        ));
        self
    }

    /// A keyboard-wedge scan: the code's keys, then Enter.
    pub fn scan(self, code: &str) -> Keys {
        self.text(code).key(iced::keyboard::key::Named::Enter)
    }

    pub fn then(mut self, more: Keys) -> Keys {
        self.0.extend(more.0);
        self
    }

    /// The presses one by one (with their releases), to hand over in separate passes.
    pub fn presses(&self) -> Vec<Keys> {
        self.0.chunks(2).map(|pair| Keys(pair.to_vec())).collect()
    }
}

/// GTIN-14 of an EAN-13: a leading zero.
pub fn gtin14(ean13: &str) -> String {
    format!("0{ean13}")
}
