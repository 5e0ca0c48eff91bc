//! The audit log: every change made through the console, who, when, what, before and
//! after. Rows are only added (the table's trigger refuses UPDATE, DELETE, TRUNCATE).

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio_postgres::GenericClient;

use crate::error::DbError;

/// One change, as the log keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_name: String,
    pub action: String,
    pub subject: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Records a change, in the transaction that makes it.
pub async fn record(
    client: &impl GenericClient,
    at: DateTime<Utc>,
    user_name: &str,
    action: &str,
    subject: &str,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), DbError> {
    client
        .execute(
            "INSERT INTO audit_log (at, user_name, action, subject, before, after)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[&at, &user_name, &action, &subject, &before, &after],
        )
        .await?;
    Ok(())
}

/// The newest entries first, at most `limit`.
pub async fn latest(client: &impl GenericClient, limit: i64) -> Result<Vec<AuditEntry>, DbError> {
    let rows = client
        .query(
            "SELECT id, at, user_name, action, subject, before, after FROM audit_log
             ORDER BY id DESC LIMIT $1",
            &[&limit],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| AuditEntry {
            id: r.get(0),
            at: r.get(1),
            user_name: r.get(2),
            action: r.get(3),
            subject: r.get(4),
            before: r.get(5),
            after: r.get(6),
        })
        .collect())
}
