//! The till's screens, one file each, each with its own `Message`, state, `update` and
//! `view`. A screen's `update` gets what it needs in a [`Ctx`] and answers with an
//! [`Event`] for the app to act on (navigate, show a message, print, ask a manager).

pub mod alerts;
pub mod approval;
pub mod close;
pub mod count;
pub mod drawer;
pub mod held;
pub mod login;
pub mod lot_pick;
pub mod member;
pub mod no_receipt;
pub mod operators;
pub mod payment;
pub mod price_edit;
pub mod report;
pub mod returns;
pub mod review;
pub mod sale;
pub mod settings;
pub mod setup;
pub mod shift_open;

use chrono::{DateTime, Utc};
use pos_core::data_dir::AppConfig;
use pos_core::document::Document;
use pos_core::operator::ManagerAction;
use pos_core::till::{Till, TillError};
use printer::Report;

use super::i18n::I18n;

/// What a screen's update may use: the till, the time, the language and the settings.
pub struct Ctx<'a> {
    pub till: &'a mut Till,
    pub now: DateTime<Utc>,
    pub i18n: I18n,
    pub config: &'a AppConfig,
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
}

/// Where to go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Go {
    Login,
    ShiftOpen,
    Sale,
    Payment,
    Member,
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
