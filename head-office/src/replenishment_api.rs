//! `GET /v1/stock/replenishment`: the console's replenishment suggestions as JSON, for
//! head-office staff (see [`crate::staff`]); a store manager gets their stores'.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::chain_time;
use crate::error::{DbError, HttpError};
use crate::replenishment::{self, LEAD_DAYS_MAX, Policy, Suggestion, WINDOW_DAYS_MAX};
use crate::staff::Staff;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub store: Option<String>,
    /// Days of sales the velocity is taken over (28).
    pub window: Option<i64>,
    /// Days from ordering to the shelf (7).
    pub lead: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct Answer {
    pub window_days: i64,
    pub lead_days: i64,
    pub review_days: i64,
    pub suggestions: Vec<Suggestion>,
}

fn days(name: &str, asked: Option<i64>, default: i64, max: i64) -> Result<i64, HttpError> {
    match asked {
        None => Ok(default),
        Some(d) if (1..=max).contains(&d) => Ok(d),
        Some(d) => Err(HttpError::BadRequest(format!(
            "{name} must be 1 to {max} days, not {d}"
        ))),
    }
}

pub async fn get_replenishment(
    State(state): State<AppState>,
    staff: Staff,
    params: Result<Query<Params>, QueryRejection>,
) -> Result<Json<Answer>, HttpError> {
    let Query(params) = params.map_err(|e| HttpError::BadRequest(e.body_text()))?;
    let defaults = Policy::default();
    let policy = Policy {
        window_days: days(
            "window",
            params.window,
            defaults.window_days,
            WINDOW_DAYS_MAX,
        )?,
        lead_days: days("lead", params.lead, defaults.lead_days, LEAD_DAYS_MAX)?,
        ..defaults
    };
    let stores = staff.stores(params.store.as_deref())?;
    let mut client = state.pool.get().await.map_err(DbError::from)?;
    let today = chain_time::today(Utc::now());
    let (positions, safety) = replenishment::load(&mut **client, today, policy).await?;
    let suggestions = replenishment::suggest(&positions, &safety, policy)
        .into_iter()
        .filter(|s| {
            stores
                .as_ref()
                .is_none_or(|only| only.contains(&s.store_id))
        })
        .collect();
    Ok(Json(Answer {
        window_days: policy.window_days,
        lead_days: policy.lead_days,
        review_days: policy.review_days,
        suggestions,
    }))
}
