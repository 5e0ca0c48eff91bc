//! Who gets the till file's write lock first. The counter's documents and the sync
//! agent's feed pages are written on separate connections (the agent runs on its own
//! thread), and SQLite gives the lock to whichever asks at the right moment: with its
//! default busy handler, which sleeps up to 100 ms between tries, a sale could wait for a
//! whole 200,000-SKU pull (seconds) while page after page took the lock. So:
//!
//! - every connection retries a busy lock every millisecond (up to [`BUSY_WAIT`]), and
//! - a document waiting for the lock is counted here; a feed page does not start while one
//!   waits in this process (up to [`FEED_YIELD_MAX`]), so a sale waits at most for the
//!   page in progress.
//!
//! A pull also lets the WAL grow to 64 MiB and checkpoints it when it ends. A sale's
//! commit on the till's connection would otherwise run SQLite's automatic checkpoint
//! (past 1,000 WAL pages) and copy the pull's pages into the file itself; while a page
//! was begun in the last [`FEED_ACTIVE_FOR`], a document's commit skips that checkpoint.
//!
//! The standalone `sync-agent` process does not see these; there the 1 ms retries
//! still find the gap between two pages most of the time.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Longest a connection waits for a lock another connection holds.
pub const BUSY_WAIT: Duration = Duration::from_secs(5);
/// How long one retry sleeps.
const BUSY_RETRY: Duration = Duration::from_millis(1);
/// Longest a feed page holds back for documents waiting for the lock.
pub const FEED_YIELD_MAX: Duration = Duration::from_secs(1);

/// A pull counts as running this long after its last page began (a pull that died
/// without ending stops counting by itself).
pub const FEED_ACTIVE_FOR: Duration = Duration::from_secs(5);

static DOCUMENTS_WAITING: AtomicUsize = AtomicUsize::new(0);
/// When the last feed page began, in milliseconds since [`EPOCH`]; 0 for never.
static FEED_PAGE_BEGUN_MS: AtomicU64 = AtomicU64::new(0);
static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);

fn millis_since_epoch() -> u64 {
    // +1 so that a page begun in the first millisecond is not "never".
    u64::try_from(EPOCH.elapsed().as_millis()).unwrap_or(u64::MAX) + 1
}

/// A feed page begins now.
pub(super) fn feed_page_begun() {
    FEED_PAGE_BEGUN_MS.store(millis_since_epoch(), Ordering::SeqCst);
}

/// A pull ended: documents checkpoint as usual again.
pub(super) fn feed_ended() {
    FEED_PAGE_BEGUN_MS.store(0, Ordering::SeqCst);
}

/// Whether a pull in this process began a page within [`FEED_ACTIVE_FOR`].
pub(super) fn feed_active() -> bool {
    let begun = FEED_PAGE_BEGUN_MS.load(Ordering::SeqCst);
    begun != 0
        && millis_since_epoch().saturating_sub(begun)
            < u64::try_from(FEED_ACTIVE_FOR.as_millis()).unwrap_or(u64::MAX)
}

/// SQLite's busy handler for every till connection: sleep a millisecond and try again,
/// until [`BUSY_WAIT`] has passed.
pub(super) fn retry_busy(prior_calls: i32) -> bool {
    let tries_max = (BUSY_WAIT.as_millis() / BUSY_RETRY.as_millis()) as i32;
    if prior_calls >= tries_max {
        return false;
    }
    std::thread::sleep(BUSY_RETRY);
    true
}

/// Counts a document waiting for the write lock while it lives.
pub(super) struct DocumentWaiting;

impl DocumentWaiting {
    pub(super) fn new() -> DocumentWaiting {
        DOCUMENTS_WAITING.fetch_add(1, Ordering::SeqCst);
        DocumentWaiting
    }
}

impl Drop for DocumentWaiting {
    fn drop(&mut self) {
        DOCUMENTS_WAITING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Lets documents waiting for the lock go first, for at most [`FEED_YIELD_MAX`].
pub(super) fn let_documents_go_first() {
    let deadline = Instant::now() + FEED_YIELD_MAX;
    while DOCUMENTS_WAITING.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(200));
    }
}
