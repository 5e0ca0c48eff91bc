//! Connections over real TCP on 127.0.0.1: a client that never finishes its headers, or
//! its TLS handshake, is closed after the header read timeout; an idle keep-alive
//! connection after the idle timeout; connections past the cap wait until one closes;
//! and shutdown finishes within the grace period whatever the clients do.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::common::{STORE, TERMINAL};
use head_office::body::BodyLimits;
use head_office::server::{self, AppState, ConnectionLimits};
use head_office::testing::PgCluster;
use head_office::{auth, db};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// Bound on anything the server must do; far above every limit set here.
const BOUND: Duration = Duration::from_secs(5);
/// How long "nothing happened" is watched for.
const QUIET: Duration = Duration::from_millis(700);

fn limits(header_read_ms: u64, idle_ms: u64) -> ConnectionLimits {
    ConnectionLimits {
        header_read_timeout: Duration::from_millis(header_read_ms),
        idle_timeout: Duration::from_millis(idle_ms),
        ..ConnectionLimits::default()
    }
}

struct Served {
    addr: SocketAddr,
    token: String,
    stop: Option<oneshot::Sender<()>>,
    server: JoinHandle<std::io::Result<()>>,
}

impl Served {
    async fn start(limits: ConnectionLimits, body_limits: BodyLimits) -> Served {
        Served::launch(limits, body_limits, None).await
    }

    async fn launch(
        limits: ConnectionLimits,
        body_limits: BodyLimits,
        tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
    ) -> Served {
        let url = PgCluster::shared().create_database().await.unwrap();
        let pool = db::pool(&url, 4, Some(db::REQUEST_STATEMENT_TIMEOUT)).unwrap();
        db::migrate(&mut pool.get().await.unwrap()).await.unwrap();
        let token = auth::enroll(&pool.get().await.unwrap(), STORE, TERMINAL)
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let state = AppState {
            body_limits,
            ..AppState::new(pool)
        };
        let shutdown = async {
            let _ = stopped.await;
        };
        let server = match tls {
            None => tokio::spawn(server::run_with_limits(listener, state, limits, shutdown)),
            Some(tls) => tokio::spawn(server::run_tls_with_limits(
                listener, state, tls, limits, shutdown,
            )),
        };
        Served {
            addr,
            token,
            stop: Some(stop),
            server,
        }
    }

    async fn connect(&self) -> TcpStream {
        TcpStream::connect(self.addr).await.unwrap()
    }

    /// Resolves `shutdown` and returns how long `run` then took to finish.
    async fn shut_down_within(mut self, bound: Duration) -> Duration {
        let started = Instant::now();
        self.stop.take().unwrap().send(()).unwrap();
        tokio::time::timeout(bound, self.server)
            .await
            .expect("run finishes within the bound after shutdown")
            .unwrap()
            .unwrap();
        started.elapsed()
    }
}

/// Sends a GET on `stream` and reads its whole answer; returns the status.
async fn get(stream: &mut TcpStream, path: &str) -> u16 {
    let request = format!("GET {path} HTTP/1.1\r\nHost: head-office\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    read_answer(stream).await
}

/// Reads one whole answer (headers and a Content-Length body); returns the status.
async fn read_answer(stream: &mut TcpStream) -> u16 {
    let mut answer = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            let n = stream.read(&mut buf).await.expect("read the answer");
            assert!(n > 0, "closed before a whole answer: {answer:?}");
            answer.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&answer);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .expect("a Content-Length");
                if body.len() >= length {
                    return head.split_whitespace().nth(1).unwrap().parse().unwrap();
                }
            }
        }
    };
    tokio::time::timeout(BOUND, read)
        .await
        .expect("an answer within the bound")
}

/// Sends the head of a batch whose body never comes (one byte of 100), and returns once
/// its handler is reading the body: hyper says `100 Continue` when the body is first read.
async fn post_in_flight(stream: &mut TcpStream, token: &str) {
    let head = format!(
        "POST /v1/batches HTTP/1.1\r\nHost: head-office\r\nAuthorization: Bearer {token}\r\n\
         Expect: 100-continue\r\nContent-Length: 100\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut interim = Vec::new();
    let read = async {
        let mut byte = [0u8; 1];
        while !interim.ends_with(b"\r\n\r\n") {
            assert_eq!(stream.read(&mut byte).await.unwrap(), 1, "closed early");
            interim.push(byte[0]);
        }
    };
    tokio::time::timeout(BOUND, read)
        .await
        .expect("100 Continue");
    assert!(interim.starts_with(b"HTTP/1.1 100"), "{interim:?}");
    stream.write_all(b"{").await.unwrap();
}

/// Waits for the server to close `stream` (end of stream or reset, with no answer)
/// and returns how long that took from `since`.
async fn closed(stream: &mut TcpStream, since: Instant) -> Duration {
    let mut buf = [0u8; 1024];
    let mut received = Vec::new();
    let closing = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(BOUND, closing)
        .await
        .expect("the server closes the connection within the bound");
    assert!(received.is_empty(), "unexpected answer: {received:?}");
    since.elapsed()
}

/// True when nothing arrives on `stream` (and it stays open) for [`QUIET`].
async fn stays_quiet(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1];
    tokio::time::timeout(QUIET, stream.read(&mut buf))
        .await
        .is_err()
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_closed_after_the_header_read_timeout() {
    let header_read = Duration::from_millis(500);
    let served = Served::start(limits(500, 30_000), BodyLimits::default()).await;
    let started = Instant::now();
    let mut silent = served.connect().await;
    let mut half_line = served.connect().await;
    half_line.write_all(b"GET /v1/hea").await.unwrap();
    let mut half_headers = served.connect().await;
    half_headers
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: head-office\r\nX-Slow: ")
        .await
        .unwrap();
    // A byte every 100 ms keeps the connection busy but never ends the headers: the
    // timeout runs from the head's first byte, not from the last one.
    let mut dribbling = served.connect().await;
    dribbling
        .write_all(b"GET /v1/health HTTP/1.1\r\n")
        .await
        .unwrap();
    let (mut dribble_read, mut dribble_write) = dribbling.split();
    let dribble = async {
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        loop {
            tick.tick().await;
            if dribble_write.write_all(b"X").await.is_err() {
                return;
            }
        }
    };
    let dribbled = async {
        let read_end = async {
            let mut buf = [0u8; 64];
            let n = dribble_read.read(&mut buf).await.unwrap_or(0);
            assert_eq!(n, 0, "an answer to unfinished headers");
        };
        // Whichever end notices first: the read sees the end, or the write fails.
        let noticed = async {
            tokio::select! {
                () = dribble => {}
                () = read_end => {}
            }
        };
        tokio::time::timeout(BOUND, noticed)
            .await
            .expect("the dribbling client is closed within the bound");
        started.elapsed()
    };
    let (silent, half_line, half_headers, dribbled) = tokio::join!(
        closed(&mut silent, started),
        closed(&mut half_line, started),
        closed(&mut half_headers, started),
        dribbled,
    );
    for (name, took) in [
        ("silent", silent),
        ("half request line", half_line),
        ("half headers", half_headers),
        ("dribbling", dribbled),
    ] {
        assert!(
            took >= header_read - Duration::from_millis(50),
            "{name} closed after {took:?}"
        );
    }
    // A whole request in time is still served.
    let mut whole = served.connect().await;
    assert_eq!(get(&mut whole, "/v1/health").await, 200);
    served.shut_down_within(BOUND).await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout_not_before() {
    let idle = Duration::from_millis(2_000);
    let served = Served::start(limits(300, 2_000), BodyLimits::default()).await;
    let mut client = served.connect().await;
    assert_eq!(get(&mut client, "/v1/health").await, 200);
    // Past the header read timeout, an idle connection is still open and serves the
    // next request: the two limits are apart.
    assert!(
        stays_quiet(&mut client).await,
        "closed before the idle timeout"
    );
    assert_eq!(get(&mut client, "/v1/health").await, 200);
    let answered = Instant::now();
    let took = closed(&mut client, answered).await;
    assert!(
        took >= idle - Duration::from_millis(100),
        "closed after {took:?}"
    );
    served.shut_down_within(BOUND).await;
}

#[tokio::test]
async fn a_request_in_flight_is_not_cut_by_the_connection_timeouts() {
    // The handler waits up to 2 s for a stalled body, far past both connection limits,
    // and still answers it.
    let body_limits = BodyLimits {
        read_timeout: Duration::from_millis(2_000),
        ..BodyLimits::default()
    };
    let served = Served::start(limits(500, 500), body_limits).await;
    let mut client = served.connect().await;
    post_in_flight(&mut client, &served.token).await;
    assert_eq!(read_answer(&mut client).await, 408);
    served.shut_down_within(BOUND).await;
}

#[tokio::test]
async fn connections_past_the_cap_wait_in_the_backlog_until_one_closes() {
    let capped = ConnectionLimits {
        connections_max: 2,
        ..limits(30_000, 30_000)
    };
    let served = Served::start(capped, BodyLimits::default()).await;
    // Two connections served, and held open.
    let mut first = served.connect().await;
    assert_eq!(get(&mut first, "/v1/health").await, 200);
    let mut second = served.connect().await;
    assert_eq!(get(&mut second, "/v1/health").await, 200);
    // The third is let in by the kernel, but not served while both are open.
    let mut third = served.connect().await;
    third
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: head-office\r\n\r\n")
        .await
        .unwrap();
    assert!(stays_quiet(&mut third).await, "served past the cap");
    drop(first);
    assert_eq!(read_answer(&mut third).await, 200);
    served.shut_down_within(BOUND).await;
}

#[tokio::test]
async fn shutdown_closes_idle_and_half_sent_connections_and_ends_after_the_grace_period() {
    let grace = Duration::from_millis(800);
    let patient = ConnectionLimits {
        shutdown_grace: grace,
        ..limits(60_000, 60_000)
    };
    let body_limits = BodyLimits {
        read_timeout: Duration::from_secs(60),
        ..BodyLimits::default()
    };
    let served = Served::start(patient, body_limits).await;
    let mut half_sent = served.connect().await;
    half_sent
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: head")
        .await
        .unwrap();
    let mut idle = served.connect().await;
    assert_eq!(get(&mut idle, "/v1/health").await, 200);
    // A request whose body never comes: in flight until the grace period ends.
    let mut hanging = served.connect().await;
    post_in_flight(&mut hanging, &served.token).await;
    let addr = served.addr;
    let stopping = Instant::now();
    let (took, half_sent_closed, idle_closed, hanging_closed) = tokio::join!(
        served.shut_down_within(grace + BOUND),
        closed(&mut half_sent, stopping),
        closed(&mut idle, stopping),
        closed(&mut hanging, stopping),
    );
    assert!(
        took >= grace - Duration::from_millis(50),
        "stopped after {took:?}"
    );
    assert!(half_sent_closed < grace, "{half_sent_closed:?}");
    assert!(idle_closed < grace, "{idle_closed:?}");
    assert!(
        hanging_closed >= grace - Duration::from_millis(50),
        "{hanging_closed:?}"
    );
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "nothing listens after shutdown"
    );
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish_and_does_not_wait_for_the_grace_period() {
    let body_limits = BodyLimits {
        read_timeout: Duration::from_millis(700),
        ..BodyLimits::default()
    };
    let served = Served::start(ConnectionLimits::default(), body_limits).await;
    let mut in_flight = served.connect().await;
    post_in_flight(&mut in_flight, &served.token).await;
    let mut idle = served.connect().await;
    assert_eq!(get(&mut idle, "/v1/health").await, 200);
    let stopping = Instant::now();
    let (took, status, idle_closed) = tokio::join!(
        served.shut_down_within(BOUND),
        read_answer(&mut in_flight),
        closed(&mut idle, stopping),
    );
    assert_eq!(status, 408, "the request in flight is answered");
    assert!(
        took < ConnectionLimits::default().shutdown_grace,
        "{took:?}"
    );
    // The idle connection did not wait for the request in flight.
    assert!(idle_closed < Duration::from_millis(500), "{idle_closed:?}");
}

#[tokio::test]
async fn a_tls_handshake_that_never_finishes_is_closed_after_the_header_read_timeout() {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, certified.cert.pem()).unwrap();
    std::fs::write(&key_path, certified.signing_key.serialize_pem()).unwrap();
    let config = head_office::tls::server_config(&cert_path, &key_path).unwrap();
    // Room for a real handshake and request on a busy machine.
    let header_read = Duration::from_millis(1_000);
    let served = Served::launch(limits(1_000, 30_000), BodyLimits::default(), Some(config)).await;
    let started = Instant::now();
    let mut silent = served.connect().await;
    // The first bytes of a TLS record header, then nothing.
    let mut half_hello = served.connect().await;
    half_hello.write_all(&[0x16, 0x03, 0x01]).await.unwrap();
    for stream in [&mut silent, &mut half_hello] {
        let took = closed(stream, started).await;
        assert!(
            took >= header_read - Duration::from_millis(50),
            "closed after {took:?}"
        );
    }
    // A real HTTPS client is served.
    let trusting = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(certified.cert.pem().as_bytes()).unwrap(),
        )
        .resolve("localhost", served.addr)
        .build()
        .unwrap();
    let response = trusting
        .get(format!(
            "https://localhost:{}/v1/health",
            served.addr.port()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    served.shut_down_within(BOUND).await;
}
