//! Head-office staff's stock API under `/v1/stock` (see [`crate::staff`] for who may
//! call it): what [`crate::stock_reports`] reads, as JSON.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::aggregates;
use crate::device_sales::{self, DeviceSales};
use crate::error::{DbError, HttpError};
use crate::staff::Staff;
use crate::state::AppState;
use crate::stock_reports::{self, ReceiptDiscrepancies};

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
