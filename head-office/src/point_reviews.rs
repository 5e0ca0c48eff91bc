//! Sales whose points differ from what the loyalty rules of their moment give (flagged
//! by ingest, `ingest/point_checks.rs`): listed on the console's tills page until a
//! person marks them reviewed (having adjusted the member's points if need be). Beside
//! them, members redeeming too often in a day ([`VelocityReview`]).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::error::DbError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointReview {
    pub document_id: Uuid,
    pub member_id: String,
    pub store_id: String,
    pub terminal_id: String,
    /// What the till said the sale earned.
    pub claimed: i64,
    /// What head office works out from the lines and the rules.
    pub computed: i64,
    pub flagged_at: DateTime<Utc>,
}

/// Flags nobody has reviewed yet, oldest first.
pub async fn open(client: &impl GenericClient) -> Result<Vec<PointReview>, DbError> {
    let rows = client
        .query(
            "SELECT document_id, member_id, store_id, terminal_id, claimed, computed, flagged_at
             FROM point_reviews WHERE reviewed_at IS NULL ORDER BY flagged_at, document_id",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| PointReview {
            document_id: r.get(0),
            member_id: r.get(1),
            store_id: r.get(2),
            terminal_id: r.get(3),
            claimed: r.get(4),
            computed: r.get(5),
            flagged_at: r.get(6),
        })
        .collect())
}

/// A member's day of redemptions past the chain's velocity thresholds (flagged by
/// ingest, `ingest/velocity.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VelocityReview {
    /// The redemption that crossed the threshold: the flag's id.
    pub document_id: Uuid,
    pub member_id: String,
    pub business_date: NaiveDate,
    /// The crossing redemption's store.
    pub store_id: String,
    pub redemptions: i32,
    pub points_redeemed: i64,
    /// Every redemption of the day, in the order they were rung up, and their stores.
    pub documents: Vec<Uuid>,
    pub stores: Vec<String>,
    pub flagged_at: DateTime<Utc>,
}

/// Velocity flags nobody has reviewed yet, oldest first.
pub async fn open_velocity(client: &impl GenericClient) -> Result<Vec<VelocityReview>, DbError> {
    let rows = client
        .query(
            "SELECT document_id, member_id, business_date, store_id, redemptions, points_redeemed,
                    documents, stores, flagged_at
             FROM velocity_reviews WHERE reviewed_at IS NULL ORDER BY flagged_at, document_id",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| VelocityReview {
            document_id: r.get(0),
            member_id: r.get(1),
            business_date: r.get(2),
            store_id: r.get(3),
            redemptions: r.get(4),
            points_redeemed: r.get(5),
            documents: r.get(6),
            stores: r.get(7),
            flagged_at: r.get(8),
        })
        .collect())
}
