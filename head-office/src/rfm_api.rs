//! `GET /v1/members/segments` and `GET /v1/members/segments/{code}`: the last RFM run's
//! segments and a segment's members a page at a time (name and phone masked), for
//! head-office staff (see [`crate::staff`]). Store managers are refused: a segment is
//! the whole chain's members, not their stores'.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

use crate::error::{DbError, HttpError};
use crate::rfm::read::{self, SegmentMembers, Summary, page_of};
use crate::rfm::store;
use crate::staff::Staff;
use crate::state::AppState;

/// Admins, merchandisers and auditors read segments; store managers do not.
fn allowed(staff: &Staff) -> Result<(), HttpError> {
    if staff.user.may_read_segments() {
        Ok(())
    } else {
        Err(HttpError::Forbidden(format!(
            "{} is a store manager: member segments cover the whole chain",
            staff.user.name
        )))
    }
}

/// `GET /v1/members/segments`.
pub async fn get_segments(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Json<Summary>, HttpError> {
    allowed(&staff)?;
    let client = state.pool.get().await.map_err(DbError::from)?;
    Ok(Json(read::summary(&**client).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// `GET /v1/members/segments/{code}?page=&per_page=`.
pub async fn get_segment_members(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    params: Result<Query<PageParams>, QueryRejection>,
) -> Result<Json<SegmentMembers>, HttpError> {
    allowed(&staff)?;
    let Query(params) = params.map_err(|e| HttpError::BadRequest(e.body_text()))?;
    let (page, per_page) = page_of(params.page, params.per_page).map_err(HttpError::BadRequest)?;
    let client = state.pool.get().await.map_err(DbError::from)?;
    if store::load_segment(&**client, &code).await?.is_none() {
        return Err(HttpError::NotFound(format!("there is no segment {code:?}")));
    }
    Ok(Json(read::members(&**client, &code, page, per_page).await?))
}
