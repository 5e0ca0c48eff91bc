//! Delays between attempts to reopen a lost port: doubling, with a ceiling.

use std::time::Duration;

#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    initial: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    pub fn new(initial_ms: u64, max_ms: u64) -> Self {
        // Never zero: a zero delay would retry in a busy loop.
        let initial = Duration::from_millis(initial_ms.max(1));
        let max = Duration::from_millis(max_ms).max(initial);
        Backoff {
            initial,
            max,
            next: initial,
        }
    }

    /// The delay before the next attempt; each call doubles it up to the ceiling.
    pub fn next_delay(&mut self) -> Duration {
        let delay = self.next;
        self.next = (self.next * 2).min(self.max);
        delay
    }

    /// The port worked again: start from the initial delay next time.
    pub fn reset(&mut self) {
        self.next = self.initial;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_ceiling_and_resets() {
        let mut b = Backoff::new(100, 1_000);
        let delays: Vec<u128> = (0..7).map(|_| b.next_delay().as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000, 1000]);
        b.reset();
        assert_eq!(b.next_delay().as_millis(), 100);
    }

    #[test]
    fn never_zero_and_ceiling_never_below_start() {
        let mut b = Backoff::new(0, 0);
        assert_eq!(b.next_delay(), Duration::from_millis(1));
        assert_eq!(b.next_delay(), Duration::from_millis(1));
        let mut b = Backoff::new(500, 10);
        assert_eq!(b.next_delay().as_millis(), 500);
        assert_eq!(b.next_delay().as_millis(), 500);
    }
}
