//! Maker-checker for manual point adjustments in the console: one person asks for an
//! adjustment (member, points, reason), and it is applied only when another person with
//! the approver's role approves it ([`super::adjustment::apply`], in the same
//! transaction as the decision); either of them may not be the other. A request may be
//! rejected with a reason instead. Each step is audited in the transaction that makes it.
//! Who may ask and who may approve is [`may_request`] and [`may_approve`].

use chrono::{DateTime, Utc};
use deadpool_postgres::{Object, Pool};
use serde_json::json;
use tokio_postgres::{Client, GenericClient};
use uuid::Uuid;

use super::adjustment::{self, Adjusted, Adjustment};
use super::audit;
use super::users::{Role, User};
use crate::error::DbError;

/// Longest reason kept (characters).
pub const REASON_MAX_CHARS: usize = 200;

/// Admins and store managers ask for adjustments.
pub fn may_request(user: &User) -> bool {
    matches!(user.role, Role::Admin | Role::StoreManager)
}

/// Only an admin approves or rejects, and never their own request.
pub fn may_approve(user: &User) -> bool {
    user.role == Role::Admin
}

/// One request as the pending list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub id: i64,
    pub member_id: String,
    pub points: i64,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
}

/// Why a request or a decision was not made; nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("points must be a whole number other than 0")]
    Points,
    #[error("give a reason of at most {REASON_MAX_CHARS} characters")]
    Reason,
    #[error("no such member")]
    NoMember,
    #[error("the balance is {0}: an adjustment may not take it below zero")]
    BelowZero(i64),
    #[error("no such request")]
    NoRequest,
    #[error("the request was already {0}")]
    Decided(String),
    #[error("a request is decided by someone other than who made it")]
    OwnRequest,
    #[error("your role may not do this")]
    Forbidden,
    #[error("the adjustment was refused: {0}")]
    Refused(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<tokio_postgres::Error> for RequestError {
    fn from(e: tokio_postgres::Error) -> Self {
        RequestError::Db(e.into())
    }
}

impl From<deadpool_postgres::PoolError> for RequestError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        RequestError::Db(e.into())
    }
}

fn checked_reason(reason: &str) -> Result<&str, RequestError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX_CHARS {
        return Err(RequestError::Reason);
    }
    Ok(reason)
}

/// The balance of the member `id` names (through the id of a member merged into
/// another too). Not locked here: ingest locks the member when it applies the document
/// (after the console's sequence lock, the order every adjustment takes).
async fn balance(client: &impl GenericClient, id: &str) -> Result<Option<i64>, DbError> {
    Ok(client
        .query_opt(
            "SELECT points_balance FROM members
             WHERE id = coalesce((SELECT member_id FROM member_aliases WHERE alias_id = $1), $1)",
            &[&id],
        )
        .await?
        .map(|r| r.get(0)))
}

fn within_balance(balance: i64, points: i64) -> Result<(), RequestError> {
    if balance.checked_add(points).is_none_or(|after| after < 0) {
        return Err(RequestError::BelowZero(balance));
    }
    Ok(())
}

/// Records `user`'s request to move `member_id`'s points, audited. Returns its id.
pub async fn request(
    pool: &Pool,
    user: &User,
    member_id: &str,
    points: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<i64, RequestError> {
    if !may_request(user) {
        return Err(RequestError::Forbidden);
    }
    if points == 0 {
        return Err(RequestError::Points);
    }
    let reason = checked_reason(reason)?;
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let before = balance(&*tx, member_id)
        .await?
        .ok_or(RequestError::NoMember)?;
    within_balance(before, points)?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO point_adjustment_requests (member_id, points, reason, requested_by, requested_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            &[&member_id, &points, &reason, &user.name, &now],
        )
        .await?
        .get(0);
    audit::record(
        &*tx,
        now,
        &user.name,
        "points.adjust.request",
        member_id,
        None,
        Some(
            json!({ "request": id, "points": points, "reason": reason, "points_balance": before }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The pending request `id`, locked, once `user` may decide it.
async fn pending_for(
    client: &impl GenericClient,
    user: &User,
    id: i64,
) -> Result<Request, RequestError> {
    if !may_approve(user) {
        return Err(RequestError::Forbidden);
    }
    let row = client
        .query_opt(
            "SELECT id, member_id, points, reason, requested_by, requested_at, status
             FROM point_adjustment_requests WHERE id = $1 FOR UPDATE",
            &[&id],
        )
        .await?
        .ok_or(RequestError::NoRequest)?;
    let status: String = row.get(6);
    if status != "pending" {
        return Err(RequestError::Decided(status));
    }
    let request = request_of(&row);
    if request.requested_by == user.name {
        return Err(RequestError::OwnRequest);
    }
    Ok(request)
}

/// Approves request `id` as `user`: stores its adjustment document (naming the
/// requester as operator and `user` as approver) and marks the request approved, in one
/// transaction. Returns the document's id.
pub async fn approve(
    pool: &Pool,
    user: &User,
    id: i64,
    document_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Uuid, RequestError> {
    // Out of the pool: a cancelled request closes the connection, rolling back.
    let mut client = Object::take(pool.get().await?);
    let mut tx = Client::transaction(&mut client).await?;
    let request = pending_for(&tx, user, id).await?;
    let before = balance(&tx, &request.member_id)
        .await?
        .ok_or(RequestError::NoMember)?;
    within_balance(before, request.points)?;
    let adjustment = Adjustment {
        member_id: &request.member_id,
        points: request.points,
        reason: &request.reason,
        requested_by: &request.requested_by,
        approved_by: &user.name,
        document_id,
        now,
    };
    let document = match adjustment::apply(&mut tx, &adjustment).await? {
        Adjusted::Stored(document) => document,
        Adjusted::Refused(why) => return Err(RequestError::Refused(why)),
    };
    tx.execute(
        "UPDATE point_adjustment_requests
         SET status = 'approved', decided_by = $2, decided_at = $3, document_id = $4
         WHERE id = $1",
        &[&id, &user.name, &now, &document],
    )
    .await?;
    audit::record(
        &tx,
        now,
        &user.name,
        "points.adjust.approve",
        &request.member_id,
        Some(json!({ "request": id, "status": "pending" })),
        Some(json!({ "request": id, "status": "approved", "document_id": document, "requested_by": request.requested_by })),
    )
    .await?;
    tx.commit().await?;
    Ok(document)
}

/// Rejects request `id` as `user` with `reason`, audited; no points move.
pub async fn reject(
    pool: &Pool,
    user: &User,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), RequestError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let request = pending_for(&*tx, user, id).await?;
    let reason = checked_reason(reason)?;
    tx.execute(
        "UPDATE point_adjustment_requests
         SET status = 'rejected', decided_by = $2, decided_at = $3, decision_reason = $4
         WHERE id = $1",
        &[&id, &user.name, &now, &reason],
    )
    .await?;
    audit::record(
        &*tx,
        now,
        &user.name,
        "points.adjust.reject",
        &request.member_id,
        Some(json!({ "request": id, "status": "pending" })),
        Some(json!({ "request": id, "status": "rejected", "reason": reason, "requested_by": request.requested_by })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn request_of(row: &tokio_postgres::Row) -> Request {
    Request {
        id: row.get(0),
        member_id: row.get(1),
        points: row.get(2),
        reason: row.get(3),
        requested_by: row.get(4),
        requested_at: row.get(5),
    }
}

/// The open requests, oldest first.
pub async fn pending(client: &impl GenericClient) -> Result<Vec<Request>, DbError> {
    Ok(client
        .query(
            "SELECT id, member_id, points, reason, requested_by, requested_at
             FROM point_adjustment_requests WHERE status = 'pending' ORDER BY requested_at, id",
            &[],
        )
        .await?
        .iter()
        .map(request_of)
        .collect())
}
