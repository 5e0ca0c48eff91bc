//! Store-and-forward sync between a till and head office.
//!
//! The till app embeds the agent through [`SyncHandle`]; the `sync-agent` binary runs the
//! same [`Agent`] headless (`run`, `once`, `status`).
//!
//! ```no_run
//! use std::time::Duration;
//! use pos_core::data_dir::ServerConfig;
//! use sync_agent::SyncHandle;
//!
//! let server = ServerConfig { url: "https://ho.example.cn".into(), token: "…".into() };
//! let sync = SyncHandle::spawn("/var/lib/pos".into(), server, Duration::from_secs(30));
//! // ... a sale was committed:
//! sync.nudge();
//! let status = sync.status(); // for the status bar
//! println!("{} waiting, online: {}", status.waiting, status.online);
//! sync.stop();
//! ```
//!
//! # Layout
//! - [`protocol`]: the wire types both sides speak (defined in `pos-domain`).
//! - [`client`]: the HTTP client (timeouts, gzip, size limits).
//! - [`push`]: the outbox to head office, batch by batch.
//! - [`pull`]: head office's change feed into the till file, page by page.
//! - [`backoff`]: exponential backoff with jitter and `Retry-After` (pure).
//! - [`lock`]: one agent per till, across processes.
//! - [`status`]: what the status bar shows.
//! - [`agent`]: a sync cycle and its bookkeeping; [`run`](mod@run): the loop.
//! - [`handle`]: the agent on its own thread, for the till app.
//!
//! # Architecture invariant
//! No SQLite transaction is held across an `.await`: each batch's acknowledgements
//! and each feed page are one synchronous transaction, so cancelling the agent
//! (shutdown, a timeout) never leaves the till file half-updated.

pub mod agent;
pub mod backoff;
pub mod client;
mod error;
pub mod handle;
pub mod lock;
/// The wire types, defined once in the domain so head office needs no client crate.
pub use pos_domain::protocol;
pub mod pull;
pub mod push;
pub mod run;
pub mod status;

pub use agent::{Agent, AgentConfig, CycleReport, Progress};
pub use error::SyncError;
pub use handle::SyncHandle;
pub use status::SyncStatus;
