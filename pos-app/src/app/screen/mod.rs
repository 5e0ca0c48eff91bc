//! The till's screens, one file each, each with its own `Message`, state, `update` and
//! `view`. Every screen, set-up and settings included, follows one protocol: its
//! `update` and `key` get what they need in a [`Ctx`] and answer with an [`Event`] for
//! the app to act on (navigate, show a message, print, ask a manager, use a new
//! configuration). [`Screen`] holds the screen on show and routes to it (`dispatch`).

pub mod alerts;
pub mod approval;
pub mod close;
pub mod count;
mod dispatch;
pub mod drawer;
pub mod held;
pub mod login;
pub mod lot_pick;
pub mod member;
pub mod no_receipt;
pub mod operators;
pub mod organisation;
pub mod payment;
pub mod price_edit;
pub mod report;
pub mod reports;
pub mod returns;
pub mod review;
pub mod sale;
pub mod settings;
pub mod setup;
pub mod shift_open;
pub mod stock;

use chrono::{DateTime, Utc};
use pos_core::data_dir::{AppConfig, DataDir};
use pos_core::document::Document;
use pos_core::operator::ManagerAction;
use pos_core::till::{Till, TillError};
use printer::Report;

use super::i18n::I18n;

pub use dispatch::Screen;

/// What a screen's update may use: the till, the time, the language, the settings and
/// the data dir. Set-up, the one screen shown before a till exists, gets a
/// `Ctx<Option<Till>>` and puts the till it creates there.
pub struct Ctx<'a, T = Till> {
    pub till: &'a mut T,
    pub now: DateTime<Utc>,
    pub i18n: I18n,
    pub config: &'a AppConfig,
    pub data: &'a DataDir,
}

impl Ctx<'_, Option<Till>> {
    /// The same context for a screen that needs the till; without one nothing happens.
    pub fn with_till<R>(&mut self, f: impl FnOnce(&mut Ctx<'_>) -> Option<R>) -> Option<R> {
        let till = self.till.as_mut()?;
        f(&mut Ctx {
            till,
            now: self.now,
            i18n: self.i18n,
            config: self.config,
            data: self.data,
        })
    }
}

/// What a screen asks the app to do.
#[derive(Debug)]
pub enum Event {
    /// The till refused: show its translated message in the banner.
    Error(TillError),
    /// Show a warning (already translated) in the banner.
    Warning(String),
    /// Show a note (already translated) in the banner.
    Info(String),
    /// Go to another screen.
    Go(Go),
    /// The till wants a manager's PIN for this; the screen keeps what to retry.
    NeedApproval(ManagerAction),
    /// A sale or return is on disk: print its receipt, open the drawer for cash.
    Completed(Box<Document>),
    /// A stock document is on disk: print its slip.
    StockDone(Box<Document>),
    /// Print a report (X or Z) on the receipt printer.
    PrintReport(Box<Report>),
    /// Reprint an earlier sale or return.
    Reprint(Box<Document>),
    /// Open the cash drawer (no-sale, paid in and out).
    KickDrawer,
    /// The operator logged out.
    LoggedOut,
    /// Ask head office for the store's daily closes of a business day (store review).
    FetchStoreCloses(chrono::NaiveDate),
    /// Set-up created the till (now in the context) and saved this configuration.
    SetUp(Box<AppConfig>),
    /// Settings saved this configuration: use it from now on.
    ConfigSaved(Box<AppConfig>),
    /// Set-up or settings could not do what was asked.
    Refused(Refusal),
}

/// Why set-up or settings could not do what was asked.
#[derive(Debug)]
pub enum Refusal {
    /// A box holds what the screen cannot use; the translation key says which and why.
    Invalid(&'static str),
    /// The till refused (set-up: the store and terminal ids, a PIN).
    Till(TillError),
    /// Set-up could not create the till's folder, load the demo catalog or write the
    /// configuration: the system's reason.
    NotCreated(String),
    /// Settings could not write the configuration file: the system's reason.
    NotSaved(String),
}

/// Where to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Go {
    Login,
    ShiftOpen,
    Sale,
    Payment,
    Member,
    /// The organisation buying (Ctrl+O).
    Organisation,
    Held,
    /// Returns, with the sale to return from when it is known (a scanned receipt).
    Return(Option<String>),
    Drawer,
    XReport,
    Close,
    Review,
    Alerts,
    Settings,
    /// The operators list (manager).
    Operators,
    /// Stock work: the menu, or a document already filled in (a transfer to dispatch).
    Stock(Option<Box<stock::Start>>),
}

/// The till's answer as an event: nothing on success, its error otherwise.
pub fn refused<T>(result: Result<T, TillError>) -> Option<Event> {
    result.err().map(Event::Error)
}

/// The manager action an `ApprovalRequired` error names.
pub fn approval_needed(error: &TillError) -> Option<ManagerAction> {
    match error {
        TillError::ApprovalRequired { action } => ManagerAction::from_code(action),
        _ => None,
    }
}

/// Turns a refusal into a PIN prompt where the till asks for a manager.
pub fn error_or_approval(error: TillError) -> Event {
    match approval_needed(&error) {
        Some(action) => Event::NeedApproval(action),
        None => Event::Error(error),
    }
}
