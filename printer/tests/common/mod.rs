//! Fake printers on real sockets and real pseudo-terminals, and golden files.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use nix::pty::openpty;
use nix::sys::termios::{SetArg, cfmakeraw, tcgetattr, tcsetattr};

/// How long a test waits for bytes that should come at once.
pub const WAIT: Duration = Duration::from_secs(10);

/// The time printed on the golden receipts.
pub fn fixed_time() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, 5, 17)
        .and_then(|d| d.and_hms_opt(14, 30, 5))
        .expect("a valid date")
}

/// Status bytes a fake printer answers to DLE EOT 1, 2 and 4.
#[derive(Debug, Clone, Copy)]
pub struct Replies {
    pub printer: u8,
    pub offline_cause: u8,
    pub paper_sensor: u8,
}

pub const READY: Replies = Replies {
    printer: 0x12,
    offline_cause: 0x12,
    paper_sensor: 0x12,
};
/// Paper roll empty: offline, "stopped by paper end", both paper sensors set.
pub const PAPER_OUT: Replies = Replies {
    printer: 0x1A,
    offline_cause: 0x32,
    paper_sensor: 0x7E,
};
/// Cover open: offline, cover bit set.
pub const COVER_OPEN: Replies = Replies {
    printer: 0x1A,
    offline_cause: 0x16,
    paper_sensor: 0x12,
};

/// Reads everything the till sends, passing it on in chunks, and answers each
/// `DLE EOT n` with the configured byte (or stays silent with `None`).
fn serve(
    mut reader: impl Read,
    mut writer: impl Write,
    replies: Option<Replies>,
    tx: Sender<Vec<u8>>,
) {
    let mut buf = [0u8; 1024];
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let chunk = buf[..n].to_vec();
        for &byte in &chunk {
            tail.push(byte);
            if tail.len() > 3 {
                tail.remove(0);
            }
            if let (Some(r), [0x10, 0x04, n]) = (replies, tail.as_slice()) {
                let answer = match n {
                    1 => r.printer,
                    2 => r.offline_cause,
                    _ => r.paper_sensor,
                };
                if writer.write_all(&[answer]).is_err() {
                    return;
                }
                tail.clear();
            }
        }
        if tx.send(chunk).is_err() {
            return;
        }
    }
}

/// A fake network printer on 127.0.0.1 that serves one connection.
pub fn tcp_printer(replies: Option<Replies>) -> (SocketAddr, Receiver<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local address");
    let (tx, rx) = channel();
    thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            let writer = stream.try_clone().expect("clone the accepted socket");
            serve(stream, writer, replies, tx);
        }
    });
    (addr, rx)
}

/// A fake serial printer on the master side of a pseudo-terminal.
pub struct PtyPrinter {
    /// The slave device the till opens, e.g. /dev/pts/7.
    pub path: PathBuf,
    /// Held so the pty stays up until the test ends.
    _slave: OwnedFd,
    pub received: Receiver<Vec<u8>>,
}

/// A pseudo-terminal in raw mode, so the line discipline passes bytes unchanged
/// (no LF -> CRLF, no CR -> LF).
pub struct RawPty {
    pub master: File,
    pub slave: OwnedFd,
    /// The slave device a program opens, e.g. /dev/pts/7.
    pub path: PathBuf,
}

pub fn raw_pty() -> RawPty {
    let pty = openpty(None, None).expect("openpty");
    let mut termios = tcgetattr(&pty.slave).expect("tcgetattr");
    cfmakeraw(&mut termios);
    tcsetattr(&pty.slave, SetArg::TCSANOW, &termios).expect("tcsetattr");
    let path = nix::unistd::ttyname(&pty.slave).expect("ttyname of the pty slave");
    RawPty {
        master: File::from(pty.master),
        slave: pty.slave,
        path,
    }
}

pub fn pty_printer(replies: Option<Replies>) -> PtyPrinter {
    let pty = raw_pty();
    let writer = pty.master.try_clone().expect("clone the pty master");
    let (tx, rx) = channel();
    let master = pty.master;
    thread::spawn(move || serve(master, writer, replies, tx));
    PtyPrinter {
        path: pty.path,
        _slave: pty.slave,
        received: rx,
    }
}

/// Runs the built `pos-devices` with `args`, killing it if it runs past `WAIT`.
pub fn pos_devices(args: &[&str]) -> std::process::Output {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_pos-devices"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start pos-devices");
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("pid fits i32"));
    let (tx, rx) = channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(WAIT) {
        Ok(output) => output.expect("pos-devices output"),
        Err(_) => {
            // Our own child, by its id: it overran the bound.
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            panic!("pos-devices {args:?} did not finish within {WAIT:?}");
        }
    }
}

/// Collects chunks until `len` bytes arrived or the sender hung up, at most `WAIT`.
pub fn collect(rx: &Receiver<Vec<u8>>, len: usize) -> Vec<u8> {
    let deadline = Instant::now() + WAIT;
    let mut bytes = Vec::new();
    while bytes.len() < len {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(chunk) => bytes.extend(chunk),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    bytes
}

/// Collects everything until the sender hangs up, at most `WAIT`.
pub fn collect_all(rx: &Receiver<Vec<u8>>) -> Vec<u8> {
    collect(rx, usize::MAX)
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Position of `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Bytes as 16 hex pairs a line with the offset in front, for golden files.
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let pairs: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        out.push_str(&format!("{:06x}: {}\n", i * 16, pairs.join(" ")));
    }
    out
}

fn golden_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares `actual` with the checked-in golden file; `UPDATE_GOLDEN=1` rewrites it.
pub fn assert_golden(name: &str, actual: &str) {
    let path = golden_path(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("write the golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b);
        panic!(
            "{} differs (first differing line {:?}); review and rerun with UPDATE_GOLDEN=1\n--- actual ---\n{actual}",
            path.display(),
            line.map(|l| l + 1)
        );
    }
}
