//! Committed documents and the devices they drive: receipts to the printer thread,
//! the cash drawer, reprints, printer outcomes, logging out.

use std::time::Duration;

use iced::Task;
use pos_core::document::{Document, DocumentBody, TenderKind};
use printer::Receipt;

use super::screen::{Go, sale};
use super::status_bar::PrinterState;
use super::{App, Banner, Level, Message, error_text, printing, receipt, ui};

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
        let printed = self.print(receipt, cash);
        let shown = self.go(Go::Sale);
        if self.banner.as_ref().is_none_or(|b| b.level == Level::Info) {
            self.banner = Some(Banner {
                level: Level::Info,
                text: note,
            });
        }
        Task::batch([printed, shown])
    }

    /// Sends a receipt (and a drawer kick) to the printer thread.
    pub(super) fn print(&mut self, receipt: Option<Receipt>, kick_drawer: bool) -> Task<Message> {
        // Without a printer there is nothing to print on (the status bar says so); any
        // receipt can be reprinted from the returns screen once one is set up.
        if let Some(printer) = self.printer.as_mut() {
            printer.submit(receipt, kick_drawer);
        }
        Task::none()
    }

    pub(super) fn reprint(&mut self) -> Task<Message> {
        let receipt = self.unprinted.take().map(|mut r| {
            r.reprint = true;
            r
        });
        if receipt.is_some() && self.printer.is_none() {
            self.unprinted = receipt;
            return self.show(Level::Warning, self.i18n.t("print.no_printer").to_string());
        }
        self.banner = None;
        self.print(receipt, false)
    }

    pub(super) fn reprint_document(&mut self, doc: &Document) -> Task<Message> {
        let receipt = self.till.as_ref().and_then(|till| {
            let mut header =
                receipt::Header::new(till, &self.config.store_name, self.clock.now(), self.i18n);
            header.reprint = true;
            receipt::for_document(doc, till, &header)
        });
        if self.printer.is_none() {
            self.unprinted = receipt;
            return self.show(Level::Warning, self.i18n.t("print.no_printer").to_string());
        }
        self.print(receipt, false)
    }

    pub(super) fn kick_drawer(&mut self) -> Task<Message> {
        let _ = self.print(None, true);
        self.refresh_status();
        self.show(Level::Info, self.i18n.t("drawer.opened").to_string())
    }

    /// Waits at most `timeout` for the printer's next outcome and takes it in, as the
    /// timer would; false when none came.
    pub fn wait_for_printer(&mut self, timeout: Duration) -> bool {
        let Some(finished) = self.printer.as_ref().and_then(|p| p.wait(timeout)) else {
            return false;
        };
        self.take_print_outcomes(vec![finished]);
        true
    }

    /// Printer outcomes: a failure shows a banner with a reprint button; the sale stays.
    pub fn collect_prints(&mut self) {
        let Some(printer) = &self.printer else {
            return;
        };
        let finished = printer.finished();
        self.take_print_outcomes(finished);
    }

    pub(super) fn take_print_outcomes(&mut self, finished: Vec<printing::Finished>) {
        for finished in finished {
            match finished.result {
                Ok(()) => self.status.printer = PrinterState::Ready,
                Err(e) => {
                    let text = error_text::print_error(self.i18n, &e);
                    self.status.printer = PrinterState::Failed(text.clone());
                    if finished.receipt.is_some() {
                        self.unprinted = finished.receipt;
                    }
                    self.banner = Some(Banner {
                        level: Level::Error,
                        text,
                    });
                }
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
