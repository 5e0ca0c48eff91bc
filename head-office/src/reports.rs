//! What head office reports for people: the daily close per store, sequence gaps, and
//! redemptions flagged for review.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use pos_domain::document::{Document, DocumentBody, TenderKind, TenderTotal};
use pos_domain::protocol::{DailyClose, SequenceGap, TerminalClose};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;
use tokio_postgres::types::Json;
use uuid::Uuid;

use crate::error::DbError;

/// Every terminal's Z report of `business_date` in `store_id`, with totals by tender.
/// Sums are checked: reports past what a total can hold (stored before validation
/// bounded them) are a typed error, never a panic.
pub async fn daily_close(
    client: &impl GenericClient,
    store_id: &str,
    business_date: NaiveDate,
) -> Result<DailyClose, DbError> {
    let rows = client
        .query(
            "SELECT document FROM documents
             WHERE store_id = $1 AND kind = 'z_report' AND business_date = $2
             ORDER BY terminal_id, sequence",
            &[&store_id, &business_date],
        )
        .await?;
    let mut terminals = Vec::with_capacity(rows.len());
    let mut tenders: BTreeMap<TenderKind, TenderTotal> = BTreeMap::new();
    let mut variance = Decimal::ZERO;
    let overflow = |what: &str| {
        DbError::Corrupt(format!(
            "the Z reports of store {store_id} on {business_date} add up past what a total can hold ({what})"
        ))
    };
    for row in rows {
        let Json(doc): Json<Document> = row
            .try_get(0)
            .map_err(|e| DbError::Corrupt(format!("stored Z report: {e}")))?;
        let DocumentBody::ZReport(z) = doc.body else {
            continue;
        };
        for t in &z.totals.tenders {
            let sum = tenders.entry(t.kind).or_insert(TenderTotal {
                kind: t.kind,
                amount: Decimal::ZERO,
                count: 0,
            });
            sum.amount = sum
                .amount
                .checked_add(t.amount)
                .ok_or_else(|| overflow(&format!("{} amount", t.kind.code())))?;
            sum.count = sum
                .count
                .checked_add(t.count)
                .ok_or_else(|| overflow(&format!("{} count", t.kind.code())))?;
        }
        variance = variance
            .checked_add(z.variance)
            .ok_or_else(|| overflow("variance"))?;
        terminals.push(TerminalClose {
            terminal_id: doc.terminal_id,
            document_id: doc.id,
            z_no: z.z_no,
            sales_count: z.totals.sales_count,
            sales_total: z.totals.sales_total,
            returns_count: z.totals.returns_count,
            returns_total: z.totals.returns_total,
            voids_count: z.totals.voids_count,
            voids_total: z.totals.voids_total,
            tenders: z.totals.tenders,
            expected_cash: z.totals.expected_cash,
            counted_cash: z.counted_cash,
            variance: z.variance,
        });
    }
    Ok(DailyClose {
        store_id: store_id.to_owned(),
        business_date,
        terminals,
        tenders: tenders.into_values().collect(),
        variance,
    })
}

/// Sequence gaps still open, of one store or of all.
pub async fn open_gaps(
    client: &impl GenericClient,
    store_id: Option<&str>,
) -> Result<Vec<SequenceGap>, DbError> {
    let rows = client
        .query(
            "SELECT store_id, terminal_id, from_sequence, to_sequence FROM sequence_gaps
             WHERE closed_at IS NULL AND ($1::text IS NULL OR store_id = $1)
             ORDER BY store_id, terminal_id, from_sequence",
            &[&store_id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| SequenceGap {
            store_id: r.get(0),
            terminal_id: r.get(1),
            from_sequence: u64::try_from(r.get::<_, i64>(2)).unwrap_or(0),
            to_sequence: u64::try_from(r.get::<_, i64>(3)).unwrap_or(0),
        })
        .collect())
}

/// A redemption that took a member's balance below zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdraftReview {
    pub document_id: Uuid,
    pub member_id: String,
    pub store_id: String,
    pub terminal_id: String,
    pub points_redeemed: i64,
    pub balance_before: i64,
    pub balance_after: i64,
    pub flagged_at: DateTime<Utc>,
}

/// What marking an overdraft reviewed found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewOutcome {
    /// Marked now.
    Reviewed,
    /// Someone marked it before; nothing changed.
    AlreadyReviewed,
    /// No overdraft was flagged for that document.
    NotFlagged,
}

/// Marks the overdraft of `document_id` reviewed (a person has settled it with the
/// member, e.g. by a point adjustment), so it leaves [`overdrafts`]. The flag row stays.
pub async fn mark_overdraft_reviewed(
    client: &impl GenericClient,
    document_id: Uuid,
    reviewed_by: &str,
) -> Result<ReviewOutcome, DbError> {
    mark_flag_reviewed(client, "overdraft_reviews", document_id, reviewed_by).await
}

/// Marks the flag of `document_id` in `table` (a table of flags keyed by document, with
/// `reviewed_at` and `reviewed_by`) reviewed; the row stays.
pub async fn mark_flag_reviewed(
    client: &impl GenericClient,
    table: &'static str,
    document_id: Uuid,
    reviewed_by: &str,
) -> Result<ReviewOutcome, DbError> {
    let row = client
        .query_one(
            &format!(
                "WITH marked AS (
                     UPDATE {table} SET reviewed_at = now(), reviewed_by = $2
                     WHERE document_id = $1 AND reviewed_at IS NULL
                     RETURNING 1
                 )
                 SELECT EXISTS (SELECT 1 FROM marked),
                        EXISTS (SELECT 1 FROM {table} WHERE document_id = $1)"
            ),
            &[&document_id, &reviewed_by],
        )
        .await?;
    Ok(match (row.get::<_, bool>(0), row.get::<_, bool>(1)) {
        (true, _) => ReviewOutcome::Reviewed,
        (false, true) => ReviewOutcome::AlreadyReviewed,
        (false, false) => ReviewOutcome::NotFlagged,
    })
}

/// Overdrafts nobody has reviewed yet, oldest first.
pub async fn overdrafts(client: &impl GenericClient) -> Result<Vec<OverdraftReview>, DbError> {
    let rows = client
        .query(
            "SELECT document_id, member_id, store_id, terminal_id, points_redeemed, balance_before,
                    balance_after, flagged_at
             FROM overdraft_reviews WHERE reviewed_at IS NULL ORDER BY flagged_at, document_id",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| OverdraftReview {
            document_id: r.get(0),
            member_id: r.get(1),
            store_id: r.get(2),
            terminal_id: r.get(3),
            points_redeemed: r.get(4),
            balance_before: r.get(5),
            balance_after: r.get(6),
            flagged_at: r.get(7),
        })
        .collect())
}
