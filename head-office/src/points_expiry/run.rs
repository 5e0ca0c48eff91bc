//! The expiry run: members holding a lot whose last day is before the day run for lose
//! what is left of it (their balance sits in the newest lots), a slice of members per
//! transaction: the ledger entry, the balance, the lapsed lots deleted, the tills' feed
//! and the integrations' events together. A run repeated finds nothing left to take.

use chrono::{DateTime, NaiveDate, Utc};
use pos_domain::points_expiry::remaining_lots;
use pos_domain::protocol::Change;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio_postgres::{Client, Transaction};
use uuid::Uuid;

use crate::auth::HQ_STORE;
use crate::error::DbError;
use crate::feed::{self, FeedEntry};
use crate::ingest::load_members;
use crate::ingest::point_lots::{expiring_changes, lots_of};
use crate::integrations::events::{self, EventKind, NewEvent};

/// Members expired per transaction: bounds a transaction's locks and memory.
const MEMBERS_PER_SLICE: i64 = 5_000;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpirySummary {
    /// Members who lost points.
    pub members: u64,
    /// Points taken off, in all.
    pub points: i64,
}

/// One member's points lapsed by a run.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Lapsed {
    member_id: String,
    points: i64,
    balance_after: i64,
    /// The last day of the oldest lot taken.
    last_day: NaiveDate,
}

/// Expires the points whose last day is before `as_of`; `run_by` names the run
/// (`schedule`, `command:<user>`), `now` is kept as its moment.
pub async fn expire(
    client: &mut Client,
    now: DateTime<Utc>,
    as_of: NaiveDate,
    run_by: &str,
) -> Result<ExpirySummary, DbError> {
    let run_id: i64 = client
        .query_one(
            "INSERT INTO point_expiry_runs (ran_at, as_of, members, points, run_by)
             VALUES ($1, $2, 0, 0, $3) RETURNING id",
            &[&now, &as_of, &run_by],
        )
        .await?
        .get(0);
    let mut summary = ExpirySummary::default();
    loop {
        let tx = client.transaction().await?;
        let lapsed = expire_slice(&tx, (run_id, run_by), as_of).await?;
        let Some(lapsed) = lapsed else {
            tx.commit().await?;
            break;
        };
        summary.members += lapsed.len() as u64;
        for l in &lapsed {
            summary.points = summary.points.saturating_add(l.points);
        }
        tx.execute(
            "UPDATE point_expiry_runs SET members = $2, points = $3 WHERE id = $1",
            &[&run_id, &(summary.members as i64), &summary.points],
        )
        .await?;
        tx.commit().await?;
    }
    Ok(summary)
}

/// The next slice: `None` when no member holds a lapsed lot.
async fn expire_slice(
    tx: &Transaction<'_>,
    (run_id, run_by): (i64, &str),
    as_of: NaiveDate,
) -> Result<Option<Vec<Lapsed>>, DbError> {
    let ids: Vec<String> = tx
        .query(
            "SELECT DISTINCT member_id FROM member_point_lots WHERE last_day < $1
             ORDER BY member_id LIMIT $2",
            &[&as_of, &MEMBERS_PER_SLICE],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if ids.is_empty() {
        return Ok(None);
    }
    // Locked in id order as ingest locks them; the lots are read under the lock.
    let balances: Vec<(String, i64)> = tx
        .query(
            "SELECT id, points_balance FROM members WHERE id = ANY($1) ORDER BY id FOR UPDATE",
            &[&ids],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let lots = lots_of(tx, &refs).await?;
    let mut lapsed = Vec::new();
    for (member_id, balance) in &balances {
        let left = remaining_lots(lots.get(member_id).map_or(&[][..], Vec::as_slice), *balance);
        let gone: Vec<_> = left.iter().filter(|l| l.last_day < as_of).collect();
        let points: i64 = gone.iter().map(|l| l.points).sum();
        if let Some(oldest) = gone.first().filter(|_| points > 0) {
            lapsed.push(Lapsed {
                member_id: member_id.clone(),
                points,
                balance_after: balance - points,
                last_day: oldest.last_day,
            });
        }
    }
    tx.execute(
        "DELETE FROM member_point_lots WHERE member_id = ANY($1) AND last_day < $2",
        &[&ids, &as_of],
    )
    .await?;
    write_ledger(tx, (run_id, run_by), &lapsed).await?;
    let changed: Vec<String> = lapsed.iter().map(|l| l.member_id.clone()).collect();
    let members = load_members(tx, &changed).await?;
    // Every member of the slice gets their list again: the lapsed lots are gone from it.
    let after: Vec<(String, i64)> = members
        .iter()
        .map(|m| (m.id.clone(), m.points_balance))
        .chain(balances.into_iter().filter(|(id, _)| !changed.contains(id)))
        .collect();
    let mut entries: Vec<FeedEntry> = members
        .into_iter()
        .map(|m| FeedEntry::chain(Change::Member(m)))
        .collect();
    let lists = expiring_changes(tx, &after).await?;
    entries.extend(cleared(&after, &lists));
    entries.extend(lists);
    feed::publish(tx, entries).await?;
    events::record(tx, &events_of(run_id, &lapsed)).await?;
    Ok(Some(lapsed))
}

/// An empty list for the members of the slice left with no lot (so the tills drop
/// the lapsed points they still list).
fn cleared(slice: &[(String, i64)], sent: &[FeedEntry]) -> Vec<FeedEntry> {
    slice
        .iter()
        .filter(|(id, _)| {
            !sent.iter().any(|e| {
                matches!(&e.change, Change::MemberPointsExpiring { member_id, .. } if member_id == id)
            })
        })
        .map(|(id, _)| {
            FeedEntry::chain(Change::MemberPointsExpiring {
                member_id: id.clone(),
                expiring: Vec::new(),
            })
        })
        .collect()
}

/// The ledger entries, one per member, under an id of the run and the member.
/// The operator is the run (`schedule`, `command:<user>`); the reason names the last day.
async fn write_ledger(
    tx: &Transaction<'_>,
    (run_id, run_by): (i64, &str),
    lapsed: &[Lapsed],
) -> Result<(), DbError> {
    if lapsed.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = lapsed
        .iter()
        .map(|l| entry_id(run_id, &l.member_id))
        .collect();
    let members: Vec<&str> = lapsed.iter().map(|l| l.member_id.as_str()).collect();
    let points: Vec<i64> = lapsed.iter().map(|l| -l.points).collect();
    let after: Vec<i64> = lapsed.iter().map(|l| l.balance_after).collect();
    let reasons: Vec<String> = lapsed
        .iter()
        .map(|l| format!("points expiry: last day {}", l.last_day))
        .collect();
    tx.execute(
        "INSERT INTO point_ledger (document_id, entry, member_id, till_member_id, points, balance_after, store_id, operator_id, reason)
         SELECT d, 'expire', m, m, p, a, $5, $6, r
         FROM unnest($1::uuid[], $2::text[], $3::int8[], $4::int8[], $7::text[]) AS l (d, m, p, a, r)",
        &[&ids, &members, &points, &after, &HQ_STORE, &run_by, &reasons],
    )
    .await?;
    tx.execute(
        "UPDATE members SET points_balance = b.balance
         FROM unnest($1::text[], $2::int8[]) AS b (id, balance) WHERE members.id = b.id",
        &[&members, &after],
    )
    .await?;
    Ok(())
}

/// The ledger id of a run's entry for a member: the same run and member, the same id.
fn entry_id(run_id: i64, member_id: &str) -> Uuid {
    let digest = Sha256::new()
        .chain_update(b"points-expiry\0")
        .chain_update(run_id.to_be_bytes())
        .chain_update(member_id.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

fn events_of(run_id: i64, lapsed: &[Lapsed]) -> Vec<NewEvent> {
    lapsed
        .iter()
        .map(|l| NewEvent {
            kind: EventKind::PointsChanged,
            member_id: Some(l.member_id.clone()),
            data: json!({
                "document_id": entry_id(run_id, &l.member_id),
                "entry": "expire",
                "points": -l.points,
                "balance_after": l.balance_after,
                "store_id": HQ_STORE,
                "last_day": l.last_day,
            }),
        })
        .collect()
}
