//! The HTTP server: shared state, routes, and [`run`] / [`run_tls`], which serve on a
//! listener the caller bound (tests bind `127.0.0.1:0`) until `shutdown` resolves.

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use deadpool_postgres::Pool;
use tokio::net::TcpListener;
use tokio_rustls::rustls::ServerConfig;

use crate::api;
use crate::body::BodyLimits;
use crate::tls::TlsListener;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub body_limits: BodyLimits,
}

impl AppState {
    pub fn new(pool: Pool) -> AppState {
        AppState {
            pool,
            body_limits: BodyLimits::default(),
        }
    }
}

/// Every route, as listed in `openapi.yaml`: (method, path).
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/v1/health"),
    ("post", "/v1/batches"),
    ("get", "/v1/feed"),
    ("get", "/v1/gaps"),
    ("get", "/v1/stores/{store_id}/closes"),
];

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/health", get(api::health))
        .route("/v1/batches", post(api::post_batch))
        .route("/v1/feed", get(api::get_feed))
        .route("/v1/gaps", get(api::get_gaps))
        .route("/v1/stores/{store_id}/closes", get(api::get_closes))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state)
}

/// Serves plain HTTP until `shutdown` resolves, then lets requests in flight finish.
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, "head office listening (plain HTTP)");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Serves HTTPS with `tls` until `shutdown` resolves.
pub async fn run_tls(
    listener: TcpListener,
    state: AppState,
    tls: Arc<ServerConfig>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, "head office listening (TLS)");
    let listener = TlsListener::new(listener, tls)?;
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
