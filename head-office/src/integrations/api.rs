//! The integration API (`/v1/integrations/...`): customers by the channel's own id, and
//! the event feed. Every request carries an integration key ([`Caller`]).

use std::time::Duration;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::customers::{self, Outcome, UpsertError};
use super::events::{self, EVENTS_LIMIT_DEFAULT, EVENTS_LIMIT_MAX, WAIT_SECONDS_MAX};
use super::fields::{CustomerFields, FieldError, check_external_id};
use super::ingest_events;
use super::keys::{Caller, Scope};
use crate::body::read_body;
use crate::error::{DbError, HttpError};
use crate::state::AppState;

/// The routes, as `server::ROUTES` lists them.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/integrations/customers/{external_id}",
            get(get_customer).put(put_customer),
        )
        .route("/v1/integrations/events", get(get_events))
}

/// An answer of the integration API: an [`HttpError`], or a field the mapping refuses
/// (422, naming it).
#[derive(Debug)]
pub enum IntegrationError {
    Http(HttpError),
    Field(FieldError),
}

impl From<HttpError> for IntegrationError {
    fn from(e: HttpError) -> Self {
        IntegrationError::Http(e)
    }
}

impl From<DbError> for IntegrationError {
    fn from(e: DbError) -> Self {
        IntegrationError::Http(e.into())
    }
}

/// The body of a 422.
#[derive(Debug, Serialize, Deserialize)]
pub struct FieldProblem {
    /// Always `invalid_field`.
    pub error: String,
    pub field: String,
    pub message: String,
}

impl IntoResponse for IntegrationError {
    fn into_response(self) -> Response {
        match self {
            IntegrationError::Http(e) => e.into_response(),
            IntegrationError::Field(e) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(FieldProblem {
                    error: "invalid_field".into(),
                    message: e.to_string(),
                    field: e.field,
                }),
            )
                .into_response(),
        }
    }
}

/// `PUT /v1/integrations/customers/{external_id}`: creates, links or updates the
/// customer of the key's channel. 201 when head office issued a new member, 200
/// otherwise (`outcome` says what happened); 422 names a refused field, 409 a phone
/// another member holds; nothing is changed then.
pub async fn put_customer(
    State(state): State<AppState>,
    caller: Caller,
    Path(external_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, IntegrationError> {
    caller.require(Scope::CustomersWrite)?;
    check_external_id(&external_id).map_err(IntegrationError::Field)?;
    let bytes = read_body(&headers, body, state.body_limits).await?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| HttpError::Malformed(format!("the body is not JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(HttpError::Malformed("the body must be a JSON object".into()).into());
    };
    let fields = CustomerFields::from_json(&object).map_err(IntegrationError::Field)?;
    let mut client = state.pool.get().await.map_err(DbError::from)?;
    let done = customers::upsert(
        &mut client,
        &caller.channel,
        &external_id,
        &fields,
        Uuid::now_v7(),
    )
    .await
    .map_err(|e| match e {
        UpsertError::PhoneTaken { .. } => HttpError::Conflict(e.to_string()).into(),
        UpsertError::Db(e) => IntegrationError::from(e),
    })?;
    if done.outcome != Outcome::Unchanged {
        events::wake();
    }
    let status = match done.outcome {
        Outcome::Created => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    Ok((status, Json(done)).into_response())
}

/// `GET /v1/integrations/customers/{external_id}`: the member the key's channel's
/// customer is, with the member's current fields.
pub async fn get_customer(
    State(state): State<AppState>,
    caller: Caller,
    Path(external_id): Path<String>,
) -> Result<Response, IntegrationError> {
    caller.require(Scope::CustomersRead)?;
    check_external_id(&external_id).map_err(IntegrationError::Field)?;
    let client = state.pool.get().await.map_err(DbError::from)?;
    match customers::customer(&**client, &caller.channel, &external_id).await? {
        Some(customer) => Ok(Json(customer).into_response()),
        None => Err(HttpError::NotFound(format!(
            "channel {} has no customer {external_id:?}",
            caller.channel
        ))
        .into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct EventParams {
    #[serde(default)]
    after: i64,
    limit: Option<u32>,
    #[serde(default)]
    wait: u64,
}

/// `GET /v1/integrations/events?after=&limit=&wait=`: up to `limit` events after the
/// cursor `after`; with `wait` seconds, an empty answer waits that long for one.
pub async fn get_events(
    State(state): State<AppState>,
    caller: Caller,
    params: Result<Query<EventParams>, QueryRejection>,
) -> Result<Response, IntegrationError> {
    caller.require(Scope::EventsRead)?;
    let Query(params) = params.map_err(|e| HttpError::BadRequest(e.body_text()))?;
    if params.after < 0 {
        return Err(HttpError::BadRequest("after must not be negative".into()).into());
    }
    let limit = params.limit.unwrap_or(EVENTS_LIMIT_DEFAULT);
    if !(1..=EVENTS_LIMIT_MAX).contains(&limit) {
        return Err(HttpError::BadRequest(format!(
            "limit must be between 1 and {EVENTS_LIMIT_MAX}, not {limit}"
        ))
        .into());
    }
    if params.wait > WAIT_SECONDS_MAX {
        return Err(HttpError::BadRequest(format!(
            "wait must be at most {WAIT_SECONDS_MAX} seconds, not {}",
            params.wait
        ))
        .into());
    }
    let page = events::wait_for_page(
        &state.pool,
        params.after,
        limit,
        caller.has(Scope::CustomersRead),
        Duration::from_secs(params.wait),
        ingest_events::fold,
    )
    .await?;
    Ok(Json(page).into_response())
}
