//! Going from screen to screen: each screen built from the till's current state (see
//! [`Screen::open`]), and the sale's and status bar's figures read again.

use super::*;

impl App {
    /// Shows another screen, built from the till's current state. Back to the sale from
    /// the sale screen keeps its state (the selected line, the box's text).
    pub(super) fn go(&mut self, go: Go) -> Task<Message> {
        // A new screen starts clean; a failed print keeps its banner (and reprint button).
        if self.unprinted.is_empty() {
            self.banner = None;
        }
        let event = if go == Go::Sale && self.screen.is_sale() {
            None
        } else {
            let Some(till) = self.till.as_mut() else {
                return Task::none();
            };
            let mut ctx = Ctx {
                till,
                now: self.clock.now(),
                i18n: self.i18n,
                config: &self.config,
                data: &self.data,
            };
            let (screen, event) = Screen::open(go, &mut ctx);
            if let Some(screen) = screen {
                self.screen = screen;
            }
            event
        };
        self.refresh_sale();
        self.refresh_status();
        let follow_up = self.handle(event);
        // The new screen's box is active before the next key is handled, whenever the
        // cursor's task runs.
        Task::batch([follow_up, self.refocus()])
    }

    /// Prices the sale again when the sale screen is on show.
    pub(super) fn refresh_sale(&mut self) {
        let (Some(till), Some(sale)) = (self.till.as_mut(), self.screen.sale_mut()) else {
            return;
        };
        let mut ctx = Ctx {
            till,
            now: self.clock.now(),
            i18n: self.i18n,
            config: &self.config,
            data: &self.data,
        };
        sale.refresh(&mut ctx);
    }

    pub(super) fn refresh_status(&mut self) {
        if let Some(till) = &self.till {
            let waiting_before = self.status.outbox.waiting;
            self.status.refresh(till);
            if self.status.outbox.waiting > waiting_before {
                self.nudge_sync();
            }
        }
    }
}
