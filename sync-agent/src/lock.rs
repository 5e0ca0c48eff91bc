//! Only one agent syncs a till at a time, whichever process runs it (the till app's
//! embedded agent, `sync-agent run`, `sync-agent once`): an exclusive OS file lock
//! (`flock`) on `DATA_DIR/sync.lock`. The OS drops it when the holder exits or
//! crashes, so a stale lock cannot block a till.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::SyncError;

/// Held while syncing; released on drop.
#[derive(Debug)]
pub struct SyncLock {
    file: File,
    path: PathBuf,
}

impl SyncLock {
    /// The lock if nobody holds it; `Err(SyncError::Busy)` if another agent does.
    pub fn try_acquire(path: &Path) -> Result<SyncLock, SyncError> {
        let file = open(path)?;
        match file.try_lock() {
            Ok(()) => Ok(SyncLock::held(file, path)),
            Err(TryLockError::WouldBlock) => Err(SyncError::Busy),
            Err(TryLockError::Error(source)) => Err(SyncError::Lock {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Waits up to `wait` for the lock. The wait happens on a detached thread blocked
    /// in the OS call; on timeout it is left behind and, should it get the lock later,
    /// lets go of it at once. (Not tokio's blocking pool: a runtime waits for those.)
    pub async fn acquire_within(path: &Path, wait: Duration) -> Result<SyncLock, SyncError> {
        let file = open(path)?;
        let (sender, receiver) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("sync-lock-wait".into())
            .spawn(move || {
                // If nobody listens any more, the file (and the lock) is dropped here.
                let _ = sender.send(file.lock().map(|()| file));
            })
            .map_err(|source| SyncError::Lock {
                path: path.to_path_buf(),
                source,
            })?;
        match tokio::time::timeout(wait, receiver).await {
            Err(_) => Err(SyncError::Busy),
            Ok(Err(_)) => Err(SyncError::Lock {
                path: path.to_path_buf(),
                source: std::io::Error::other("the waiting thread died"),
            }),
            Ok(Ok(Err(source))) => Err(SyncError::Lock {
                path: path.to_path_buf(),
                source,
            }),
            Ok(Ok(Ok(file))) => Ok(SyncLock::held(file, path)),
        }
    }

    fn held(mut file: File, path: &Path) -> SyncLock {
        // Who holds it, for a person looking at the file; the lock is what counts.
        let _ = file
            .set_len(0)
            .and_then(|()| writeln!(file, "{}", std::process::id()));
        SyncLock {
            file,
            path: path.to_path_buf(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for SyncLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// Whether some agent holds the lock now (for `sync-agent status`).
pub fn is_held(path: &Path) -> Result<bool, SyncError> {
    match SyncLock::try_acquire(path) {
        Ok(_) => Ok(false),
        Err(SyncError::Busy) => Ok(true),
        Err(e) => Err(e),
    }
}

fn open(path: &Path) -> Result<File, SyncError> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|source| SyncError::Lock {
            path: path.to_path_buf(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sync.lock");
        let first = SyncLock::try_acquire(&path).unwrap();
        assert!(matches!(SyncLock::try_acquire(&path), Err(SyncError::Busy)));
        assert!(is_held(&path).unwrap());
        drop(first);
        assert!(!is_held(&path).unwrap());
        let second = SyncLock::try_acquire(&path).unwrap();
        assert_eq!(second.path(), path);
        let pid: u32 = std::fs::read_to_string(&path)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(pid, std::process::id());
    }

    #[tokio::test]
    async fn waiting_gets_the_lock_once_it_is_free_and_gives_up_after_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sync.lock");
        let first = SyncLock::try_acquire(&path).unwrap();
        let refused = SyncLock::acquire_within(&path, Duration::from_millis(50)).await;
        assert!(matches!(refused, Err(SyncError::Busy)), "{refused:?}");
        drop(first);
        // The thread left waiting above may take the lock for a moment and let go.
        let got = SyncLock::acquire_within(&path, Duration::from_secs(10)).await;
        assert!(got.is_ok(), "{got:?}");
    }

    #[test]
    fn a_missing_folder_is_a_clear_error() {
        let err = SyncLock::try_acquire(Path::new("/nonexistent-folder/sync.lock")).unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent-folder/sync.lock"),
            "{err}"
        );
    }
}
