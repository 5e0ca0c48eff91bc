//! The one write path for documents: header, journal entry, outbox row and local effects
//! in a single transaction. Either all of it is on disk or none of it.

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use uuid::Uuid;

use super::feed::DEFAULT_WAL_CHECKPOINT_PAGES;
use super::stored::parse_body;
use super::write_lock::{self, DocumentWaiting};
use super::{Store, StoreError, journal, pending_print};
use crate::document::{Document, DocumentBody};
use crate::effects::{SerialState, effects_of};
use crate::stock_document::{GoodsReceipt, TransferReceipt};

fn shift_id_of(body: &DocumentBody) -> Option<Uuid> {
    match body {
        DocumentBody::Sale(s) => Some(s.shift_id),
        DocumentBody::Return(r) => Some(r.shift_id),
        DocumentBody::Void(v) => Some(v.shift_id),
        DocumentBody::PaidIn(c) | DocumentBody::PaidOut(c) => Some(c.shift_id),
        DocumentBody::ShiftOpen(o) => Some(o.shift_id),
        DocumentBody::ShiftClose(c) => Some(c.shift_id),
        _ => None,
    }
}

fn ref_id_of(body: &DocumentBody) -> Option<Uuid> {
    match body {
        DocumentBody::Return(r) => r.original_sale_id,
        DocumentBody::Void(v) => Some(v.sale_id),
        _ => None,
    }
}

/// Why a document could not be written although the file is fine.
#[derive(Debug, thiserror::Error)]
pub enum CommitError<E> {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The builder refused, e.g. a rule checked against the locked database failed.
    #[error(transparent)]
    Rejected(E),
}

impl Store {
    /// Writes one document. `build` gets the next sequence number (and the open
    /// transaction, to check rules against data nobody else can change meanwhile) and
    /// returns the document; everything else is derived from it. `offline` marks point
    /// redemptions made without head office, for the daily offline limit.
    pub fn commit_document<E>(
        &mut self,
        offline: bool,
        build: impl FnOnce(&Transaction<'_>, u64) -> Result<Document, E>,
    ) -> Result<Document, CommitError<E>> {
        // IMMEDIATE takes the write lock up front, so the sequence read below cannot race.
        // While this waits for the lock, feed pages let it go first.
        let waiting = DocumentWaiting::new();
        // During a pull the WAL is the pull's to copy into the file, not this sale's.
        let autocheckpoint_pages = if write_lock::feed_active() {
            0
        } else {
            DEFAULT_WAL_CHECKPOINT_PAGES
        };
        self.conn()
            .pragma_update(None, "wal_autocheckpoint", autocheckpoint_pages)
            .map_err(StoreError::from)?;
        let tx = self
            .conn_mut()
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        drop(waiting);
        let sequence = next_sequence(&tx)?;
        let doc = build(&tx, sequence).map_err(CommitError::Rejected)?;
        assert_eq!(
            doc.sequence, sequence,
            "a document must carry the sequence it was given"
        );
        write_document(&tx, &doc, offline)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(doc)
    }

    /// The document with this sequence number.
    pub fn document(&self, sequence: u64) -> Result<Option<Document>, StoreError> {
        let body: Option<Vec<u8>> = self
            .conn()
            .prepare_cached("SELECT body FROM document WHERE sequence = ?1")?
            .query_row([sequence as i64], |r| r.get(0))
            .optional()?;
        body.map(|b| parse_body(&b)).transpose()
    }

    pub fn document_by_id(&self, id: Uuid) -> Result<Option<Document>, StoreError> {
        let body: Option<Vec<u8>> = self
            .conn()
            .prepare_cached("SELECT body FROM document WHERE id = ?1")?
            .query_row([id.to_string()], |r| r.get(0))
            .optional()?;
        body.map(|b| parse_body(&b)).transpose()
    }

    /// Documents after `after_sequence`, in order, optionally of one kind.
    pub fn documents_after(
        &self,
        after_sequence: u64,
        kind: Option<&str>,
    ) -> Result<Vec<Document>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT body FROM document WHERE sequence > ?1 AND (?2 IS NULL OR kind = ?2) ORDER BY sequence",
        )?;
        let rows = stmt.query_map(params![after_sequence as i64, kind], |r| {
            r.get::<_, Vec<u8>>(0)
        })?;
        rows.map(|r| parse_body(&r?)).collect()
    }

    /// Returns and voids that refer to a sale, in order.
    pub fn documents_referring_to(&self, sale_id: Uuid) -> Result<Vec<Document>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT body FROM document WHERE ref_id = ?1 ORDER BY sequence")?;
        let rows = stmt.query_map([sale_id.to_string()], |r| r.get::<_, Vec<u8>>(0))?;
        rows.map(|r| parse_body(&r?)).collect()
    }

    /// The newest documents, newest first, for the reprint and return screens.
    pub fn recent_documents(&self, kind: &str, limit: usize) -> Result<Vec<Document>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT body FROM document WHERE kind = ?1 ORDER BY sequence DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![kind, limit as i64], |r| r.get::<_, Vec<u8>>(0))?;
        rows.map(|r| parse_body(&r?)).collect()
    }

    /// Sequence of the last document, 0 when there is none.
    pub fn last_sequence(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn()
            .query_row("SELECT COALESCE(MAX(sequence), 0) FROM document", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }
}

fn next_sequence(tx: &Transaction<'_>) -> Result<u64, StoreError> {
    Ok(tx.query_row(
        "SELECT COALESCE(MAX(sequence), 0) + 1 FROM document",
        [],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

fn write_document(tx: &Transaction<'_>, doc: &Document, offline: bool) -> Result<(), StoreError> {
    let body = doc.canonical_bytes();
    let seq = doc.sequence as i64;
    tx.prepare_cached(
        "INSERT INTO document (sequence, id, kind, business_date, created_at, operator_id, shift_id, ref_id, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        seq,
        doc.id.to_string(),
        doc.body.kind(),
        doc.business_date.to_string(),
        doc.created_at.to_rfc3339(),
        doc.operator_id,
        shift_id_of(&doc.body).map(|s| s.to_string()),
        ref_id_of(&doc.body).map(|s| s.to_string()),
        body,
    ])?;
    journal::append(tx, doc.sequence, &journal::hash_bytes(&body))?;
    if let DocumentBody::MemberRegistration(r) = &doc.body {
        super::erasure::keep_personal(tx, doc.sequence, r)?;
    }
    tx.prepare_cached("INSERT INTO outbox (sequence) VALUES (?1)")?
        .execute([seq])?;
    if matches!(doc.body, DocumentBody::Sale(_) | DocumentBody::Return(_)) {
        // Its receipt waits in the file until printed, so a crash cannot forget it.
        pending_print::queue(tx, doc.sequence)?;
    }

    let voided = match &doc.body {
        DocumentBody::Void(v) => {
            let body: Vec<u8> = tx.query_row(
                "SELECT body FROM document WHERE id = ?1",
                [v.sale_id.to_string()],
                |r| r.get(0),
            )?;
            match parse_body(&body)?.body {
                DocumentBody::Sale(sale) => Some(sale),
                _ => {
                    return Err(StoreError::corrupt(
                        "document",
                        format!("void {} names no sale", doc.id),
                    ));
                }
            }
        }
        _ => None,
    };
    // The same effects head office applies (pos-domain's `effects`), written here.
    let fx = effects_of(doc, voided.as_ref())
        .map_err(|e| StoreError::corrupt("document", format!("{}: {e}", doc.id)))?;
    for s in &fx.stock {
        tx.prepare_cached(
            "INSERT INTO stock_movement (sequence, sku, lot_no, quantity) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![
            seq,
            s.sku,
            s.lot_no.as_deref().unwrap_or(""),
            s.quantity
        ])?;
    }
    for p in &fx.points {
        tx.prepare_cached(
            "INSERT INTO point_entry (sequence, member_id, points, reason, business_date, offline)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            seq,
            p.member_id,
            p.points,
            p.reason.as_str(),
            doc.business_date.to_string(),
            offline
        ])?;
    }
    for s in &fx.serials {
        match s.state {
            SerialState::Sold => tx
                .prepare_cached(
                    "INSERT INTO serial_sale (sku, serial, sale_sequence) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![s.sku, s.serial, seq])?,
            SerialState::Available => tx
                .prepare_cached(
                    "UPDATE serial_sale SET return_sequence = ?3 WHERE sku = ?1 AND serial = ?2 AND return_sequence IS NULL",
                )?
                .execute(params![s.sku, s.serial, seq])?,
            // Received, written off or sent on a transfer: the store holds the unit now,
            // or no longer (head office's feed says the same once it has the document).
            SerialState::Received | SerialState::WrittenOff | SerialState::Dispatched => tx
                .prepare_cached(
                    "INSERT INTO serial_unit (sku, serial, lot_no, available) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (sku, serial) DO UPDATE SET lot_no = ?3, available = ?4",
                )?
                .execute(params![
                    s.sku,
                    s.serial,
                    s.lot_no,
                    s.state.in_stock()
                ])?,
        };
    }
    match &doc.body {
        DocumentBody::ShiftOpen(o) => {
            tx.prepare_cached(
                "INSERT INTO shift (id, operator_id, open_sequence, float) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                o.shift_id.to_string(),
                doc.operator_id,
                seq,
                o.float.to_string()
            ])?;
        }
        DocumentBody::ShiftClose(c) => {
            tx.prepare_cached("UPDATE shift SET close_sequence = ?2 WHERE id = ?1")?
                .execute(params![c.shift_id.to_string(), seq])?;
        }
        DocumentBody::MemberRegistration(m) => {
            super::members::insert_registered(tx, &m.member_id, &m.card_no, &m.phone, &m.name)?;
        }
        // A lot received that the catalog does not list yet is sellable here at once;
        // head office's own word on it (the feed) replaces this one.
        DocumentBody::GoodsReceipt(GoodsReceipt { lines, .. })
        | DocumentBody::TransferReceipt(TransferReceipt { lines, .. }) => {
            for line in lines {
                if let (Some(lot), Some(expiry)) = (&line.goods.lot, line.goods.expiry_date) {
                    tx.prepare_cached(
                        "INSERT OR IGNORE INTO lot (sku, lot_no, expiry_date) VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![
                        line.goods.sku,
                        lot,
                        expiry.to_string()
                    ])?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}
