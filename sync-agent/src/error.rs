//! What can go wrong while syncing, and whether waiting and trying again can help.

use std::path::PathBuf;
use std::time::Duration;

use pos_core::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("no head office is configured for this till (pos init --server URL --token T)")]
    NotConfigured,
    #[error("the head office address {url:?} is not usable: {message}")]
    BadServerUrl { url: String, message: String },
    #[error("the till file is not initialised (pos init)")]
    NotInitialised,
    #[error("cannot reach head office: {0}")]
    Unreachable(String),
    #[error("head office did not answer within {timeout_ms} ms")]
    Timeout { timeout_ms: u64 },
    #[error("head office answered {status}: {message}")]
    Http {
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    #[error("head office's answer does not fit the request: {0}")]
    Protocol(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("another sync agent is working on this till")]
    Busy,
    #[error("sync lock {path}: {source}")]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl SyncError {
    /// How long head office asked us to wait, when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            SyncError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// True when head office (or the line to it) failed, as opposed to this till.
    pub fn is_remote(&self) -> bool {
        matches!(
            self,
            SyncError::Unreachable(_)
                | SyncError::Timeout { .. }
                | SyncError::Http { .. }
                | SyncError::Protocol(_)
        )
    }
}
