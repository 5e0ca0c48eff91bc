//! Members' point lots (points expiry, [`crate::points_expiry`]): what each member
//! earned towards each last day, added at ingest; the points still to lapse sent with
//! every member published; lots moved by a merge. The expiry run reads them too.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use pos_domain::document::Document;
use pos_domain::points_expiry::{ExpiringPoints, last_day_for, remaining_lots};
use pos_domain::protocol::Change;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::error::DbError;
use crate::feed::FeedEntry;

/// A member's points earned towards one last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarnedLot {
    pub member_id: String,
    pub last_day: NaiveDate,
    pub points: i64,
}

/// The lots the positive ledger `entries` (document, member, points) of `accepted`
/// documents earn, under `years`: dated by each document's business date. None when
/// expiry is off.
pub fn earned_lots(
    years: u32,
    accepted: &[&Document],
    entries: impl IntoIterator<Item = (Uuid, String, i64)>,
) -> Vec<EarnedLot> {
    let dates: HashMap<Uuid, NaiveDate> =
        accepted.iter().map(|d| (d.id, d.business_date)).collect();
    let mut lots: BTreeMap<(String, NaiveDate), i64> = BTreeMap::new();
    for (document_id, member_id, points) in entries {
        let last_day = dates
            .get(&document_id)
            .and_then(|date| last_day_for(*date, years));
        if let Some(last_day) = last_day.filter(|_| points > 0) {
            let lot = lots.entry((member_id, last_day)).or_default();
            // Each entry is bounded by validation; a sum past i64 saturates, never wraps.
            *lot = lot.saturating_add(points);
        }
    }
    lots.into_iter()
        .map(|((member_id, last_day), points)| EarnedLot {
            member_id,
            last_day,
            points,
        })
        .collect()
}

/// Adds the lots to the members' (one statement).
pub async fn add_lots(client: &impl GenericClient, lots: &[EarnedLot]) -> Result<(), DbError> {
    if lots.is_empty() {
        return Ok(());
    }
    let members: Vec<&str> = lots.iter().map(|l| l.member_id.as_str()).collect();
    let days: Vec<NaiveDate> = lots.iter().map(|l| l.last_day).collect();
    let points: Vec<i64> = lots.iter().map(|l| l.points).collect();
    client
        .execute(
            "INSERT INTO member_point_lots (member_id, last_day, points)
             SELECT * FROM unnest($1::text[], $2::date[], $3::int8[])
             ON CONFLICT (member_id, last_day) DO UPDATE
                 SET points = member_point_lots.points + excluded.points",
            &[&members, &days, &points],
        )
        .await?;
    Ok(())
}

/// Each member's lots, by member (one statement).
pub async fn lots_of(
    client: &impl GenericClient,
    members: &[&str],
) -> Result<HashMap<String, Vec<ExpiringPoints>>, DbError> {
    let mut lots: HashMap<String, Vec<ExpiringPoints>> = HashMap::new();
    for row in client
        .query(
            "SELECT member_id, last_day, points FROM member_point_lots WHERE member_id = ANY($1)",
            &[&members],
        )
        .await?
    {
        lots.entry(row.get(0)).or_default().push(ExpiringPoints {
            last_day: row.get(1),
            points: row.get(2),
        });
    }
    Ok(lots)
}

/// The points still to lapse of the `members` (id, balance) that hold lots, as the
/// tills receive them; a member with no lot gets none (nothing of theirs lapses).
pub async fn expiring_changes(
    client: &impl GenericClient,
    members: &[(String, i64)],
) -> Result<Vec<FeedEntry>, DbError> {
    if members.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = members.iter().map(|(id, _)| id.as_str()).collect();
    let lots = lots_of(client, &ids).await?;
    Ok(members
        .iter()
        .filter_map(|(id, balance)| {
            let held = lots.get(id)?;
            Some(FeedEntry::chain(Change::MemberPointsExpiring {
                member_id: id.clone(),
                expiring: remaining_lots(held, *balance),
            }))
        })
        .collect())
}

/// Moves the lots of member `from` (merged away) to `to`, summing lots of one last day.
pub async fn move_lots(client: &impl GenericClient, from: &str, to: &str) -> Result<(), DbError> {
    client
        .execute(
            "WITH moved AS (DELETE FROM member_point_lots WHERE member_id = $1 RETURNING last_day, points)
             INSERT INTO member_point_lots (member_id, last_day, points)
             SELECT $2, last_day, points FROM moved
             ON CONFLICT (member_id, last_day) DO UPDATE
                 SET points = member_point_lots.points + excluded.points",
            &[&from, &to],
        )
        .await?;
    Ok(())
}
