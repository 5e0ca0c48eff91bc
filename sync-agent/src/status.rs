//! What the till's status bar shows about sync, and its copy in the data folder
//! (`sync-status.json`), so `sync-agent status` and a restarted agent know when the
//! last push and pull succeeded.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use pos_core::data_dir::DataDir;
use pos_core::store::OutboxStats;
use serde::{Deserialize, Serialize};

/// For the status bar: online or not, what waits, what was refused, when it last worked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncStatus {
    /// Head office answered the agent's last request.
    pub online: bool,
    /// Documents waiting to be sent (rejected ones not counted).
    pub waiting: u64,
    /// `created_at` of the oldest waiting document (RFC 3339).
    pub oldest_waiting: Option<String>,
    /// Documents head office refused, kept for the manager.
    pub rejected: u64,
    pub last_push_ok: Option<DateTime<Utc>>,
    pub last_pull_ok: Option<DateTime<Utc>>,
    /// The last failure, cleared by the next cycle that succeeds.
    pub last_error: Option<String>,
}

impl SyncStatus {
    /// This status with the outbox's counts.
    pub fn with_outbox(mut self, stats: OutboxStats) -> SyncStatus {
        self.waiting = stats.waiting;
        self.oldest_waiting = stats.oldest_waiting;
        self.rejected = stats.rejected;
        if self.last_error.is_none() && self.waiting > 0 {
            self.last_error = stats.last_error;
        }
        self
    }
}

pub fn status_path(data_dir: &DataDir) -> PathBuf {
    data_dir.path().join("sync-status.json")
}

/// The saved status; a missing or unreadable file means nothing is known yet.
pub fn load_status(data_dir: &DataDir) -> SyncStatus {
    std::fs::read(status_path(data_dir))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Saves the status atomically (temp file + rename); the file is a convenience, so a
/// failure is only logged.
pub fn save_status(data_dir: &DataDir, status: &SyncStatus) {
    let path = status_path(data_dir);
    if let Err(e) = write_atomically(
        &path,
        &serde_json::to_vec_pretty(status).expect("a status serialises"),
    ) {
        tracing::warn!(path = %path.display(), error = %e, "cannot save the sync status");
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn saves_and_loads_and_defaults_when_missing_or_broken() {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::new(dir.path());
        assert_eq!(load_status(&data), SyncStatus::default());
        let status = SyncStatus {
            online: true,
            last_push_ok: Some(Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap()),
            last_error: Some("head office did not answer within 60000 ms".into()),
            ..SyncStatus::default()
        };
        save_status(&data, &status);
        assert_eq!(load_status(&data), status);
        std::fs::write(status_path(&data), "{not json").unwrap();
        assert_eq!(load_status(&data), SyncStatus::default());
    }

    /// The status bar and `sync-agent status` read this shape; it must stay readable.
    #[test]
    fn reads_the_v1_fixture() {
        let status: SyncStatus =
            serde_json::from_str(include_str!("../tests/fixtures/status_v1.json")).unwrap();
        assert!(status.online);
        assert_eq!(status.waiting, 3);
        assert_eq!(status.rejected, 1);
        assert_eq!(
            status.last_pull_ok,
            Some(Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap())
        );
    }

    #[test]
    fn the_outbox_error_shows_only_while_documents_wait() {
        let stats = OutboxStats {
            waiting: 2,
            oldest_waiting: Some("2026-11-22T10:00:00Z".into()),
            rejected: 1,
            last_error: Some("timeout".into()),
        };
        let status = SyncStatus::default().with_outbox(stats.clone());
        assert_eq!(
            (
                status.waiting,
                status.rejected,
                status.last_error.as_deref()
            ),
            (2, 1, Some("timeout"))
        );
        let drained = SyncStatus::default().with_outbox(OutboxStats {
            waiting: 0,
            ..stats
        });
        assert_eq!(drained.last_error, None);
    }
}
