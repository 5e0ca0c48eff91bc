//! Head-office staff's stock API under `/v1/stock`, `/v1/trace` and `GET /v1/transfers`
//! (see [`crate::staff`] for who may call it): what [`crate::stock_reports`],
//! [`crate::stock_lists`], [`crate::trace_reports`] and [`crate::device_sales`] read, as
//! JSON. Members are masked in every answer.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use crate::aggregates;
use crate::device_sales::{self, DeviceSales};
use crate::error::{DbError, HttpError};
use crate::staff::Staff;
use crate::state::AppState;
use crate::stock_lists::{self, LowStockList, NearExpiryList, TransferList, TransferState};
use crate::stock_reports::{self, ReceiptDiscrepancies};
use crate::trace_reports::{self, Trace, Traced};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscrepancyParams {
    pub store: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// `GET /v1/stock/receipt-discrepancies?store=&from=&to=`: goods receipts' lines that
/// differ from their delivery notes, for head-office staff (a store manager: their
/// stores only). Dates are business dates, both ends included.
pub async fn get_receipt_discrepancies(
    State(state): State<AppState>,
    staff: Staff,
    params: Result<Query<DiscrepancyParams>, QueryRejection>,
) -> Result<Json<ReceiptDiscrepancies>, HttpError> {
    let (params, stores) = dated(&staff, params)?;
    let client = state.pool.get().await.map_err(DbError::from)?;
    let answer =
        stock_reports::receipt_discrepancies(&**client, stores.as_deref(), params.from, params.to)
            .await?;
    Ok(Json(answer))
}

/// The query of an answer by store and business dates, and the stores it may cover.
fn dated(
    staff: &Staff,
    params: Result<Query<DiscrepancyParams>, QueryRejection>,
) -> Result<(DiscrepancyParams, Option<Vec<String>>), HttpError> {
    let Query(params) = params.map_err(|e| HttpError::BadRequest(e.body_text()))?;
    if let (Some(from), Some(to)) = (params.from, params.to)
        && from > to
    {
        return Err(HttpError::BadRequest(format!(
            "from {from} is after to {to}"
        )));
    }
    let stores = staff.stores(params.store.as_deref())?;
    Ok((params, stores))
}

/// A pooled connection that has folded what ingest queued moments ago, so an answer
/// includes the documents already accepted (a failed fold only delays them).
async fn folded(state: &AppState) -> Result<deadpool_postgres::Object, HttpError> {
    let mut client = state.pool.get().await.map_err(DbError::from)?;
    if let Err(e) = aggregates::fold_round(&mut client).await {
        tracing::warn!(error = %e, "folding before a stock answer failed");
    }
    Ok(client)
}

/// `GET /v1/stock/device-sales?store=&from=&to=`: the sales record of class II and III
/// devices (医疗器械销售记录), members masked; for head-office staff (a store manager:
/// their stores only). Dates are business dates, both ends included.
pub async fn get_device_sales(
    State(state): State<AppState>,
    staff: Staff,
    params: Result<Query<DiscrepancyParams>, QueryRejection>,
) -> Result<Json<DeviceSales>, HttpError> {
    let (params, stores) = dated(&staff, params)?;
    let client = folded(&state).await?;
    let answer = device_sales::device_sales(
        &**client,
        stores.as_deref(),
        params.from,
        params.to,
        device_sales::ROWS_MAX,
    )
    .await?;
    Ok(Json(answer))
}

/// `GET /v1/trace/lot?sku=&lot=&store=`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotParams {
    pub sku: String,
    pub lot: String,
    pub store: Option<String>,
}

/// `GET /v1/trace/serial?serial=&sku=&store=`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SerialParams {
    pub serial: String,
    pub sku: Option<String>,
    pub store: Option<String>,
}

/// A query field that must hold something.
fn given<'a>(field: &str, value: &'a str) -> Result<&'a str, HttpError> {
    match value.trim() {
        "" => Err(HttpError::BadRequest(format!("{field} must not be empty"))),
        v => Ok(v),
    }
}

fn query<T>(params: Result<Query<T>, QueryRejection>) -> Result<T, HttpError> {
    params
        .map(|Query(p)| p)
        .map_err(|e| HttpError::BadRequest(e.body_text()))
}

/// `GET /v1/trace/lot`: a lot's recall list (召回名单) — every receipt, transfer, sale,
/// return, void, write-off and count of it, members masked — for head-office staff (a
/// store manager: their stores only).
pub async fn get_lot_trace(
    State(state): State<AppState>,
    staff: Staff,
    params: Result<Query<LotParams>, QueryRejection>,
) -> Result<Json<Trace>, HttpError> {
    let params = query(params)?;
    let traced = Traced::Lot {
        sku: given("sku", &params.sku)?,
        lot: given("lot", &params.lot)?,
    };
    let stores = staff.stores(params.store.as_deref())?;
    let client = folded(&state).await?;
    let answer = trace_reports::trace(
        &**client,
        traced,
        stores.as_deref(),
        trace_reports::MOVEMENTS_MAX,
    )
    .await?;
    Ok(Json(answer))
}

/// `GET /v1/trace/serial`: a serial unit's whole life (received, moved, sold to whom,
/// returned), members masked, for head-office staff (a store manager: their stores only).
pub async fn get_serial_trace(
    State(state): State<AppState>,
    staff: Staff,
    params: Result<Query<SerialParams>, QueryRejection>,
) -> Result<Json<Trace>, HttpError> {
    let params = query(params)?;
    let sku = params.sku.as_deref().map(|s| given("sku", s)).transpose()?;
    let traced = Traced::Serial {
        sku,
        serial: given("serial", &params.serial)?,
    };
    let stores = staff.stores(params.store.as_deref())?;
    let client = folded(&state).await?;
    let answer = trace_reports::trace(
        &**client,
        traced,
        stores.as_deref(),
        trace_reports::MOVEMENTS_MAX,
    )
    .await?;
    Ok(Json(answer))
}

/// `GET /v1/stock/near-expiry?days=&store=`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NearExpiryParams {
    pub days: Option<i64>,
    pub store: Option<String>,
}

/// Lots looked at when no `days` is asked.
pub const NEAR_EXPIRY_DAYS: i64 = 30;

/// `GET /v1/stock/near-expiry`: lots held that expire within `days` of the chain's
/// today (expired ones included), across the stores the person sees, with days left,
/// quantity and value at retail.
pub async fn get_near_expiry(
    State(state): State<AppState>,
    staff: Staff,
    params: Result<Query<NearExpiryParams>, QueryRejection>,
) -> Result<Json<NearExpiryList>, HttpError> {
    let params = query(params)?;
    let days = params.days.unwrap_or(NEAR_EXPIRY_DAYS);
    if !(0..=stock_lists::EXPIRING_DAYS_MAX).contains(&days) {
        return Err(HttpError::BadRequest(format!(
            "days {days} must be from 0 to {}",
            stock_lists::EXPIRING_DAYS_MAX
        )));
    }
    let stores = staff.stores(params.store.as_deref())?;
    let client = state.pool.get().await.map_err(DbError::from)?;
    let today = crate::chain_time::today(Utc::now());
    let answer = stock_lists::near_expiry(
        &**client,
        stores.as_deref(),
        today,
        days,
        stock_lists::ROWS_MAX,
    )
    .await?;
    Ok(Json(answer))
}

/// `GET /v1/stock/low?store=`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreParams {
    pub store: Option<String>,
}

/// `GET /v1/stock/low`: the SKUs a store holds fewer of than the product's safety
/// stock, across the stores the person sees.
pub async fn get_low_stock(
    State(state): State<AppState>,
    staff: Staff,
    params: Result<Query<StoreParams>, QueryRejection>,
) -> Result<Json<LowStockList>, HttpError> {
    let params = query(params)?;
    let stores = staff.stores(params.store.as_deref())?;
    let client = state.pool.get().await.map_err(DbError::from)?;
    let answer =
        stock_lists::low_stock(&**client, stores.as_deref(), stock_lists::ROWS_MAX).await?;
    Ok(Json(answer))
}

/// `GET /v1/transfers?store=&state=`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferParams {
    pub store: Option<String>,
    pub state: Option<String>,
}

/// `GET /v1/transfers`: the transfers from or to the stores the person sees, newest
/// first, each with where it stands (`in_transit`, `received`, `dispatch_awaited`).
pub async fn get_transfers(
    State(state): State<AppState>,
    staff: Staff,
    params: Result<Query<TransferParams>, QueryRejection>,
) -> Result<Json<TransferList>, HttpError> {
    let params = query(params)?;
    let wanted = match params.state.as_deref() {
        None => None,
        Some(key) => Some(TransferState::from_key(key).ok_or_else(|| {
            HttpError::BadRequest(format!(
                "state {key:?} is none of in_transit, received, dispatch_awaited"
            ))
        })?),
    };
    let stores = staff.stores(params.store.as_deref())?;
    let client = state.pool.get().await.map_err(DbError::from)?;
    let answer =
        stock_lists::transfers(&**client, stores.as_deref(), wanted, stock_lists::ROWS_MAX).await?;
    Ok(Json(answer))
}
