//! Committed documents and the devices they drive: receipts and reports to the printer
//! thread, the cash drawer, reprints, printer outcomes and status polls, logging out.

use std::time::{Duration, Instant};

use iced::Task;
use pos_core::document::{Document, DocumentBody, TenderKind};

use super::printing::{Outcome, Printout};
use super::screen::{Go, sale};
use super::status_bar::PrinterState;
use super::{App, Banner, Level, Message, error_text, receipt, ui};

impl App {
    pub(super) fn completed(&mut self, doc: Document) -> Task<Message> {
        self.nudge_sync();
        let cash = match &doc.body {
            DocumentBody::Sale(s) => s.tenders.iter().any(|t| t.kind == TenderKind::Cash),
            DocumentBody::Return(r) => r.tenders.iter().any(|t| t.kind == TenderKind::Cash),
            _ => false,
        };
        let receipt = self.till.as_ref().and_then(|till| {
            let header =
                receipt::Header::new(till, &self.config.store_name, self.clock.now(), self.i18n);
            receipt::for_document(&doc, till, &header)
        });
        let note = match &doc.body {
            DocumentBody::Sale(s) => {
                self.sale.done = Some(sale::Done {
                    sequence: doc.sequence,
                    total: s.total + s.cash_rounding,
                    paid: s.tenders.iter().map(|t| t.amount).sum(),
                    change: s.change,
                });
                self.sale.last_scanned = None;
                self.i18n.f(
                    "sale.completed",
                    &[("no", &doc.sequence), ("change", &ui::money(s.change))],
                )
            }
            DocumentBody::Return(r) => self.i18n.f(
                "return.completed",
                &[("no", &doc.sequence), ("amount", &ui::money(r.total))],
            ),
            _ => String::new(),
        };
        let printed = self.print(receipt.map(Printout::Receipt), cash);
        let shown = self.go(Go::Sale);
        if self.banner.as_ref().is_none_or(|b| b.level == Level::Info) {
            self.banner = Some(Banner {
                level: Level::Info,
                text: note,
            });
        }
        Task::batch([printed, shown])
    }

    /// Sends a receipt or report (and a drawer kick) to the printer thread.
    pub(super) fn print(&mut self, paper: Option<Printout>, kick_drawer: bool) -> Task<Message> {
        // Without a printer there is nothing to print on (the status bar says so); any
        // receipt can be reprinted from the returns screen once one is set up.
        if let Some(printer) = self.printer.as_mut() {
            printer.submit(paper, kick_drawer);
        }
        Task::none()
    }

    pub(super) fn reprint(&mut self) -> Task<Message> {
        let paper = self.unprinted.take().map(Printout::reprinted);
        if paper.is_some() && self.printer.is_none() {
            self.unprinted = paper;
            return self.show(Level::Warning, self.i18n.t("print.no_printer").to_string());
        }
        self.banner = None;
        self.print(paper, false)
    }

    pub(super) fn reprint_document(&mut self, doc: &Document) -> Task<Message> {
        let paper = self.till.as_ref().and_then(|till| {
            let mut header =
                receipt::Header::new(till, &self.config.store_name, self.clock.now(), self.i18n);
            header.reprint = true;
            receipt::for_document(doc, till, &header).map(Printout::Receipt)
        });
        if self.printer.is_none() {
            self.unprinted = paper;
            return self.show(Level::Warning, self.i18n.t("print.no_printer").to_string());
        }
        self.print(paper, false)
    }

    pub(super) fn kick_drawer(&mut self) -> Task<Message> {
        let _ = self.print(None, true);
        self.refresh_status();
        self.show(Level::Info, self.i18n.t("drawer.opened").to_string())
    }

    /// Waits at most `timeout` for the printer's next job outcome and takes it in, as
    /// the timer would, with the status polls that came before it; false when none came.
    pub fn wait_for_printer(&mut self, timeout: Duration) -> bool {
        self.wait_for_outcome(timeout, |o| matches!(o, Outcome::Printed(_)))
    }

    /// Waits at most `timeout` for the printer's next status poll and takes it in, with
    /// the job outcomes that came before it; false when none came.
    pub fn wait_for_printer_status(&mut self, timeout: Duration) -> bool {
        self.wait_for_outcome(timeout, |o| matches!(o, Outcome::Checked(_)))
    }

    fn wait_for_outcome(&mut self, timeout: Duration, wanted: fn(&Outcome) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Some(outcome) = self.printer.as_ref().and_then(|p| p.wait(left)) else {
                return false;
            };
            let found = wanted(&outcome);
            self.take_print_outcomes(vec![outcome]);
            if found {
                return true;
            }
        }
    }

    /// Asks the printer thread for a status poll as soon as it is idle.
    pub fn check_printer(&self) {
        if let Some(printer) = &self.printer {
            printer.check();
        }
    }

    /// Printer outcomes: a failure shows a banner with a reprint button; the sale stays.
    /// Status polls only change the status bar.
    pub fn collect_prints(&mut self) {
        let Some(printer) = &self.printer else {
            return;
        };
        let outcomes = printer.outcomes();
        self.take_print_outcomes(outcomes);
    }

    pub(super) fn take_print_outcomes(&mut self, outcomes: Vec<Outcome>) {
        for outcome in outcomes {
            let finished = match outcome {
                Outcome::Checked(status) => {
                    self.status.printer = PrinterState::from_check(&status, self.i18n);
                    continue;
                }
                Outcome::Printed(finished) => *finished,
            };
            self.status.printer = self.status.printer.after_job(&finished.result, self.i18n);
            if let Err(e) = finished.result {
                let text = error_text::print_error(self.i18n, &e);
                if finished.paper.is_some() {
                    self.unprinted = finished.paper;
                }
                self.banner = Some(Banner {
                    level: Level::Error,
                    text,
                });
            }
        }
    }

    pub(super) fn log_out(&mut self) -> Task<Message> {
        if let Some(till) = self.till.as_mut() {
            till.logout();
        }
        self.go(Go::Login)
    }
}
