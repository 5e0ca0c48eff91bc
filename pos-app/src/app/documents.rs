//! Committed documents and the devices they drive: receipts and reports to the printer
//! thread, the cash drawer, reprints, printer outcomes and status polls, logging out.

use std::time::{Duration, Instant};

use iced::Task;
use pos_core::document::{Document, DocumentBody, TenderKind};

use super::printing::{Outcome, Printout, Unprinted};
use super::screen::{Go, sale};
use super::status_bar::PrinterState;
use super::{App, Banner, Level, Message, error_text, receipt, stock_slip, ui};

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
        let done = match &doc.body {
            DocumentBody::Sale(s) => Some(sale::Done {
                sequence: doc.sequence,
                total: s.total + s.cash_rounding,
                paid: s.tenders.iter().map(|t| t.amount).sum(),
                change: s.change,
            }),
            _ => None,
        };
        let note = match &doc.body {
            DocumentBody::Sale(s) => self.i18n.f(
                "sale.completed",
                &[("no", &doc.sequence), ("change", &ui::money(s.change))],
            ),
            DocumentBody::Return(r) => self.i18n.f(
                "return.completed",
                &[("no", &doc.sequence), ("amount", &ui::money(r.total))],
            ),
            _ => String::new(),
        };
        let printed = self.print(receipt.map(Printout::Receipt), cash, Some(doc.sequence));
        let shown = self.go(Go::Sale);
        // The sale screen shows the sale just paid until the next one starts.
        if let (Some(done), Some(sale)) = (done, self.screen.sale_mut()) {
            sale.done = Some(done);
            sale.last_scanned = None;
        }
        if self.banner.as_ref().is_none_or(|b| b.level == Level::Info) {
            self.banner = Some(Banner {
                level: Level::Info,
                text: note,
            });
        }
        Task::batch([printed, shown])
    }

    /// A stock document was committed: its slip prints, and the banner says so.
    pub(super) fn stock_done(&mut self, doc: Document) -> Task<Message> {
        self.nudge_sync();
        let slip = self.till.as_ref().and_then(|till| {
            let header =
                receipt::Header::new(till, &self.config.store_name, self.clock.now(), self.i18n);
            stock_slip::for_document(&doc, till, &header)
        });
        let printed = self.print(slip.map(Printout::Slip), false, Some(doc.sequence));
        self.refresh_status();
        if self.banner.as_ref().is_none_or(|b| b.level == Level::Info) {
            self.banner = Some(Banner {
                level: Level::Info,
                text: self.i18n.f("stock.committed", &[("no", &doc.sequence)]),
            });
        }
        printed
    }

    /// Sends a receipt or report (and a drawer kick) to the printer thread; `sequence`
    /// names the document whose receipt it is.
    pub(super) fn print(
        &mut self,
        paper: Option<Printout>,
        kick_drawer: bool,
        sequence: Option<u64>,
    ) -> Task<Message> {
        match self.printer.as_mut() {
            Some(printer) => {
                printer.submit(paper, kick_drawer, sequence);
            }
            // Without a printer there is nothing to print on (the status bar says so):
            // the receipt leaves the queue, and the returns screen can reprint it once a
            // printer is set up.
            None => {
                if let Some(sequence) = sequence {
                    self.settle_receipt(sequence, None);
                }
            }
        }
        Task::none()
    }

    /// Prints again everything that did not print, marked as a reprint.
    pub(super) fn reprint(&mut self) -> Task<Message> {
        if !self.unprinted.is_empty() && self.printer.is_none() {
            return self.show(Level::Warning, self.i18n.t("print.no_printer").to_string());
        }
        self.banner = None;
        for waiting in std::mem::take(&mut self.unprinted) {
            let _ = self.print(Some(waiting.paper.reprinted()), false, waiting.sequence);
        }
        Task::none()
    }

    /// A manager chose not to reprint what waits: the till file's queue and the list are
    /// emptied; any receipt can still be reprinted from the returns screen.
    pub(super) fn forget_unprinted(&mut self) -> Task<Message> {
        let Some(till) = self.till.as_ref() else {
            return Task::none();
        };
        let manager = till
            .operator()
            .is_some_and(|o| o.role == pos_core::operator::Role::Manager);
        if !manager {
            return Task::none();
        }
        if let Err(e) = till.forget_unprinted_receipts() {
            return self.show(Level::Error, error_text::till_error(self.i18n, &e));
        }
        self.unprinted.clear();
        self.banner = None;
        Task::none()
    }

    /// Receipts the till file says never printed (the till stopped, or the printer
    /// failed, before they did): waiting for the reprint button, with a banner.
    pub(super) fn offer_unprinted_receipts(&mut self) {
        let Some(till) = self.till.as_ref() else {
            return;
        };
        let waiting = match till.unprinted_receipts() {
            Ok(waiting) => waiting,
            Err(e) => {
                self.banner = Some(Banner {
                    level: Level::Error,
                    text: error_text::till_error(self.i18n, &e),
                });
                return;
            }
        };
        if waiting.is_empty() {
            return;
        }
        let header =
            receipt::Header::new(till, &self.config.store_name, self.clock.now(), self.i18n);
        self.unprinted = waiting
            .iter()
            .filter_map(|w| {
                let paper = receipt::for_document(&w.document, till, &header)?;
                Some(Unprinted {
                    sequence: Some(w.document.sequence),
                    paper: Printout::Receipt(paper),
                })
            })
            .collect();
        self.banner = Some(Banner {
            level: Level::Warning,
            text: self.i18n.f(
                "print.unprinted_waiting",
                &[("count", &self.unprinted.len())],
            ),
        });
    }

    /// The receipt of `sequence` printed (`error` is `None`) or failed: the till file's
    /// print queue follows.
    fn settle_receipt(&mut self, sequence: u64, error: Option<&str>) {
        let Some(till) = self.till.as_ref() else {
            return;
        };
        let written = match error {
            None => till.receipt_done(sequence),
            Some(error) => till.receipt_failed(sequence, error),
        };
        if let Err(e) = written {
            self.banner = Some(Banner {
                level: Level::Error,
                text: error_text::till_error(self.i18n, &e),
            });
        }
    }

    pub(super) fn reprint_document(&mut self, doc: &Document) -> Task<Message> {
        let paper = self.till.as_ref().and_then(|till| {
            let mut header =
                receipt::Header::new(till, &self.config.store_name, self.clock.now(), self.i18n);
            header.reprint = true;
            receipt::for_document(doc, till, &header)
                .map(Printout::Receipt)
                .or_else(|| stock_slip::for_document(doc, till, &header).map(Printout::Slip))
        });
        if self.printer.is_none() {
            self.unprinted.extend(paper.map(|paper| Unprinted {
                sequence: Some(doc.sequence),
                paper,
            }));
            return self.show(Level::Warning, self.i18n.t("print.no_printer").to_string());
        }
        self.print(paper, false, Some(doc.sequence))
    }

    pub(super) fn kick_drawer(&mut self) -> Task<Message> {
        let _ = self.print(None, true, None);
        self.refresh_status();
        self.show(Level::Info, self.i18n.t("drawer.opened").to_string())
    }

    /// Waits at most `timeout` for the printer's next job outcome and takes it in, as
    /// the window's subscription would, with the status polls that came before it;
    /// false when none came. (Tests and benchmarks: nothing else may be listening.)
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
            // As the window's subscription delivers it.
            let _ = self.update(Message::Printed(outcome));
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

    /// A printer outcome: a failure shows a banner with a reprint button; the sale
    /// stays. A status poll only changes the status bar.
    pub(super) fn on_print_outcome(&mut self, outcome: Outcome) -> Task<Message> {
        let finished = match outcome {
            Outcome::Checked(status) => {
                self.status.printer = PrinterState::from_check(&status, self.i18n);
                return Task::none();
            }
            Outcome::Printed(finished) => *finished,
        };
        self.status.printer = self.status.printer.after_job(&finished.result, self.i18n);
        let text = finished
            .result
            .as_ref()
            .err()
            .map(|e| error_text::print_error(self.i18n, e));
        if let Some(sequence) = finished.sequence {
            self.settle_receipt(sequence, text.as_deref());
        }
        if let Some(text) = text {
            if let Some(paper) = finished.paper {
                // One entry per document, however often its reprint failed.
                self.unprinted
                    .retain(|u| u.sequence.is_none() || u.sequence != finished.sequence);
                self.unprinted.push(Unprinted {
                    sequence: finished.sequence,
                    paper,
                });
            }
            self.banner = Some(Banner {
                level: Level::Error,
                text,
            });
        }
        Task::none()
    }

    pub(super) fn log_out(&mut self) -> Task<Message> {
        if let Some(till) = self.till.as_mut() {
            till.logout();
        }
        self.go(Go::Login)
    }
}
