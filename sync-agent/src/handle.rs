//! The agent embedded in the till app: its own thread, its own tokio runtime and its
//! own SQLite connection, so the UI never waits on the network or on a push.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use pos_core::data_dir::{DataDir, ServerConfig};
use tokio::sync::{Notify, watch};

use crate::agent::{Agent, AgentConfig};
use crate::run::run;
use crate::status::SyncStatus;

/// A running agent. Stops (and waits for its thread) on [`SyncHandle::stop`] or drop.
pub struct SyncHandle {
    nudge: Arc<Notify>,
    status: watch::Receiver<SyncStatus>,
    stop: watch::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl SyncHandle {
    /// Starts the agent on its own thread (its own tokio runtime and its own SQLite
    /// connection to the till file); it pushes and pulls every `interval` and at once
    /// after `nudge()`.
    pub fn spawn(data_dir: PathBuf, server: ServerConfig, interval: Duration) -> SyncHandle {
        SyncHandle::spawn_with(
            data_dir,
            server,
            AgentConfig {
                interval,
                ..AgentConfig::default()
            },
        )
    }

    /// [`SyncHandle::spawn`] with every setting given (tests use short timeouts).
    pub fn spawn_with(data_dir: PathBuf, server: ServerConfig, config: AgentConfig) -> SyncHandle {
        let nudge = Arc::new(Notify::new());
        let (publish, status) = watch::channel(SyncStatus::default());
        let (stop, stopped) = watch::channel(false);
        let thread = {
            let nudge = nudge.clone();
            std::thread::Builder::new()
                .name("sync-agent".into())
                .spawn(move || {
                    agent_thread(
                        DataDir::new(data_dir),
                        server,
                        config,
                        nudge,
                        publish,
                        stopped,
                    )
                })
                .expect("the OS starts a thread")
        };
        SyncHandle {
            nudge,
            status,
            stop,
            thread: Some(thread),
        }
    }

    /// A document was just committed: push soon.
    pub fn nudge(&self) {
        self.nudge.notify_one();
    }

    /// The latest status; never blocks on the agent.
    pub fn status(&self) -> SyncStatus {
        self.status.borrow().clone()
    }

    /// Every new status as it happens (e.g. for an iced subscription, or to wait for
    /// the outbox to empty).
    pub fn subscribe(&self) -> watch::Receiver<SyncStatus> {
        self.status.clone()
    }

    /// Stops the agent and waits for its thread; a request in flight is abandoned.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for SyncHandle {
    fn drop(&mut self) {
        self.shut_down();
    }
}

fn agent_thread(
    data_dir: DataDir,
    server: ServerConfig,
    config: AgentConfig,
    nudge: Arc<Notify>,
    publish: watch::Sender<SyncStatus>,
    mut stopped: watch::Receiver<bool>,
) {
    let fail = |message: String| {
        publish.send_replace(SyncStatus {
            last_error: Some(message),
            ..SyncStatus::default()
        });
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return fail(format!("cannot start the sync runtime: {e}")),
    };
    let agent = match Agent::new(data_dir, &server, config) {
        Ok(agent) => agent,
        Err(e) => return fail(e.to_string()),
    };
    let shutdown = async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    runtime.block_on(run(agent, nudge, shutdown, |status| {
        publish.send_replace(status.clone());
    }));
}
