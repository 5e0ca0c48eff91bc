//! Keyboard-wedge scanners type the code as keystrokes, much faster than a person, and
//! press Enter. [`WedgeClassifier`] tells the two apart from key timing alone; it is
//! pure: the UI passes each key with the time it arrived.
//!
//! The UI feeds every printable key to [`WedgeClassifier::key`], Enter to
//! [`WedgeClassifier::enter`], and calls [`WedgeClassifier::flush`] on a timer tick
//! (every 20-50 ms, or at [`WedgeClassifier::pending_deadline`]). Each call returns a
//! [`WedgeEvent`]:
//! - `Scan(code)`: a scanner burst; the Enter that ended it is consumed.
//! - `Typed(text)`: keys a person typed, to hand back to the focused text box in order.
//!   After `enter()` returns `Typed` (even empty), the Enter is the UI's to act on.
//! - `Pending`: keys are held until it is clear which they are.

use crate::parse::MAX_SCAN_CHARS;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// Timing thresholds of the wedge classifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WedgeConfig {
    /// The longest gap between two keys (and before Enter) of a scanner burst.
    /// Scanners send a key every 1-10 ms; people rarely type two keys within 50 ms.
    pub max_inter_key_ms: u64,
    /// The fewest characters a scan has; shorter fast bursts are typed text.
    pub min_length: usize,
    /// The most characters held back; a longer run is handed back as typed text.
    pub max_length: usize,
}

impl Default for WedgeConfig {
    fn default() -> Self {
        WedgeConfig {
            max_inter_key_ms: 30,
            min_length: 4,
            max_length: MAX_SCAN_CHARS,
        }
    }
}

/// What the classifier decided about the keys so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WedgeEvent {
    /// Keys are held back until they can be told apart.
    Pending,
    /// A code from the scanner.
    Scan(String),
    /// Keys a person typed, for the focused text box.
    Typed(String),
}

/// Tells a keyboard-wedge scanner from a person typing. See the module docs.
#[derive(Debug, Clone)]
pub struct WedgeClassifier {
    config: WedgeConfig,
    /// A run of keys, each within `max_inter_key_ms` of the one before.
    run: String,
    run_chars: usize,
    last_key_at: Option<Instant>,
}

impl WedgeClassifier {
    pub fn new(config: WedgeConfig) -> Self {
        WedgeClassifier {
            config,
            run: String::new(),
            run_chars: 0,
            last_key_at: None,
        }
    }

    pub fn config(&self) -> &WedgeConfig {
        &self.config
    }

    fn max_gap(&self) -> Duration {
        Duration::from_millis(self.config.max_inter_key_ms)
    }

    /// True when `at` is too long after the last key for the run to be a scan.
    fn run_went_slow(&self, at: Instant) -> bool {
        self.last_key_at
            .is_some_and(|last| at.saturating_duration_since(last) > self.max_gap())
    }

    fn take_run(&mut self) -> String {
        self.run_chars = 0;
        self.last_key_at = None;
        std::mem::take(&mut self.run)
    }

    /// A printable key arrived at `at`.
    pub fn key(&mut self, ch: char, at: Instant) -> WedgeEvent {
        let before = if self.run_went_slow(at) {
            Some(self.take_run())
        } else {
            None
        };
        self.run.push(ch);
        self.run_chars += 1;
        self.last_key_at = Some(at);
        match before {
            // The earlier run ended without Enter: a person typed it.
            Some(typed) => WedgeEvent::Typed(typed),
            None if self.run_chars >= self.config.max_length => WedgeEvent::Typed(self.take_run()),
            None => WedgeEvent::Pending,
        }
    }

    /// Enter arrived at `at`: a fast run of at least `min_length` keys is a scan.
    pub fn enter(&mut self, at: Instant) -> WedgeEvent {
        let fast = !self.run_went_slow(at);
        let long_enough = self.run_chars >= self.config.min_length.max(1);
        let run = self.take_run();
        if fast && long_enough {
            WedgeEvent::Scan(run)
        } else {
            WedgeEvent::Typed(run)
        }
    }

    /// Timer tick at `at`: a run that has gone quiet without Enter was typed.
    pub fn flush(&mut self, at: Instant) -> WedgeEvent {
        if !self.run.is_empty() && self.run_went_slow(at) {
            WedgeEvent::Typed(self.take_run())
        } else {
            WedgeEvent::Pending
        }
    }

    /// When [`WedgeClassifier::flush`] will next release held keys, if any are held.
    pub fn pending_deadline(&self) -> Option<Instant> {
        let last = self.last_key_at?;
        // One past the threshold, since `flush` releases only strictly after it.
        last.checked_add(self.max_gap() + Duration::from_millis(1))
    }
}

impl Default for WedgeClassifier {
    fn default() -> Self {
        WedgeClassifier::new(WedgeConfig::default())
    }
}
