//! The open proposals as the console lists them, with the evidence: both members'
//! cards, names, phones, balances and registration dates, and how the phones differ.
//! A proposal whose member is gone (merged elsewhere) is not listed.

use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;

use super::near::PhoneEvidence;
use crate::error::DbError;

/// Proposals on one page of the console.
pub const LISTED_MAX: i64 = 200;

/// One side of a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side {
    pub id: String,
    pub card_no: String,
    pub name: String,
    pub phone: String,
    pub points_balance: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub id: i64,
    pub a: Side,
    pub b: Side,
    pub evidence: Option<PhoneEvidence>,
    pub proposed_at: DateTime<Utc>,
}

/// The open proposals, oldest first, at most [`LISTED_MAX`].
pub async fn open(client: &impl GenericClient) -> Result<Vec<Proposal>, DbError> {
    let rows = client
        .query(
            "SELECT p.id, p.evidence, p.proposed_at,
                    a.id, a.card_no, a.name, coalesce(a.phone, ''), a.points_balance, a.created_at,
                    b.id, b.card_no, b.name, coalesce(b.phone, ''), b.points_balance, b.created_at
             FROM member_duplicate_proposals p
             JOIN members a ON a.id = p.member_a
             JOIN members b ON b.id = p.member_b
             WHERE p.status = 'open'
             ORDER BY p.id LIMIT $1",
            &[&LISTED_MAX],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let side = |at: usize| Side {
                id: r.get(at),
                card_no: r.get(at + 1),
                name: r.get(at + 2),
                phone: r.get(at + 3),
                points_balance: r.get(at + 4),
                created_at: r.get(at + 5),
            };
            Proposal {
                id: r.get(0),
                evidence: PhoneEvidence::parse(r.get(1)),
                proposed_at: r.get(2),
                a: side(3),
                b: side(9),
            }
        })
        .collect())
}

/// One open proposal's pair (`member_a`, `member_b`), if open.
pub async fn open_pair(
    client: &impl GenericClient,
    id: i64,
) -> Result<Option<(String, String)>, DbError> {
    Ok(client
        .query_opt(
            "SELECT member_a, member_b FROM member_duplicate_proposals WHERE id = $1 AND status = 'open'",
            &[&id],
        )
        .await?
        .map(|r| (r.get(0), r.get(1))))
}

/// Dismisses an open proposal (the pair is not proposed again); false when it was not
/// open.
pub async fn dismiss(
    client: &impl GenericClient,
    id: i64,
    by: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(client
        .execute(
            "UPDATE member_duplicate_proposals SET status = 'dismissed', decided_by = $2, decided_at = $3
             WHERE id = $1 AND status = 'open'",
            &[&id, &by, &at],
        )
        .await?
        == 1)
}
