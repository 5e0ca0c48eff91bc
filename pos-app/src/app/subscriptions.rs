//! What the window listens to besides keys (which come from the view's root widget, see
//! `keys::route`): the timer, the serial scanner, the sync agent's status and the
//! printer thread's outcomes. The agent's status and the printer's outcomes arrive as
//! messages the moment they happen, not on a poll.

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use iced::Subscription;
use iced::futures::SinkExt;
use sync_agent::{SyncHandle, SyncStatus};
use tokio::sync::watch;

use super::printing::{Outcome, Outcomes};
use super::{App, Message, TICK, scanning};

/// The embedded sync agent and the feed of its statuses.
pub struct Agent {
    pub handle: SyncHandle,
    feed: SyncFeed,
}

impl Agent {
    pub fn new(handle: SyncHandle) -> Agent {
        let feed = SyncFeed::new(handle.subscribe());
        Agent { handle, feed }
    }

    pub fn feed(&self) -> &SyncFeed {
        &self.feed
    }
}

/// The sync agent's statuses, as it publishes them. `id` tells one agent's feed from
/// the next one's (a new server address starts a new agent).
#[derive(Debug, Clone)]
pub struct SyncFeed {
    id: u64,
    status: watch::Receiver<SyncStatus>,
}

/// Tells sync agents apart, across configurations.
static NEXT_AGENT: AtomicU64 = AtomicU64::new(1);

impl SyncFeed {
    pub fn new(status: watch::Receiver<SyncStatus>) -> SyncFeed {
        SyncFeed {
            id: NEXT_AGENT.fetch_add(1, Ordering::Relaxed),
            status,
        }
    }

    /// The agent's latest status (what the subscription last sent, or newer).
    pub fn latest(&self) -> SyncStatus {
        self.status.borrow().clone()
    }

    /// A receiver of the agent's statuses of its own, to wait for the next one.
    pub fn receiver(&self) -> watch::Receiver<SyncStatus> {
        self.status.clone()
    }
}

impl Hash for SyncFeed {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

/// A printer thread's outcomes, as a subscription's identity: the thread's id.
#[derive(Debug, Clone)]
struct PrinterFeed(Outcomes);

impl Hash for PrinterFeed {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.id.hash(state);
    }
}

impl App {
    pub fn subscription(&self) -> Subscription<Message> {
        let mut subscriptions = vec![iced::time::every(TICK).map(Message::Tick)];
        if let Some(scanner) = &self.config.scanner {
            subscriptions.push(scanning::serial(scanner).map(Message::Scanner));
        }
        if let Some(agent) = &self.sync {
            subscriptions.push(sync_statuses(agent.feed().clone()).map(Message::Synced));
        }
        if let Some(printer) = &self.printer {
            subscriptions.push(printer_outcomes(printer.outcomes().clone()).map(Message::Printed));
        }
        Subscription::batch(subscriptions)
    }

    /// The sync agent's feed, while one runs (tests read its statuses as the window's
    /// subscription would).
    pub fn sync_feed(&self) -> Option<&SyncFeed> {
        self.sync.as_ref().map(Agent::feed)
    }
}

/// Every status the sync agent publishes, the current one first.
pub fn sync_statuses(feed: SyncFeed) -> Subscription<SyncStatus> {
    Subscription::run_with(feed, |feed| statuses(feed.status.clone()))
}

/// The statuses of a watch channel as a stream: the current one, then each change; it
/// ends when the agent is gone.
fn statuses(
    mut status: watch::Receiver<SyncStatus>,
) -> impl iced::futures::Stream<Item = SyncStatus> {
    iced::stream::channel(1, async move |mut output| {
        let current = status.borrow_and_update().clone();
        if output.send(current).await.is_err() {
            return;
        }
        while status.changed().await.is_ok() {
            let next = status.borrow_and_update().clone();
            if output.send(next).await.is_err() {
                return;
            }
        }
    })
}

/// Every outcome of the printer thread, in the order they happened.
fn printer_outcomes(outcomes: Outcomes) -> Subscription<Outcome> {
    Subscription::run_with(PrinterFeed(outcomes), |feed| {
        let outcomes = feed.0.clone();
        iced::stream::channel(16, async move |mut output| {
            // The printer thread speaks std channels; a named thread hands its outcomes
            // over, and ends with the printer thread.
            let forward = std::thread::Builder::new()
                .name("printer-forward".into())
                .spawn(move || {
                    while let Some(outcome) = outcomes.next_blocking() {
                        if iced::futures::executor::block_on(output.send(outcome)).is_err() {
                            break;
                        }
                    }
                });
            if forward.is_err() {
                return;
            }
            std::future::pending::<()>().await
        })
    })
}

#[cfg(test)]
mod tests {
    use iced::futures::StreamExt;
    use iced::futures::executor::block_on;

    use super::*;

    #[test]
    fn the_sync_feed_sends_the_current_status_then_each_change_then_ends() {
        let (publish, receiver) = watch::channel(SyncStatus::default());
        let mut stream = Box::pin(statuses(receiver));
        assert_eq!(block_on(stream.next()), Some(SyncStatus::default()));
        let online = SyncStatus {
            online: true,
            waiting: 2,
            ..SyncStatus::default()
        };
        publish.send(online.clone()).expect("a listener");
        assert_eq!(block_on(stream.next()), Some(online));
        drop(publish);
        assert_eq!(block_on(stream.next()), None, "ends with the agent");
    }
}
