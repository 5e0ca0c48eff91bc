//! `head-office check-documents`: every stored document still hashes to the content hash
//! recorded when it arrived (the hash a till's journal holds and a resend is compared
//! with). A registration written before sealing and redacted by an erasure
//! ([`crate::member_erasure`]) is counted apart: its bytes changed on purpose.

use serde::Serialize;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::error::DbError;

/// Mismatched documents listed at most.
const LISTED_MAX: i32 = 20;

/// What the check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentCheck {
    pub documents: i64,
    pub redacted: i64,
    pub mismatched: i64,
    /// The first mismatched documents, by id.
    pub first_mismatched: Vec<Uuid>,
}

impl DocumentCheck {
    pub fn passed(&self) -> bool {
        self.mismatched == 0
    }
}

/// Rehashes every stored document's bytes (stored as received: `json`, not `jsonb`).
pub async fn check_documents(client: &impl GenericClient) -> Result<DocumentCheck, DbError> {
    let row = client
        .query_one(
            "WITH checked AS (
                 SELECT id, redacted_at IS NOT NULL AS redacted,
                        encode(sha256(convert_to(document::text, 'UTF8')), 'hex') <> content_hash
                            AS differs
                 FROM documents)
             SELECT count(*), count(*) FILTER (WHERE redacted),
                    count(*) FILTER (WHERE differs AND NOT redacted),
                    coalesce((array_agg(id ORDER BY id) FILTER (WHERE differs AND NOT redacted))[1:$1],
                             '{}')
             FROM checked",
            &[&LISTED_MAX],
        )
        .await?;
    Ok(DocumentCheck {
        documents: row.get(0),
        redacted: row.get(1),
        mismatched: row.get(2),
        first_mismatched: row.get(3),
    })
}
