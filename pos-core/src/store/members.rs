//! Members as the till knows them: head office's balance plus this till's own
//! unreflected point entries.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};
use rust_decimal::Decimal;

use super::settings::{read_setting, write_setting};
use super::{Store, StoreError};
use crate::member::{Member, Tier, TierSpend, mask_name, mask_phone_for_tills, phone_key};

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
    let spend = m.tier_spend.map(|s| s.amount.to_string());
    let spend_as_of = m.tier_spend.map(|s| s.as_of.to_string());
    let written = tx
        .prepare_cached(
            "INSERT INTO member (id, card_no, phone, name, tier, points_base, phone_key,
                                 tier_spend, tier_spend_as_of, segment)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (id) DO UPDATE SET card_no = excluded.card_no, phone = excluded.phone,
                 name = excluded.name, tier = excluded.tier, points_base = excluded.points_base,
                 phone_key = excluded.phone_key, tier_spend = excluded.tier_spend,
                 tier_spend_as_of = excluded.tier_spend_as_of, segment = excluded.segment",
        )?
        .execute(params![
            m.id,
            m.card_no,
            m.phone,
            m.name,
            m.tier.code(),
            m.points_balance,
            m.phone_key,
            spend,
            spend_as_of,
            m.segment
        ]);
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

/// A code (a provisional or merged card) that now finds `member_id`.
pub(crate) fn set_member_card(
    tx: &Transaction<'_>,
    card_no: &str,
    member_id: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO member_code (code, member_id) VALUES (?1, ?2)
         ON CONFLICT (code) DO UPDATE SET member_id = excluded.member_id",
    )?
    .execute(params![card_no, member_id])?;
    Ok(())
}

/// A member id that now means `member_id`: found through it from now on, and its own
/// row (a stand-in registered here, or a member merged into another) gives way. Codes
/// that led to it lead to `member_id`.
pub(crate) fn set_member_alias(
    tx: &Transaction<'_>,
    alias_id: &str,
    member_id: &str,
) -> Result<(), StoreError> {
    if alias_id == member_id {
        return Ok(());
    }
    set_member_card(tx, alias_id, member_id)?;
    tx.prepare_cached("UPDATE member_code SET member_id = ?2 WHERE member_id = ?1")?
        .execute(params![alias_id, member_id])?;
    tx.prepare_cached("DELETE FROM member WHERE id = ?1")?
        .execute([alias_id])?;
    tx.prepare_cached("DELETE FROM member_points_expiring WHERE member_id = ?1")?
        .execute([alias_id])?;
    Ok(())
}

/// A member row: id, card, phone, name, tier, head office's balance, phone key.
type MemberRow = (String, String, String, String, String, i64, Option<String>);
/// Head office's tier spend (amount, window's last day) and the member's segment.
type StandingRow = (Option<String>, Option<String>, Option<String>);

/// Marks a card number taken away by head office until the member's new card arrives;
/// no scanned or typed code starts with it.
pub const CARD_RELEASED_PREFIX: &str = "~";

impl Store {
    /// A member by card number, phone (through its key) or id, or by a code head
    /// office joined to the member (a provisional or merged card, a merged id), with
    /// the balance the till believes.
    pub fn find_member(&self, key: &str) -> Result<Option<Member>, StoreError> {
        let key = key.trim();
        let keyed: Option<String> = self
            .setting(MEMBER_LOOKUP_KEY)?
            .map(|lookup| phone_key(&lookup, key));
        let row: Option<(MemberRow, StandingRow)> = self
            .conn()
            .prepare_cached(
                "SELECT id, card_no, phone, name, tier, points_base, phone_key,
                        tier_spend, tier_spend_as_of, segment FROM member
                 WHERE card_no = ?1 OR id = ?1 OR (?2 IS NOT NULL AND phone_key = ?2)
                    OR (phone_key IS NULL AND phone = ?1)
                    OR id = (SELECT member_id FROM member_code WHERE code = ?1)
                 ORDER BY (card_no = ?1) DESC, (id = ?1) DESC LIMIT 1",
            )?
            .query_row(params![key, keyed], |r| {
                let member = (
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                );
                Ok((member, (r.get(7)?, r.get(8)?, r.get(9)?)))
            })
            .optional()?;
        let Some(((id, card_no, phone, name, tier, base, phone_key), standing)) = row else {
            return Ok(None);
        };
        let tier =
            Tier::from_code(&tier).ok_or_else(|| StoreError::corrupt("member tier", tier))?;
        let pending = self.unreflected_points(&id)?;
        let (spend, spend_as_of, segment) = standing;
        let tier_spend = self.tier_spend(&id, spend, spend_as_of)?;
        Ok(Some(Member {
            id,
            card_no,
            phone,
            name,
            tier,
            points_balance: base + pending,
            phone_key,
            tier_spend,
            segment,
        }))
    }

    /// Head office's spend in the tier window plus this till's own not yet reflected;
    /// `None` while head office sends none (tiers by spend off): the till's own sales
    /// alone would show a spend far below the member's.
    fn tier_spend(
        &self,
        member_id: &str,
        amount: Option<String>,
        as_of: Option<String>,
    ) -> Result<Option<TierSpend>, StoreError> {
        let (Some(amount), Some(as_of)) = (amount, as_of) else {
            return Ok(None);
        };
        let amount: Decimal = amount
            .parse()
            .map_err(|_| StoreError::corrupt("member tier spend", amount))?;
        let as_of: NaiveDate = as_of
            .parse()
            .map_err(|_| StoreError::corrupt("member tier spend day", as_of))?;
        let local = self.unreflected_spend(member_id)?;
        let amount = amount
            .checked_add(local.amount)
            .ok_or_else(|| StoreError::corrupt("member tier spend", "past the largest sum"))?;
        Ok(Some(TierSpend {
            amount,
            as_of: local.last_day.map_or(as_of, |day| day.max(as_of)),
        }))
    }

    fn unreflected_points(&self, member_id: &str) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT COALESCE(SUM(p.points), 0) FROM point_entry p JOIN document d USING (sequence)
                 WHERE d.reflected = 0 AND (p.member_id = ?1
                    OR p.member_id IN (SELECT code FROM member_code WHERE member_id = ?1))",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::member::Tier;

    fn member(id: &str, card_no: &str, phone: &str) -> Member {
        Member {
            id: id.into(),
            card_no: card_no.into(),
            phone: phone.into(),
            name: format!("会员 {id}"),
            tier: Tier::Standard,
            points_balance: 10,
            phone_key: None,
            tier_spend: None,
            segment: None,
        }
    }

    fn found(store: &Store, key: &str) -> Option<(String, String)> {
        store.find_member(key).unwrap().map(|m| (m.id, m.card_no))
    }

    #[test]
    fn a_joined_card_finds_the_member_in_either_order() {
        for card_first in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open(&dir.path().join("till.sqlite")).unwrap();
            let page = store.begin_feed_page().unwrap();
            let m = member("M", "H0000000013", "13900000001");
            if card_first {
                page.set_member_card("LS1-T01-0000001", "M").unwrap();
                page.upsert_member(&m).unwrap();
            } else {
                page.upsert_member(&m).unwrap();
                page.set_member_card("LS1-T01-0000001", "M").unwrap();
            }
            page.commit(2).unwrap();
            let expected = Some(("M".to_owned(), "H0000000013".to_owned()));
            assert_eq!(found(&store, "LS1-T01-0000001"), expected, "{card_first}");
            assert_eq!(found(&store, "H0000000013"), expected, "{card_first}");
            assert_eq!(found(&store, "LS1-T01-0000002"), None);
        }
    }

    #[test]
    fn a_merged_member_gives_way_and_its_id_and_cards_find_the_survivor() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("till.sqlite")).unwrap();
        let page = store.begin_feed_page().unwrap();
        page.upsert_member(&member("KEEP", "H0000000013", "13900000001"))
            .unwrap();
        page.upsert_member(&member("GONE", "H0000000021", "13900000010"))
            .unwrap();
        page.set_member_card("LS2-T01-0000004", "GONE").unwrap();
        page.commit(3).unwrap();

        let page = store.begin_feed_page().unwrap();
        page.set_member_alias("GONE", "KEEP").unwrap();
        page.set_member_card("H0000000021", "KEEP").unwrap();
        page.commit(5).unwrap();

        let survivor = Some(("KEEP".to_owned(), "H0000000013".to_owned()));
        for key in ["GONE", "H0000000021", "LS2-T01-0000004", "KEEP"] {
            assert_eq!(found(&store, key), survivor, "{key}");
        }
        assert_eq!(found(&store, "13900000010"), None, "the merged row is gone");
        // An alias of a member to itself changes nothing.
        let page = store.begin_feed_page().unwrap();
        page.set_member_alias("KEEP", "KEEP").unwrap();
        page.commit(6).unwrap();
        assert_eq!(found(&store, "KEEP"), survivor);
    }
}
