//! The agent of one till: a sync cycle (push, then pull) under the till's sync lock,
//! the status it leaves behind, and how long to wait before the next cycle.

use std::time::Duration;

use chrono::Utc;
use pos_core::data_dir::{DataDir, ServerConfig};
use pos_core::store::{Store, TillIdentity};

use crate::backoff::Backoff;
use crate::client::{HeadOfficeClient, Timeouts};
use crate::error::SyncError;
use crate::lock::SyncLock;
use crate::protocol::{BATCH_DOCUMENTS_MAX, FEED_LIMIT_MAX};
use crate::pull::{PullReport, pull_all};
use crate::push::{PushReport, push_all};
use crate::status::{SyncStatus, load_status, save_status};

/// Cycles one [`Agent::drain`] runs at most.
pub const DRAIN_CYCLES_MAX: u32 = 1_000;

/// Page cache of the agent's own connection to the till file: measured 19.6% faster on a
/// 200,000-SKU feed than SQLite's 2 MiB default (BENCHMARKS.md); the till's own
/// connection keeps the default to stay small.
pub const FEED_PAGE_CACHE_MIB: u32 = 64;

/// How the agent behaves; [`AgentConfig::default`] is what a till uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentConfig {
    /// Time between cycles when all is well (a nudge starts one sooner).
    pub interval: Duration,
    pub timeouts: Timeouts,
    /// Wait after failures.
    pub backoff: Backoff,
    /// Documents per batch, at most [`BATCH_DOCUMENTS_MAX`].
    pub batch_documents_max: usize,
    /// Changes per feed page asked for, at most [`FEED_LIMIT_MAX`].
    pub feed_page_limit: u32,
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            interval: Duration::from_secs(30),
            timeouts: Timeouts::default(),
            backoff: Backoff::default(),
            batch_documents_max: BATCH_DOCUMENTS_MAX,
            feed_page_limit: FEED_LIMIT_MAX,
        }
    }
}

/// What one cycle did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CycleReport {
    pub push: PushReport,
    pub pull: PullReport,
    /// Documents still waiting after the push (sold meanwhile, or past the batch cap).
    pub waiting_after_push: u64,
}

impl CycleReport {
    /// Nothing left to send and nothing left to read.
    pub fn is_complete(&self) -> bool {
        self.waiting_after_push == 0 && self.pull.drained
    }
}

/// Progress of a cycle, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Pushing {
        delivered: u64,
        rejected: u64,
        waiting_at_start: u64,
    },
    Pulling {
        pages: u64,
        changes: u64,
    },
}

/// One till's agent: its head office client, its own connection to the till file
/// (opened on first use) and its status.
pub struct Agent {
    data_dir: DataDir,
    client: HeadOfficeClient,
    config: AgentConfig,
    till: Option<(Store, TillIdentity)>,
    status: SyncStatus,
    failures_in_a_row: u32,
}

impl Agent {
    pub fn new(
        data_dir: DataDir,
        server: &ServerConfig,
        config: AgentConfig,
    ) -> Result<Agent, SyncError> {
        let client = HeadOfficeClient::new(server, config.timeouts)?;
        let status = load_status(&data_dir);
        Ok(Agent {
            data_dir,
            client,
            config,
            till: None,
            status,
            failures_in_a_row: 0,
        })
    }

    pub fn config(&self) -> &AgentConfig {
        &self.config
    }

    pub fn status(&self) -> &SyncStatus {
        &self.status
    }

    /// One cycle if no other agent is syncing this till (else [`SyncError::Busy`]).
    pub async fn sync_once(
        &mut self,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<CycleReport, SyncError> {
        let result = match SyncLock::try_acquire(&self.data_dir.sync_lock_path()) {
            Ok(lock) => self.cycle(&lock, progress).await,
            Err(e) => Err(e),
        };
        self.record(&result);
        result
    }

    /// Cycles until everything is sent and read (at most [`DRAIN_CYCLES_MAX`] cycles:
    /// a till selling meanwhile can keep the outbox from ever being empty; check
    /// [`CycleReport::is_complete`]), retrying failures of head office or the line up to
    /// `attempts_max` times with backoff. Waits up to `lock_wait` for another agent to
    /// finish first.
    pub async fn drain(
        &mut self,
        attempts_max: u32,
        lock_wait: Duration,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<CycleReport, SyncError> {
        let lock = match SyncLock::acquire_within(&self.data_dir.sync_lock_path(), lock_wait).await
        {
            Ok(lock) => lock,
            Err(e) => {
                self.note(Some(&e));
                return Err(e);
            }
        };
        let mut total = CycleReport::default();
        let mut attempt = 0;
        for _ in 0..DRAIN_CYCLES_MAX {
            let result = self.cycle(&lock, progress).await;
            self.record(&result);
            match result {
                Ok(report) => {
                    total.push = add_push(total.push, report.push);
                    total.pull = PullReport {
                        pages: total.pull.pages + report.pull.pages,
                        changes: total.pull.changes + report.pull.changes,
                        unknown: total.pull.unknown + report.pull.unknown,
                        ..report.pull
                    };
                    total.waiting_after_push = report.waiting_after_push;
                    if report.is_complete() {
                        return Ok(total);
                    }
                }
                Err(e) if e.is_remote() && attempt + 1 < attempts_max => {
                    attempt += 1;
                    tokio::time::sleep(self.delay_after_failure(&e, rand::random())).await;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(total)
    }

    /// Re-reads the outbox counts (cheap) without syncing.
    pub fn refresh_status(&mut self) {
        let stats = self.till().and_then(|(store, _)| Ok(store.outbox_stats()?));
        match stats {
            Ok(stats) => self.status = self.status.clone().with_outbox(stats),
            Err(e) => self.status.last_error = Some(e.to_string()),
        }
    }

    /// The wait before the next cycle after `result`, with `random` in `[0, 1)`.
    pub fn delay_after(
        &mut self,
        result: &Result<CycleReport, SyncError>,
        random: f64,
    ) -> Duration {
        match result {
            Ok(_) | Err(SyncError::Busy) => {
                self.failures_in_a_row = 0;
                self.config.interval
            }
            Err(e) => self.delay_after_failure(e, random),
        }
    }

    fn delay_after_failure(&mut self, e: &SyncError, random: f64) -> Duration {
        self.failures_in_a_row = self.failures_in_a_row.saturating_add(1);
        self.config
            .backoff
            .delay(self.failures_in_a_row, random, e.retry_after())
    }

    async fn cycle(
        &mut self,
        _lock: &SyncLock,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<CycleReport, SyncError> {
        let batch_documents_max = self.config.batch_documents_max;
        let page_limit = self.config.feed_page_limit;
        let client = self.client.clone();
        let (store, identity) = self.till()?;
        let waiting_at_start = store.outbox_stats()?.waiting;
        let push = push_all(
            store,
            &client,
            identity,
            batch_documents_max,
            &Utc::now,
            &mut |r| {
                progress(Progress::Pushing {
                    delivered: r.delivered(),
                    rejected: r.rejected,
                    waiting_at_start,
                })
            },
        )
        .await?;
        let waiting_after_push = store.outbox_stats()?.waiting;
        self.status.last_push_ok = Some(Utc::now());
        self.status.online = true;
        let (store, _) = self.till()?;
        let pull = pull_all(store, &client, page_limit, &mut |r| {
            progress(Progress::Pulling {
                pages: r.pages,
                changes: r.changes,
            })
        })
        .await?;
        self.status.last_pull_ok = Some(Utc::now());
        Ok(CycleReport {
            push,
            pull,
            waiting_after_push,
        })
    }

    /// The till file, opened on first use and kept open, with a page cache large enough
    /// for a full feed.
    fn till(&mut self) -> Result<(&mut Store, &TillIdentity), SyncError> {
        if self.till.is_none() {
            let store = Store::open_existing(&self.data_dir.till_path())?;
            store.set_page_cache_mib(FEED_PAGE_CACHE_MIB)?;
            let identity = store.identity()?.ok_or(SyncError::NotInitialised)?;
            self.till = Some((store, identity));
        }
        let (store, identity) = self.till.as_mut().expect("opened above");
        Ok((store, identity))
    }

    /// Notes the outcome in the status (and its file).
    fn record<T>(&mut self, result: &Result<T, SyncError>) {
        self.note(result.as_ref().err());
    }

    fn note(&mut self, error: Option<&SyncError>) {
        match error {
            None => self.status.last_error = None,
            Some(e) => {
                if e.is_remote() {
                    self.status.online = false;
                }
                self.status.last_error = Some(e.to_string());
            }
        }
        self.refresh_status();
        // The agent holding the lock keeps the file; a waiting one would only say "busy".
        if !matches!(error, Some(SyncError::Busy)) {
            save_status(&self.data_dir, &self.status);
        }
    }
}

fn add_push(a: PushReport, b: PushReport) -> PushReport {
    PushReport {
        batches: a.batches + b.batches,
        accepted: a.accepted + b.accepted,
        duplicate: a.duplicate + b.duplicate,
        rejected: a.rejected + b.rejected,
    }
}
