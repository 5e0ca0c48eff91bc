//! Why a batch's transaction failed, and whether one document is to blame.

use uuid::Uuid;

use crate::error::DbError;

#[derive(Debug, thiserror::Error)]
pub enum Fault {
    #[error(transparent)]
    Db(#[from] DbError),
    /// A document whose effects head office cannot apply (a sum past the largest
    /// number it stores).
    #[error("document {id}: {reason}")]
    Document { id: Uuid, reason: String },
}

impl Fault {
    pub fn document(id: Uuid, reason: impl Into<String>) -> Fault {
        Fault::Document {
            id,
            reason: reason.into(),
        }
    }

    pub fn is_retryable(&self) -> bool {
        matches!(self, Fault::Db(e) if e.is_retryable())
    }

    /// True when the data of the documents is what the database refused (a value it
    /// cannot store, a constraint the data breaks), so storing them one by one finds
    /// the culprit. A connection lost, a timeout or a lock conflict is nobody's
    /// document: the batch fails whole and the till sends it again.
    pub fn is_document_fault(&self) -> bool {
        let Fault::Db(DbError::Postgres(e)) = self else {
            return matches!(self, Fault::Document { .. });
        };
        let Some(code) = e.code() else {
            return false;
        };
        // 22: data exception (bad encoding, value out of range), 23: integrity
        // constraint, 54: program limit exceeded (an index row too large).
        ["22", "23", "54"]
            .iter()
            .any(|class| code.code().starts_with(class))
    }

    /// What the till is told about a document this fault rejects.
    pub fn reason(&self) -> String {
        match self {
            Fault::Document { reason, .. } => reason.clone(),
            Fault::Db(DbError::Postgres(e)) => match e.as_db_error() {
                Some(db) => format!(
                    "head office's database refused this document ({}, SQLSTATE {}); it was not stored",
                    db.message(),
                    db.code().code()
                ),
                None => format!("head office's database refused this document ({e})"),
            },
            Fault::Db(e) => format!("head office could not store this document ({e})"),
        }
    }

    pub fn into_db(self) -> DbError {
        match self {
            Fault::Db(e) => e,
            // Ingest answers these per document; this is for a caller that cannot.
            Fault::Document { id, reason } => {
                DbError::Corrupt(format!("document {id} cannot be applied: {reason}"))
            }
        }
    }
}

impl From<tokio_postgres::Error> for Fault {
    fn from(e: tokio_postgres::Error) -> Self {
        Fault::Db(e.into())
    }
}
