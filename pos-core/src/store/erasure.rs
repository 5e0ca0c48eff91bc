//! A member's personal data on this till, and its erasure (个人信息删除).
//!
//! A registration made here is stored in its hashed form (phone and name only as
//! digests, see `pos_domain::personal_data`); the values and the salt wait beside it in
//! `member_personal`, and the outbox sends the document whole from both. When head
//! office erases the member (`Change::MemberErased`), the till deletes the member, that
//! row, and blanks any registration written before sealing (recorded in
//! `redacted_document`, so `pos verify` says "redacted", not "broken"); the next
//! checkpoint truncates the write-ahead log, which may still hold old pages.

use rusqlite::{OptionalExtension, Transaction, params};

use super::settings::{read_setting, write_setting};
use super::stored::parse_body;
use super::{Store, StoreError};
use crate::document::{DocumentBody, MemberRegistration};

/// Set while the write-ahead log may still hold an erased member's pages.
const ERASURE_TO_CHECKPOINT: &str = "erasure_to_checkpoint";

/// Keeps a sealed registration's values beside its (hashed) document.
pub(crate) fn keep_personal(
    tx: &Transaction<'_>,
    sequence: u64,
    registration: &MemberRegistration,
) -> Result<(), StoreError> {
    let Some(salt) = registration.seal.as_ref().and_then(|s| s.salt.as_ref()) else {
        return Ok(());
    };
    tx.prepare_cached(
        "INSERT INTO member_personal (sequence, phone, name, salt) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        sequence as i64,
        registration.phone,
        registration.name,
        salt
    ])?;
    Ok(())
}

/// The document to send for a stored body: a sealed registration with its values put
/// back (head office needs them), anything else as stored.
pub(crate) fn whole_body(
    store: &Store,
    sequence: u64,
    body: Vec<u8>,
) -> Result<Vec<u8>, StoreError> {
    let personal: Option<(String, String, String)> = store
        .conn()
        .prepare_cached("SELECT phone, name, salt FROM member_personal WHERE sequence = ?1")?
        .query_row([sequence as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((phone, name, salt)) = personal else {
        return Ok(body);
    };
    let mut doc = parse_body(&body)?;
    let DocumentBody::MemberRegistration(r) = &mut doc.body else {
        return Err(StoreError::corrupt(
            "member_personal",
            format!("document {sequence} is not a registration"),
        ));
    };
    r.phone = phone;
    r.name = name;
    if let Some(seal) = &mut r.seal {
        seal.salt = Some(salt);
    }
    Ok(serde_json::to_vec(&doc).expect("documents hold only serialisable data"))
}

/// Whether a registration's kept values are those its document was sealed with (a
/// value changed beside the document breaks the journal as a changed document would).
pub(crate) fn personal_matches_seal(
    body: &[u8],
    (phone, name, salt): (String, String, String),
) -> bool {
    let Ok(doc) = parse_body(body) else {
        return false;
    };
    let DocumentBody::MemberRegistration(mut r) = doc.body else {
        return false;
    };
    let Some(seal) = &mut r.seal else {
        return false;
    };
    seal.salt = Some(salt);
    r.phone = phone;
    r.name = name;
    r.check_seal().is_ok()
}

/// Forgets member `member_id` and the till ids merged into it: their rows, the values
/// of their registrations made here, and the phone and name in registrations written
/// before sealing (redacted). Returns how many registrations lost personal data.
pub(crate) fn forget_member(
    tx: &Transaction<'_>,
    member_id: &str,
    alias_ids: &[String],
) -> Result<u64, StoreError> {
    let ids: Vec<&str> = std::iter::once(member_id)
        .chain(alias_ids.iter().map(String::as_str))
        .collect();
    let mut forgotten = 0;
    for id in &ids {
        tx.execute("DELETE FROM member WHERE id = ?1", [id])?;
        tx.execute(
            "DELETE FROM member_points_expiring WHERE member_id = ?1",
            [id],
        )?;
    }
    let registrations: Vec<(i64, Vec<u8>)> = tx
        .prepare("SELECT sequence, body FROM document WHERE kind = 'member_registration'")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (sequence, body) in registrations {
        let mut doc = parse_body(&body)?;
        let DocumentBody::MemberRegistration(r) = doc.body.clone() else {
            continue;
        };
        if !ids.contains(&r.member_id.as_str()) {
            continue;
        }
        forgotten += tx.execute(
            "DELETE FROM member_personal WHERE sequence = ?1",
            [sequence],
        )? as u64;
        if r.seal.is_none() && !r.is_erased() {
            doc.body = DocumentBody::MemberRegistration(r.erased());
            let bytes = serde_json::to_vec(&doc).expect("documents hold only serialisable data");
            tx.execute(
                "UPDATE document SET body = ?2 WHERE sequence = ?1",
                params![sequence, bytes],
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO redacted_document (sequence, member_id, redacted_at)
                 VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                params![sequence, r.member_id],
            )?;
            forgotten += 1;
        }
    }
    // A change about them the till set aside would still hold what head office sent.
    for id in &ids {
        tx.execute(
            "DELETE FROM feed_set_aside WHERE instr(change, ?1) > 0",
            [format!("\"{id}\"")],
        )?;
    }
    write_setting(tx, ERASURE_TO_CHECKPOINT, "1")?;
    Ok(forgotten)
}

impl Store {
    /// After an erasure, empties the write-ahead log (a plain checkpoint copies its
    /// pages but leaves them in the file). When a reader holds it, it is tried again at
    /// the next call. Returns whether an erasure is still to be checkpointed.
    pub fn checkpoint_erasures(&self) -> Result<bool, StoreError> {
        if read_setting(self.conn(), ERASURE_TO_CHECKPOINT)?.is_none() {
            return Ok(false);
        }
        if self.truncate_wal()? {
            return Ok(true);
        }
        self.conn().execute(
            "DELETE FROM setting WHERE key = ?1",
            [ERASURE_TO_CHECKPOINT],
        )?;
        // Deleting the marker wrote to the log again; nothing personal is in that page.
        self.truncate_wal()
    }

    /// Copies the log into the file and truncates it; true when a reader kept it from
    /// finishing.
    fn truncate_wal(&self) -> Result<bool, StoreError> {
        let busy: i64 = self
            .conn()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        Ok(busy != 0)
    }
}
