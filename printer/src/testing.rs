//! Fake printers on real sockets and real pseudo-terminals (feature `testing`), for the
//! tests of this crate and of the programs that print (`pos-devices`).
//!
//! A fake printer passes on every byte it receives and answers each `DLE EOT n` status
//! query with the byte its [`Replies`] name, or stays silent.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread;
use std::time::{Duration, Instant};

use nix::pty::openpty;
use nix::sys::termios::{SetArg, cfmakeraw, tcgetattr, tcsetattr};

/// How long a test waits for bytes that should come at once.
pub const WAIT: Duration = Duration::from_secs(10);

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
