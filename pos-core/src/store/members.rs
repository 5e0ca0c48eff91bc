//! Members as the till knows them: head office's balance plus this till's own
//! unreflected point entries.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};

use super::settings::{read_setting, write_setting};
use super::{Store, StoreError};
use crate::member::{Member, Tier, mask_name, mask_phone_for_tills, phone_key};

/// The setting holding the chain's key of members' phones, as head office sent it.
pub(crate) const MEMBER_LOOKUP_KEY: &str = "member_lookup_key";

pub(crate) fn lookup_key(tx: &Transaction<'_>) -> Result<Option<String>, StoreError> {
    read_setting(tx, MEMBER_LOOKUP_KEY)
}

/// A member registered here, as the till keeps them: masked, with the phone's key once
/// the till has the chain's key (until then the number, keyed when the key arrives).
pub(crate) fn insert_registered(
    tx: &Transaction<'_>,
    id: &str,
    card_no: &str,
    phone: &str,
    name: &str,
) -> Result<(), StoreError> {
    let (phone, name, key) = match lookup_key(tx)? {
        Some(key) => (
            mask_phone_for_tills(phone),
            mask_name(name),
            Some(phone_key(&key, phone)),
        ),
        None => (phone.to_owned(), name.to_owned(), None),
    };
    tx.prepare_cached(
        "INSERT INTO member (id, card_no, phone, name, tier, points_base, phone_key)
         VALUES (?1, ?2, ?3, ?4, 'standard', 0, ?5)",
    )?
    .execute(params![id, card_no, phone, name, key])?;
    Ok(())
}

/// Keeps the chain's key and keys (and masks) the members still holding a number.
pub(crate) fn set_lookup_key(tx: &Transaction<'_>, key: &str) -> Result<(), StoreError> {
    write_setting(tx, MEMBER_LOOKUP_KEY, key)?;
    let unkeyed: Vec<(String, String, String)> = tx
        .prepare("SELECT id, phone, name FROM member WHERE phone_key IS NULL AND phone <> ''")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut update =
        tx.prepare("UPDATE member SET phone = ?2, name = ?3, phone_key = ?4 WHERE id = ?1")?;
    for (id, phone, name) in unkeyed {
        update.execute(params![
            id,
            mask_phone_for_tills(&phone),
            mask_name(&name),
            phone_key(key, &phone)
        ])?;
    }
    Ok(())
}

pub(crate) fn upsert_member(tx: &Transaction<'_>, m: &Member) -> Result<(), StoreError> {
    // A member with a full number (the till's own catalog import) is kept masked and
    // keyed like head office's once the till has the chain's key.
    let keyed;
    let m = match m.phone_key.is_none() && !m.phone.is_empty() {
        true => match lookup_key(tx)? {
            Some(key) => {
                keyed = m.for_tills(&key);
                &keyed
            }
            None => m,
        },
        false => m,
    };
    // A member registered offline here comes back from head office under head office's
    // id (merged by phone); the local stand-in row gives way to it. Masked numbers
    // repeat across members: only the key (or, before keys, the number) says it is one.
    tx.prepare_cached(
        "DELETE FROM member WHERE id <> ?2 AND card_no LIKE 'L%'
           AND ((?3 IS NOT NULL AND phone_key = ?3) OR (?3 IS NULL AND phone_key IS NULL AND phone = ?1))",
    )?
    .execute(params![m.phone, m.id, m.phone_key])?;
    let written = tx
        .prepare_cached(
            "INSERT INTO member (id, card_no, phone, name, tier, points_base, phone_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET card_no = excluded.card_no, phone = excluded.phone,
                 name = excluded.name, tier = excluded.tier, points_base = excluded.points_base,
                 phone_key = excluded.phone_key",
        )?
        .execute(params![m.id, m.card_no, m.phone, m.name, m.tier.code(), m.points_balance, m.phone_key]);
    match written {
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
            // The only other unique key is the card number: name who holds it.
            let holder: Option<String> = tx
                .query_row(
                    "SELECT id FROM member WHERE card_no = ?1 AND id <> ?2",
                    params![m.card_no, m.id],
                    |r| r.get(0),
                )
                .optional()?;
            match holder {
                Some(holder_id) => Err(StoreError::CardTaken {
                    card_no: m.card_no.clone(),
                    member_id: m.id.clone(),
                    holder_id,
                }),
                None => Err(e.into()),
            }
        }
        written => written.map(|_| ()).map_err(Into::into),
    }
}

/// A member as head office sends it. Head office is authoritative for card numbers: a
/// card it now gives this member is taken from whoever held it here (that member's own
/// change, with its new card, comes in the same pull), so a card moved from one member
/// to another applies in either order.
pub(crate) fn upsert_member_from_head_office(
    tx: &Transaction<'_>,
    m: &Member,
) -> Result<(), StoreError> {
    tx.prepare_cached(&format!(
        "UPDATE member SET card_no = '{CARD_RELEASED_PREFIX}' || id WHERE card_no = ?1 AND id <> ?2"
    ))?
    .execute(params![m.card_no, m.id])?;
    upsert_member(tx, m)
}

/// A member row: id, card, phone, name, tier, head office's balance, phone key.
type MemberRow = (String, String, String, String, String, i64, Option<String>);

/// Marks a card number taken away by head office until the member's new card arrives;
/// no scanned or typed code starts with it.
pub const CARD_RELEASED_PREFIX: &str = "~";

impl Store {
    /// A member by card number, phone (through its key) or id, with the balance the
    /// till believes.
    pub fn find_member(&self, key: &str) -> Result<Option<Member>, StoreError> {
        let key = key.trim();
        let keyed: Option<String> = self
            .setting(MEMBER_LOOKUP_KEY)?
            .map(|lookup| phone_key(&lookup, key));
        let row: Option<MemberRow> = self
            .conn()
            .prepare_cached(
                "SELECT id, card_no, phone, name, tier, points_base, phone_key FROM member
                 WHERE card_no = ?1 OR id = ?1 OR (?2 IS NOT NULL AND phone_key = ?2)
                    OR (phone_key IS NULL AND phone = ?1)
                 ORDER BY (card_no = ?1) DESC LIMIT 1",
            )?
            .query_row(params![key, keyed], |r| r.try_into())
            .optional()?;
        let Some((id, card_no, phone, name, tier, base, phone_key)) = row else {
            return Ok(None);
        };
        let tier =
            Tier::from_code(&tier).ok_or_else(|| StoreError::corrupt("member tier", tier))?;
        let pending = self.unreflected_points(&id)?;
        Ok(Some(Member {
            id,
            card_no,
            phone,
            name,
            tier,
            points_balance: base + pending,
            phone_key,
        }))
    }

    fn unreflected_points(&self, member_id: &str) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT COALESCE(SUM(p.points), 0) FROM point_entry p JOIN document d USING (sequence)
                 WHERE d.reflected = 0 AND p.member_id = ?1",
            )?
            .query_row([member_id], |r| r.get(0))?)
    }

    /// Points this member redeemed at this till while offline on `business_date`.
    pub fn offline_points_redeemed(
        &self,
        member_id: &str,
        business_date: NaiveDate,
    ) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT COALESCE(-SUM(points), 0) FROM point_entry
                 WHERE member_id = ?1 AND business_date = ?2 AND offline = 1 AND reason = 'redeem'",
            )?
            .query_row(params![member_id, business_date.to_string()], |r| r.get(0))?)
    }

    /// Card numbers of up to `limit` members.
    pub fn member_cards(&self, limit: usize) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT card_no FROM member ORDER BY card_no LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
