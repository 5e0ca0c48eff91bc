//! Merging one member into another, decided by a person: in one transaction the merged
//! member's point-ledger entries move to the survivor (each naming the merge) beside a
//! `merge` entry with the new balance; its ids, cards, channel links and reviews follow;
//! its row goes; a [`member_merges`](MergeRecord) record says who, when, why and what
//! moved; the tills learn that its id and cards now find the survivor (`MemberAlias`,
//! `MemberCard`) and integrations read a `member.merged` event.

use chrono::{DateTime, Utc};
use pos_domain::member::Tier;
use pos_domain::protocol::Change;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio_postgres::Transaction;
use uuid::Uuid;

use crate::error::DbError;
use crate::feed::{self, FeedEntry};
use crate::integrations::events::{self, EventKind, NewEvent};

/// Longest reason a merge may carry, in characters.
pub const REASON_CHARS_MAX: usize = 500;

/// A merge to make.
#[derive(Debug, Clone)]
pub struct MergeRequest<'a> {
    pub survivor_id: &'a str,
    pub merged_id: &'a str,
    pub by: &'a str,
    pub reason: &'a str,
    /// The proposal it decides, if it came from one.
    pub proposal_id: Option<i64>,
    pub now: DateTime<Utc>,
    /// The merge's id (a UUIDv7 the caller draws).
    pub id: Uuid,
}

/// What moved from the merged member to the survivor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    pub ledger_entries: u64,
    /// The merged member's balance, added to the survivor's.
    pub points: i64,
    /// Till ids that meant the merged member (its own id not counted).
    pub member_ids: u64,
    /// Cards that found the merged member (its own card not counted).
    pub cards: u64,
    pub channel_customers: u64,
    pub reviews: u64,
    pub tier_before: String,
    pub tier_after: String,
}

/// A merge as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeRecord {
    pub id: Uuid,
    pub survivor_id: String,
    pub merged_id: String,
    pub merged_card_no: String,
    pub merged_at: DateTime<Utc>,
    pub merged_by: String,
    pub reason: String,
    pub proposal_id: Option<i64>,
    pub moved: Moved,
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("a member cannot be merged into itself")]
    SameMember,
    #[error("member {0} does not exist (merged already?)")]
    NotFound(String),
    #[error("reason: say why the two are one person (1 to 500 characters)")]
    Reason,
    #[error("proposal {0} is not open (decided already?) or names other members")]
    Proposal(i64),
    #[error("the merged balance is out of range")]
    Balance,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<tokio_postgres::Error> for MergeError {
    fn from(e: tokio_postgres::Error) -> Self {
        MergeError::Db(e.into())
    }
}

/// One member's row as the merge reads it, locked.
struct Locked {
    card_no: String,
    tier: Tier,
    balance: i64,
}

async fn lock(tx: &Transaction<'_>, ids: [&str; 2]) -> Result<[Locked; 2], MergeError> {
    let rows = tx
        .query(
            "SELECT id, card_no, tier, points_balance FROM members
             WHERE id = ANY($1) ORDER BY id FOR UPDATE",
            &[&ids.to_vec()],
        )
        .await?;
    let read = |id: &str| -> Result<Locked, MergeError> {
        let row = rows
            .iter()
            .find(|r| r.get::<_, &str>(0) == id)
            .ok_or_else(|| MergeError::NotFound(id.to_owned()))?;
        let tier: String = row.get(2);
        Ok(Locked {
            card_no: row.get(1),
            tier: Tier::from_code(&tier)
                .ok_or_else(|| DbError::Corrupt(format!("member tier {tier:?}")))?,
            balance: row.get(3),
        })
    };
    Ok([read(ids[0])?, read(ids[1])?])
}

/// Merges `request.merged_id` into `request.survivor_id` in `tx` (see the module).
pub async fn merge(
    tx: &Transaction<'_>,
    request: &MergeRequest<'_>,
) -> Result<MergeRecord, MergeError> {
    let (survivor_id, merged_id) = (request.survivor_id, request.merged_id);
    let reason = request.reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_CHARS_MAX {
        return Err(MergeError::Reason);
    }
    if survivor_id == merged_id {
        return Err(MergeError::SameMember);
    }
    let [survivor, merged] = lock(tx, [survivor_id, merged_id]).await?;
    if let Some(proposal) = request.proposal_id {
        let pair = if survivor_id < merged_id {
            [survivor_id, merged_id]
        } else {
            [merged_id, survivor_id]
        };
        let decided = tx
            .execute(
                "UPDATE member_duplicate_proposals SET status = 'merged', decided_by = $4, decided_at = $5
                 WHERE id = $1 AND status = 'open' AND member_a = $2 AND member_b = $3",
                &[&proposal, &pair[0], &pair[1], &request.by, &request.now],
            )
            .await?;
        if decided != 1 {
            return Err(MergeError::Proposal(proposal));
        }
    }
    let balance = survivor
        .balance
        .checked_add(merged.balance)
        .ok_or(MergeError::Balance)?;
    let tier = survivor.tier.max(merged.tier);
    let id = request.id;
    let ledger_entries = tx
        .execute(
            "UPDATE point_ledger SET member_id = $1, merge_id = $3 WHERE member_id = $2",
            &[&survivor_id, &merged_id, &id],
        )
        .await?;
    // The entry that names the merge: no points of its own (the moved entries carry
    // them), the survivor's balance after it.
    tx.execute(
        "INSERT INTO point_ledger (document_id, entry, member_id, till_member_id, points, balance_after, store_id, recorded_at, merge_id, operator_id, reason)
         VALUES ($1, 'merge', $2, $3, 0, $4, '', $5, $1, $6, 'merge: ' || $7::text)",
        &[&id, &survivor_id, &merged_id, &balance, &request.now, &request.by, &reason],
    )
    .await?;
    tx.execute(
        "UPDATE members SET points_balance = $2, tier = $3 WHERE id = $1",
        &[&survivor_id, &balance, &tier.code()],
    )
    .await?;
    crate::ingest::point_lots::move_lots(tx, merged_id, survivor_id).await?;
    let moved_ids: Vec<String> = tx
        .query(
            "UPDATE member_aliases SET member_id = $1 WHERE member_id = $2 RETURNING alias_id",
            &[&survivor_id, &merged_id],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    tx.execute(
        "INSERT INTO member_aliases (alias_id, member_id, card_no, document_id, merged_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[&merged_id, &survivor_id, &merged.card_no, &id, &request.now],
    )
    .await?;
    let moved_cards: Vec<String> = tx
        .query(
            "UPDATE member_cards SET member_id = $1 WHERE member_id = $2 RETURNING card_no",
            &[&survivor_id, &merged_id],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut moved_reviews = 0;
    for table in ["overdraft_reviews", "point_reviews", "member_card_reissues"] {
        moved_reviews += tx
            .execute(
                &format!("UPDATE {table} SET member_id = $1 WHERE member_id = $2"),
                &[&survivor_id, &merged_id],
            )
            .await?;
    }
    let channel_customers = tx
        .execute(
            "UPDATE channel_customers SET member_id = $1 WHERE member_id = $2",
            &[&survivor_id, &merged_id],
        )
        .await?;
    // Scores are the next RFM run's: it reads the merged id's days through the alias.
    tx.execute("DELETE FROM member_rfm WHERE member_id = $1", &[&merged_id])
        .await?;
    // A till pulling from the start never sees the merged member; one that has it
    // drops it on the alias below.
    tx.execute(
        "DELETE FROM feed WHERE scope = $1 AND key = $2",
        &[
            &feed::CHAIN_SCOPE,
            &feed::key_of(&Change::Member(placeholder(merged_id))),
        ],
    )
    .await?;
    tx.execute("DELETE FROM members WHERE id = $1", &[&merged_id])
        .await?;
    tx.execute(
        "INSERT INTO member_cards (card_no, member_id, reason, joined_at) VALUES ($1, $2, 'merged', $3)",
        &[&merged.card_no, &survivor_id, &request.now],
    )
    .await?;

    let moved = Moved {
        ledger_entries,
        points: merged.balance,
        member_ids: moved_ids.len() as u64,
        cards: moved_cards.len() as u64,
        channel_customers,
        reviews: moved_reviews,
        tier_before: survivor.tier.code().into(),
        tier_after: tier.code().into(),
    };
    let record = MergeRecord {
        id,
        survivor_id: survivor_id.into(),
        merged_id: merged_id.into(),
        merged_card_no: merged.card_no.clone(),
        merged_at: request.now,
        merged_by: request.by.into(),
        reason: reason.into(),
        proposal_id: request.proposal_id,
        moved,
    };
    tx.execute(
        "INSERT INTO member_merges (id, survivor_id, merged_id, merged_card_no, merged_at, merged_by, reason, proposal_id, moved)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            &record.id,
            &record.survivor_id,
            &record.merged_id,
            &record.merged_card_no,
            &record.merged_at,
            &record.merged_by,
            &record.reason,
            &record.proposal_id,
            &json!(record.moved),
        ],
    )
    .await?;
    publish(tx, &record, &moved_ids, &moved_cards).await?;
    Ok(record)
}

/// A member value that only names an id (for its feed key).
fn placeholder(id: &str) -> pos_domain::member::Member {
    pos_domain::member::Member {
        id: id.into(),
        card_no: String::new(),
        phone: String::new(),
        name: String::new(),
        tier: Tier::Standard,
        points_balance: 0,
        phone_key: None,
        tier_spend: None,
        segment: None,
    }
}

/// The tills' changes (the survivor, every id and card that now finds it) and the
/// integrations' event.
async fn publish(
    tx: &Transaction<'_>,
    record: &MergeRecord,
    moved_ids: &[String],
    moved_cards: &[String],
) -> Result<(), DbError> {
    let survivor = crate::ingest::load_members(tx, std::slice::from_ref(&record.survivor_id))
        .await?
        .pop()
        .ok_or_else(|| DbError::Corrupt(format!("member {} vanished", record.survivor_id)))?;
    let balance = (survivor.id.clone(), survivor.points_balance);
    let mut entries = vec![FeedEntry::chain(Change::Member(survivor))];
    entries.extend(crate::ingest::point_lots::expiring_changes(tx, &[balance]).await?);
    for alias_id in std::iter::once(&record.merged_id).chain(moved_ids) {
        entries.push(FeedEntry::chain(Change::MemberAlias {
            alias_id: alias_id.clone(),
            member_id: record.survivor_id.clone(),
        }));
    }
    for card_no in std::iter::once(&record.merged_card_no).chain(moved_cards) {
        entries.push(FeedEntry::chain(Change::MemberCard {
            card_no: card_no.clone(),
            member_id: record.survivor_id.clone(),
        }));
    }
    feed::publish(tx, entries).await?;
    events::record(
        tx,
        &[NewEvent {
            kind: EventKind::MemberMerged,
            member_id: Some(record.survivor_id.clone()),
            data: json!({
                "merged_id": record.merged_id,
                "merge_id": record.id,
                "merged_by": record.merged_by,
                "reason": record.reason,
                "moved": record.moved,
            }),
        }],
    )
    .await
}

/// The merges into `survivor_id`, newest first.
pub async fn merges_into(
    client: &impl tokio_postgres::GenericClient,
    survivor_id: &str,
) -> Result<Vec<MergeRecord>, DbError> {
    let rows = client
        .query(
            "SELECT id, survivor_id, merged_id, merged_card_no, merged_at, merged_by, reason, proposal_id, moved
             FROM member_merges WHERE survivor_id = $1 ORDER BY merged_at DESC, id",
            &[&survivor_id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let moved: serde_json::Value = r.get(8);
            Ok(MergeRecord {
                id: r.get(0),
                survivor_id: r.get(1),
                merged_id: r.get(2),
                merged_card_no: r.get(3),
                merged_at: r.get(4),
                merged_by: r.get(5),
                reason: r.get(6),
                proposal_id: r.get(7),
                moved: serde_json::from_value(moved)
                    .map_err(|e| DbError::Corrupt(format!("merge record: {e}")))?,
            })
        })
        .collect()
}
