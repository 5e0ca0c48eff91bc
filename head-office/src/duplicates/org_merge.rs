//! Merging one organisation into another, decided by a person, in one transaction:
//! the merged organisation's departments join the survivor's, its contacts and the
//! sales flagged under it (`organisation_sale_reviews`) move, its qualifications move
//! where the survivor has none of that kind (of two, the one valid longer is kept; the
//! other is written in the record); ids merged into it earlier follow; its row goes and
//! its id finds the survivor (`organisation_aliases`), so a late sale naming it is
//! checked against the survivor. A record (`organisation_merges`) says who, when, why,
//! what the merged one was and what moved. The tills receive the survivor and
//! `organisation_merged` for the merged id, which they forget.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use pos_domain::protocol::Change;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio_postgres::Transaction;
use uuid::Uuid;

use crate::error::DbError;
use crate::feed::{self, FeedEntry};
use crate::organisations::{DEPARTMENTS_MAX, Qualification, publish, qualifications_of};

/// Longest reason a merge may carry, in characters.
pub const REASON_CHARS_MAX: usize = 500;

/// A merge to make.
#[derive(Debug, Clone)]
pub struct OrgMergeRequest<'a> {
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

/// The merged organisation as it was (no contacts: they moved and hold phones).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedOrganisation {
    pub name: String,
    pub credit_code: String,
    pub kind: String,
    pub departments: Vec<String>,
}

/// A qualification one of the two held that the survivor does not keep: the other
/// held the same kind valid as long or longer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedQualification {
    /// Whose it was: the survivor's or the merged organisation's id.
    pub of: String,
    pub kind: String,
    pub number: String,
    pub valid_until: Option<NaiveDate>,
}

/// What moved from the merged organisation to the survivor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgMoved {
    /// Departments the survivor did not have.
    pub departments: Vec<String>,
    pub contacts: u64,
    /// Kinds of qualification the survivor now holds from the merged organisation.
    pub qualifications: Vec<String>,
    pub dropped_qualifications: Vec<DroppedQualification>,
    /// Flagged sales (`organisation_sale_reviews`) now under the survivor.
    pub sale_reviews: u64,
    /// Ids merged into the merged organisation before, now finding the survivor.
    pub aliases: Vec<String>,
}

/// A merge as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgMergeRecord {
    pub id: Uuid,
    pub survivor_id: String,
    pub merged_id: String,
    pub merged: MergedOrganisation,
    pub merged_at: DateTime<Utc>,
    pub merged_by: String,
    pub reason: String,
    pub proposal_id: Option<i64>,
    pub moved: OrgMoved,
}

#[derive(Debug, thiserror::Error)]
pub enum OrgMergeError {
    #[error("an organisation cannot be merged into itself")]
    SameOrganisation,
    #[error("organisation {0} does not exist (merged already?)")]
    NotFound(String),
    #[error("reason: say why the two are one organisation (1 to 500 characters)")]
    Reason,
    #[error("proposal {0} is not open (decided already?) or names other organisations")]
    Proposal(i64),
    #[error("departments: together they have {0}, more than 200; remove some first")]
    Departments(usize),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<tokio_postgres::Error> for OrgMergeError {
    fn from(e: tokio_postgres::Error) -> Self {
        OrgMergeError::Db(e.into())
    }
}

/// Both organisations, locked, in the order of `ids`.
async fn lock(
    tx: &Transaction<'_>,
    ids: [&str; 2],
) -> Result<[MergedOrganisation; 2], OrgMergeError> {
    let rows = tx
        .query(
            "SELECT id, name, credit_code, kind, departments FROM organisations
             WHERE id = ANY($1) ORDER BY id FOR UPDATE",
            &[&ids.to_vec()],
        )
        .await?;
    let read = |id: &str| -> Result<MergedOrganisation, OrgMergeError> {
        let row = rows
            .iter()
            .find(|r| r.get::<_, &str>(0) == id)
            .ok_or_else(|| OrgMergeError::NotFound(id.to_owned()))?;
        Ok(MergedOrganisation {
            name: row.get(1),
            credit_code: row.get(2),
            kind: row.get(3),
            departments: row.get(4),
        })
    };
    Ok([read(ids[0])?, read(ids[1])?])
}

/// Valid longer: no last day (长期) beats any day.
fn lasts_longer(a: Option<NaiveDate>, b: Option<NaiveDate>) -> bool {
    match (a, b) {
        (None, Some(_)) => true,
        (Some(x), Some(y)) => x > y,
        _ => false,
    }
}

fn dropped(of: &str, q: &Qualification) -> DroppedQualification {
    DroppedQualification {
        of: of.to_owned(),
        kind: q.kind.code().to_owned(),
        number: q.number.clone(),
        valid_until: q.valid_until,
    }
}

/// Moves the merged organisation's qualifications (see the module); returns the kinds
/// moved and the ones dropped.
async fn move_qualifications(
    tx: &Transaction<'_>,
    survivor_id: &str,
    merged_id: &str,
) -> Result<(Vec<String>, Vec<DroppedQualification>), DbError> {
    let mut held = qualifications_of(tx, &[survivor_id, merged_id]).await?;
    let survivor: HashMap<_, _> = held
        .remove(survivor_id)
        .unwrap_or_default()
        .into_iter()
        .map(|q| (q.kind, q))
        .collect();
    let (mut moved, mut lost) = (Vec::new(), Vec::new());
    for q in held.remove(merged_id).unwrap_or_default() {
        let replace = match survivor.get(&q.kind) {
            None => true,
            Some(kept) if lasts_longer(q.valid_until, kept.valid_until) => {
                lost.push(dropped(survivor_id, kept));
                true
            }
            Some(_) => {
                lost.push(dropped(merged_id, &q));
                false
            }
        };
        if replace {
            tx.execute(
                "INSERT INTO organisation_qualifications (organisation_id, kind, number, valid_until)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (organisation_id, kind) DO UPDATE
                     SET number = excluded.number, valid_until = excluded.valid_until",
                &[&survivor_id, &q.kind.code(), &q.number, &q.valid_until],
            )
            .await?;
            moved.push(q.kind.code().to_owned());
        }
    }
    tx.execute(
        "DELETE FROM organisation_qualifications WHERE organisation_id = $1",
        &[&merged_id],
    )
    .await?;
    Ok((moved, lost))
}

/// Merges `request.merged_id` into `request.survivor_id` in `tx` (see the module).
pub async fn merge(
    tx: &Transaction<'_>,
    request: &OrgMergeRequest<'_>,
) -> Result<OrgMergeRecord, OrgMergeError> {
    let (survivor_id, merged_id) = (request.survivor_id, request.merged_id);
    let reason = request.reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_CHARS_MAX {
        return Err(OrgMergeError::Reason);
    }
    if survivor_id == merged_id {
        return Err(OrgMergeError::SameOrganisation);
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
                "UPDATE organisation_duplicate_proposals
                 SET status = 'merged', decided_by = $4, decided_at = $5
                 WHERE id = $1 AND status = 'open' AND organisation_a = $2 AND organisation_b = $3",
                &[&proposal, &pair[0], &pair[1], &request.by, &request.now],
            )
            .await?;
        if decided != 1 {
            return Err(OrgMergeError::Proposal(proposal));
        }
    }
    let added: Vec<String> = merged
        .departments
        .iter()
        .filter(|d| !survivor.departments.contains(d))
        .cloned()
        .collect();
    let departments: Vec<String> = survivor.departments.iter().chain(&added).cloned().collect();
    if departments.len() > DEPARTMENTS_MAX {
        return Err(OrgMergeError::Departments(departments.len()));
    }
    tx.execute(
        "UPDATE organisations SET departments = $2, updated_at = $3 WHERE id = $1",
        &[&survivor_id, &departments, &request.now],
    )
    .await?;
    let contacts = tx
        .execute(
            "UPDATE organisation_contacts SET organisation_id = $1 WHERE organisation_id = $2",
            &[&survivor_id, &merged_id],
        )
        .await?;
    let (qualifications, dropped_qualifications) =
        move_qualifications(tx, survivor_id, merged_id).await?;
    let sale_reviews = tx
        .execute(
            "UPDATE organisation_sale_reviews SET organisation_id = $1 WHERE organisation_id = $2",
            &[&survivor_id, &merged_id],
        )
        .await?;
    let record = OrgMergeRecord {
        id: request.id,
        survivor_id: survivor_id.into(),
        merged_id: merged_id.into(),
        merged,
        merged_at: request.now,
        merged_by: request.by.into(),
        reason: reason.into(),
        proposal_id: request.proposal_id,
        moved: OrgMoved {
            departments: added,
            contacts,
            qualifications,
            dropped_qualifications,
            sale_reviews,
            aliases: Vec::new(),
        },
    };
    // The record first: the aliases name it.
    tx.execute(
        "INSERT INTO organisation_merges (id, survivor_id, merged_id, merged, merged_at, merged_by, reason, proposal_id, moved)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '{}')",
        &[
            &record.id,
            &record.survivor_id,
            &record.merged_id,
            &json!(record.merged),
            &record.merged_at,
            &record.merged_by,
            &record.reason,
            &record.proposal_id,
        ],
    )
    .await?;
    let aliases: Vec<String> = tx
        .query(
            "UPDATE organisation_aliases SET organisation_id = $1 WHERE organisation_id = $2
             RETURNING alias_id",
            &[&survivor_id, &merged_id],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    tx.execute("DELETE FROM organisations WHERE id = $1", &[&merged_id])
        .await?;
    tx.execute(
        "INSERT INTO organisation_aliases (alias_id, organisation_id, merge_id) VALUES ($1, $2, $3)",
        &[&merged_id, &survivor_id, &record.id],
    )
    .await?;
    let record = OrgMergeRecord {
        moved: OrgMoved {
            aliases,
            ..record.moved
        },
        ..record
    };
    tx.execute(
        "UPDATE organisation_merges SET moved = $2 WHERE id = $1",
        &[&record.id, &json!(record.moved)],
    )
    .await?;
    publish_merge(tx, &record).await?;
    Ok(record)
}

/// The tills' changes: every id that now means the survivor is forgotten (under its
/// own key), then the survivor as it now stands.
async fn publish_merge(tx: &Transaction<'_>, record: &OrgMergeRecord) -> Result<(), DbError> {
    let forgotten = std::iter::once(&record.merged_id)
        .chain(&record.moved.aliases)
        .map(|id| {
            FeedEntry::chain(Change::OrganisationMerged {
                merged_id: id.clone(),
                survivor_id: record.survivor_id.clone(),
            })
        })
        .collect();
    feed::publish(tx, forgotten).await?;
    publish(tx, &record.survivor_id).await
}

/// The merges into `survivor_id`, and into the ids merged into it since, newest first.
pub async fn merges_into(
    client: &impl tokio_postgres::GenericClient,
    survivor_id: &str,
) -> Result<Vec<OrgMergeRecord>, DbError> {
    let rows = client
        .query(
            "SELECT id, survivor_id, merged_id, merged, merged_at, merged_by, reason, proposal_id, moved
             FROM organisation_merges
             WHERE survivor_id = $1
                OR survivor_id IN (SELECT alias_id FROM organisation_aliases WHERE organisation_id = $1)
             ORDER BY merged_at DESC, id",
            &[&survivor_id],
        )
        .await?;
    let corrupt = |e: serde_json::Error| DbError::Corrupt(format!("organisation merge: {e}"));
    rows.iter()
        .map(|r| {
            Ok(OrgMergeRecord {
                id: r.get(0),
                survivor_id: r.get(1),
                merged_id: r.get(2),
                merged: serde_json::from_value(r.get(3)).map_err(corrupt)?,
                merged_at: r.get(4),
                merged_by: r.get(5),
                reason: r.get(6),
                proposal_id: r.get(7),
                moved: serde_json::from_value(r.get(8)).map_err(corrupt)?,
            })
        })
        .collect()
}

/// The organisation an id means now: itself, or the survivor it was merged into.
pub async fn survivor_of(
    client: &impl tokio_postgres::GenericClient,
    id: &str,
) -> Result<Option<String>, DbError> {
    Ok(client
        .query_opt(
            "SELECT organisation_id FROM organisation_aliases WHERE alias_id = $1",
            &[&id],
        )
        .await?
        .map(|r| r.get(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_end_outlasts_any_day_and_a_later_day_an_earlier_one() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2027, 1, d);
        assert!(lasts_longer(None, day(1)));
        assert!(lasts_longer(day(2), day(1)));
        assert!(!lasts_longer(day(1), day(1)), "a tie keeps the survivor's");
        assert!(!lasts_longer(day(1), None));
        assert!(!lasts_longer(None, None));
    }
}
