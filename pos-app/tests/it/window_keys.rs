//! The real `pos` window under Xvfb, keyed by xdotool as a counter works: a wedge
//! scanner types three codes at 1 ms a key, each followed by Enter; then F12, F1, the
//! cash amount at once, Enter; the next customer's first scan at once. Every sale, line
//! and digit of the amount must reach the till's file.
//!
//! A second run sells with a network printer configured: every printed receipt must
//! leave the till file's print queue, which only the printer's outcomes, arriving as
//! the window's subscription, make happen.
//!
//! Xvfb and xdotool come from `scripts/setup.sh`. The test waits on the till's file (each
//! wait bounded) and takes its X server and window down with it.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::ui_support::basket::{BASKET, TENDERED, assert_complete, documents, sales};
use crate::ui_support::fake_printer::{FakePrinter, READY};
use crate::ui_support::{CASHIER_PIN, demo_data_dir};
use pos_core::data_dir::DataDir;
use pos_core::store::Store;

const SALES: usize = 300;
/// Bound on starting the X server and the window, and on logging in.
pub(crate) const START_MAX: Duration = Duration::from_secs(30);
/// Bound on keying the sales (about 30 s on a quiet machine).
const KEYING_MAX: Duration = Duration::from_secs(90);
/// Bound on the till catching up with the keys once they are all sent.
pub(crate) const CATCH_UP_MAX: Duration = Duration::from_secs(20);
/// The till is taken to have handled every key once its file has not changed for this
/// long after the last key (it handles a sale in milliseconds).
const QUIET: Duration = Duration::from_secs(5);

/// A child process killed and reaped when the test ends, however it ends.
pub(crate) struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An X server on a display nobody else uses: Xvfb picks a free one and says which.
pub(crate) fn start_xvfb() -> (Reaped, String) {
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1366x768x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb runs (installed by scripts/setup.sh)");
    let stdout = child.stdout.take().expect("Xvfb's stdout");
    let xvfb = Reaped(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let number = rx
        .recv_timeout(START_MAX)
        .expect("Xvfb names its display in time");
    let number = number.trim();
    assert!(!number.is_empty(), "Xvfb did not start");
    (xvfb, format!(":{number}"))
}

/// Runs xdotool on `display`, bounded by `max`; its output.
fn xdotool(display: &str, args: &[&str], max: Duration) -> String {
    let out = Command::new("timeout")
        .arg(format!("{}", max.as_secs().max(1)))
        .arg("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .output()
        .expect("xdotool runs (installed by scripts/setup.sh)");
    assert!(
        out.status.success(),
        "xdotool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Starts `pos` on the till and waits for its window to be on screen.
pub(crate) fn start_window(display: &str, data: &DataDir, log: &Path) -> Reaped {
    let log = std::fs::File::create(log).expect("a log file");
    let child = Command::new(env!("CARGO_BIN_EXE_pos"))
        .arg("--data-dir")
        .arg(data.path())
        .env("DISPLAY", display)
        .stdout(log.try_clone().expect("the log again"))
        .stderr(log)
        .spawn()
        .expect("pos starts");
    let pid = child.id().to_string();
    let app = Reaped(child);
    let window = xdotool(
        display,
        &["search", "--sync", "--onlyvisible", "--pid", &pid],
        START_MAX,
    );
    let window = window.lines().next().expect("the window's id").to_string();
    // No window manager: keys go to the window under the pointer.
    xdotool(display, &["mousemove", "683", "60"], START_MAX);
    xdotool(display, &["windowfocus", &window], START_MAX);
    app
}

/// Waits until `done` holds for the till's file, at most `max`; whether it did.
pub(crate) fn wait_for(max: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + max;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    done()
}

/// The xdotool script of `sales` customers, each keyed as the module docs say.
fn sales_script(sales: usize) -> String {
    let mut script = String::new();
    for _ in 0..sales {
        for (code, _) in BASKET {
            script.push_str(&format!("type --delay 1 {code}\nkey --delay 1 Return\n"));
        }
        script.push_str(&format!(
            "key --delay 1 F12 F1\ntype --delay 1 {TENDERED}\nkey --delay 1 Return\n"
        ));
    }
    script
}

#[test]
fn three_hundred_sales_keyed_into_the_real_window_all_reach_the_till_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = demo_data_dir(&dir.path().join("till"), None);
    let (_xvfb, display) = start_xvfb();
    let log = dir.path().join("pos.log");
    let app = start_window(&display, &data, &log);

    // Log in and open the shift with five 100-yuan notes, at a person's pace (a PIN typed
    // at a scanner's is taken for a scan), then wait for the shift.
    let login = format!(
        "type --delay 300 {CASHIER_PIN}\nkey --delay 300 Return\ntype --delay 300 5\nkey --delay 300 Return\n"
    );
    run_script(&display, &dir.path().join("login.xdo"), &login);
    assert!(
        wait_for(START_MAX, || !documents(&data, "shift_open").is_empty()),
        "the shift did not open; pos said: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );

    let started = Instant::now();
    run_script(
        &display,
        &dir.path().join("sales.xdo"),
        &sales_script(SALES),
    );
    let keyed = started.elapsed();
    // The till may still be working through keys: wait for every sale, or for the file
    // to stop changing (then some were lost).
    let mut last = (0, Instant::now());
    let all_in = wait_for(CATCH_UP_MAX, || {
        let count = sales(&data).len();
        if count != last.0 {
            last = (count, Instant::now());
        }
        count >= SALES || last.1.elapsed() > QUIET
    });
    let on_disk = sales(&data);
    eprintln!(
        "window_keys: {} of {SALES} sales on disk; keyed in {keyed:?}, all in after {:?}",
        on_disk.len(),
        started.elapsed()
    );
    assert!(all_in, "the till kept changing past the bound");
    drop(app);
    assert_complete(&on_disk, SALES);
}

/// Receipts printed in the running window leave the till file's print queue: the
/// printer thread's outcomes reach the app through its subscription, with no timer
/// polling for them.
#[test]
fn in_the_real_window_printed_receipts_leave_the_print_queue() {
    const PRINTED: usize = 3;
    let printer = FakePrinter::start(READY);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = demo_data_dir(&dir.path().join("till"), Some(printer.uri()));
    let (_xvfb, display) = start_xvfb();
    let log = dir.path().join("pos.log");
    let app = start_window(&display, &data, &log);
    let login = format!(
        "type --delay 300 {CASHIER_PIN}\nkey --delay 300 Return\ntype --delay 300 5\nkey --delay 300 Return\n"
    );
    run_script(&display, &dir.path().join("login.xdo"), &login);
    assert!(
        wait_for(START_MAX, || !documents(&data, "shift_open").is_empty()),
        "the shift did not open; pos said: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );

    run_script(
        &display,
        &dir.path().join("sales.xdo"),
        &sales_script(PRINTED),
    );
    assert!(
        wait_for(CATCH_UP_MAX, || sales(&data).len() >= PRINTED),
        "the sales did not reach the file"
    );
    for _ in 0..PRINTED {
        let job = printer.next_job();
        assert!(!job.is_empty(), "a receipt");
    }
    let waiting = || {
        Store::open_existing(&data.till_path())
            .and_then(|store| store.unprinted_receipts())
            .map(|waiting| waiting.len())
    };
    assert!(
        wait_for(CATCH_UP_MAX, || waiting().is_ok_and(|n| n == 0)),
        "{:?} receipts still wait in the print queue; pos said: {}",
        waiting(),
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    drop(app);
}

/// Runs an xdotool script (one command a line), bounded by [`KEYING_MAX`].
pub(crate) fn run_script(display: &str, path: &Path, script: &str) {
    let mut file = std::fs::File::create(path).expect("a script file");
    file.write_all(script.as_bytes()).expect("script written");
    drop(file);
    let path = path.to_str().expect("a UTF-8 path");
    xdotool(display, &[path], KEYING_MAX);
}
