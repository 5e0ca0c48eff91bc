//! A run sends the tills the members whose segment it changed (into, out of or between
//! segments), so a promotion for a segment prices right at every till after its next
//! pull; members whose segment stayed are not sent again.

use pos_domain::member::{Member, Tier};
use pos_domain::protocol::Change;
use tokio_postgres::Transaction;

use crate::error::DbError;
use crate::feed::{self, FeedEntry};

/// Members per feed write: a first run segments every member, and a million members'
/// JSON at once would all be held in memory.
const SLICE: usize = 10_000;

/// Members whose segment in the new rows (`member_rfm_next`) differs from the last
/// run's (`member_rfm`): call it before the new table takes the old one's place.
pub(super) async fn changed_segments(tx: &Transaction<'_>) -> Result<Vec<String>, DbError> {
    let rows = tx
        .query(
            "SELECT member_id FROM member_rfm_next n FULL JOIN member_rfm o USING (member_id)
             WHERE n.segment_code IS DISTINCT FROM o.segment_code ORDER BY member_id",
            &[],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Publishes `members` (the feed adds each one's new segment): call it last in the
/// run's transaction, after the new rows took the old ones' place.
pub(super) async fn publish_members(
    tx: &Transaction<'_>,
    members: &[String],
) -> Result<(), DbError> {
    for slice in members.chunks(SLICE) {
        let rows = tx
            .query(
                "SELECT id, card_no, coalesce(phone, ''), name, tier, points_balance
                 FROM members WHERE id = ANY($1)",
                &[&slice],
            )
            .await?;
        let mut entries = Vec::with_capacity(rows.len());
        for r in &rows {
            let tier: String = r.get(4);
            entries.push(FeedEntry::chain(Change::Member(Member {
                id: r.get(0),
                card_no: r.get(1),
                phone: r.get(2),
                name: r.get(3),
                tier: Tier::from_code(&tier)
                    .ok_or_else(|| DbError::Corrupt(format!("member tier {tier:?}")))?,
                points_balance: r.get(5),
                phone_key: None,
                tier_spend: None,
                segment: None,
            })));
        }
        feed::publish(tx, entries).await?;
    }
    Ok(())
}
