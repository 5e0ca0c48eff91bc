use std::path::{Path, PathBuf};

/// What can go wrong with the till's file. Messages name the file so a person can act.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the till database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the till database {path} does not exist; create it with `pos init`")]
    Missing { path: PathBuf },
    #[error(
        "the till database {path} was written by a newer version of the till (schema {found}, this build knows {known}); install the newer version"
    )]
    SchemaTooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("cannot bring the till database {path} up to date: {message}")]
    Migration { path: PathBuf, message: String },
    #[error("the till database is busy or locked by another program; try again")]
    Locked,
    #[error("the till database holds a value it cannot read ({what}: {value})")]
    Corrupt { what: &'static str, value: String },
    #[error(
        "member {member_id}'s card {card_no} already belongs to member {holder_id}; one card number cannot belong to two members (check the catalog file or head office's member list)"
    )]
    CardTaken {
        card_no: String,
        member_id: String,
        holder_id: String,
    },
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl StoreError {
    pub(crate) fn open(path: &Path, source: rusqlite::Error) -> StoreError {
        if is_busy(&source) {
            return StoreError::Locked;
        }
        StoreError::Open {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn corrupt(what: &'static str, value: impl Into<String>) -> StoreError {
        StoreError::Corrupt {
            what,
            value: value.into(),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if is_busy(&e) {
            StoreError::Locked
        } else {
            StoreError::Sqlite(e)
        }
    }
}
