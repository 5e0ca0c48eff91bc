//! Customers of a channel, upserted by (channel, external id) into head office's members.
//!
//! A known (channel, external id) updates its member. An unknown one whose phone is
//! exactly a member's is linked to that member: one customer record. Otherwise head
//! office issues a member (its own card, as ingest does when a till's card is taken)
//! and sends it to every till. What changes is published to the tills' feed and the
//! integrations' events in the same transaction; an upsert that changes nothing writes
//! nothing.

use pos_domain::member::{Member, Tier};
use pos_domain::protocol::Change;
use serde::Serialize;
use serde_json::json;
use tokio_postgres::{GenericClient, Transaction};
use uuid::Uuid;

use super::events::{self, EventKind, NewEvent};
use super::fields::CustomerFields;
use crate::error::DbError;
use crate::feed::{self, FeedEntry};

/// Attempts of an upsert's transaction when a concurrent one took the phone first.
const ATTEMPTS_MAX: u32 = 3;

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Head office issued a new member.
    Created,
    /// The customer is now the member with the same phone.
    Linked,
    Updated,
    /// Nothing differed: nothing was written.
    Unchanged,
}

/// The answer of an upsert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upserted {
    pub channel: String,
    pub external_id: String,
    pub member_id: String,
    pub card_no: String,
    pub outcome: Outcome,
}

#[derive(Debug, thiserror::Error)]
pub enum UpsertError {
    #[error(
        "phone: {phone} already belongs to another member ({holder}); a customer keeps one member"
    )]
    PhoneTaken { phone: String, holder: String },
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<tokio_postgres::Error> for UpsertError {
    fn from(e: tokio_postgres::Error) -> Self {
        UpsertError::Db(e.into())
    }
}

/// What an upsert writes besides its rows, published by the caller last in its
/// transaction (see [`publish`]).
#[derive(Debug, Default)]
pub struct Pending {
    pub feed: Vec<FeedEntry>,
    pub events: Vec<NewEvent>,
}

/// Publishes `pending` to the tills' feed and then the events (that lock order).
pub async fn publish(tx: &Transaction<'_>, pending: Pending) -> Result<(), DbError> {
    feed::publish(tx, pending.feed).await?;
    events::record(tx, &pending.events).await
}

/// Upserts one customer in its own transaction, retried when a concurrent upsert took
/// the same phone first. `new_id` is the id a new member gets.
pub async fn upsert(
    client: &mut tokio_postgres::Client,
    channel: &str,
    external_id: &str,
    fields: &CustomerFields,
    new_id: Uuid,
) -> Result<Upserted, UpsertError> {
    let mut attempt = 1;
    loop {
        let tx = client.transaction().await?;
        let mut pending = Pending::default();
        let result = upsert_in(&tx, channel, external_id, fields, new_id, &mut pending).await;
        let result = match result {
            Ok(done) => publish(&tx, pending)
                .await
                .map(|()| done)
                .map_err(UpsertError::from),
            Err(e) => Err(e),
        };
        match result {
            Ok(done) => {
                tx.commit().await?;
                return Ok(done);
            }
            Err(UpsertError::Db(e)) if e.is_retryable() && attempt < ATTEMPTS_MAX => {
                tracing::warn!(attempt, error = %e, "customer upsert lost a race; retrying");
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Upserts one customer in `tx`, adding what to publish to `pending`.
pub async fn upsert_in(
    tx: &Transaction<'_>,
    channel: &str,
    external_id: &str,
    fields: &CustomerFields,
    new_id: Uuid,
    pending: &mut Pending,
) -> Result<Upserted, UpsertError> {
    // One upsert of a customer at a time: two first upserts cannot make two members.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1 || chr(31) || $2, 20261206))",
        &[&channel, &external_id],
    )
    .await?;
    let known: Option<String> = tx
        .query_opt(
            "SELECT member_id FROM channel_customers WHERE channel = $1 AND external_id = $2",
            &[&channel, &external_id],
        )
        .await?
        .map(|r| r.get(0));
    let by_phone = match (&known, &fields.phone) {
        (None, Some(phone)) => tx
            .query_opt("SELECT id FROM members WHERE phone = $1", &[phone])
            .await?
            .map(|r| r.get::<_, String>(0)),
        _ => None,
    };
    let (member_id, mut outcome) = match (known, by_phone) {
        (Some(id), _) => (id, Outcome::Unchanged),
        (None, Some(id)) => {
            link(tx, channel, external_id, &id).await?;
            pending.events.push(NewEvent {
                kind: EventKind::MemberMerged,
                member_id: Some(id.clone()),
                data: json!({ "channel": channel, "external_id": external_id }),
            });
            (id, Outcome::Linked)
        }
        (None, None) => {
            let member = create(tx, fields, new_id).await?;
            link(tx, channel, external_id, &member.id).await?;
            pending.events.push(NewEvent {
                kind: EventKind::MemberCreated,
                member_id: Some(member.id.clone()),
                data: json!({ "source": "channel", "channel": channel, "external_id": external_id }),
            });
            pending
                .feed
                .push(FeedEntry::chain(Change::Member(member.clone())));
            return Ok(Upserted {
                channel: channel.into(),
                external_id: external_id.into(),
                member_id: member.id,
                card_no: member.card_no,
                outcome: Outcome::Created,
            });
        }
    };
    let (member, changed) = update(tx, &member_id, fields).await?;
    if !changed.is_empty() {
        pending.events.push(NewEvent {
            kind: EventKind::MemberChanged,
            member_id: Some(member_id.clone()),
            data: json!({ "fields": changed, "channel": channel, "external_id": external_id }),
        });
        if outcome == Outcome::Unchanged {
            outcome = Outcome::Updated;
        }
    }
    if outcome != Outcome::Unchanged {
        pending
            .feed
            .push(FeedEntry::chain(Change::Member(member.clone())));
    }
    Ok(Upserted {
        channel: channel.into(),
        external_id: external_id.into(),
        member_id,
        card_no: member.card_no,
        outcome,
    })
}

async fn link(
    tx: &Transaction<'_>,
    channel: &str,
    external_id: &str,
    member_id: &str,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO channel_customers (channel, external_id, member_id) VALUES ($1, $2, $3)",
        &[&channel, &external_id, &member_id],
    )
    .await?;
    Ok(())
}

/// A new member with head office's own card.
async fn create(
    tx: &Transaction<'_>,
    fields: &CustomerFields,
    new_id: Uuid,
) -> Result<Member, DbError> {
    let card_no = crate::member_codes::issue(tx, 1)
        .await?
        .pop()
        .ok_or_else(|| DbError::Corrupt("no member code issued".into()))?;
    let id = new_id.to_string();
    let name = fields.name.clone().unwrap_or_default();
    tx.execute(
        "INSERT INTO members (id, card_no, phone, name) VALUES ($1, $2, $3, $4)",
        &[&id, &card_no, &fields.phone, &name],
    )
    .await?;
    load(tx, &id).await
}

/// Sets the fields given that differ; returns the member and the names of the fields
/// changed (none: nothing was written).
async fn update(
    tx: &Transaction<'_>,
    member_id: &str,
    fields: &CustomerFields,
) -> Result<(Member, Vec<&'static str>), UpsertError> {
    let row = tx
        .query_one(
            "SELECT phone, name FROM members WHERE id = $1 FOR UPDATE",
            &[&member_id],
        )
        .await?;
    let (phone, name): (Option<String>, String) = (row.get(0), row.get(1));
    let mut changed = Vec::new();
    if let Some(wanted) = &fields.phone
        && phone.as_ref() != Some(wanted)
    {
        if let Some(holder) = tx
            .query_opt(
                "SELECT id FROM members WHERE phone = $1 AND id <> $2",
                &[wanted, &member_id],
            )
            .await?
        {
            return Err(UpsertError::PhoneTaken {
                phone: wanted.clone(),
                holder: holder.get(0),
            });
        }
        changed.push("phone");
    }
    if let Some(wanted) = &fields.name
        && *wanted != name
    {
        changed.push("name");
    }
    if !changed.is_empty() {
        tx.execute(
            "UPDATE members SET phone = coalesce($2, phone), name = coalesce($3, name) WHERE id = $1",
            &[&member_id, &fields.phone, &fields.name],
        )
        .await?;
    }
    Ok((load(tx, member_id).await?, changed))
}

async fn load(client: &impl GenericClient, id: &str) -> Result<Member, DbError> {
    let row = client
        .query_one(
            "SELECT id, card_no, coalesce(phone, ''), name, tier, points_balance FROM members WHERE id = $1",
            &[&id],
        )
        .await?;
    let tier: String = row.get(4);
    Ok(Member {
        id: row.get(0),
        card_no: row.get(1),
        phone: row.get(2),
        name: row.get(3),
        tier: Tier::from_code(&tier)
            .ok_or_else(|| DbError::Corrupt(format!("member tier {tier:?}")))?,
        points_balance: row.get(5),
        phone_key: None,
        tier_spend: None,
        segment: None,
    })
}

/// A channel's customer as `GET /v1/integrations/customers/{id}` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Customer {
    pub channel: String,
    pub external_id: String,
    pub member_id: String,
    pub card_no: String,
    pub phone: Option<String>,
    pub name: String,
    pub tier: String,
    pub points_balance: i64,
}

pub async fn customer(
    client: &impl GenericClient,
    channel: &str,
    external_id: &str,
) -> Result<Option<Customer>, DbError> {
    let row = client
        .query_opt(
            "SELECT m.id, m.card_no, m.phone, m.name, m.tier, m.points_balance
             FROM channel_customers c JOIN members m ON m.id = c.member_id
             WHERE c.channel = $1 AND c.external_id = $2",
            &[&channel, &external_id],
        )
        .await?;
    Ok(row.map(|r| Customer {
        channel: channel.into(),
        external_id: external_id.into(),
        member_id: r.get(0),
        card_no: r.get(1),
        phone: r.get(2),
        name: r.get(3),
        tier: r.get(4),
        points_balance: r.get(5),
    }))
}
