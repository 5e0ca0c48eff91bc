//! The till window (iced): one [`App`] that `pos` runs and the tests drive directly.
//!
//! # Layout
//! - [`screen`]: one file per screen, each with its `Message`, state, `update`, `view`.
//! - [`keys`]: key presses from the window, all of them, in order, before any widget.
//! - [`fields`]: the text boxes of each screen; the app types keys into the active one.
//! - [`scanning`]: what a scan means; the serial scanner as a subscription.
//! - `input` (keys, scans, the timer) and `documents` (receipts, the drawer): the rest
//!   of [`App`]'s handlers, so this file keeps the state, `update` and `view`.
//! - [`printing`]: the printer thread; receipts never hold up the counter.
//! - `store_closes`: the store review's question to head office.
//! - [`receipt`]: documents to printed receipts, in one place; [`reports`]: the X and Z
//!   reports, on screen and on paper.
//! - [`status_bar`], [`ui`], [`i18n`], [`error_text`], [`clock`].
//!
//! The app reads the time only through its [`Clock`] and key times from the key
//! messages, so tests set both.

pub mod clock;
mod documents;
pub mod error_text;
pub mod fields;
pub mod i18n;
mod input;
pub mod keys;
pub mod printing;
pub mod receipt;
pub mod reports;
pub mod scanning;
pub mod screen;
pub mod status_bar;
mod store_closes;
pub use store_closes::ask_store_closes;
pub mod ui;

use std::time::{Duration, Instant};

use iced::widget::{button, column, container, row, stack, text};
use iced::{Element, Fill, Subscription, Task, Theme};
use pos_core::data_dir::{AppConfig, DataDir, WedgeTiming};
use pos_core::operator::Role;
use pos_core::till::Till;
use scanner::{ScannerEvent, WedgeClassifier, WedgeConfig};

pub use clock::Clock;
use fields::{Field, FieldId};
use i18n::{I18n, Language};
use keys::KeyPress;
use printing::{PrinterWorker, Printout};
use screen::{Ctx, Event, Go};
use screen::{
    alerts, approval, close, drawer, held, login, member, operators, payment, report, returns,
    review, sale, settings, setup, shift_open,
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

/// How often the timer ticks: releases held wedge keys, runs the paused search,
/// collects printer outcomes.
pub const TICK: Duration = Duration::from_millis(50);
/// Ticks between re-reads of the status bar's figures (about two seconds).
const STATUS_EVERY_TICKS: u32 = 40;
/// Ticks between looks at the sync agent's status (about one second).
const SYNC_EVERY_TICKS: u32 = 20;
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
    /// Print again the receipt whose printing failed.
    Reprint,
    /// Close the banner.
    DismissBanner,
    /// A manager chose not to reprint what waits (the returns screen still can).
    ForgetUnprinted,
}

/// The screen on show.
#[derive(Debug)]
pub enum Screen {
    Setup(setup::State),
    Settings(settings::State),
    /// The till file cannot be opened: why, and where it is.
    Fatal(String),
    Login(login::State),
    ShiftOpen(shift_open::State),
    /// The sale screen; its state lives in `App::sale` so it survives a visit elsewhere.
    Sale,
    Payment(payment::State),
    Member(member::State),
    Held(held::State),
    Return(returns::State),
    Drawer(drawer::State),
    XReport(report::State),
    Close(Box<close::State>),
    Review(review::State),
    Alerts(alerts::State),
    Operators(operators::State),
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
    sale: sale::State,
    approval: Option<approval::Prompt>,
    /// The box typed keys go to (see [`App::active_field`]).
    focus: Option<FieldId>,
    key_run: input::KeyRun,
    banner: Option<Banner>,
    wedge: WedgeClassifier,
    printer: Option<PrinterWorker>,
    /// The embedded sync agent, when a head office is configured.
    sync: Option<sync_agent::SyncHandle>,
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
            sale: sale::State::default(),
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

    pub fn subscription(&self) -> Subscription<Message> {
        // Keys come from the view's root widget (`keys::route`), not from a subscription.
        let mut subscriptions = vec![iced::time::every(TICK).map(Message::Tick)];
        if let Some(scanner) = &self.config.scanner {
            subscriptions.push(scanning::serial(scanner).map(Message::Scanner));
        }
        Subscription::batch(subscriptions)
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        match message {
            Message::Setup(m) => self.on_setup(m),
            Message::Settings(m) => self.on_settings(m),
            Message::Login(m) => self.dispatch(|s, _, ctx| {
                if let Screen::Login(x) = s {
                    x.update(m, ctx)
                } else {
                    None
                }
            }),
            Message::ShiftOpen(m) => self.dispatch(|s, _, ctx| {
                if let Screen::ShiftOpen(x) = s {
                    x.update(m, ctx)
                } else {
                    None
                }
            }),
            Message::Sale(m) => self.on_sale(m),
            Message::Payment(m) => self.dispatch(|s, _, ctx| {
                if let Screen::Payment(x) = s {
                    x.update(m, ctx)
                } else {
                    None
                }
            }),
            Message::Member(m) => self.dispatch(|s, _, ctx| {
                if let Screen::Member(x) = s {
                    x.update(m, ctx)
                } else {
                    None
                }
            }),
            Message::Held(m) => self.dispatch(|s, _, ctx| {
                if let Screen::Held(x) = s {
                    x.update(m, ctx)
                } else {
                    None
                }
            }),
            Message::Return(m) => self.dispatch(|s, _, ctx| {
                if let Screen::Return(x) = s {
                    x.update(m, ctx)
                } else {
                    None
                }
            }),
            Message::Drawer(m) => self.dispatch(|s, _, ctx| {
                if let Screen::Drawer(x) = s {
                    x.update(m, ctx)
                } else {
                    None
                }
            }),
            Message::XReport(m) => self.dispatch(|s, _, ctx| {
                if let Screen::XReport(x) = s {
                    x.update(m, ctx)
                } else {
                    None
                }
            }),
            Message::Close(m) => self.dispatch(|s, _, ctx| {
                if let Screen::Close(x) = s {
                    x.update(m, ctx)
                } else {
                    None
                }
            }),
            Message::Review(m) => self.dispatch(|s, _, _| {
                if let Screen::Review(x) = s {
                    x.update(m)
                } else {
                    None
                }
            }),
            Message::Alerts(m) => self.dispatch(|s, _, _| {
                if let Screen::Alerts(x) = s {
                    x.update(m)
                } else {
                    None
                }
            }),
            Message::Operators(m) => self.on_operators(m),
            Message::Approval(m) => self.on_approval(m),
            Message::Key(key) => self.on_key(key),
            Message::FieldClicked(id) => self.field_clicked(&id),
            Message::Tick(at) => self.on_tick(at),
            Message::Scanner(event) => self.on_scanner(event),
            Message::Reprint => self.reprint(),
            Message::DismissBanner => self.dismiss_banner(),
            Message::ForgetUnprinted => self.forget_unprinted(),
        }
    }

    // ----- reading the state (tests, benchmarks, screenshots) -----

    pub fn till(&self) -> Option<&Till> {
        self.till.as_ref()
    }

    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    pub fn sale(&self) -> &sale::State {
        &self.sale
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

    /// Runs a screen's update with the till and the time, then acts on its event.
    fn dispatch(
        &mut self,
        f: impl FnOnce(&mut Screen, &mut sale::State, &mut Ctx<'_>) -> Option<Event>,
    ) -> Task<Message> {
        let Some(till) = self.till.as_mut() else {
            return Task::none();
        };
        let mut ctx = Ctx {
            till,
            now: self.clock.now(),
            i18n: self.i18n,
            config: &self.config,
        };
        let lines_before = self.sale.priced.as_ref().map(|p| p.lines.len());
        let scanned_before = self.sale.last_scanned;
        let event = f(&mut self.screen, &mut self.sale, &mut ctx);
        // A line went in cleanly: an old warning no longer applies (a failed print's
        // banner stays, for its reprint button).
        let sale_moved = self.sale.last_scanned != scanned_before
            || self.sale.priced.as_ref().map(|p| p.lines.len()) != lines_before;
        if event.is_none() && sale_moved && self.unprinted.is_empty() {
            self.banner = None;
        }
        self.handle(event)
    }

    fn handle(&mut self, event: Option<Event>) -> Task<Message> {
        let Some(event) = event else {
            return Task::none();
        };
        match event {
            Event::Error(e) => self.show(Level::Error, error_text::till_error(self.i18n, &e)),
            Event::Warning(text) => self.show(Level::Warning, text),
            Event::Info(text) => self.show(Level::Info, text),
            Event::Go(go) => self.go(go),
            Event::NeedApproval(action) => self.ask_manager(action),
            Event::Completed(doc) => self.completed(*doc),
            Event::PrintReport(report) => self.print(Some(Printout::Report(*report)), false, None),
            Event::Reprint(doc) => self.reprint_document(&doc),
            Event::KickDrawer => self.kick_drawer(),
            Event::LoggedOut => self.log_out(),
            Event::FetchStoreCloses(date) => self.fetch_store_closes(date),
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

    fn ctx_event(
        &mut self,
        f: impl FnOnce(&mut Ctx<'_>) -> (Screen, Option<Event>),
    ) -> Option<Event> {
        let till = self.till.as_mut()?;
        let mut ctx = Ctx {
            till,
            now: self.clock.now(),
            i18n: self.i18n,
            config: &self.config,
        };
        let (screen, event) = f(&mut ctx);
        self.screen = screen;
        event
    }

    /// Shows another screen, built from the till's current state.
    fn go(&mut self, go: Go) -> Task<Message> {
        // A new screen starts clean; a failed print keeps its banner (and reprint button).
        if self.unprinted.is_empty() {
            self.banner = None;
        }
        let manager = self
            .till
            .as_ref()
            .and_then(Till::operator)
            .is_some_and(|o| o.role == Role::Manager);
        let event = match go {
            Go::Login => self.ctx_event(|ctx| (Screen::Login(login::State::new(ctx.till)), None)),
            Go::ShiftOpen => {
                self.ctx_event(|_| (Screen::ShiftOpen(shift_open::State::default()), None))
            }
            Go::Sale => self.ctx_event(|ctx| {
                let _ = ctx;
                (Screen::Sale, None)
            }),
            Go::Payment => self.ctx_event(|ctx| (Screen::Payment(payment::State::new(ctx)), None)),
            Go::Member => self.ctx_event(|_| (Screen::Member(member::State::default()), None)),
            Go::Held => self.ctx_event(|ctx| (Screen::Held(held::State::new(ctx)), None)),
            Go::Return(key) => self.ctx_event(|ctx| {
                let (state, event) = returns::State::new(key, ctx);
                (Screen::Return(state), event)
            }),
            Go::Drawer => self.ctx_event(|_| (Screen::Drawer(drawer::State::default()), None)),
            Go::XReport => self.ctx_event(|ctx| {
                let (state, event) = report::State::new(ctx);
                (Screen::XReport(state), event)
            }),
            Go::Close => self.ctx_event(|ctx| {
                let (state, event) = close::State::new(ctx);
                (Screen::Close(Box::new(state)), event)
            }),
            Go::Review => self.ctx_event(|ctx| {
                let (state, event) = review::State::new(ctx);
                (Screen::Review(state), event)
            }),
            Go::Alerts => self.ctx_event(|ctx| {
                let (state, event) = alerts::State::new(ctx);
                (Screen::Alerts(state), event)
            }),
            Go::Settings if manager => {
                self.screen = Screen::Settings(settings::State::new(&self.config, None));
                None
            }
            Go::Settings => Some(Event::Warning(
                self.i18n.t("settings.manager_only").to_string(),
            )),
            Go::Operators if manager => self.ctx_event(|ctx| {
                let (state, event) = operators::State::new(ctx);
                (Screen::Operators(state), event)
            }),
            Go::Operators => Some(Event::Warning(
                self.i18n.t("operators.manager_only").to_string(),
            )),
        };
        if matches!(self.screen, Screen::Sale) {
            self.refresh_sale();
        }
        self.refresh_status();
        let follow_up = self.handle(event);
        // The new screen's box is active before the next key is handled, whenever the
        // cursor's task runs.
        Task::batch([follow_up, self.refocus()])
    }

    fn refresh_sale(&mut self) {
        if let Some(till) = self.till.as_mut() {
            let mut ctx = Ctx {
                till,
                now: self.clock.now(),
                i18n: self.i18n,
                config: &self.config,
            };
            self.sale.refresh(&mut ctx);
        }
    }

    fn refresh_status(&mut self) {
        if let Some(till) = &self.till {
            let waiting_before = self.status.outbox.waiting;
            self.status.refresh(till);
            if self.status.outbox.waiting > waiting_before {
                self.nudge_sync();
            }
        }
    }

    /// The boxes typed keys may go to: the manager's PIN while it is asked for, else
    /// the screen's, in the order Tab walks them.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        if let Some(prompt) = &self.approval {
            return fields::map_all(prompt.fields(), Message::Approval);
        }
        match &self.screen {
            Screen::Setup(s) => fields::map_all(s.fields(), Message::Setup),
            Screen::Settings(s) => fields::map_all(s.fields(), Message::Settings),
            Screen::Login(s) => fields::map_all(s.fields(), Message::Login),
            Screen::ShiftOpen(s) => fields::map_all(s.fields(), Message::ShiftOpen),
            Screen::Sale => fields::map_all(self.sale.fields(), Message::Sale),
            Screen::Payment(s) => fields::map_all(s.fields(), Message::Payment),
            Screen::Member(s) => fields::map_all(s.fields(), Message::Member),
            Screen::Return(s) => fields::map_all(s.fields(), Message::Return),
            Screen::Drawer(s) => fields::map_all(s.fields(), Message::Drawer),
            Screen::Close(s) => fields::map_all(s.fields(), Message::Close),
            Screen::Operators(s) => fields::map_all(s.fields(), Message::Operators),
            Screen::Fatal(_)
            | Screen::Held(_)
            | Screen::XReport(_)
            | Screen::Review(_)
            | Screen::Alerts(_) => Vec::new(),
        }
    }

    /// The box typed keys go to now: the one made active last (by a screen change, a
    /// command key, Tab or a click) while it is on screen, else the screen's first.
    pub fn active_field(&self) -> Option<Field<'_, Message>> {
        let mut all = self.fields();
        let at = all
            .iter()
            .position(|f| Some(&f.id) == self.focus.as_ref())
            .unwrap_or(0);
        (at < all.len()).then(|| all.swap_remove(at))
    }

    /// Where the cashier types next on this screen: the manager's PIN, the tender's box
    /// on the payment screen, the form's box on the operators screen, the price panel's
    /// value, else the screen's first box.
    fn preferred_field(&self) -> Option<FieldId> {
        if self.approval.is_none() {
            match &self.screen {
                Screen::Payment(p) => return Some(p.focus_input().into()),
                Screen::Operators(o) => return Some(o.focus_input().into()),
                _ => {}
            }
        }
        self.fields().into_iter().next().map(|f| f.id)
    }

    /// Makes the screen's preferred box the active one, at once, and returns the task
    /// that shows the cursor there. Typing does not wait for that task: keys go to
    /// [`App::active_field`] whether or not it has run.
    fn refocus(&mut self) -> Task<Message> {
        self.focus = self.preferred_field();
        self.cursor_task()
    }

    /// Shows the cursor in the active box (and lets an input method type into it).
    fn cursor_task(&self) -> Task<Message> {
        match self.active_field() {
            Some(field) => iced::widget::operation::focus(field.id.to_string()),
            None => Task::none(),
        }
    }

    /// A click put the cursor in a box: typing follows it.
    fn field_clicked(&mut self, id: &iced::widget::Id) -> Task<Message> {
        let clicked = self.fields().into_iter().find(|f| f.is(id)).map(|f| f.id);
        if clicked.is_some() {
            self.focus = clicked;
        }
        Task::none()
    }

    /// Tab: the next box of the screen (after the last, the first again).
    pub(super) fn focus_next_field(&mut self) -> Task<Message> {
        let ids: Vec<FieldId> = self.fields().into_iter().map(|f| f.id).collect();
        if ids.is_empty() {
            return Task::none();
        }
        let at = ids
            .iter()
            .position(|id| Some(id) == self.focus.as_ref())
            .map_or(0, |i| (i + 1) % ids.len());
        self.focus = Some(ids[at].clone());
        self.cursor_task()
    }

    /// Types into the active box through its own "text changed" message, so the text
    /// goes through the screen's checks as if typed into the widget.
    pub(super) fn type_into_field(
        &mut self,
        edit: impl FnOnce(&Field<'_, Message>) -> Message,
    ) -> Task<Message> {
        let typed = self.active_field().map(|field| edit(&field));
        match typed {
            Some(message) => self.update(message),
            None => Task::none(),
        }
    }

    fn ask_manager(&mut self, action: pos_core::operator::ManagerAction) -> Task<Message> {
        let Some(till) = &self.till else {
            return Task::none();
        };
        self.approval = Some(approval::Prompt::new(action, till));
        self.refocus()
    }

    fn on_approval(&mut self, message: approval::Message) -> Task<Message> {
        let (Some(prompt), Some(till)) = (self.approval.as_mut(), self.till.as_mut()) else {
            return Task::none();
        };
        let outcome = prompt.update(message, till, self.clock.now());
        self.after_approval(outcome)
    }

    fn after_approval(&mut self, outcome: approval::Outcome) -> Task<Message> {
        match outcome {
            approval::Outcome::Waiting => Task::none(),
            approval::Outcome::Cancelled => {
                self.approval = None;
                self.refocus()
            }
            approval::Outcome::Refused(e) => {
                self.show(Level::Error, error_text::till_error(self.i18n, &e))
            }
            approval::Outcome::Approved(approval) => {
                self.approval = None;
                let retried = self.dispatch(|screen, sale, ctx| match screen {
                    Screen::Sale => sale.approved(&approval, ctx),
                    Screen::Payment(x) => x.approved(&approval, ctx),
                    Screen::Return(x) => x.approved(&approval, ctx),
                    Screen::Drawer(x) => x.approved(&approval, ctx),
                    Screen::Close(x) => x.approved(&approval, ctx),
                    _ => None,
                });
                Task::batch([retried, self.refocus()])
            }
        }
    }

    /// The sale screen keeps its entry box focused, so a wedge scan always lands there
    /// (unless the price panel is being filled in).
    fn on_sale(&mut self, message: sale::Message) -> Task<Message> {
        let was_editing = self.sale.editing_price();
        let acted = self.dispatch(|_, sale, ctx| sale.update(message, ctx));
        self.after_sale_action(acted, was_editing)
    }

    /// Where the cursor goes after an action on the sale screen: the price panel's value
    /// when it just opened, nowhere new while it is being filled in, else the entry box.
    fn after_sale_action(&mut self, acted: Task<Message>, was_editing: bool) -> Task<Message> {
        match (was_editing, self.sale.editing_price()) {
            (true, true) => acted,
            // Also when the action left the sale screen: `go` has set the new screen's box.
            _ if !matches!(self.screen, Screen::Sale) => acted,
            _ => Task::batch([acted, self.refocus()]),
        }
    }

    fn on_setup(&mut self, message: setup::Message) -> Task<Message> {
        let Screen::Setup(state) = &mut self.screen else {
            return Task::none();
        };
        match state.update(message, &self.data, &self.config, self.i18n) {
            setup::Outcome::Stay => Task::none(),
            setup::Outcome::Failed(reason) => self.show(Level::Error, reason),
            setup::Outcome::Ready(till, config) => {
                self.till = Some(*till);
                // Set-up wrote a new server address: the agent starts with this config.
                self.sync = None;
                self.apply_config(*config);
                self.go(Go::Login)
            }
        }
    }

    fn on_settings(&mut self, message: settings::Message) -> Task<Message> {
        let Screen::Settings(state) = &mut self.screen else {
            return Task::none();
        };
        let outcome = state.update(message, &self.data);
        self.after_settings(outcome)
    }

    fn after_settings(&mut self, outcome: settings::Outcome) -> Task<Message> {
        match outcome {
            settings::Outcome::Stay => Task::none(),
            settings::Outcome::Failed(reason) => {
                let text = self.i18n.t(&reason).to_string();
                self.show(Level::Error, text)
            }
            settings::Outcome::Saved(config) => {
                self.apply_config(*config);
                let note = self.i18n.t("settings.saved").to_string();
                let next = self.leave_settings();
                self.banner = Some(Banner {
                    level: Level::Info,
                    text: note,
                });
                next
            }
            settings::Outcome::Back => self.leave_settings(),
            settings::Outcome::Operators => self.go(Go::Operators),
        }
    }

    /// The operators screen; the cursor moves to the form only when the form changes.
    fn on_operators(&mut self, message: operators::Message) -> Task<Message> {
        let refocus = message.moves_focus();
        let acted = self.dispatch(|s, _, ctx| {
            if let Screen::Operators(x) = s {
                x.update(message, ctx)
            } else {
                None
            }
        });
        if refocus {
            Task::batch([acted, self.refocus()])
        } else {
            acted
        }
    }

    fn leave_settings(&mut self) -> Task<Message> {
        let logged_in = self.till.as_ref().and_then(Till::operator).is_some();
        self.go(if logged_in { Go::Sale } else { Go::Login })
    }

    /// Uses a configuration: language, the till's rules, the printer.
    fn apply_config(&mut self, config: AppConfig) {
        self.i18n = I18n::new(Language::from_code(&config.language));
        if self.config.wedge != config.wedge {
            self.wedge = WedgeClassifier::new(wedge_config(&config.wedge));
        }
        if let Some(till) = self.till.as_mut() {
            till.set_config(config.till.clone());
        }
        let same_printer = self.config.printer == config.printer && self.printer.is_some();
        if !same_printer {
            self.printer = config
                .printer
                .as_ref()
                .and_then(|p| PrinterWorker::spawn(p, PRINTER_POLL).ok());
            self.status.printer = if self.printer.is_some() {
                PrinterState::Checking
            } else {
                PrinterState::NotConfigured
            };
        }
        self.status.scanner = if config.scanner.is_some() {
            ScannerState::Connected
        } else {
            ScannerState::WedgeOnly
        };
        let same_server = self.config.server == config.server && self.sync.is_some();
        if !same_server {
            // Dropping the old handle stops its thread.
            self.sync = match (&config.server, &self.till) {
                (Some(server), Some(_)) => Some(sync_agent::SyncHandle::spawn(
                    self.data.path().to_path_buf(),
                    server.clone(),
                    SYNC_INTERVAL,
                )),
                _ => None,
            };
        }
        self.config = config;
        self.refresh_status();
    }

    // ----- view -----

    pub fn view(&self) -> Element<'_, Message> {
        let i18n = self.i18n;
        let body: Element<'_, Message> = match &self.screen {
            Screen::Setup(s) => s.view(i18n).map(Message::Setup),
            Screen::Settings(s) => s.view(i18n).map(Message::Settings),
            Screen::Fatal(reason) => container(
                ui::panel(
                    column![
                        ui::title(i18n.t("fatal.title")),
                        text(reason.as_str()).size(ui::TEXT)
                    ]
                    .spacing(12),
                )
                .width(800),
            )
            .center_x(Fill)
            .center_y(Fill)
            .into(),
            Screen::Login(s) => s.view(i18n).map(Message::Login),
            Screen::ShiftOpen(s) => s.view(i18n).map(Message::ShiftOpen),
            Screen::Sale => match &self.till {
                Some(till) => self.sale.view(till, i18n).map(Message::Sale),
                None => column![].into(),
            },
            Screen::Payment(s) => match &self.till {
                Some(till) => s.view(till, i18n).map(Message::Payment),
                None => column![].into(),
            },
            Screen::Member(s) => s.view(i18n).map(Message::Member),
            Screen::Held(s) => s.view(i18n).map(Message::Held),
            Screen::Return(s) => s.view(i18n).map(Message::Return),
            Screen::Drawer(s) => s.view(i18n).map(Message::Drawer),
            Screen::XReport(s) => s.view(i18n).map(Message::XReport),
            Screen::Close(s) => s.view(i18n).map(Message::Close),
            Screen::Review(s) => s.view(i18n).map(Message::Review),
            Screen::Alerts(s) => s.view(i18n).map(Message::Alerts),
            Screen::Operators(s) => s.view(i18n).map(Message::Operators),
        };
        let main = column![
            self.banner_view(),
            container(body).height(Fill),
            self.status.view(self.till.as_ref(), self.clock.now(), i18n)
        ];
        let window: Element<'_, Message> = match &self.approval {
            Some(prompt) => stack![
                main,
                iced::widget::opaque(prompt.view(i18n).map(Message::Approval))
            ]
            .into(),
            None => main.into(),
        };
        keys::route(window, Message::Key, Message::FieldClicked).into()
    }

    fn banner_view(&self) -> Element<'_, Message> {
        let Some(banner) = &self.banner else {
            return column![].into();
        };
        let color = match banner.level {
            Level::Info => ui::OK,
            Level::Warning => ui::WARN,
            Level::Error => ui::ERROR,
        };
        let reprint = (!self.unprinted.is_empty()).then(|| {
            button(text(self.i18n.t("print.reprint")).size(ui::TEXT))
                .on_press(Message::Reprint)
                .style(ui::key_style)
        });
        // Only a manager may decide receipts will not be printed.
        let manager = self
            .till
            .as_ref()
            .and_then(Till::operator)
            .is_some_and(|o| o.role == pos_core::operator::Role::Manager);
        let forget = (manager && !self.unprinted.is_empty()).then(|| {
            button(text(self.i18n.t("print.forget")).size(ui::TEXT))
                .on_press(Message::ForgetUnprinted)
                .style(ui::key_style)
        });
        let content = row![
            text(banner.text.as_str())
                .size(ui::TEXT)
                .color(iced::Color::WHITE)
                .width(Fill)
        ]
        .push(reprint)
        .push(forget)
        .push(
            button(text("✕").size(ui::TEXT))
                .on_press(Message::DismissBanner)
                .style(button::text),
        )
        .spacing(12)
        .align_y(iced::Center);
        container(content)
            .width(Fill)
            .padding([8, 14])
            .style(move |_: &Theme| container::Style {
                background: Some(color.into()),
                ..container::Style::default()
            })
            .into()
    }
}
