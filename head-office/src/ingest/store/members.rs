//! The member and point statements of ingest: new members, cards, aliases, balances,
//! the point ledger and overdrafts.

use std::collections::HashMap;

use pos_domain::member::{Member, Tier};
use tokio_postgres::Transaction;
use uuid::Uuid;

use super::super::effects::{
    CardClash, JoinedCard, LedgerEntry, MemberLookups, NewAlias, NewMember, Overdraft,
};
use crate::error::DbError;

/// Existing members by the phones registered, the ids and the cards named in a batch.
pub async fn member_lookups(
    tx: &Transaction<'_>,
    phones: &[String],
    ids: &[String],
    cards: &[String],
) -> Result<MemberLookups, DbError> {
    let mut lookups = MemberLookups::default();
    if !cards.is_empty() {
        for row in tx
            .query(
                "SELECT card_no, id FROM members WHERE card_no = ANY($1)
                 UNION ALL SELECT card_no, member_id FROM member_cards WHERE card_no = ANY($1)",
                &[&cards],
            )
            .await?
        {
            lookups.cards.insert(row.get(0), row.get(1));
        }
    }
    if !phones.is_empty() {
        for row in tx
            .query(
                "SELECT phone, id FROM members WHERE phone = ANY($1)",
                &[&phones],
            )
            .await?
        {
            lookups.by_phone.insert(row.get(0), row.get(1));
        }
    }
    if !ids.is_empty() {
        for row in tx
            .query(
                "SELECT alias_id, member_id FROM member_aliases WHERE alias_id = ANY($1)",
                &[&ids],
            )
            .await?
        {
            lookups.aliases.insert(row.get(0), row.get(1));
        }
        for row in tx
            .query("SELECT id FROM members WHERE id = ANY($1)", &[&ids])
            .await?
        {
            lookups.existing.insert(row.get(0));
        }
    }
    Ok(lookups)
}

pub async fn insert_members(tx: &Transaction<'_>, members: &[NewMember]) -> Result<(), DbError> {
    if members.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
    let cards: Vec<&str> = members.iter().map(|m| m.card_no.as_str()).collect();
    let phones: Vec<Option<&str>> = members.iter().map(|m| m.phone.as_deref()).collect();
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    let docs: Vec<Option<Uuid>> = members.iter().map(|m| m.registered_document_id).collect();
    tx.execute(
        "INSERT INTO members (id, card_no, phone, name, registered_document_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[])
         ON CONFLICT (id) DO NOTHING",
        &[&ids, &cards, &phones, &names, &docs],
    )
    .await?;
    Ok(())
}

/// Issues `count` member codes of head office's own ([`crate::member_codes`]).
pub async fn issue_cards(tx: &Transaction<'_>, count: usize) -> Result<Vec<String>, DbError> {
    crate::member_codes::issue(tx, count).await
}

/// Joins tills' provisional cards to the members head office keeps them under. No
/// `ON CONFLICT`: two batches joining one card at once clash on the key and the later
/// one is retried, and then sees the card taken.
pub async fn join_cards(tx: &Transaction<'_>, cards: &[JoinedCard]) -> Result<(), DbError> {
    if cards.is_empty() {
        return Ok(());
    }
    let card_nos: Vec<&str> = cards.iter().map(|c| c.card_no.as_str()).collect();
    let members: Vec<&str> = cards.iter().map(|c| c.member_id.as_str()).collect();
    let docs: Vec<Option<Uuid>> = cards.iter().map(|c| c.document_id).collect();
    tx.execute(
        "INSERT INTO member_cards (card_no, member_id, reason, document_id)
         SELECT c, m, 'provisional', d FROM unnest($1::text[], $2::text[], $3::uuid[]) AS j (c, m, d)",
        &[&card_nos, &members, &docs],
    )
    .await?;
    Ok(())
}

/// Records which new members were given head office's card instead of their till's.
pub async fn record_card_clashes(
    tx: &Transaction<'_>,
    clashes: &[CardClash],
    members: &[NewMember],
) -> Result<(), DbError> {
    if clashes.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = clashes
        .iter()
        .map(|c| members[c.new_member].id.as_str())
        .collect();
    let till_cards: Vec<&str> = clashes.iter().map(|c| c.till_card_no.as_str()).collect();
    let cards: Vec<&str> = clashes
        .iter()
        .map(|c| members[c.new_member].card_no.as_str())
        .collect();
    let holders: Vec<&str> = clashes.iter().map(|c| c.holder_id.as_str()).collect();
    let docs: Vec<Uuid> = clashes.iter().map(|c| c.document_id).collect();
    tx.execute(
        "INSERT INTO member_card_reissues (member_id, till_card_no, card_no, holder_id, document_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[])",
        &[&ids, &till_cards, &cards, &holders, &docs],
    )
    .await?;
    Ok(())
}

pub async fn insert_aliases(tx: &Transaction<'_>, aliases: &[NewAlias]) -> Result<(), DbError> {
    if aliases.is_empty() {
        return Ok(());
    }
    let alias_ids: Vec<&str> = aliases.iter().map(|a| a.alias_id.as_str()).collect();
    let member_ids: Vec<&str> = aliases.iter().map(|a| a.member_id.as_str()).collect();
    let cards: Vec<&str> = aliases.iter().map(|a| a.card_no.as_str()).collect();
    let docs: Vec<Uuid> = aliases.iter().map(|a| a.document_id).collect();
    tx.execute(
        "INSERT INTO member_aliases (alias_id, member_id, card_no, document_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[])
         ON CONFLICT (alias_id) DO NOTHING",
        &[&alias_ids, &member_ids, &cards, &docs],
    )
    .await?;
    Ok(())
}

/// Locks the members (in id order, so concurrent batches cannot deadlock) and returns
/// their balances.
/// The members a batch moves the points of, locked: balance and tier by id.
#[derive(Debug, Default)]
pub struct LockedMembers {
    pub balances: HashMap<String, i64>,
    pub tiers: HashMap<String, Tier>,
}

pub async fn lock_members(tx: &Transaction<'_>, ids: &[String]) -> Result<LockedMembers, DbError> {
    let mut locked = LockedMembers::default();
    if ids.is_empty() {
        return Ok(locked);
    }
    let rows = tx
        .query(
            "SELECT id, points_balance, tier FROM members WHERE id = ANY($1) ORDER BY id FOR UPDATE",
            &[&ids],
        )
        .await?;
    for r in rows {
        let id: String = r.get(0);
        let tier: String = r.get(2);
        let tier = Tier::from_code(&tier)
            .ok_or_else(|| DbError::Corrupt(format!("member tier {tier:?}")))?;
        locked.balances.insert(id.clone(), r.get(1));
        locked.tiers.insert(id, tier);
    }
    Ok(locked)
}

pub async fn write_points(
    tx: &Transaction<'_>,
    store: &str,
    entries: &[LedgerEntry],
    balances: &std::collections::BTreeMap<String, i64>,
) -> Result<(), DbError> {
    if entries.is_empty() {
        return Ok(());
    }
    let docs: Vec<Uuid> = entries.iter().map(|e| e.document_id).collect();
    let kinds: Vec<&str> = entries.iter().map(|e| e.entry).collect();
    let members: Vec<&str> = entries.iter().map(|e| e.member_id.as_str()).collect();
    let till_members: Vec<&str> = entries.iter().map(|e| e.till_member_id.as_str()).collect();
    let points: Vec<i64> = entries.iter().map(|e| e.points).collect();
    let after: Vec<i64> = entries.iter().map(|e| e.balance_after).collect();
    let operators: Vec<&str> = entries.iter().map(|e| e.operator_id.as_str()).collect();
    let reasons: Vec<&str> = entries.iter().map(|e| e.reason.as_str()).collect();
    // The primary key (document_id, entry) makes a second application impossible.
    tx.execute(
        "INSERT INTO point_ledger (document_id, entry, member_id, till_member_id, points, balance_after, store_id, operator_id, reason)
         SELECT d, e, m, t, p, a, $7, o, r
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::int8[], $8::text[], $9::text[])
             AS l (d, e, m, t, p, a, o, r)",
        &[&docs, &kinds, &members, &till_members, &points, &after, &store, &operators, &reasons],
    )
    .await?;
    let ids: Vec<&str> = balances.keys().map(String::as_str).collect();
    let values: Vec<i64> = balances.values().copied().collect();
    tx.execute(
        "UPDATE members SET points_balance = b.balance
         FROM unnest($1::text[], $2::int8[]) AS b (id, balance) WHERE members.id = b.id",
        &[&ids, &values],
    )
    .await?;
    Ok(())
}

pub async fn flag_overdrafts(
    tx: &Transaction<'_>,
    store: &str,
    terminal: &str,
    overdrafts: &[Overdraft],
) -> Result<(), DbError> {
    if overdrafts.is_empty() {
        return Ok(());
    }
    let docs: Vec<Uuid> = overdrafts.iter().map(|o| o.document_id).collect();
    let members: Vec<&str> = overdrafts.iter().map(|o| o.member_id.as_str()).collect();
    let redeemed: Vec<i64> = overdrafts.iter().map(|o| o.points_redeemed).collect();
    let before: Vec<i64> = overdrafts.iter().map(|o| o.balance_before).collect();
    let after: Vec<i64> = overdrafts.iter().map(|o| o.balance_after).collect();
    tx.execute(
        "INSERT INTO overdraft_reviews (document_id, member_id, points_redeemed, balance_before, balance_after, store_id, terminal_id)
         SELECT d, m, r, b, a, $6, $7 FROM unnest($1::uuid[], $2::text[], $3::int8[], $4::int8[], $5::int8[]) AS o (d, m, r, b, a)
         ON CONFLICT (document_id) DO NOTHING",
        &[&docs, &members, &redeemed, &before, &after, &store, &terminal],
    )
    .await?;
    Ok(())
}

/// Members as the feed sends them.
pub async fn load_members(tx: &Transaction<'_>, ids: &[String]) -> Result<Vec<Member>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = tx
        .query(
            "SELECT id, card_no, coalesce(phone, ''), name, tier, points_balance FROM members WHERE id = ANY($1)",
            &[&ids],
        )
        .await?;
    rows.iter().map(member_from_row).collect()
}

pub fn member_from_row(row: &tokio_postgres::Row) -> Result<Member, DbError> {
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

/// The loyalty rules in force (the defaults until head office is given some).
pub async fn loyalty_rules(
    tx: &Transaction<'_>,
) -> Result<pos_domain::member::LoyaltyRules, DbError> {
    let row = tx.query_opt("SELECT data FROM loyalty_rules", &[]).await?;
    Ok(row.map_or_else(Default::default, |r| {
        r.get::<_, tokio_postgres::types::Json<_>>(0).0
    }))
}
