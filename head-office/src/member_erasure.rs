//! Erasing a member's personal data on request (个人信息删除, PIPL): the phone and name
//! leave head office's tables; the registration documents of the member and of the till
//! ids merged into it keep no value (a sealed one is stored in its hashed form already,
//! see `pos_domain::personal_data`; one written before sealing is redacted here and
//! marked, its recorded hash kept); every till is told to do the same
//! (`Change::MemberErased` replaces the member in the feed) and so are the integrations
//! (`member.erased`). The member's id, card, balance and ledger stay: sales and points
//! still add up, and documents name only the id.

use chrono::{DateTime, Utc};
use pos_domain::protocol::Change;
use serde::Serialize;
use serde_json::json;
use tokio_postgres::Client;

use crate::audit;
use crate::error::DbError;
use crate::feed::{self, FeedEntry};
use crate::integrations::events::{self, EventKind, NewEvent};

/// Longest reason kept.
pub const REASON_MAX_CHARS: usize = 200;

/// Why nothing was erased.
#[derive(Debug, thiserror::Error)]
pub enum EraseError {
    #[error("no member {0}")]
    NotFound(String),
    #[error("member {id}'s personal data was already erased at {at}")]
    AlreadyErased { id: String, at: DateTime<Utc> },
    #[error("say why (the request and who made it), in at most {REASON_MAX_CHARS} characters")]
    BadReason,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<tokio_postgres::Error> for EraseError {
    fn from(e: tokio_postgres::Error) -> Self {
        EraseError::Db(e.into())
    }
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Erasure {
    pub member_id: String,
    /// Till ids merged into the member: the tills forget them too.
    pub alias_ids: Vec<String>,
    /// Registration documents written before sealing, now redacted.
    pub redacted_documents: u64,
}

/// Erases member `member_id`'s personal data in one transaction, audited as `by`.
pub async fn erase(
    client: &mut Client,
    member_id: &str,
    by: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Erasure, EraseError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX_CHARS {
        return Err(EraseError::BadReason);
    }
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            "SELECT erased_at, card_no FROM members WHERE id = $1 FOR UPDATE",
            &[&member_id],
        )
        .await?
        .ok_or_else(|| EraseError::NotFound(member_id.to_owned()))?;
    if let Some(at) = row.get::<_, Option<DateTime<Utc>>>(0) {
        return Err(EraseError::AlreadyErased {
            id: member_id.to_owned(),
            at,
        });
    }
    let card_no: String = row.get(1);
    let alias_ids: Vec<String> = tx
        .query(
            "SELECT alias_id FROM member_aliases WHERE member_id = $1 ORDER BY alias_id",
            &[&member_id],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut ids = alias_ids.clone();
    ids.push(member_id.to_owned());

    tx.execute(
        "UPDATE members SET phone = NULL, name = '', erased_at = $2, erased_by = $3,
                erase_reason = $4
         WHERE id = $1",
        &[&member_id, &now, &by, &reason],
    )
    .await?;
    let redacted_documents = tx
        .execute(
            "UPDATE documents
             SET document = jsonb_set(jsonb_set(document::jsonb, '{body,phone}', '\"\"'),
                                      '{body,name}', '\"\"')::json,
                 redacted_at = $2
             WHERE kind = 'member_registration' AND redacted_at IS NULL
               AND document->'body'->>'member_id' = ANY($1)
               AND document->'body'->'seal' IS NULL",
            &[&ids, &now],
        )
        .await?;
    // A proposal to merge them could no longer be judged, and a merge would drop the
    // erasure's feed row before every till had read it.
    let proposals_closed = tx
        .execute(
            "UPDATE member_duplicate_proposals
             SET status = 'dismissed', decided_by = $2, decided_at = $3
             WHERE status = 'open' AND (member_a = $1 OR member_b = $1)",
            &[&member_id, &by, &now],
        )
        .await?;
    audit::record(
        &tx,
        now,
        by,
        "member.erase",
        member_id,
        Some(json!({ "card_no": card_no, "alias_ids": alias_ids })),
        Some(json!({
            "reason": reason,
            "redacted_documents": redacted_documents,
            "duplicate_proposals_dismissed": proposals_closed,
        })),
    )
    .await?;
    feed::publish(
        &tx,
        vec![FeedEntry::chain(Change::MemberErased {
            member_id: member_id.to_owned(),
            alias_ids: alias_ids.clone(),
        })],
    )
    .await?;
    events::record(
        &tx,
        &[NewEvent {
            kind: EventKind::MemberErased,
            member_id: Some(member_id.to_owned()),
            data: json!({ "alias_ids": alias_ids }),
        }],
    )
    .await?;
    tx.commit().await?;
    events::wake();
    Ok(Erasure {
        member_id: member_id.to_owned(),
        alias_ids,
        redacted_documents,
    })
}
