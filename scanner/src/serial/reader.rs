//! A named thread that reads a serial scanner and sends [`ScannerEvent`]s, reopening
//! the port when it is unplugged.

use super::ScannerError;
use super::backoff::Backoff;
use super::config::SerialConfig;
use super::port::{ScanRead, SerialScanner};
use super::stop::StopSignal;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the reader thread reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannerEvent {
    /// One code: the raw text and the parse result (a code that does not parse is still
    /// reported, with its raw text, so the screen can say what was wrong).
    Scan(ScanRead),
    /// The port could not be opened or was lost (unplugged, hung up), with the reason.
    /// Sent once per outage; the thread keeps retrying with a backoff.
    Disconnected(String),
    /// The port opened again after a `Disconnected`.
    Reconnected,
}

/// Timing and limits of the reader thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderOptions {
    /// First delay before reopening a lost port; doubles on each failure.
    pub reconnect_initial_ms: u64,
    /// Ceiling of the reopen delay.
    pub reconnect_max_ms: u64,
    /// How often a read wakes to look for a stop request.
    pub poll_ms: u64,
    /// Events held for a receiver that is not keeping up; then the thread waits
    /// (the scanner's bytes wait in the port's buffer meanwhile).
    pub queue_max: usize,
    pub thread_name: String,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        ReaderOptions {
            reconnect_initial_ms: 100,
            reconnect_max_ms: 5_000,
            poll_ms: 100,
            queue_max: 256,
            thread_name: "scanner-reader".into(),
        }
    }
}

/// How long a full queue is waited on before trying again.
const QUEUE_FULL_RETRY: Duration = Duration::from_millis(10);

/// The running reader thread. Dropping it stops the thread, like [`ReaderHandle::stop`].
#[derive(Debug)]
pub struct ReaderHandle {
    stop: StopSignal,
    thread: Option<JoinHandle<()>>,
    open_attempts: Arc<AtomicU64>,
}

impl ReaderHandle {
    /// Stops the thread and waits for it (at most about `poll_ms`, or one queue retry).
    pub fn stop(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.stop.stop();
        if let Some(thread) = self.thread.take() {
            // The thread does not panic; if it ever did, there is nothing left to stop.
            let _ = thread.join();
        }
    }

    /// How many times the port has been opened or tried, for diagnostics.
    pub fn open_attempts(&self) -> u64 {
        self.open_attempts.load(Ordering::Relaxed)
    }

    /// True when the thread has ended (stopped, or its receiver was dropped).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }
}

impl Drop for ReaderHandle {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Starts a named thread that reads the scanner in `config` and sends each code, and
/// each loss and return of the port, over the returned channel.
///
/// A port that cannot be opened or is lost is reported once (`Disconnected`) and
/// retried with a delay doubling from `reconnect_initial_ms` to `reconnect_max_ms`;
/// `Reconnected` follows when it opens. The thread ends on [`ReaderHandle::stop`], when
/// the handle is dropped, or when the receiver is dropped.
pub fn spawn_reader(
    config: SerialConfig,
    options: ReaderOptions,
) -> Result<(ReaderHandle, Receiver<ScannerEvent>), ScannerError> {
    config.validate()?;
    let (tx, rx) = sync_channel(options.queue_max.max(1));
    let stop = StopSignal::default();
    let open_attempts = Arc::new(AtomicU64::new(0));
    let worker = Worker {
        config,
        backoff: Backoff::new(options.reconnect_initial_ms, options.reconnect_max_ms),
        poll: Duration::from_millis(options.poll_ms.max(1)),
        tx,
        stop: stop.clone(),
        open_attempts: Arc::clone(&open_attempts),
    };
    let thread = std::thread::Builder::new()
        .name(options.thread_name)
        .spawn(move || worker.run())
        .map_err(ScannerError::Spawn)?;
    Ok((
        ReaderHandle {
            stop,
            thread: Some(thread),
            open_attempts,
        },
        rx,
    ))
}

struct Worker {
    config: SerialConfig,
    backoff: Backoff,
    poll: Duration,
    tx: SyncSender<ScannerEvent>,
    stop: StopSignal,
    open_attempts: Arc<AtomicU64>,
}

impl Worker {
    fn run(mut self) {
        let mut in_outage = false;
        while !self.stop.is_stopped() {
            self.open_attempts.fetch_add(1, Ordering::Relaxed);
            match SerialScanner::open(&self.config) {
                Ok(scanner) => {
                    self.backoff.reset();
                    if in_outage && !self.send(ScannerEvent::Reconnected) {
                        return;
                    }
                    let Some(reason) = self.read_until_lost(scanner) else {
                        return;
                    };
                    in_outage = true;
                    if !self.send(ScannerEvent::Disconnected(reason)) {
                        return;
                    }
                }
                Err(e) => {
                    if !in_outage && !self.send(ScannerEvent::Disconnected(e.to_string())) {
                        return;
                    }
                    in_outage = true;
                }
            }
            if self.stop.wait(self.backoff.next_delay()) {
                return;
            }
        }
    }

    /// Reads until the port is lost (returns why) or the thread must end (`None`).
    fn read_until_lost(&self, mut scanner: SerialScanner) -> Option<String> {
        while !self.stop.is_stopped() {
            match scanner.next_scan(self.poll) {
                Ok(Some(read)) => {
                    if !self.send(ScannerEvent::Scan(read)) {
                        return None;
                    }
                }
                Ok(None) => {}
                Err(e) => return Some(e.to_string()),
            }
        }
        None
    }

    /// Sends, waiting while the queue is full; false when the thread must end.
    fn send(&self, mut event: ScannerEvent) -> bool {
        loop {
            match self.tx.try_send(event) {
                Ok(()) => return true,
                Err(TrySendError::Disconnected(_)) => return false,
                Err(TrySendError::Full(back)) => {
                    if self.stop.wait(QUEUE_FULL_RETRY) {
                        return false;
                    }
                    event = back;
                }
            }
        }
    }
}
