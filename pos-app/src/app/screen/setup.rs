//! First start on an empty data dir: store, terminal, head office (optional) and the
//! first manager's PIN; optionally the demo catalog, so a new user sells within a minute.

use iced::widget::{checkbox, column, container, row, scrollable, text};
use iced::{Element, Fill};
use pos_core::data_dir::{AppConfig, DataDir, ServerConfig};
use pos_core::import::parse_catalog_csv;
use pos_core::operator::Role;
use pos_core::store::TillIdentity;
use pos_core::till::{NewOperator, Till};

use super::{Ctx, Event, Refusal};
use crate::app::fields::Field;
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::ui;

pub const STORE_INPUT: &str = "setup-store";
pub const TERMINAL_INPUT: &str = "setup-terminal";
pub const STORE_NAME_INPUT: &str = "setup-store-name";
pub const SERVER_INPUT: &str = "setup-server";
pub const TOKEN_INPUT: &str = "setup-token";
pub const MANAGER_PIN_INPUT: &str = "setup-manager-pin";
pub const CASHIER_PIN_INPUT: &str = "setup-cashier-pin";

#[derive(Debug, Clone)]
pub enum Message {
    /// Store code (e.g. S001).
    Store(String),
    /// Terminal code (e.g. T01).
    Terminal(String),
    /// Store name for receipts.
    StoreName(String),
    /// Head office address; may stay empty.
    Server(String),
    /// Terminal token from head office.
    Token(String),
    /// First manager's PIN.
    ManagerPin(String),
    /// A cashier's PIN; may stay empty.
    CashierPin(String),
    /// Load the demo catalog.
    Demo(bool),
    /// Create the till.
    Create,
}

#[derive(Debug, Clone)]
pub struct State {
    store: String,
    terminal: String,
    store_name: String,
    server: String,
    token: String,
    manager_pin: String,
    cashier_pin: String,
    demo: bool,
}

impl State {
    pub fn new(config: &AppConfig) -> State {
        State {
            store: "S001".into(),
            terminal: "T01".into(),
            store_name: config.store_name.clone(),
            server: String::new(),
            token: String::new(),
            manager_pin: String::new(),
            cashier_pin: String::new(),
            demo: true,
        }
    }

    /// Set-up's context has no till yet: creating one puts it there.
    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_, Option<Till>>) -> Option<Event> {
        match message {
            Message::Store(v) => self.set(|s| s.store = v),
            Message::Terminal(v) => self.set(|s| s.terminal = v),
            Message::StoreName(v) => self.set(|s| s.store_name = v),
            Message::Server(v) => self.set(|s| s.server = v),
            Message::Token(v) => self.set(|s| s.token = v),
            Message::ManagerPin(v) => self.set(|s| s.manager_pin = digits(&v)),
            Message::CashierPin(v) => self.set(|s| s.cashier_pin = digits(&v)),
            Message::Demo(on) => self.set(|s| s.demo = on),
            Message::Create => self.create(ctx),
        }
    }

    /// Enter creates the till.
    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_, Option<Till>>) -> Option<Event> {
        match key {
            Pressed::Enter => self.create(ctx),
            _ => None,
        }
    }

    fn set(&mut self, change: impl FnOnce(&mut State)) -> Option<Event> {
        change(self);
        None
    }

    fn create(&self, ctx: &mut Ctx<'_, Option<Till>>) -> Option<Event> {
        match self.created(ctx.data, ctx.config, ctx.i18n) {
            Ok((till, config)) => {
                *ctx.till = Some(till);
                Some(Event::SetUp(Box::new(config)))
            }
            Err(refusal) => Some(Event::Refused(refusal)),
        }
    }

    /// The till file and the configuration, written.
    fn created(
        &self,
        data: &DataDir,
        config: &AppConfig,
        i18n: I18n,
    ) -> Result<(Till, AppConfig), Refusal> {
        if self.store.trim().is_empty() || self.terminal.trim().is_empty() {
            return Err(Refusal::Invalid("setup.need_ids"));
        }
        if let Err(e) = std::fs::create_dir_all(data.path()) {
            return Err(Refusal::NotCreated(e.to_string()));
        }
        let identity = TillIdentity {
            store_id: self.store.trim().to_string(),
            terminal_id: self.terminal.trim().to_string(),
        };
        let manager = NewOperator {
            id: "manager",
            name: i18n.t("role.manager"),
            role: Role::Manager,
            pin: &self.manager_pin,
        };
        let mut config = config.clone();
        config.store_name = self.store_name.trim().to_string();
        config.server = (!self.server.trim().is_empty()).then(|| ServerConfig {
            url: self.server.trim().to_string(),
            token: self.token.trim().to_string(),
        });
        let result = Till::init(&data.till_path(), identity, manager, config.till.clone())
            .and_then(|mut till| {
                if !self.cashier_pin.is_empty() {
                    let cashier = NewOperator {
                        id: "cashier",
                        name: i18n.t("role.cashier"),
                        role: Role::Cashier,
                        pin: &self.cashier_pin,
                    };
                    till.add_operator(cashier)?;
                }
                Ok(till)
            });
        let mut till = match result {
            Ok(till) => till,
            Err(e) => {
                // A half-made file would make the next start skip set-up: remove it.
                let _ = std::fs::remove_file(data.till_path());
                return Err(Refusal::Till(e));
            }
        };
        if self.demo {
            let imported = parse_catalog_csv(pos_core::demo::demo_catalog_csv().as_bytes())
                .map_err(|e| e.to_string())
                .and_then(|catalog| till.import_catalog(&catalog).map_err(|e| e.to_string()));
            if let Err(reason) = imported {
                return Err(Refusal::NotCreated(reason));
            }
        }
        match data.save_config(&config) {
            Ok(()) => Ok((till, config)),
            Err(e) => Err(Refusal::NotCreated(e.to_string())),
        }
    }

    /// The boxes in the order Tab walks them.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        vec![
            Field::new(STORE_INPUT, &self.store, Message::Store),
            Field::new(TERMINAL_INPUT, &self.terminal, Message::Terminal),
            Field::new(STORE_NAME_INPUT, &self.store_name, Message::StoreName),
            Field::new(SERVER_INPUT, &self.server, Message::Server),
            Field::new(TOKEN_INPUT, &self.token, Message::Token),
            Field::new(MANAGER_PIN_INPUT, &self.manager_pin, Message::ManagerPin),
            Field::new(CASHIER_PIN_INPUT, &self.cashier_pin, Message::CashierPin),
        ]
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let body = column![
            ui::title(i18n.t("setup.title")),
            text(i18n.t("setup.hint")).size(ui::SMALL).color(ui::MUTED),
            row![
                ui::field(
                    i18n.t("setup.store"),
                    "S001",
                    &self.store,
                    STORE_INPUT,
                    Message::Store
                ),
                ui::field(
                    i18n.t("setup.terminal"),
                    "T01",
                    &self.terminal,
                    TERMINAL_INPUT,
                    Message::Terminal
                ),
            ]
            .spacing(10),
            ui::field(
                i18n.t("settings.store_name"),
                "",
                &self.store_name,
                STORE_NAME_INPUT,
                Message::StoreName
            ),
            row![
                ui::field(
                    i18n.t("settings.server"),
                    i18n.t("setup.optional"),
                    &self.server,
                    SERVER_INPUT,
                    Message::Server
                ),
                ui::field(
                    i18n.t("settings.token"),
                    i18n.t("setup.optional"),
                    &self.token,
                    TOKEN_INPUT,
                    Message::Token
                ),
            ]
            .spacing(10),
            row![
                ui::pin_field(
                    i18n.t("setup.manager_pin"),
                    &self.manager_pin,
                    MANAGER_PIN_INPUT,
                    Message::ManagerPin
                ),
                ui::pin_field(
                    i18n.t("setup.cashier_pin"),
                    &self.cashier_pin,
                    CASHIER_PIN_INPUT,
                    Message::CashierPin
                ),
            ]
            .spacing(10),
            checkbox(self.demo)
                .label(i18n.t("setup.demo"))
                .on_toggle(Message::Demo)
                .size(22)
                .text_size(ui::TEXT),
            ui::primary_button(i18n.t("setup.create"), "Enter", Some(Message::Create)),
        ]
        .spacing(14)
        .width(720);
        container(scrollable(ui::panel(body)))
            .center_x(Fill)
            .padding(30)
            .into()
    }
}

fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).take(8).collect()
}
