//! One client connection: HTTP/1.1 through hyper, watched so that it cannot be held for
//! ever. A connection is closed when
//! - the head of a request (request line and headers; on a new connection also the TLS
//!   handshake) is not complete within [`ConnectionLimits::header_read_timeout`] of its
//!   first byte (of the accept, for the first request), or
//! - nothing is read or written for [`ConnectionLimits::idle_timeout`] while no request
//!   is being handled (a keep-alive connection between requests, or a client that stops
//!   reading its answer).
//!
//! A request being handled is bounded by the handler (the body's read timeout, the
//! database's statement timeout), not here.
//!
//! hyper's own `header_read_timeout` is not used: it starts as soon as a connection is
//! idle, so it would close a keep-alive connection after the header timeout and leave no
//! room for a longer idle timeout.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{Notify, watch};
use tokio::time::Instant;

/// Limits on connections, as [`crate::body::BodyLimits`] are on bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Longest a request's head (and a new connection's TLS handshake) may take.
    pub header_read_timeout: Duration,
    /// Longest a connection may sit with no request being handled and no byte moving.
    pub idle_timeout: Duration,
    /// Most connections open at once; past it, new ones wait in the listen backlog.
    pub connections_max: usize,
    /// After shutdown: how long requests in flight may take to finish before every
    /// connection still open is closed.
    pub shutdown_grace: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            connections_max: 10_000,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Why the watchdog closed a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expired {
    HeaderReadTimeout,
    IdleTimeout,
}

/// What the watchdog needs to know about a connection.
struct Activity {
    state: Mutex<ActivityState>,
    /// A request started or finished: the deadline changes kind.
    changed: Notify,
}

struct ActivityState {
    requests_in_flight: usize,
    /// When the head being read began; set on a new connection and by the first byte
    /// read between requests.
    head_started: Option<Instant>,
    last_activity: Instant,
}

impl Activity {
    fn new(accepted_at: Instant) -> Arc<Activity> {
        Arc::new(Activity {
            state: Mutex::new(ActivityState {
                requests_in_flight: 0,
                head_started: Some(accepted_at),
                last_activity: accepted_at,
            }),
            changed: Notify::new(),
        })
    }

    fn state(&self) -> MutexGuard<'_, ActivityState> {
        // The state is plain data, valid even if a holder panicked.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bytes_read(&self) {
        let now = Instant::now();
        let mut state = self.state();
        state.last_activity = now;
        if state.requests_in_flight == 0 && state.head_started.is_none() {
            state.head_started = Some(now);
        }
    }

    fn bytes_written(&self) {
        self.state().last_activity = Instant::now();
    }

    fn request_started(self: &Arc<Self>) -> InFlight {
        {
            let mut state = self.state();
            state.requests_in_flight += 1;
            state.head_started = None;
        }
        self.changed.notify_one();
        InFlight(self.clone())
    }

    /// True while a request's head is awaited and none is being handled: a new
    /// connection, or bytes of the next request. (A pipelining client could have its
    /// previous answer still being written; no client of ours pipelines.)
    fn reading_head(&self) -> bool {
        let state = self.state();
        state.requests_in_flight == 0 && state.head_started.is_some()
    }

    /// When the connection expires, unless something happens first; `None` while a
    /// request is being handled.
    fn deadline(&self, limits: &ConnectionLimits) -> Option<(Instant, Expired)> {
        let state = self.state();
        if state.requests_in_flight > 0 {
            return None;
        }
        Some(match state.head_started {
            Some(started) => (
                started + limits.header_read_timeout,
                Expired::HeaderReadTimeout,
            ),
            None => (
                state.last_activity + limits.idle_timeout,
                Expired::IdleTimeout,
            ),
        })
    }

    /// Resolves once the connection has run past its deadline.
    async fn expired(&self, limits: &ConnectionLimits) -> Expired {
        loop {
            match self.deadline(limits) {
                None => self.changed.notified().await,
                Some((deadline, _)) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(deadline) => {
                            // Bytes may have moved since; the deadline is checked afresh.
                            if let Some((now_due, why)) = self.deadline(limits)
                                && now_due <= Instant::now()
                            {
                                return why;
                            }
                        }
                        () = self.changed.notified() => {}
                    }
                }
            }
        }
    }
}

/// A request being handled; dropped when its handler is done (or cancelled).
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        {
            let mut state = self.0.state();
            state.requests_in_flight -= 1;
            state.last_activity = Instant::now();
        }
        self.0.changed.notify_one();
    }
}

/// The connection's stream, telling [`Activity`] about every byte that moves.
struct Watched<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.bytes_read();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.bytes_written();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.bytes_written();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The router as a hyper service that marks each request in flight while it is handled.
#[derive(Clone)]
struct Routed {
    router: Router,
    activity: Arc<Activity>,
}

impl hyper::service::Service<hyper::Request<Incoming>> for Routed {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn call(&self, request: hyper::Request<Incoming>) -> Self::Future {
        let in_flight = self.activity.request_started();
        let mut router = self.router.clone();
        Box::pin(async move {
            let response = tower_service::Service::call(&mut router, request.map(Body::new)).await;
            drop(in_flight);
            response
        })
    }
}

/// Serves HTTP/1.1 on `stream` until the client leaves, a limit runs out, or shutdown
/// (`closing` turns true): then an idle or half-read connection closes at once and a
/// request in flight is answered first.
pub(crate) async fn serve<S>(
    stream: S,
    accepted_at: Instant,
    router: Router,
    limits: ConnectionLimits,
    mut closing: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let activity = Activity::new(accepted_at);
    let stream = Watched {
        inner: stream,
        activity: activity.clone(),
    };
    let service = Routed {
        router,
        activity: activity.clone(),
    };
    let connection = hyper::server::conn::http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(TokioIo::new(stream), service);
    let mut connection = std::pin::pin!(connection);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            served = connection.as_mut() => {
                if let Err(e) = served {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            why = activity.expired(&limits) => {
                // Dropping the connection closes the socket.
                tracing::debug!(reason = ?why, "connection closed by its time limit");
                return;
            }
            _ = closing.wait_for(|closing| *closing), if !shutting_down => {
                // hyper's graceful shutdown closes an idle connection, but waits for a
                // head it has begun to read; nothing is owed to that client.
                if activity.reading_head() {
                    tracing::debug!("connection closed mid-head at shutdown");
                    return;
                }
                connection.as_mut().graceful_shutdown();
                shutting_down = true;
            }
        }
    }
}

/// Descriptors kept for the database pool, the listener, logs and migrations.
const DESCRIPTORS_BESIDES_CLIENTS: u64 = 256;

/// Warns when the process may open fewer files than `--connections-max` needs: accept
/// would then fail (and pause) before the cap is reached. Raise `ulimit -n` (systemd:
/// `LimitNOFILE=`) or lower the cap.
pub fn warn_if_descriptors_run_out_first(connections_max: u64) {
    let Ok(limits) = std::fs::read_to_string("/proc/self/limits") else {
        return;
    };
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(soft) = soft
        && soft < connections_max.saturating_add(DESCRIPTORS_BESIDES_CLIENTS)
    {
        tracing::warn!(
            open_files_max = soft,
            connections_max,
            "the open-file limit is below --connections-max plus {DESCRIPTORS_BESIDES_CLIENTS}: \
             raise `ulimit -n` or lower --connections-max"
        );
    }
}
