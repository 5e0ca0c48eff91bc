//! A fault-injecting TCP proxy between sync agents and head office, on real sockets.
//!
//! It reads each HTTP request whole, asks its plan for a [`Fault`], and acts it out:
//! drops connections before or after head office saw the request, loses or cuts
//! answers, answers 500 or 429 itself, stalls, or sends the request twice. Each
//! request goes to head office over a fresh connection. It counts what it did and
//! how many batches of one till were in flight at once.

mod fault;
pub mod http;

pub use fault::{Fault, Plan, RequestInfo, pass, random, scripted};

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// Longest a stalled request is held when the client never gives up.
const STALL_MAX: Duration = Duration::from_secs(60);
/// Events kept in the log, at most.
const EVENTS_MAX: usize = 100_000;

/// One request the proxy handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: Instant,
    pub client: String,
    pub method: String,
    pub path: String,
    pub fault: Fault,
}

/// What the proxy has done so far.
#[derive(Debug, Clone, Default)]
pub struct ProxyStats {
    pub requests: u64,
    /// Requests per fault name (including "pass").
    pub faults: BTreeMap<&'static str, u64>,
    pub events: Vec<Event>,
    /// Most `POST /v1/batches` of one client in flight at the same time.
    pub max_batches_in_flight: HashMap<String, u32>,
    batches_in_flight: HashMap<String, u32>,
}

struct Shared {
    upstream: SocketAddr,
    plan: Mutex<Plan>,
    stats: Mutex<ProxyStats>,
}

impl Shared {
    fn decide(&self, info: &RequestInfo) -> Fault {
        let fault = (self.plan.lock().expect("plan lock"))(info);
        let mut stats = self.stats.lock().expect("stats lock");
        stats.requests += 1;
        *stats.faults.entry(fault.name()).or_default() += 1;
        if stats.events.len() < EVENTS_MAX {
            let event = Event {
                at: Instant::now(),
                client: info.client.clone(),
                method: info.method.clone(),
                path: info.path.clone(),
                fault,
            };
            stats.events.push(event);
        }
        fault
    }
}

/// Counts a batch in flight until dropped.
struct InFlight {
    shared: Arc<Shared>,
    client: String,
}

impl InFlight {
    fn enter(shared: &Arc<Shared>, info: &RequestInfo) -> Option<InFlight> {
        if info.method != "POST" || info.path != "/v1/batches" {
            return None;
        }
        let mut stats = shared.stats.lock().expect("stats lock");
        let now = {
            let n = stats
                .batches_in_flight
                .entry(info.client.clone())
                .or_default();
            *n += 1;
            *n
        };
        let max = stats
            .max_batches_in_flight
            .entry(info.client.clone())
            .or_default();
        *max = (*max).max(now);
        Some(InFlight {
            shared: shared.clone(),
            client: info.client.clone(),
        })
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut stats = self.shared.stats.lock().expect("stats lock");
        if let Some(n) = stats.batches_in_flight.get_mut(&self.client) {
            *n -= 1;
        }
    }
}

/// A running proxy; stops (with every connection) on drop.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Listens on `127.0.0.1:0` and passes everything to `upstream` until told otherwise.
    pub async fn start(upstream: SocketAddr) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("a local address");
        let shared = Arc::new(Shared {
            upstream,
            plan: Mutex::new(pass()),
            stats: Mutex::new(ProxyStats::default()),
        });
        let accept = tokio::spawn(accept_loop(listener, shared.clone()));
        FaultProxy {
            addr,
            shared,
            accept,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_plan(&self, plan: Plan) {
        *self.shared.plan.lock().expect("plan lock") = plan;
    }

    pub fn stats(&self) -> ProxyStats {
        self.shared.stats.lock().expect("stats lock").clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    // Dropping the set (when this task is aborted) aborts every connection.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                connections.spawn(serve(stream, shared.clone()));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Requests of one client connection, one after the other.
async fn serve(client: TcpStream, shared: Arc<Shared>) {
    let (read, mut write) = client.into_split();
    let mut read = BufReader::new(read);
    while let Ok(Some(request)) = http::read_request(&mut read).await {
        let (method, path) = request.method_and_path();
        let client = request
            .header("authorization")
            .map(|v| v[v.len().saturating_sub(8)..].to_string());
        let info = RequestInfo {
            method: method.into(),
            path: path.into(),
            client: client.unwrap_or_default(),
        };
        let fault = shared.decide(&info);
        let _in_flight = InFlight::enter(&shared, &info);
        let upstream = shared.upstream;
        // A broken connection (either side) ends this client connection.
        let keep_going = act(fault, upstream, &request, &mut read, &mut write)
            .await
            .unwrap_or(false);
        if !keep_going {
            return;
        }
    }
}

/// Acts out `fault`; `Ok(true)` when the client connection stays open for more.
async fn act(
    fault: Fault,
    upstream: SocketAddr,
    request: &http::Message,
    read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    write: &mut tokio::net::tcp::OwnedWriteHalf,
) -> std::io::Result<bool> {
    match fault {
        Fault::Pass => {
            write
                .write_all(&exchange(upstream, request).await?.bytes())
                .await?;
            Ok(true)
        }
        Fault::Delay { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            write
                .write_all(&exchange(upstream, request).await?.bytes())
                .await?;
            Ok(true)
        }
        Fault::DropBeforeServer => Ok(false),
        Fault::DropMidRequest => {
            let bytes = request.bytes();
            let mut server = TcpStream::connect(upstream).await?;
            server.write_all(&bytes[..bytes.len() / 2]).await?;
            Ok(false)
        }
        Fault::LoseResponse => {
            exchange(upstream, request).await?;
            Ok(false)
        }
        Fault::TruncateResponse => {
            let bytes = exchange(upstream, request).await?.bytes();
            write.write_all(&bytes[..bytes.len() / 2]).await?;
            Ok(false)
        }
        Fault::ServerError => {
            write.write_all(&internal_error()).await?;
            Ok(false)
        }
        Fault::ServerErrorAfterServer => {
            exchange(upstream, request).await?;
            write.write_all(&internal_error()).await?;
            Ok(false)
        }
        Fault::TooManyRequests { retry_after_secs } => {
            let body = r#"{"error":"too_many_requests","message":"slow down (fault proxy)"}"#;
            let headers = [("retry-after", retry_after_secs.to_string())];
            write
                .write_all(&http::canned(429, "Too Many Requests", &headers, body))
                .await?;
            Ok(false)
        }
        Fault::Stall => {
            wait_for_close(read).await;
            Ok(false)
        }
        Fault::StallAfterServer => {
            exchange(upstream, request).await?;
            wait_for_close(read).await;
            Ok(false)
        }
        Fault::SendTwice => {
            exchange(upstream, request).await?;
            write
                .write_all(&exchange(upstream, request).await?.bytes())
                .await?;
            Ok(true)
        }
    }
}

fn internal_error() -> Vec<u8> {
    http::canned(
        500,
        "Internal Server Error",
        &[],
        r#"{"error":"internal","message":"injected by the fault proxy"}"#,
    )
}

/// Sends `request` to head office over a new connection and reads the answer.
async fn exchange(upstream: SocketAddr, request: &http::Message) -> std::io::Result<http::Message> {
    let mut server = TcpStream::connect(upstream).await?;
    server.write_all(&request.bytes()).await?;
    http::read_response(&mut BufReader::new(server)).await
}

/// Holds a stalled connection until the client hangs up (its timeout), at most [`STALL_MAX`].
async fn wait_for_close(read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) {
    let mut sink = [0u8; 1024];
    let _ = tokio::time::timeout(STALL_MAX, async {
        while let Ok(n) = read.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}
