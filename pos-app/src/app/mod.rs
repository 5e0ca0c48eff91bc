//! The till window (iced): one [`App`] that `pos` runs and the tests drive directly.
//!
//! # Layout
//! - [`screen`]: one file per screen, each with its `Message`, state, `update`, `view`,
//!   all on one protocol (`Ctx` in, `Event` out); [`Screen`] is the one on show and
//!   routes every call to it, one arm per screen.
//! - [`keys`]: key presses from the window, all of them, in order, before any widget.
//! - [`fields`]: the text boxes of each screen; the app types keys into the active one.
//! - [`scanning`]: what a scanned or typed code names (the till decides, for every
//!   screen); the serial scanner as a subscription.
//! - The rest of [`App`]'s handlers, so this file keeps the state and `update`:
//!   `input` (keys, scans, the timer), `focus` (the active box, Tab, clicks),
//!   `navigation` (screen changes), `approvals` (the manager's PIN), `config_flow`
//!   (a new till or configuration applied), `documents` (receipts, the drawer), `view`.
//! - [`printing`]: the printer thread; receipts never hold up the counter.
//! - `subscriptions`: the timer, the serial scanner, the sync agent's status and the
//!   printer's outcomes, as they happen.
//! - `store_closes`: the store review's question to head office.
//! - [`receipt`]: documents to printed receipts, in one place; the X and Z reports, on
//!   screen and on paper, are `screen::reports`; [`stock_slip`]: stock documents to
//!   printed slips.
//! - [`status_bar`], [`ui`], [`i18n`], [`error_text`], [`clock`].
//!
//! The app reads the time only through its [`Clock`] and key times from the key
//! messages, so tests set both.

mod approvals;
pub mod clock;
mod config_flow;
mod documents;
pub mod error_text;
pub mod fields;
mod focus;
pub mod i18n;
mod input;
pub mod keys;
mod navigation;
pub mod printing;
pub mod receipt;
pub mod scanning;
pub mod screen;
pub mod status_bar;
mod stock_error_text;
pub mod stock_slip;
mod subscriptions;
pub use subscriptions::SyncFeed;
mod store_closes;
pub use store_closes::ask_store_closes;
pub mod ui;
mod view;

use std::time::{Duration, Instant};

use iced::{Task, Theme};
use pos_core::data_dir::{AppConfig, DataDir, WedgeTiming};
use pos_core::till::{Till, TillError};
use scanner::{ScannerEvent, WedgeClassifier, WedgeConfig};

pub use clock::Clock;
use fields::{Field, FieldId};
use i18n::{I18n, Language};
use keys::KeyPress;
use printing::{PrinterWorker, Printout};
pub use screen::Screen;
use screen::{
    Ctx, Event, Go, alerts, approval, close, drawer, held, login, member, operators, payment,
    report, returns, review, sale, settings, setup, shift_open,
};
use status_bar::{PrinterState, ScannerState, Status};

/// The wedge classifier for the configured timing (see `WedgeTiming`'s default for why
/// 45 ms).
fn wedge_config(timing: &WedgeTiming) -> WedgeConfig {
    WedgeConfig {
        max_inter_key_ms: timing.max_inter_key_ms,
        min_length: timing.min_length,
        max_length: scanner::MAX_SCAN_CHARS,
    }
}

/// How often the timer ticks: releases held wedge keys, runs the paused search.
pub const TICK: Duration = Duration::from_millis(50);
/// Ticks between re-reads of the status bar's figures from the till file (about two
/// seconds). The sync agent's status and the printer's outcomes are not polled: they
/// arrive as subscriptions.
const STATUS_EVERY_TICKS: u32 = 40;
/// How often the idle printer thread asks the printer for its status.
const PRINTER_POLL: Duration = Duration::from_secs(5);
/// How often the sync agent pushes and pulls when nothing nudges it.
const SYNC_INTERVAL: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub enum Message {
    /// First-start set-up screen.
    Setup(setup::Message),
    /// Settings screen.
    Settings(settings::Message),
    /// Login screen.
    Login(login::Message),
    /// Shift opening screen.
    ShiftOpen(shift_open::Message),
    /// Sale screen.
    Sale(sale::Message),
    /// Payment screen.
    Payment(payment::Message),
    /// Member screen.
    Member(member::Message),
    /// Organisation screen.
    Organisation(screen::organisation::Message),
    /// Held sales screen.
    Held(held::Message),
    /// Returns screen.
    Return(returns::Message),
    /// Cash drawer screen.
    Drawer(drawer::Message),
    /// X report screen.
    XReport(report::Message),
    /// Daily close screen.
    Close(close::Message),
    /// Store review screen.
    Review(review::Message),
    /// Alerts screen.
    Alerts(alerts::Message),
    /// Operators screen (manager).
    Operators(operators::Message),
    /// Stock work screen.
    Stock(screen::stock::Message),
    /// The manager PIN prompt.
    Approval(approval::Message),
    /// A key pressed anywhere in the window.
    Key(KeyPress),
    /// A click put the cursor in this text box: typing goes there.
    FieldClicked(iced::widget::Id),
    /// The timer.
    Tick(Instant),
    /// The serial scanner read a code or lost or found its port.
    Scanner(ScannerEvent),
    /// The sync agent published its status.
    Synced(sync_agent::SyncStatus),
    /// The printer thread finished a job or polled the printer.
    Printed(printing::Outcome),
    /// Print again the receipt whose printing failed.
    Reprint,
    /// Close the banner.
    DismissBanner,
    /// A manager chose not to reprint what waits (the returns screen still can).
    ForgetUnprinted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// A message across the top that leaves the focus where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    pub level: Level,
    pub text: String,
}

pub struct App {
    data: DataDir,
    clock: Clock,
    config: AppConfig,
    i18n: I18n,
    till: Option<Till>,
    screen: Screen,
    approval: Option<approval::Prompt>,
    /// The box typed keys go to (see [`App::active_field`]).
    focus: Option<FieldId>,
    key_run: input::KeyRun,
    banner: Option<Banner>,
    wedge: WedgeClassifier,
    printer: Option<PrinterWorker>,
    /// The embedded sync agent, when a head office is configured.
    sync: Option<subscriptions::Agent>,
    /// Receipts and reports that did not print, oldest first, waiting for the reprint
    /// button; each receipt also waits in the till file's print queue.
    unprinted: Vec<printing::Unprinted>,
    status: Status,
    ticks: u32,
}

/// Opens the till window on a data dir.
pub fn run(data: &DataDir) -> iced::Result {
    let data = data.clone();
    iced::application(
        move || App::boot(data.clone(), Clock::System),
        App::update,
        App::view,
    )
    .title(App::title)
    .subscription(App::subscription)
    .theme(App::theme)
    .default_font(ui::CJK_FONT)
    .window_size((1366.0, 768.0))
    .run()
}

impl App {
    /// The app and its first task (the cursor in the first box).
    pub fn boot(data: DataDir, clock: Clock) -> (App, Task<Message>) {
        let mut app = App::new(data, clock);
        let focus = app.refocus();
        (app, focus)
    }

    /// Opens the data dir: set-up when it is empty, settings when the configuration
    /// cannot be read, a clear message when the till file cannot be opened, else login.
    pub fn new(data: DataDir, clock: Clock) -> App {
        let (config, config_error) = match data.load_config() {
            Ok(config) => (config, None),
            Err(e) => (AppConfig::default(), Some(e.to_string())),
        };
        let i18n = I18n::new(Language::from_code(&config.language));
        let mut till = None;
        let screen = if !data.till_path().exists() {
            Screen::Setup(setup::State::new(&config))
        } else {
            match Till::open(&data.till_path(), config.till.clone()) {
                Ok(opened) => {
                    let next = match &config_error {
                        Some(e) => Screen::Settings(settings::State::new(&config, Some(e.clone()))),
                        None => Screen::Login(login::State::new(&opened)),
                    };
                    till = Some(opened);
                    next
                }
                Err(e) => Screen::Fatal(error_text::till_error(i18n, &e)),
            }
        };
        let mut app = App {
            data,
            clock,
            config: AppConfig::default(),
            i18n,
            till,
            screen,
            approval: None,
            focus: None,
            key_run: input::KeyRun::default(),
            banner: None,
            wedge: WedgeClassifier::new(wedge_config(&config.wedge)),
            printer: None,
            sync: None,
            unprinted: Vec::new(),
            status: Status::default(),
            ticks: 0,
        };
        app.apply_config(config);
        app.offer_unprinted_receipts();
        app.focus = app.preferred_field();
        app
    }

    pub fn title(&self) -> String {
        format!("{} · {}", self.i18n.t("app.title"), self.config.store_name)
    }

    pub fn theme(&self) -> Theme {
        Theme::Light
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Approval(m) => self.on_approval(m),
            Message::Key(key) => self.on_key(key),
            Message::FieldClicked(id) => self.field_clicked(&id),
            Message::Tick(at) => self.on_tick(at),
            Message::Scanner(event) => self.on_scanner(event),
            Message::Synced(status) => self.on_sync_status(&status),
            Message::Printed(outcome) => self.on_print_outcome(outcome),
            Message::Reprint => self.reprint(),
            Message::DismissBanner => self.dismiss_banner(),
            Message::ForgetUnprinted => self.forget_unprinted(),
            screen_message => self.on_screen_message(screen_message),
        }
    }

    // ----- reading the state (tests, benchmarks, screenshots) -----

    pub fn till(&self) -> Option<&Till> {
        self.till.as_ref()
    }

    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    /// The sale screen's state, while it is on show.
    pub fn sale(&self) -> Option<&sale::State> {
        self.screen.sale()
    }

    pub fn banner(&self) -> Option<&Banner> {
        self.banner.as_ref()
    }

    pub fn approval(&self) -> Option<&approval::Prompt> {
        self.approval.as_ref()
    }

    pub fn status(&self) -> &Status {
        &self.status
    }

    pub fn i18n(&self) -> I18n {
        self.i18n
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The newest paper waiting for a reprint.
    pub fn unprinted(&self) -> Option<&Printout> {
        self.unprinted.last().map(|u| &u.paper)
    }

    /// How many receipts and reports wait for a reprint.
    pub fn unprinted_count(&self) -> usize {
        self.unprinted.len()
    }

    /// The sync agent's word on head office, when one runs.
    pub fn set_online(&mut self, online: bool, last_sync: Option<chrono::DateTime<chrono::Utc>>) {
        if let Some(till) = self.till.as_mut() {
            till.set_online(online);
        }
        self.status.online = online;
        if last_sync.is_some() {
            self.status.last_sync = last_sync;
        }
    }

    // ----- handlers -----

    /// A screen's own message, then where the cursor goes: after an action on the sale
    /// screen see [`App::after_sale_action`]; the operators screen moves it only when its
    /// form changes.
    fn on_screen_message(&mut self, message: Message) -> Task<Message> {
        let refocus = matches!(&message, Message::Operators(m) if m.moves_focus());
        let stock_message = matches!(message, Message::Stock(_));
        let sale_message = matches!(message, Message::Sale(_));
        let was_editing = self.editing_price();
        let acted = self.dispatch(|screen, ctx| screen.update(message, ctx));
        if sale_message {
            self.after_sale_action(acted, was_editing)
        } else if refocus || stock_message && !self.focus_on_screen() {
            Task::batch([acted, self.refocus()])
        } else {
            acted
        }
    }

    /// Runs a call on the screen with its context, then acts on its event.
    fn dispatch(
        &mut self,
        f: impl FnOnce(&mut Screen, &mut Ctx<'_, Option<Till>>) -> Option<Event>,
    ) -> Task<Message> {
        let before = self.sale_mark();
        let mut ctx = Ctx {
            till: &mut self.till,
            now: self.clock.now(),
            i18n: self.i18n,
            config: &self.config,
            data: &self.data,
        };
        let event = f(&mut self.screen, &mut ctx);
        // A line went in cleanly: an old warning no longer applies (a failed print's
        // banner stays, for its reprint button).
        let sale_moved = before.is_some() && self.sale_mark() != before;
        if event.is_none() && sale_moved && self.unprinted.is_empty() {
            self.banner = None;
        }
        self.handle(event)
    }

    /// What says a line went in on the sale screen: the last line scanned, the lines.
    fn sale_mark(&self) -> Option<(Option<u32>, Option<usize>)> {
        let sale = self.screen.sale()?;
        Some((
            sale.last_scanned,
            sale.priced.as_ref().map(|p| p.lines.len()),
        ))
    }

    fn editing_price(&self) -> bool {
        self.screen.sale().is_some_and(sale::State::editing_price)
    }

    fn handle(&mut self, event: Option<Event>) -> Task<Message> {
        let Some(event) = event else {
            return Task::none();
        };
        match event {
            // A till set to warn: the cashier may still sell (F8), so it is a warning.
            Event::Error(e @ TillError::QualificationWarning { .. }) => {
                self.show(Level::Warning, error_text::till_error(self.i18n, &e))
            }
            Event::Error(e) => self.show(Level::Error, error_text::till_error(self.i18n, &e)),
            Event::Warning(text) => self.show(Level::Warning, text),
            Event::Info(text) => self.show(Level::Info, text),
            Event::Go(go) => self.go(go),
            Event::NeedApproval(action) => self.ask_manager(action),
            Event::Completed(doc) => self.completed(*doc),
            Event::StockDone(doc) => self.stock_done(*doc),
            Event::PrintReport(report) => self.print(Some(Printout::Report(*report)), false, None),
            Event::Reprint(doc) => self.reprint_document(&doc),
            Event::KickDrawer => self.kick_drawer(),
            Event::LoggedOut => self.log_out(),
            Event::FetchStoreCloses(date) => self.fetch_store_closes(date),
            Event::SetUp(config) => self.set_up(*config),
            Event::ConfigSaved(config) => self.config_saved(*config),
            Event::Refused(refusal) => {
                self.show(Level::Error, error_text::refusal(self.i18n, &refusal))
            }
        }
    }

    fn show(&mut self, level: Level, text: String) -> Task<Message> {
        self.banner = Some(Banner { level, text });
        Task::none()
    }

    fn dismiss_banner(&mut self) -> Task<Message> {
        self.banner = None;
        Task::none()
    }

    /// Where the cursor goes after an action on the sale screen: the price panel's value
    /// when it just opened, nowhere new while it is being filled in, else the entry box.
    fn after_sale_action(&mut self, acted: Task<Message>, was_editing: bool) -> Task<Message> {
        match (was_editing, self.editing_price()) {
            (true, true) => acted,
            // Also when the action left the sale screen: `go` has set the new screen's box.
            _ if !self.screen.is_sale() => acted,
            _ => Task::batch([acted, self.refocus()]),
        }
    }
}
