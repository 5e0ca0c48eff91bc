//! The outbound event feed of integrations: members created, merged and changed, sales,
//! returns, voids and point changes, each with a cursor.
//!
//! An event is written by the transaction that makes what it reports (ingest, an
//! upsert, an import), so none is lost or invented. Its cursor is taken under a
//! transaction-scoped advisory lock held until commit, as the tills' feed does
//! ([`crate::feed`]): transactions publish in cursor order, so a reader that saw cursor
//! N never later finds a smaller one. Events copy no phone or name: member events carry
//! the member's id and which fields changed; a reader joins the member's current fields.

use std::sync::LazyLock;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::Notify;
use tokio_postgres::GenericClient;

use crate::error::DbError;

/// Advisory lock key of event writers ("EVNT"). Always taken after the tills' feed lock
/// (when a transaction takes both), never before it, so the two cannot deadlock.
const EVENTS_LOCK_KEY: i64 = 0x4556_4e54;

/// Most events in one page.
pub const EVENTS_LIMIT_MAX: u32 = 1_000;
/// Events in a page when the reader does not say.
pub const EVENTS_LIMIT_DEFAULT: u32 = 100;
/// Longest a long poll waits for an event, in seconds.
pub const WAIT_SECONDS_MAX: u64 = 60;
/// A long poll reads again at least this often, for events written by another process
/// (a command-line import), which cannot wake this one.
const RECHECK: Duration = Duration::from_secs(1);

/// What an event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "member.created")]
    MemberCreated,
    #[serde(rename = "member.merged")]
    MemberMerged,
    #[serde(rename = "member.changed")]
    MemberChanged,
    /// The member's personal data was erased: a consumer deletes its copy.
    #[serde(rename = "member.erased")]
    MemberErased,
    #[serde(rename = "sale")]
    Sale,
    #[serde(rename = "return")]
    Return,
    #[serde(rename = "void")]
    Void,
    #[serde(rename = "points.changed")]
    PointsChanged,
}

impl EventKind {
    pub const ALL: [EventKind; 8] = [
        EventKind::MemberCreated,
        EventKind::MemberMerged,
        EventKind::MemberChanged,
        EventKind::MemberErased,
        EventKind::Sale,
        EventKind::Return,
        EventKind::Void,
        EventKind::PointsChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::MemberCreated => "member.created",
            EventKind::MemberMerged => "member.merged",
            EventKind::MemberChanged => "member.changed",
            EventKind::MemberErased => "member.erased",
            EventKind::Sale => "sale",
            EventKind::Return => "return",
            EventKind::Void => "void",
            EventKind::PointsChanged => "points.changed",
        }
    }

    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// An event to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub kind: EventKind,
    /// The member it is about (a sale's member, when it has one).
    pub member_id: Option<String>,
    /// What happened, without phone or name.
    pub data: Value,
}

/// Writes `events` in order with new cursors. Call it last in the transaction (after
/// [`crate::feed::publish`]): the lock it takes is held until commit.
pub async fn record(client: &impl GenericClient, events: &[NewEvent]) -> Result<(), DbError> {
    if events.is_empty() {
        return Ok(());
    }
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    let members: Vec<Option<&str>> = events.iter().map(|e| e.member_id.as_deref()).collect();
    let data: Vec<String> = events.iter().map(|e| e.data.to_string()).collect();
    let count = events.len() as i64;
    lock(client).await?;
    // One block of cursors for the whole list (only the lock's holder takes any), in
    // the list's order.
    client
        .execute(
            "INSERT INTO integration_events (cursor, kind, member_id, data)
             SELECT b.last - $4 + e.n, e.k, e.m, e.d::json
             FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS e (k, m, d, n),
                  (SELECT setval('integration_event_cursor', nextval('integration_event_cursor') + $4 - 1) AS last) AS b",
            &[&kinds, &members, &data, &count],
        )
        .await?;
    Ok(())
}

/// Takes the events' lock until the transaction ends (a second take in the same
/// transaction is free).
pub(crate) async fn lock(client: &impl GenericClient) -> Result<(), DbError> {
    client
        .execute("SELECT pg_advisory_xact_lock($1)", &[&EVENTS_LOCK_KEY])
        .await?;
    Ok(())
}

/// Wakes the long polls of this process: call it after a commit that wrote events.
pub fn wake() {
    WAKE.notify_waiters();
}

static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

/// A member's current fields, joined to an event at read time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberNow {
    pub card_no: String,
    pub phone: Option<String>,
    pub name: String,
    pub tier: String,
    pub points_balance: i64,
}

/// One event as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub cursor: i64,
    pub kind: EventKind,
    pub member_id: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub data: Value,
    /// The member's fields now (not when the event happened); only for keys with
    /// `customers:read`, and null for an event without a member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<MemberNow>,
}

/// A page of events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventPage {
    pub events: Vec<Event>,
    /// The cursor to ask after next: the last event's, or the one asked after.
    pub next_cursor: i64,
    /// More events follow right away.
    pub more: bool,
}

/// Up to `limit` events after `after`, in cursor order; with `with_members`, each
/// member event carries the member's current fields.
pub async fn read_page(
    client: &impl GenericClient,
    after: i64,
    limit: u32,
    with_members: bool,
) -> Result<EventPage, DbError> {
    let limit = i64::from(limit.clamp(1, EVENTS_LIMIT_MAX));
    let rows = client
        .query(
            "SELECT e.cursor, e.kind, e.member_id, e.recorded_at, e.data,
                    m.card_no, m.phone, m.name, m.tier, m.points_balance, m.id IS NOT NULL
             FROM integration_events e LEFT JOIN members m ON $3 AND m.id = e.member_id
             WHERE e.cursor > $1 ORDER BY e.cursor LIMIT $2",
            &[&after, &(limit + 1), &with_members],
        )
        .await?;
    let more = rows.len() as i64 > limit;
    let mut events = Vec::with_capacity(rows.len());
    for row in rows.iter().take(limit as usize) {
        let kind: String = row.get(1);
        let member = row.get::<_, bool>(10).then(|| MemberNow {
            card_no: row.get(5),
            phone: row.get(6),
            name: row.get(7),
            tier: row.get(8),
            points_balance: row.get(9),
        });
        events.push(Event {
            cursor: row.get(0),
            kind: EventKind::parse(&kind)
                .ok_or_else(|| DbError::Corrupt(format!("integration event kind {kind:?}")))?,
            member_id: row.get(2),
            recorded_at: row.get(3),
            data: row.get(4),
            member,
        });
    }
    let next_cursor = events.last().map_or(after, |e| e.cursor);
    Ok(EventPage {
        events,
        next_cursor,
        more,
    })
}

/// [`read_page`], waiting up to `wait` for an event when there is none yet: woken by
/// [`wake`], and reading again every second for events of other processes. `refresh`
/// runs before each read (it writes the events still queued).
pub async fn wait_for_page(
    pool: &deadpool_postgres::Pool,
    after: i64,
    limit: u32,
    with_members: bool,
    wait: Duration,
    refresh: impl AsyncFn(&mut tokio_postgres::Client) -> Result<usize, DbError>,
) -> Result<EventPage, DbError> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        // Registered before reading, so a wake between the read and the wait is kept.
        let woken = WAKE.notified();
        let mut woken = std::pin::pin!(woken);
        woken.as_mut().enable();
        let page = {
            let mut client = pool.get().await?;
            refresh(&mut client).await?;
            read_page(&**client, after, limit, with_members).await?
        };
        let now = tokio::time::Instant::now();
        if !page.events.is_empty() || now >= deadline {
            return Ok(page);
        }
        tokio::select! {
            () = woken => {}
            () = tokio::time::sleep_until(deadline.min(now + RECHECK)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_as_written() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                Value::String(kind.as_str().into())
            );
        }
    }
}
