//! Going from screen to screen: each screen built from the till's current state, and the
//! sale's and status bar's figures read again.

use super::*;

impl App {
    /// Shows another screen, built from the till's current state.
    pub(super) fn go(&mut self, go: Go) -> Task<Message> {
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

    pub(super) fn refresh_sale(&mut self) {
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
