//! A stop request the reader thread can wait on, so stopping never waits out a backoff.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub(crate) struct StopSignal {
    inner: Arc<(Mutex<bool>, Condvar)>,
}

impl StopSignal {
    pub fn stop(&self) {
        let (flag, condvar) = &*self.inner;
        *flag.lock().unwrap_or_else(PoisonError::into_inner) = true;
        condvar.notify_all();
    }

    pub fn is_stopped(&self) -> bool {
        *self.inner.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits up to `timeout`; returns true as soon as a stop is requested.
    pub fn wait(&self, timeout: Duration) -> bool {
        let (flag, condvar) = &*self.inner;
        let guard = flag.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = condvar
            .wait_timeout_while(guard, timeout, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner);
        *guard
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn wait_returns_at_once_when_stopped_from_another_thread() {
        let signal = StopSignal::default();
        assert!(!signal.wait(Duration::from_millis(1)));
        let remote = signal.clone();
        let started = Instant::now();
        let t = std::thread::spawn(move || remote.wait(Duration::from_secs(30)));
        signal.stop();
        assert!(t.join().unwrap());
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(signal.is_stopped());
    }
}
