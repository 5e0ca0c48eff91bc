//! Settings (manager): store name, language, head office, printer and paper width,
//! serial scanner and keyboard-wedge timing, thresholds; F2 opens the operators list. Saved to `config.toml` in the
//! data dir. A config that cannot be read opens this screen with the reason, instead of
//! stopping the till.

use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Element, Fill};
use pos_core::data_dir::{AppConfig, PrinterConfig, ScannerConfig, ServerConfig, WedgeTiming};
use rust_decimal::Decimal;

use super::{Ctx, Event, Go, Refusal};
use crate::app::fields::Field;
use crate::app::i18n::{I18n, Language};
use crate::app::keys::Pressed;
use crate::app::ui;

pub const STORE_NAME_INPUT: &str = "settings-store-name";
pub const SERVER_URL_INPUT: &str = "settings-server-url";
pub const TOKEN_INPUT: &str = "settings-token";
pub const PRINTER_URI_INPUT: &str = "settings-printer-uri";
pub const SCANNER_PORT_INPUT: &str = "settings-scanner-port";
pub const BAUD_INPUT: &str = "settings-baud";
pub const WEDGE_GAP_MS_INPUT: &str = "settings-wedge-gap-ms";
pub const WEDGE_MIN_LENGTH_INPUT: &str = "settings-wedge-min-length";
pub const NEAR_EXPIRY_DAYS_INPUT: &str = "settings-near-expiry-days";
pub const DISCOUNT_LIMIT_INPUT: &str = "settings-discount-limit";

#[derive(Debug, Clone)]
pub enum Message {
    /// Store name on receipts.
    StoreName(String),
    /// Screen language.
    Language(Language),
    /// Head office address (empty: none).
    ServerUrl(String),
    /// This terminal's token.
    Token(String),
    /// Printer URI (empty: none).
    PrinterUri(String),
    /// Paper width, 58 or 80 mm.
    Width(u16),
    /// Serial scanner port (empty: keyboard wedge only).
    ScannerPort(String),
    /// Serial scanner baud rate.
    Baud(String),
    /// Longest gap between a wedge scanner's keys, in ms.
    WedgeGap(String),
    /// Fewest characters of a wedge scan.
    WedgeMinLength(String),
    /// Days before expiry a lot warns.
    NearExpiryDays(String),
    /// Largest discount a cashier may give alone, as a fraction.
    DiscountLimit(String),
    /// Write the file.
    Save,
    /// The operators screen (F2).
    Operators,
    /// Leave without saving.
    Back,
}

#[derive(Debug, Clone)]
pub struct State {
    base: AppConfig,
    /// Why the configuration on disk could not be read, if it could not.
    pub load_error: Option<String>,
    store_name: String,
    language: Language,
    server_url: String,
    token: String,
    printer_uri: String,
    width_mm: u16,
    scanner_port: String,
    baud: String,
    wedge_gap_ms: String,
    wedge_min_length: String,
    near_expiry_days: String,
    discount_limit: String,
}

impl State {
    pub fn new(config: &AppConfig, load_error: Option<String>) -> State {
        State {
            base: config.clone(),
            load_error,
            store_name: config.store_name.clone(),
            language: Language::from_code(&config.language),
            server_url: config
                .server
                .as_ref()
                .map(|s| s.url.clone())
                .unwrap_or_default(),
            token: config
                .server
                .as_ref()
                .map(|s| s.token.clone())
                .unwrap_or_default(),
            printer_uri: config
                .printer
                .as_ref()
                .map(|p| p.uri.clone())
                .unwrap_or_default(),
            width_mm: config.printer.as_ref().map(|p| p.width_mm).unwrap_or(80),
            scanner_port: config
                .scanner
                .as_ref()
                .map(|s| s.port.clone())
                .unwrap_or_default(),
            baud: config
                .scanner
                .as_ref()
                .map(|s| s.baud)
                .unwrap_or(9600)
                .to_string(),
            wedge_gap_ms: config.wedge.max_inter_key_ms.to_string(),
            wedge_min_length: config.wedge.min_length.to_string(),
            near_expiry_days: config.till.near_expiry_warn_days.to_string(),
            discount_limit: config.till.cashier_discount_limit.to_string(),
        }
    }

    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::StoreName(v) => self.set(|s| s.store_name = v),
            Message::Language(l) => self.set(|s| s.language = l),
            Message::ServerUrl(v) => self.set(|s| s.server_url = v),
            Message::Token(v) => self.set(|s| s.token = v),
            Message::PrinterUri(v) => self.set(|s| s.printer_uri = v),
            Message::Width(w) => self.set(|s| s.width_mm = w),
            Message::ScannerPort(v) => self.set(|s| s.scanner_port = v),
            Message::Baud(v) => self.set(|s| s.baud = v),
            Message::WedgeGap(v) => self.set(|s| s.wedge_gap_ms = v),
            Message::WedgeMinLength(v) => self.set(|s| s.wedge_min_length = v),
            Message::NearExpiryDays(v) => self.set(|s| s.near_expiry_days = v),
            Message::DiscountLimit(v) => self.set(|s| s.discount_limit = v),
            Message::Save => self.save(ctx),
            Message::Back => back(ctx),
            Message::Operators => Some(Event::Go(Go::Operators)),
        }
    }

    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        match key {
            Pressed::Escape => back(ctx),
            Pressed::F(12) => self.save(ctx),
            Pressed::F(2) => Some(Event::Go(Go::Operators)),
            _ => None,
        }
    }

    fn set(&mut self, change: impl FnOnce(&mut State)) -> Option<Event> {
        change(self);
        None
    }

    /// The configuration the form describes.
    pub fn config(&self) -> Result<AppConfig, &'static str> {
        let mut config = self.base.clone();
        config.store_name = self.store_name.trim().to_string();
        config.language = self.language.code().to_string();
        config.server = (!self.server_url.trim().is_empty()).then(|| ServerConfig {
            url: self.server_url.trim().to_string(),
            token: self.token.trim().to_string(),
        });
        config.printer = (!self.printer_uri.trim().is_empty()).then(|| PrinterConfig {
            uri: self.printer_uri.trim().to_string(),
            width_mm: self.width_mm,
        });
        let baud = self.baud.trim().parse().map_err(|_| "settings.bad_baud")?;
        config.scanner = (!self.scanner_port.trim().is_empty()).then(|| ScannerConfig {
            port: self.scanner_port.trim().to_string(),
            baud,
        });
        config.wedge = WedgeTiming {
            max_inter_key_ms: self
                .wedge_gap_ms
                .trim()
                .parse()
                .ok()
                .filter(|ms| WedgeTiming::GAP_MS.contains(ms))
                .ok_or("settings.bad_wedge_gap")?,
            min_length: self
                .wedge_min_length
                .trim()
                .parse()
                .ok()
                .filter(|n| WedgeTiming::MIN_LENGTH.contains(n))
                .ok_or("settings.bad_wedge_length")?,
        };
        config.till.near_expiry_warn_days = self
            .near_expiry_days
            .trim()
            .parse()
            .ok()
            .filter(|d| (0..=3650).contains(d))
            .ok_or("settings.bad_days")?;
        config.till.cashier_discount_limit = self
            .discount_limit
            .trim()
            .parse::<Decimal>()
            .ok()
            .filter(|d| *d >= Decimal::ZERO && *d <= Decimal::ONE)
            .ok_or("settings.bad_limit")?;
        Ok(config)
    }

    fn save(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let config = match self.config() {
            Ok(config) => config,
            Err(key) => return Some(Event::Refused(Refusal::Invalid(key))),
        };
        match ctx.data.save_config(&config) {
            Ok(()) => {
                self.load_error = None;
                Some(Event::ConfigSaved(Box::new(config)))
            }
            Err(e) => Some(Event::Refused(Refusal::NotSaved(e.to_string()))),
        }
    }

    /// The boxes in the order Tab walks them.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        vec![
            Field::new(STORE_NAME_INPUT, &self.store_name, Message::StoreName),
            Field::new(SERVER_URL_INPUT, &self.server_url, Message::ServerUrl),
            Field::new(TOKEN_INPUT, &self.token, Message::Token),
            Field::new(PRINTER_URI_INPUT, &self.printer_uri, Message::PrinterUri),
            Field::new(SCANNER_PORT_INPUT, &self.scanner_port, Message::ScannerPort),
            Field::new(BAUD_INPUT, &self.baud, Message::Baud),
            Field::new(WEDGE_GAP_MS_INPUT, &self.wedge_gap_ms, Message::WedgeGap),
            Field::new(
                WEDGE_MIN_LENGTH_INPUT,
                &self.wedge_min_length,
                Message::WedgeMinLength,
            ),
            Field::new(
                NEAR_EXPIRY_DAYS_INPUT,
                &self.near_expiry_days,
                Message::NearExpiryDays,
            ),
            Field::new(
                DISCOUNT_LIMIT_INPUT,
                &self.discount_limit,
                Message::DiscountLimit,
            ),
        ]
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let language = Language::ALL.iter().fold(row![].spacing(8), |r, &l| {
            r.push(
                button(text(i18n.t(language_key(l))).size(ui::TEXT))
                    .padding([10, 16])
                    .on_press(Message::Language(l))
                    .style(if l == self.language {
                        button::primary
                    } else {
                        ui::key_style
                    }),
            )
        });
        let width = [58u16, 80].iter().fold(row![].spacing(8), |r, &w| {
            r.push(
                button(text(format!("{w} mm")).size(ui::TEXT))
                    .padding([10, 16])
                    .on_press(Message::Width(w))
                    .style(if w == self.width_mm {
                        button::primary
                    } else {
                        ui::key_style
                    }),
            )
        });
        let error = self.load_error.as_ref().map(|e| {
            ui::panel(column![
                text(i18n.t("settings.load_error"))
                    .size(ui::TEXT)
                    .color(ui::ERROR)
                    .font(ui::BOLD),
                text(e.as_str()).size(ui::SMALL),
            ])
            .width(Fill)
        });
        let body = column![ui::title(i18n.t("settings.title"))]
            .push(error)
            .push(ui::field(
                i18n.t("settings.store_name"),
                "",
                &self.store_name,
                STORE_NAME_INPUT,
                Message::StoreName,
            ))
            .push(
                text(i18n.t("settings.language"))
                    .size(ui::SMALL)
                    .color(ui::MUTED),
            )
            .push(language)
            .push(
                row![
                    ui::field(
                        i18n.t("settings.server"),
                        "https://",
                        &self.server_url,
                        SERVER_URL_INPUT,
                        Message::ServerUrl
                    ),
                    ui::field(
                        i18n.t("settings.token"),
                        "",
                        &self.token,
                        TOKEN_INPUT,
                        Message::Token
                    ),
                ]
                .spacing(10),
            )
            .push(ui::field(
                i18n.t("settings.printer"),
                "tcp://192.168.1.50:9100",
                &self.printer_uri,
                PRINTER_URI_INPUT,
                Message::PrinterUri,
            ))
            .push(width)
            .push(
                row![
                    ui::field(
                        i18n.t("settings.scanner"),
                        "/dev/ttyUSB0",
                        &self.scanner_port,
                        SCANNER_PORT_INPUT,
                        Message::ScannerPort
                    ),
                    ui::field(
                        i18n.t("settings.baud"),
                        "9600",
                        &self.baud,
                        BAUD_INPUT,
                        Message::Baud
                    ),
                ]
                .spacing(10),
            )
            .push(
                row![
                    ui::field(
                        i18n.t("settings.wedge_gap"),
                        "45",
                        &self.wedge_gap_ms,
                        WEDGE_GAP_MS_INPUT,
                        Message::WedgeGap
                    ),
                    ui::field(
                        i18n.t("settings.wedge_min_length"),
                        "4",
                        &self.wedge_min_length,
                        WEDGE_MIN_LENGTH_INPUT,
                        Message::WedgeMinLength
                    ),
                ]
                .spacing(10),
            )
            .push(
                row![
                    ui::field(
                        i18n.t("settings.near_expiry"),
                        "30",
                        &self.near_expiry_days,
                        NEAR_EXPIRY_DAYS_INPUT,
                        Message::NearExpiryDays
                    ),
                    ui::field(
                        i18n.t("settings.discount_limit"),
                        "0.10",
                        &self.discount_limit,
                        DISCOUNT_LIMIT_INPUT,
                        Message::DiscountLimit
                    ),
                ]
                .spacing(10),
            )
            .push(
                row![
                    ui::primary_button(i18n.t("settings.save"), "F12", Some(Message::Save)),
                    ui::key_button(i18n.t("settings.operators"), "F2", Some(Message::Operators)),
                    ui::key_button(i18n.t("common.back"), "Esc", Some(Message::Back)),
                ]
                .spacing(10),
            )
            .spacing(12)
            .width(820);
        container(scrollable(body.padding(20)))
            .center_x(Fill)
            .into()
    }
}

pub fn language_key(language: Language) -> &'static str {
    match language {
        Language::ZhCn => "language.zh_cn",
        Language::En => "language.en",
    }
}

/// Back where the manager came from: the sale when someone is logged in, else login.
fn back(ctx: &Ctx<'_>) -> Option<Event> {
    let logged_in = ctx.till.operator().is_some();
    Some(Event::Go(if logged_in { Go::Sale } else { Go::Login }))
}
