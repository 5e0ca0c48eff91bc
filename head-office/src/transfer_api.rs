//! Transfer orders on the staff API (`/v1/transfer-orders`): list, order or request,
//! approve, cancel — the console's rules ([`crate::transfer_orders`]) for other systems
//! (a replenishment tool, an ERP). A change needs the session token in the
//! `Authorization` header: a browser's cookie alone may not change anything here, so a
//! page elsewhere cannot make a signed-in person's browser order a transfer.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use chrono::Utc;
use serde::Deserialize;

use crate::console::transfer_orders::{self as actions, Decision, NewOrder, OrderRefusal};
use crate::error::{DbError, HttpError};
use crate::staff::Staff;
use crate::state::AppState;
use crate::transfer_orders::{self, StoredOrder};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub store: Option<String>,
}

/// `GET /v1/transfer-orders?store=`: orders from or to the stores the caller sees.
pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Vec<StoredOrder>>, HttpError> {
    let Query(params) = params.map_err(|e| HttpError::BadRequest(e.body_text()))?;
    let stores = staff.stores(params.store.as_deref())?;
    let client = state.pool.get().await.map_err(DbError::from)?;
    Ok(Json(
        transfer_orders::list(&**client, stores.as_deref()).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderLineBody {
    pub sku: String,
    #[serde(default)]
    pub lot: Option<String>,
    pub quantity: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderBody {
    pub from_store: String,
    pub to_store: String,
    pub lines: Vec<OrderLineBody>,
    #[serde(default)]
    pub note: String,
}

fn bearer_only(headers: &HeaderMap) -> Result<(), HttpError> {
    if headers.contains_key(AUTHORIZATION) {
        Ok(())
    } else {
        Err(HttpError::Unauthorized(
            "changes through the API need the session token as `Authorization: Bearer <token>`; a cookie alone is not enough".into(),
        ))
    }
}

fn refused(refusal: OrderRefusal) -> HttpError {
    let text = refusal.to_string();
    match refusal {
        OrderRefusal::Invalid(_)
        | OrderRefusal::UnknownStore(_)
        | OrderRefusal::UnknownSku { .. }
        | OrderRefusal::UnknownLot { .. } => HttpError::BadRequest(text),
        OrderRefusal::NotYourStore { .. } | OrderRefusal::NotAllowed(_) => {
            HttpError::Forbidden(text)
        }
        OrderRefusal::NotFound(_) => HttpError::NotFound(text),
        OrderRefusal::WrongStatus { .. } | OrderRefusal::Duplicate(_) => HttpError::Conflict(text),
    }
}

/// `POST /v1/transfer-orders`: an admin's or merchandiser's order (sent to the tills at
/// once), or a store manager's request (to be approved). Answers the order, 201.
pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    body: Result<Json<OrderBody>, JsonRejection>,
) -> Result<(axum::http::StatusCode, Json<StoredOrder>), HttpError> {
    bearer_only(&headers)?;
    let Json(body) = body.map_err(|e| HttpError::BadRequest(e.body_text()))?;
    let new = NewOrder {
        from_store: body.from_store.trim().to_owned(),
        to_store: body.to_store.trim().to_owned(),
        lines: body
            .lines
            .into_iter()
            .map(|l| {
                (
                    l.sku.trim().to_owned(),
                    l.lot.map(|lot| lot.trim().to_owned()),
                    l.quantity,
                )
            })
            .collect(),
        note: body.note,
    };
    let mut client = state.pool.get().await.map_err(DbError::from)?;
    let tx = client.transaction().await.map_err(DbError::from)?;
    match actions::create(&tx, &staff.user, &new, Utc::now()).await? {
        Ok(order) => {
            tx.commit().await.map_err(DbError::from)?;
            Ok((axum::http::StatusCode::CREATED, Json(order)))
        }
        Err(refusal) => Err(refused(refusal)),
    }
}

async fn decide(
    state: AppState,
    staff: Staff,
    headers: HeaderMap,
    transfer_id: String,
    decision: Decision,
) -> Result<Json<StoredOrder>, HttpError> {
    bearer_only(&headers)?;
    let mut client = state.pool.get().await.map_err(DbError::from)?;
    let tx = client.transaction().await.map_err(DbError::from)?;
    match actions::decide(&tx, &staff.user, &transfer_id, decision, Utc::now()).await? {
        Ok(order) => {
            tx.commit().await.map_err(DbError::from)?;
            Ok(Json(order))
        }
        Err(refusal) => Err(refused(refusal)),
    }
}

/// `POST /v1/transfer-orders/{id}/approve`: head office approves a store's request.
pub async fn approve(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Path(transfer_id): Path<String>,
) -> Result<Json<StoredOrder>, HttpError> {
    decide(state, staff, headers, transfer_id, Decision::Approve).await
}

/// `POST /v1/transfer-orders/{id}/cancel`: calls off an order not yet dispatched.
pub async fn cancel(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Path(transfer_id): Path<String>,
) -> Result<Json<StoredOrder>, HttpError> {
    decide(state, staff, headers, transfer_id, Decision::Cancel).await
}
