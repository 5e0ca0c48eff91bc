//! The app's input: keys from the window, scans from the wedge and the serial scanner,
//! the timer, and the sync agent's status.

use std::time::{Duration, Instant};

use iced::Task;
use scanner::{ScannerEvent, WedgeEvent};

use super::fields::FieldId;
use super::keys::{KeyPress, Pressed};
use super::status_bar::ScannerState;
use super::{App, Message, STATUS_EVERY_TICKS, Screen};

/// The active box's text before the run of fast keys now coming in: a run the wedge
/// turns out to be a scan is taken back out of a box where it was typed as text.
#[derive(Debug, Default)]
pub(super) struct KeyRun {
    last_at: Option<Instant>,
    before: Option<(FieldId, String)>,
}

/// EAN-8, the shortest code the scanner reads.
const SHORTEST_BARCODE_CHARS: usize = 8;

impl App {
    /// Every key of the window, in the order pressed. A character goes into the active
    /// box first (a scanner's too: the wedge only knows it was a scan at its Enter, and
    /// then takes the code back out), then the screen may act on it as well.
    pub(super) fn on_key(&mut self, press: KeyPress) -> Task<Message> {
        let KeyPress { key, at } = press;
        let (typed, key) = match key {
            Pressed::Char(c) => {
                self.note_run(at);
                let _ = self.wedge.key(c, at);
                (
                    self.type_into_field(|field| field.typed(c)),
                    Pressed::Char(c),
                )
            }
            Pressed::Backspace => return self.type_into_field(|field| field.erased()),
            Pressed::Enter => {
                let before = self.key_run.before.take();
                self.key_run.last_at = None;
                match self.wedge.enter(at) {
                    // Off the sale screen a short burst is typing that arrived while the
                    // till was busy (an amount, a PIN), not a barcode: it stays typed.
                    WedgeEvent::Scan(code) if !self.is_barcode_here(&code) => {
                        (Task::none(), Pressed::Enter)
                    }
                    WedgeEvent::Scan(code) => {
                        let untyped = self.untype_scan(before);
                        return Task::batch([untyped, self.on_scan(code)]);
                    }
                    _ => (Task::none(), Pressed::Enter),
                }
            }
            // Tab walks the boxes of a form, so a count can be typed without the mouse.
            Pressed::Tab => return self.focus_next_field(),
            other => (Task::none(), other),
        };
        let acted = self.act_on_key(key);
        Task::batch([typed, acted])
    }

    /// Keeps the active box's text as it was before a new run of keys (one more than the
    /// wedge's gap after the last key, as the wedge counts runs).
    fn note_run(&mut self, at: Instant) {
        let gap = Duration::from_millis(self.config.wedge.max_inter_key_ms);
        let new_run = self
            .key_run
            .last_at
            .is_none_or(|last| at.saturating_duration_since(last) > gap);
        if new_run {
            self.key_run.before = self.active_field().map(|f| (f.id, f.value.to_string()));
        }
        self.key_run.last_at = Some(at);
    }

    /// Whether a run of keys fast enough to be a scan is one. On the sale screen it is
    /// (the entry box sorts scans from typing itself); elsewhere keys queued while the
    /// till was busy arrive just as fast, so only a code as long as the shortest barcode
    /// (EAN-8) counts: a tendered "1000" typed quickly stays an amount.
    fn is_barcode_here(&self, code: &str) -> bool {
        self.screen.is_sale() && self.approval.is_none()
            || code.chars().count() >= SHORTEST_BARCODE_CHARS
    }

    /// A scan's keys went into the active box as they came: out of it again, except on
    /// the sale screen, whose entry box sorts them out itself (see
    /// `sale::State::take_scanned_keys`).
    fn untype_scan(&mut self, before: Option<(FieldId, String)>) -> Task<Message> {
        let Some((id, text)) = before else {
            return Task::none();
        };
        if self.screen.is_sale() && self.approval.is_none() {
            return Task::none();
        }
        let restore = self
            .active_field()
            .filter(|f| f.id == id)
            .map(|f| f.set(text));
        match restore {
            Some(message) => self.update(message),
            None => Task::none(),
        }
    }

    /// What a key does beyond typing: the manager's prompt or the screen acts on it.
    fn act_on_key(&mut self, key: Pressed) -> Task<Message> {
        if let (Some(prompt), Some(till)) = (self.approval.as_mut(), self.till.as_mut()) {
            let outcome = prompt.key(&key, till, self.clock.now());
            return self.after_approval(outcome);
        }
        if key == Pressed::Escape && self.banner.is_some() && !self.screen.is_sale() {
            self.banner = None;
        }
        self.screen_key(key)
    }

    /// A key the screen acts on; after a command key the cursor goes where the next
    /// typing belongs: the tender's box on the payment screen, the form's box on the
    /// operators screen, the price panel or the entry box on the sale screen.
    pub(super) fn screen_key(&mut self, key: Pressed) -> Task<Message> {
        let typed = matches!(key, Pressed::Char(_));
        let was_editing = self.editing_price();
        let acted = self.dispatch(|screen, ctx| screen.key(&key, ctx));
        if typed {
            return acted;
        }
        match self.screen {
            Screen::Payment(_) | Screen::Operators(_) => Task::batch([acted, self.refocus()]),
            // Stock work's boxes come and go with the document: the cursor follows.
            Screen::Stock(_) if !self.focus_on_screen() => Task::batch([acted, self.refocus()]),
            Screen::Sale(_) => self.after_sale_action(acted, was_editing),
            _ => acted,
        }
    }

    /// A code from a scanner (wedge or serial): what it means depends on the screen.
    pub fn on_scan(&mut self, code: String) -> Task<Message> {
        let code = code.trim().to_string();
        self.dispatch(|screen, ctx| ctx.with_till(|ctx| screen.scanned(&code, ctx)))
    }

    pub(super) fn on_scanner(&mut self, event: ScannerEvent) -> Task<Message> {
        match event {
            ScannerEvent::Scan(read) => {
                self.status.scanner = ScannerState::Connected;
                // The parsed text has no AIM prefix, so receipts and members match too.
                let code = read.result.map(|scan| scan.raw).unwrap_or(read.raw);
                self.on_scan(code)
            }
            ScannerEvent::Disconnected(reason) => {
                self.status.scanner = ScannerState::Disconnected(reason);
                Task::none()
            }
            ScannerEvent::Reconnected => {
                self.status.scanner = ScannerState::Connected;
                Task::none()
            }
        }
    }

    pub(super) fn on_tick(&mut self, at: Instant) -> Task<Message> {
        let _ = self.wedge.flush(at);
        if self.approval.is_none() {
            let _ = self.dispatch(|screen, ctx| {
                ctx.with_till(|ctx| {
                    screen.tick(ctx);
                    None
                })
            });
        }
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks.is_multiple_of(STATUS_EVERY_TICKS) {
            self.refresh_status();
        }
        Task::none()
    }

    /// Takes the sync agent's word on head office; without an agent the till is offline.
    pub(super) fn on_sync_status(&mut self, status: &sync_agent::SyncStatus) -> Task<Message> {
        if self.sync.is_some() {
            let last_sync = status.last_push_ok.max(status.last_pull_ok);
            self.set_online(status.online, last_sync);
        }
        Task::none()
    }

    /// A document was committed: the agent should push it soon.
    pub(super) fn nudge_sync(&self) {
        if let Some(agent) = &self.sync {
            agent.handle.nudge();
        }
    }
}
