//! The status bar, always at the bottom: head office reachable or not with the last
//! sync, documents waiting, printer (from its status polls and jobs) and scanner,
//! operator, shift, business date.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use iced::widget::{container, row, text};
use iced::{Background, Color, Element, Fill, Theme};
use pos_core::store::OutboxStats;
use pos_core::till::Till;
use printer::{Operation, PrintError, PrinterStatus};

use super::i18n::I18n;
use super::screen::login::role_key;
use super::{error_text, ui};

/// The printer as the last status poll or job found it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PrinterState {
    #[default]
    NotConfigured,
    /// Configured; the first status poll has not answered yet.
    Checking,
    /// Answers and has paper, or the last job went through.
    Ready,
    /// The paper-near-end sensor is set: a new roll is needed soon.
    PaperLow,
    PaperOut,
    CoverOpen,
    /// Cannot be reached, or says it is offline.
    Offline,
    /// Reachable, but it did not answer the status query.
    NoStatus,
    /// The last job failed for another reason; the reason, translated.
    Failed(String),
}

impl PrinterState {
    /// What a status poll found. A printer that cannot report (a `file://` path that
    /// is a plain file) counts as ready: it was opened, and that is all it can tell.
    pub fn from_check(result: &Result<PrinterStatus, Arc<PrintError>>, i18n: I18n) -> Self {
        match result {
            Ok(s) if s.paper_out => PrinterState::PaperOut,
            Ok(s) if s.cover_open => PrinterState::CoverOpen,
            Ok(s) if !s.online => PrinterState::Offline,
            Ok(s) if s.paper_near_end => PrinterState::PaperLow,
            Ok(_) => PrinterState::Ready,
            Err(e) => match e.as_ref() {
                PrintError::StatusUnsupported { .. } => PrinterState::Ready,
                PrintError::NoReply { .. }
                | PrintError::Read { .. }
                | PrintError::Timeout {
                    during: Operation::WaitingForStatus,
                    ..
                } => PrinterState::NoStatus,
                other => PrinterState::from_error(other, i18n),
            },
        }
    }

    /// What a job's outcome says. A job that went through proves the printer takes
    /// bytes, not that it has paper: paper and cover states wait for the next poll.
    pub fn after_job(&self, result: &Result<(), Arc<PrintError>>, i18n: I18n) -> Self {
        match result {
            Ok(()) => match self {
                PrinterState::PaperLow | PrinterState::PaperOut | PrinterState::CoverOpen => {
                    self.clone()
                }
                _ => PrinterState::Ready,
            },
            Err(e) => PrinterState::from_error(e, i18n),
        }
    }

    fn from_error(error: &PrintError, i18n: I18n) -> Self {
        match error {
            PrintError::PaperOut { .. } => PrinterState::PaperOut,
            PrintError::CoverOpen { .. } => PrinterState::CoverOpen,
            PrintError::Offline { .. }
            | PrintError::Connect { .. }
            | PrintError::Timeout { .. }
            | PrintError::NoReply { .. } => PrinterState::Offline,
            other => PrinterState::Failed(error_text::print_error(i18n, other)),
        }
    }

    /// The status bar's words and colour.
    fn label(&self, i18n: I18n) -> (&'static str, Color) {
        let (key, color) = match self {
            PrinterState::NotConfigured => ("status.printer_none", ui::MUTED),
            PrinterState::Checking => ("printer_state.checking", ui::MUTED),
            PrinterState::Ready => ("status.printer_ready", ui::OK),
            PrinterState::PaperLow => ("printer_state.paper_low", ui::WARN),
            PrinterState::PaperOut => ("printer_state.paper_out", ui::ERROR),
            PrinterState::CoverOpen => ("printer_state.cover_open", ui::ERROR),
            PrinterState::Offline => ("printer_state.offline", ui::ERROR),
            PrinterState::NoStatus => ("printer_state.no_status", ui::WARN),
            PrinterState::Failed(_) => ("status.printer_failed", ui::ERROR),
        };
        (i18n.t(key), color)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ScannerState {
    /// Only keyboard-wedge scanners: nothing to watch.
    #[default]
    WedgeOnly,
    Connected,
    /// The serial scanner is unplugged or cannot be opened; the reason.
    Disconnected(String),
}

/// What the bar shows; refreshed on the timer and after each document.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub online: bool,
    pub last_sync: Option<DateTime<Utc>>,
    pub outbox: OutboxStats,
    pub printer: PrinterState,
    pub scanner: ScannerState,
    pub shift_open: bool,
}

impl Status {
    /// Re-reads what the till file knows (waiting documents, the shift).
    pub fn refresh(&mut self, till: &Till) {
        if let Ok(stats) = till.outbox_stats() {
            self.outbox = stats;
        }
        self.shift_open = till.has_open_shift().unwrap_or(false);
        self.online = till.is_online();
    }

    pub fn view<'a, M: 'a>(
        &'a self,
        till: Option<&'a Till>,
        now: DateTime<Utc>,
        i18n: I18n,
    ) -> Element<'a, M> {
        let (online_text, online_color) = if self.online {
            (i18n.t("status.online"), ui::OK)
        } else {
            (i18n.t("status.offline"), ui::WARN)
        };
        let last_sync = match (self.last_sync, till) {
            (Some(at), Some(till)) => i18n.f(
                "status.last_sync",
                &[("time", &till.local_time(at).format("%H:%M"))],
            ),
            _ => i18n.t("status.never_synced").to_string(),
        };
        let waiting = if self.outbox.rejected > 0 {
            i18n.f(
                "status.waiting_rejected",
                &[
                    ("n", &self.outbox.waiting),
                    ("rejected", &self.outbox.rejected),
                ],
            )
        } else {
            i18n.f("status.waiting", &[("n", &self.outbox.waiting)])
        };
        let (printer, printer_color) = self.printer.label(i18n);
        let (scanner, scanner_color) = match &self.scanner {
            ScannerState::WedgeOnly => (i18n.t("status.scanner_wedge").to_string(), ui::MUTED),
            ScannerState::Connected => (i18n.t("status.scanner_ready").to_string(), ui::OK),
            ScannerState::Disconnected(_) => (i18n.t("status.scanner_lost").to_string(), ui::ERROR),
        };
        let operator = till
            .and_then(Till::operator)
            .map(|o| format!("{} ({})", o.name, i18n.t(role_key(o.role))))
            .unwrap_or_else(|| i18n.t("status.nobody").to_string());
        let shift = if self.shift_open {
            i18n.t("status.shift_open")
        } else {
            i18n.t("status.shift_closed")
        };
        let clock = till
            .map(|t| {
                format!(
                    "{}  {}",
                    t.business_date(now),
                    t.local_time(now).format("%H:%M")
                )
            })
            .unwrap_or_default();
        let identity = till
            .map(|t| format!("{} / {}", t.identity().store_id, t.identity().terminal_id))
            .unwrap_or_default();
        let item = |s: String, c: Color| text(s).size(ui::SMALL).color(c);
        let bar = row![
            item(online_text.to_string(), online_color),
            item(last_sync, ui::MUTED),
            item(
                waiting,
                if self.outbox.rejected > 0 {
                    ui::ERROR
                } else {
                    ui::MUTED
                }
            ),
            item(printer.to_string(), printer_color),
            item(scanner, scanner_color),
            item(operator, Color::BLACK),
            item(shift.to_string(), Color::BLACK),
            item(identity, ui::MUTED),
            container(item(clock, Color::BLACK)).align_right(Fill),
        ]
        .spacing(18);
        container(bar)
            .width(Fill)
            .padding([6, 12])
            .style(|_: &Theme| container::Style {
                background: Some(Background::Color(Color::from_rgb(0.90, 0.92, 0.94))),
                ..container::Style::default()
            })
            .into()
    }
}
