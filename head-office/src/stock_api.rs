//! Head-office staff's stock API under `/v1/stock` (see [`crate::staff`] for who may
//! call it): what [`crate::stock_reports`] reads, as JSON.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use serde::Deserialize;

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
    let Query(params) = params.map_err(|e| HttpError::BadRequest(e.body_text()))?;
    if let (Some(from), Some(to)) = (params.from, params.to)
        && from > to
    {
        return Err(HttpError::BadRequest(format!(
            "from {from} is after to {to}"
        )));
    }
    let stores = staff.stores(params.store.as_deref())?;
    let client = state.pool.get().await.map_err(DbError::from)?;
    let answer =
        stock_reports::receipt_discrepancies(&**client, stores.as_deref(), params.from, params.to)
            .await?;
    Ok(Json(answer))
}
