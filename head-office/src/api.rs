//! Request handlers. Each checks the token's store and terminal, reads its input within
//! limits, and answers JSON; every error is an [`ApiError`](pos_domain::protocol::ApiError).

use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use pos_domain::protocol::{
    BATCH_DOCUMENTS_MAX, BatchRequest, BatchResponse, DailyClose, DocumentStatus,
    FEED_LIMIT_DEFAULT, FEED_LIMIT_MAX, GapsResponse, IncomingTransfersResponse, PENDING_HEADER,
    PENDING_MAX,
};
use serde::{Deserialize, Serialize};

use crate::auth::{self, Terminal};
use crate::body::read_body;
use crate::error::{DbError, HttpError};
use crate::state::AppState;
use crate::{feed, ingest, reports};

/// Longest the health check waits for the database (a connection and `SELECT 1`).
pub const HEALTH_DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

/// The answer of `GET /v1/health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: HealthStatus,
    pub database: DatabaseHealth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    /// Up, but something it needs is down.
    Degraded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseHealth {
    Ok,
    /// No connection, or `SELECT 1` failed.
    Unreachable,
    /// No answer within [`HEALTH_DATABASE_TIMEOUT`].
    Timeout,
}

/// `GET /v1/health`: no token needed; 200 when the server and its database answer,
/// 503 (with Retry-After) saying what is down otherwise.
pub async fn health(State(state): State<AppState>) -> Response {
    let check = async {
        let client = state.pool.get().await.map_err(DbError::from)?;
        client.query_one("SELECT 1", &[]).await?;
        Ok::<(), DbError>(())
    };
    let database = match tokio::time::timeout(HEALTH_DATABASE_TIMEOUT, check).await {
        Ok(Ok(())) => DatabaseHealth::Ok,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: the database is unreachable");
            DatabaseHealth::Unreachable
        }
        Err(_) => {
            tracing::warn!(
                timeout_ms = HEALTH_DATABASE_TIMEOUT.as_millis() as u64,
                "health check: the database did not answer in time"
            );
            DatabaseHealth::Timeout
        }
    };
    if database == DatabaseHealth::Ok {
        let ok = Health {
            status: HealthStatus::Ok,
            database,
        };
        return Json(ok).into_response();
    }
    let degraded = Health {
        status: HealthStatus::Degraded,
        database,
    };
    let retry_after = [(header::RETRY_AFTER, HeaderValue::from_static("5"))];
    (StatusCode::SERVICE_UNAVAILABLE, retry_after, Json(degraded)).into_response()
}

/// `POST /v1/batches`.
pub async fn post_batch(
    State(state): State<AppState>,
    terminal: Terminal,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<BatchResponse>, HttpError> {
    let bytes = read_body(&headers, body, state.body_limits).await?;
    let batch: BatchRequest = serde_json::from_slice(&bytes)
        .map_err(|e| HttpError::Malformed(format!("the body is not a valid batch: {e}")))?;
    if batch.documents.len() > BATCH_DOCUMENTS_MAX {
        return Err(HttpError::TooManyDocuments(format!(
            "a batch holds at most {BATCH_DOCUMENTS_MAX} documents, this one {}",
            batch.documents.len()
        )));
    }
    terminal.require_terminal(&batch.store_id, &batch.terminal_id)?;
    for doc in &batch.documents {
        if doc.store_id != batch.store_id || doc.terminal_id != batch.terminal_id {
            return Err(HttpError::Forbidden(format!(
                "document {} belongs to {}/{}, not to this terminal {}/{}",
                doc.id, doc.store_id, doc.terminal_id, batch.store_id, batch.terminal_id
            )));
        }
    }
    let mut client = state.pool.get().await.map_err(DbError::from)?;
    let response = ingest::ingest_batch(&mut **client, &batch).await?;
    crate::integrations::ingest_events::queued();
    let count = |s| response.results.iter().filter(|r| r.status == s).count();
    tracing::info!(
        store = %batch.store_id,
        terminal = %batch.terminal_id,
        accepted = count(DocumentStatus::Accepted),
        duplicate = count(DocumentStatus::Duplicate),
        rejected = count(DocumentStatus::Rejected),
        "batch ingested"
    );
    Ok(Json(response))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedParams {
    #[serde(default)]
    pub cursor: i64,
    pub limit: Option<u32>,
}

/// The backlog a till says in the `Pending-Documents` header: `None` when absent (a
/// till older than the header); one decimal count from 0 to [`PENDING_MAX`], else 400
/// naming the header (a pull that says something wrong is refused, not half-believed).
pub fn pending_documents(headers: &HeaderMap) -> Result<Option<i64>, HttpError> {
    let mut values = headers.get_all(PENDING_HEADER).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    let bad = |what: String| {
        HttpError::BadRequest(format!(
            "header Pending-Documents: {what}; it must be one count of documents from 0 to {PENDING_MAX}"
        ))
    };
    if values.next().is_some() {
        return Err(bad("given more than once".into()));
    }
    let text = value.to_str().map_err(|_| bad("not text".into()))?;
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(format!("{text:?} is not a count")));
    }
    text.parse::<u64>()
        .ok()
        .filter(|n| *n <= PENDING_MAX)
        .and_then(|n| i64::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| bad(format!("{text} is too large")))
}

/// `GET /v1/feed?cursor=C&limit=N`: the calling terminal's store's changes after C.
/// Notes the pull, and the backlog the till says (see [`pending_documents`]).
pub async fn get_feed(
    State(state): State<AppState>,
    terminal: Terminal,
    headers: HeaderMap,
    params: Result<Query<FeedParams>, QueryRejection>,
) -> Result<Response, HttpError> {
    let Query(params) = params.map_err(|e| HttpError::BadRequest(e.body_text()))?;
    let backlog = pending_documents(&headers)?;
    if params.cursor < 0 {
        return Err(HttpError::BadRequest("cursor must not be negative".into()));
    }
    let limit = params.limit.unwrap_or(FEED_LIMIT_DEFAULT);
    if !(1..=FEED_LIMIT_MAX).contains(&limit) {
        return Err(HttpError::BadRequest(format!(
            "limit must be between 1 and {FEED_LIMIT_MAX}, not {limit}"
        )));
    }
    let mut client = state.pool.get().await.map_err(DbError::from)?;
    // A `FeedPage` written straight from the stored JSON (see `feed::read_page`).
    let page = feed::read_page(&mut client, &terminal.store_id, params.cursor, limit).await?;
    auth::note_contact(&client, &terminal, auth::Contact::Pull { backlog }).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        page.body,
    )
        .into_response())
}

/// `GET /v1/gaps`: open sequence gaps of the calling terminal's store.
pub async fn get_gaps(
    State(state): State<AppState>,
    terminal: Terminal,
) -> Result<Json<GapsResponse>, HttpError> {
    let client = state.pool.get().await.map_err(DbError::from)?;
    let gaps = reports::open_gaps(&**client, Some(&terminal.store_id)).await?;
    Ok(Json(GapsResponse { gaps }))
}

/// `GET /v1/transfers/incoming`: the transfers dispatched to the calling store and not
/// received there yet, with what was dispatched (what the receipt is checked against).
pub async fn get_incoming_transfers(
    State(state): State<AppState>,
    terminal: Terminal,
) -> Result<Json<IncomingTransfersResponse>, HttpError> {
    let client = state.pool.get().await.map_err(DbError::from)?;
    let transfers = crate::ingest::transfers::incoming(&**client, &terminal.store_id).await?;
    Ok(Json(IncomingTransfersResponse { transfers }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosesParams {
    pub business_date: NaiveDate,
}

/// `GET /v1/stores/{store_id}/closes?business_date=D`: the store's daily close.
pub async fn get_closes(
    State(state): State<AppState>,
    terminal: Terminal,
    store_id: Result<Path<String>, PathRejection>,
    params: Result<Query<ClosesParams>, QueryRejection>,
) -> Result<Json<DailyClose>, HttpError> {
    let Path(store_id) = store_id.map_err(|e| HttpError::BadRequest(e.body_text()))?;
    terminal.require_store(&store_id)?;
    let Query(params) = params.map_err(|e| HttpError::BadRequest(e.body_text()))?;
    let client = state.pool.get().await.map_err(DbError::from)?;
    Ok(Json(
        reports::daily_close(&**client, &store_id, params.business_date).await?,
    ))
}

pub async fn not_found(uri: Uri) -> HttpError {
    HttpError::NotFound(format!("no such endpoint: {}", uri.path()))
}

pub async fn method_not_allowed(method: Method, uri: Uri) -> HttpError {
    HttpError::MethodNotAllowed(format!("{method} is not allowed on {}", uri.path()))
}
