//! The reader thread through real pseudo-terminals: codes become events, a hang-up is
//! one `Disconnected` followed by bounded retries (no spin), a replug is `Reconnected`,
//! and stopping is prompt even in the middle of a long backoff.

use crate::common::pty::FakeScanner;
use scanner::{ReaderOptions, ScannerEvent, SerialConfig, Suffix, spawn_reader};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const EVENT_TIMEOUT: Duration = Duration::from_secs(5);

fn options(initial_ms: u64, max_ms: u64) -> ReaderOptions {
    ReaderOptions {
        reconnect_initial_ms: initial_ms,
        reconnect_max_ms: max_ms,
        poll_ms: 20,
        thread_name: "scanner-test".into(),
        ..ReaderOptions::default()
    }
}

fn config(fake: &FakeScanner) -> SerialConfig {
    SerialConfig {
        aim_ids: true,
        ..SerialConfig::new(fake.port())
    }
}

fn next_event(rx: &Receiver<ScannerEvent>) -> ScannerEvent {
    rx.recv_timeout(EVENT_TIMEOUT)
        .expect("an event within the timeout")
}

fn next_raw(rx: &Receiver<ScannerEvent>) -> String {
    match next_event(rx) {
        ScannerEvent::Scan(read) => read.raw,
        other => panic!("expected a scan, got {other:?}"),
    }
}

#[test]
fn codes_arrive_as_events_on_a_named_thread() {
    let mut fake = FakeScanner::plugged_in();
    let opts = ReaderOptions {
        thread_name: "scanner-named".into(),
        ..options(50, 200)
    };
    let (handle, rx) = spawn_reader(config(&fake), opts).unwrap();
    fake.send(b"]E06901234567892\r]C1010084458800328817141120107654321D\r6901234567893\r");
    let ScannerEvent::Scan(read) = next_event(&rx) else {
        panic!("expected a scan")
    };
    assert_eq!(read.raw, "]E06901234567892");
    assert_eq!(read.result.unwrap().gtin.as_deref(), Some("6901234567892"));
    // The thread has run (it sent the event), so its name is set.
    let thread_names: Vec<String> = std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_string())
        .collect();
    assert!(
        thread_names.iter().any(|n| n == "scanner-named"),
        "{thread_names:?}"
    );
    let ScannerEvent::Scan(read) = next_event(&rx) else {
        panic!("expected a scan")
    };
    assert_eq!(read.result.unwrap().lot.as_deref(), Some("7654321D"));
    // A code that does not parse still arrives, with its text and the reason.
    let ScannerEvent::Scan(read) = next_event(&rx) else {
        panic!("expected a scan")
    };
    assert_eq!(read.raw, "6901234567893");
    assert!(read.result.is_err());
    assert_eq!(handle.open_attempts(), 1);
    assert!(!handle.is_finished());
    handle.stop();
}

#[test]
fn hang_up_is_one_disconnected_event_then_bounded_retries() {
    let mut fake = FakeScanner::plugged_in();
    let (handle, rx) = spawn_reader(config(&fake), options(50, 200)).unwrap();
    fake.send(b"96385074\r");
    assert_eq!(next_raw(&rx), "96385074");
    fake.hang_up();
    match next_event(&rx) {
        ScannerEvent::Disconnected(reason) => {
            assert!(reason.contains(&fake.port()), "{reason}");
        }
        other => panic!("expected Disconnected, got {other:?}"),
    }
    // While the port stays away: no more events, and reopen attempts follow the
    // backoff (50, 100, 200, 200 ... ms), not a busy loop.
    let watched = Instant::now();
    assert_eq!(
        rx.recv_timeout(Duration::from_millis(700)),
        Err(RecvTimeoutError::Timeout)
    );
    let elapsed_ms = u64::try_from(watched.elapsed().as_millis()).unwrap();
    let attempts = handle.open_attempts();
    assert!(attempts >= 2, "it must keep trying: {attempts} attempts");
    assert!(
        attempts <= 2 + elapsed_ms / 50,
        "{attempts} open attempts in {elapsed_ms} ms is a spin"
    );
    let stopping = Instant::now();
    handle.stop();
    assert!(stopping.elapsed() < Duration::from_secs(2));
}

#[test]
fn replug_is_reconnected_and_reading_goes_on() {
    let mut fake = FakeScanner::plugged_in();
    let (handle, rx) = spawn_reader(config(&fake), options(20, 100)).unwrap();
    fake.send(b"96385074\r");
    assert_eq!(next_raw(&rx), "96385074");
    fake.hang_up();
    assert!(matches!(next_event(&rx), ScannerEvent::Disconnected(_)));
    fake.plug_in();
    assert_eq!(next_event(&rx), ScannerEvent::Reconnected);
    fake.send(b"]E06901234567892\r");
    assert_eq!(next_raw(&rx), "]E06901234567892");
    // A second outage is reported again.
    fake.hang_up();
    assert!(matches!(next_event(&rx), ScannerEvent::Disconnected(_)));
    fake.plug_in();
    assert_eq!(next_event(&rx), ScannerEvent::Reconnected);
    handle.stop();
}

#[test]
fn scanner_plugged_in_after_start() {
    let mut fake = FakeScanner::unplugged();
    let (handle, rx) = spawn_reader(config(&fake), options(20, 100)).unwrap();
    match next_event(&rx) {
        ScannerEvent::Disconnected(reason) => {
            assert!(reason.starts_with("cannot open scanner port"), "{reason}");
        }
        other => panic!("expected Disconnected, got {other:?}"),
    }
    fake.plug_in();
    assert_eq!(next_event(&rx), ScannerEvent::Reconnected);
    fake.send(b"73513537\r");
    assert_eq!(next_raw(&rx), "73513537");
    handle.stop();
}

#[test]
fn stop_is_prompt_during_a_long_backoff() {
    let fake = FakeScanner::unplugged();
    let (handle, rx) = spawn_reader(config(&fake), options(60_000, 60_000)).unwrap();
    assert!(matches!(next_event(&rx), ScannerEvent::Disconnected(_)));
    let stopping = Instant::now();
    handle.stop();
    assert!(
        stopping.elapsed() < Duration::from_secs(2),
        "{:?}",
        stopping.elapsed()
    );
    // The thread is gone, so the channel closes.
    assert_eq!(
        rx.recv_timeout(EVENT_TIMEOUT),
        Err(RecvTimeoutError::Disconnected)
    );
}

#[test]
fn dropping_the_handle_stops_the_reader() {
    let mut fake = FakeScanner::plugged_in();
    let (handle, rx) = spawn_reader(config(&fake), options(50, 200)).unwrap();
    fake.send(b"96385074\r");
    assert_eq!(next_raw(&rx), "96385074");
    drop(handle);
    assert_eq!(
        rx.recv_timeout(EVENT_TIMEOUT),
        Err(RecvTimeoutError::Disconnected)
    );
}

#[test]
fn a_full_queue_holds_codes_until_the_receiver_reads() {
    let mut fake = FakeScanner::plugged_in();
    let opts = ReaderOptions {
        queue_max: 2,
        ..options(50, 200)
    };
    let (handle, rx) = spawn_reader(
        SerialConfig {
            suffix: Suffix::Lf,
            ..config(&fake)
        },
        opts,
    )
    .unwrap();
    let codes: Vec<String> = (0..20).map(|i| format!("CODE-{i:02}")).collect();
    fake.send(
        codes
            .iter()
            .map(|c| format!("{c}\n"))
            .collect::<String>()
            .as_bytes(),
    );
    let got: Vec<String> = (0..codes.len()).map(|_| next_raw(&rx)).collect();
    assert_eq!(got, codes);
    handle.stop();
}

#[test]
fn invalid_settings_are_refused_before_a_thread_starts() {
    let cfg = SerialConfig {
        data_bits: 4,
        ..SerialConfig::new("/dev/ttyUSB0")
    };
    let err = spawn_reader(cfg, ReaderOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid scanner setting: data bits must be 5 to 8, not 4"
    );
}
