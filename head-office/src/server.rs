//! The HTTP server: routes, and [`run`] / [`run_tls`], which serve on a
//! listener the caller bound (tests bind `127.0.0.1:0`) until `shutdown` resolves, within
//! [`ConnectionLimits`] (`run_with_limits` / `run_tls_with_limits` set them).

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;

use crate::api;
use crate::connection;
pub use crate::connection::ConnectionLimits;
use crate::console;
use crate::replenishment_api;
use crate::rfm_api;
pub use crate::state::AppState;
use crate::stock_api;
use crate::transfer_api;

/// Pause after a failed accept (out of file descriptors): the loop must not spin.
const ACCEPT_ERROR_PAUSE: std::time::Duration = std::time::Duration::from_millis(100);

/// Every route, as listed in `openapi.yaml`: (method, path).
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/v1/health"),
    ("post", "/v1/batches"),
    ("get", "/v1/feed"),
    ("get", "/v1/gaps"),
    ("get", "/v1/stores/{store_id}/closes"),
    ("get", "/v1/transfers/incoming"),
    ("get", "/v1/stock/receipt-discrepancies"),
    ("get", "/v1/stock/replenishment"),
    ("get", "/v1/transfer-orders"),
    ("post", "/v1/transfer-orders"),
    ("post", "/v1/transfer-orders/{transfer_id}/approve"),
    ("post", "/v1/transfer-orders/{transfer_id}/cancel"),
    ("get", "/v1/stock/device-sales"),
    ("get", "/v1/stock/near-expiry"),
    ("get", "/v1/stock/low"),
    ("get", "/v1/trace/lot"),
    ("get", "/v1/trace/serial"),
    ("get", "/v1/transfers"),
    ("get", "/v1/members/segments"),
    ("get", "/v1/members/segments/{code}"),
    ("get", "/v1/integrations/customers/{external_id}"),
    ("put", "/v1/integrations/customers/{external_id}"),
    ("get", "/v1/integrations/events"),
];

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/health", get(api::health))
        .route("/v1/batches", post(api::post_batch))
        .route("/v1/feed", get(api::get_feed))
        .route("/v1/gaps", get(api::get_gaps))
        .route("/v1/transfers/incoming", get(api::get_incoming_transfers))
        .route("/v1/stores/{store_id}/closes", get(api::get_closes))
        .route(
            "/v1/stock/receipt-discrepancies",
            get(stock_api::get_receipt_discrepancies),
        )
        .route(
            "/v1/stock/replenishment",
            get(replenishment_api::get_replenishment),
        )
        .route(
            "/v1/transfer-orders",
            get(transfer_api::list).post(transfer_api::create),
        )
        .route(
            "/v1/transfer-orders/{transfer_id}/approve",
            post(transfer_api::approve),
        )
        .route(
            "/v1/transfer-orders/{transfer_id}/cancel",
            post(transfer_api::cancel),
        )
        .route("/v1/stock/device-sales", get(stock_api::get_device_sales))
        .route("/v1/stock/near-expiry", get(stock_api::get_near_expiry))
        .route("/v1/stock/low", get(stock_api::get_low_stock))
        .route("/v1/trace/lot", get(stock_api::get_lot_trace))
        .route("/v1/trace/serial", get(stock_api::get_serial_trace))
        .route("/v1/transfers", get(stock_api::get_transfers))
        .route("/v1/members/segments", get(rfm_api::get_segments))
        .route(
            "/v1/members/segments/{code}",
            get(rfm_api::get_segment_members),
        )
        .merge(crate::integrations::api::routes())
        .merge(console::routes())
        .fallback(console::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state)
}

/// Serves plain HTTP with the default [`ConnectionLimits`] until `shutdown` resolves.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    run_with_limits(listener, state, ConnectionLimits::default(), shutdown).await
}

/// Serves HTTPS with `tls` and the default [`ConnectionLimits`] until `shutdown` resolves.
pub async fn run_tls(
    listener: TcpListener,
    state: AppState,
    tls: Arc<ServerConfig>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    run_tls_with_limits(listener, state, tls, ConnectionLimits::default(), shutdown).await
}

/// Serves plain HTTP until `shutdown` resolves; see [`serve`] for what the limits do.
pub async fn run_with_limits(
    listener: TcpListener,
    state: AppState,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, "head office listening (plain HTTP)");
    serve(listener, router(state), None, limits, shutdown).await
}

/// Serves HTTPS with `tls` until `shutdown` resolves; a TLS handshake must be done
/// within the header read timeout.
pub async fn run_tls_with_limits(
    listener: TcpListener,
    mut state: AppState,
    tls: Arc<ServerConfig>,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, "head office listening (TLS)");
    state.secure_cookies = true;
    serve(
        listener,
        router(state),
        Some(TlsAcceptor::from(tls)),
        limits,
        shutdown,
    )
    .await
}

/// The accept loop. At most `connections_max` connections are open: past it the loop
/// stops accepting, so new connections wait in the kernel's listen backlog (and are
/// served as soon as one closes) instead of costing a file descriptor each, or being
/// refused while a slot is about to free. When `shutdown` resolves the listener closes,
/// idle and half-read connections close at once, requests in flight get
/// `shutdown_grace` to finish, and whatever is still open then is closed.
async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<TlsAcceptor>,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.connections_max.max(1)));
    let (closing_tx, closing) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    // Said once each time the cap is reached, not once per waiting connection.
    let mut at_cap = false;
    loop {
        while connections.try_join_next().is_some() {}
        match (slots.available_permits(), at_cap) {
            (0, false) => {
                tracing::warn!(
                    connections_max = limits.connections_max,
                    "connection cap reached; new connections wait in the listen backlog"
                );
                at_cap = true;
            }
            (1.., true) => at_cap = false,
            _ => {}
        }
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: pause instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::select! {
                        () = tokio::time::sleep(ACCEPT_ERROR_PAUSE) => continue,
                        () = &mut shutdown => break,
                    }
                }
            },
            () = &mut shutdown => break,
        };
        let accepted_at = Instant::now();
        // Answers are small and written whole: no reason to wait for Nagle.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(%peer, error = %e, "TCP_NODELAY not set");
        }
        let (router, tls, mut closing) = (router.clone(), tls.clone(), closing.clone());
        connections.spawn(async move {
            let _slot = slot;
            let Some(acceptor) = tls else {
                return connection::serve(tcp, accepted_at, router, limits, closing).await;
            };
            let deadline = accepted_at + limits.header_read_timeout;
            let handshake = tokio::select! {
                done = tokio::time::timeout_at(deadline, acceptor.accept(tcp)) => done,
                _ = closing.wait_for(|closing| *closing) => return,
            };
            match handshake {
                Ok(Ok(tls)) => connection::serve(tls, accepted_at, router, limits, closing).await,
                Ok(Err(e)) => tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
            }
        });
    }
    drop(listener);
    while connections.try_join_next().is_some() {}
    let open = connections.len();
    closing_tx.send_replace(true);
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open_at_shutdown = open,
            still_open = connections.len(),
            grace_ms = limits.shutdown_grace.as_millis() as u64,
            "closing connections still open after the shutdown grace period"
        );
        connections.shutdown().await;
    }
    tracing::info!("head office stopped");
    Ok(())
}
