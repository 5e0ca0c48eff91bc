//! A network printer on 127.0.0.1 that answers `DLE EOT` like a real one (ready, paper
//! out, cover open, paper low, switched off) and keeps every job, and the printed lines
//! read back from a job's bytes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::is_status_poll;

/// How long the fake waits for a job, or to close.
const WAIT: Duration = Duration::from_secs(10);

/// Replies to `DLE EOT 1`, `2` and `4`.
pub type Replies = [u8; 3];
pub const READY: Replies = [0x12, 0x12, 0x12];
pub const PAPER_OUT: Replies = [0x1A, 0x32, 0x7E];
pub const COVER_OPEN: Replies = [0x1A, 0x16, 0x12];
pub const PAPER_LOW: Replies = [0x12, 0x12, 0x1E];

/// A network printer on 127.0.0.1: answers each `DLE EOT n` with the current replies,
/// keeps every connection that carried more than status queries as a job.
pub struct FakePrinter {
    pub addr: SocketAddr,
    replies: Arc<Mutex<Replies>>,
    jobs: Receiver<Vec<u8>>,
    stop: Arc<AtomicBool>,
}

impl FakePrinter {
    pub fn start(replies: Replies) -> FakePrinter {
        FakePrinter::start_at("127.0.0.1:0".parse().expect("an address"), replies)
    }

    pub fn start_at(addr: SocketAddr, replies: Replies) -> FakePrinter {
        let listener = TcpListener::bind(addr).expect("bind the fake printer");
        let addr = listener.local_addr().expect("local address");
        let replies = Arc::new(Mutex::new(replies));
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, jobs) = channel();
        let (r, s) = (replies.clone(), stop.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    return; // drops the listener: connections are refused from now on
                }
                let Ok(stream) = stream else { return };
                let (r, tx) = (r.clone(), tx.clone());
                std::thread::spawn(move || serve(stream, &r, &tx));
            }
        });
        FakePrinter {
            addr,
            replies,
            jobs,
            stop,
        }
    }

    pub fn uri(&self) -> String {
        format!("tcp://{}", self.addr)
    }

    pub fn answer(&self, replies: Replies) {
        *self.replies.lock().expect("replies") = replies;
    }

    /// Stops listening: the port refuses connections, like a printer switched off.
    pub fn close(&self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag and drops the listener.
        let _ = TcpStream::connect(self.addr);
        // The port refuses once the loop has dropped the listener.
        let deadline = Instant::now() + WAIT;
        while TcpStream::connect(self.addr).is_ok() {
            assert!(Instant::now() < deadline, "the fake printer did not close");
            std::thread::yield_now();
        }
    }

    pub fn next_job(&self) -> Vec<u8> {
        self.jobs.recv_timeout(WAIT).expect("a job within 10 s")
    }
}

fn serve(mut stream: TcpStream, replies: &Mutex<Replies>, jobs: &Sender<Vec<u8>>) {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        all.extend_from_slice(&buf[..n]);
        // Real-time queries come three bytes at a time, one after each reply.
        if let [.., 0x10, 0x04, q] = all.as_slice() {
            let r = *replies.lock().expect("replies");
            let answer = match q {
                1 => r[0],
                2 => r[1],
                _ => r[2],
            };
            if stream.write_all(&[answer]).is_err() {
                break;
            }
        }
    }
    if !all.is_empty() && !is_status_poll(&all) {
        let _ = jobs.send(all);
    }
}

/// The printed lines: ESC/POS commands dropped, GB18030 decoded, one per line feed.
pub fn printed_lines(bytes: &[u8]) -> Vec<String> {
    let mut text = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let skip = match &bytes[i..] {
            [0x1B, b'@', ..] | [0x1C, b'&' | b'.', ..] => 2,
            [0x1B, b'E' | b'a' | b'd', ..] | [0x1D, b'!', ..] => 3,
            [0x1B, b'p', ..] => 5,
            [0x1D, b'V', b'A', ..] => 4,
            _ => 0,
        };
        if skip == 0 {
            text.push(bytes[i]);
            i += 1;
        } else {
            i += skip;
        }
    }
    let (decoded, _, had_errors) = encoding_rs::GB18030.decode(&text);
    assert!(!had_errors, "the report decodes as GB18030");
    decoded.lines().map(str::to_string).collect()
}
