//! Applying head office's change feed. A page of changes and the new cursor are written in
//! one transaction, so a crash never leaves half a page or a cursor past unapplied changes.
//! Head office's stock and balances overwrite only the `*_base` values; the till's own
//! unreflected documents keep adding on top, so a pull never forgets a local sale.

use std::cell::RefCell;

use rusqlite::{CachedStatement, Connection, Transaction, TransactionBehavior, params};

use super::catalog::{
    UPSERT_BARCODE, UPSERT_LOT, UPSERT_PRODUCT, upsert_promotion, write_barcode, write_lot,
    write_product,
};
use super::members::upsert_member_from_head_office;
use super::settings::{FEED_CURSOR_KEY, LOYALTY_RULES_KEY};
use super::stock::{SET_SERIAL, SET_STOCK_BASE, write_serial, write_stock_base};
use super::{Store, StoreError};
use crate::catalog::{Lot, Product};
use crate::member::{LoyaltyRules, Member};
use crate::promotion::Promotion;
use crate::transfer_order::TransferOrder;

/// What became of a barcode or lot in a feed page.
#[must_use]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    Written,
    /// Its product has no row, active or not: nothing was written. The feed holds the
    /// latest change per key, so a product changed after its barcodes comes later.
    ProductMissing,
}

/// Whether [`FeedTransaction::apply_or_set_aside`] had to set a change aside, and why.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetAside {
    No,
    Yes(String),
}

/// A failure that lies in the row itself (a constraint it breaks, a value SQLite will not
/// store), not in the file or the disk: those stop the page, to be retried.
fn is_fault_of_the_row(e: &StoreError) -> bool {
    use rusqlite::ErrorCode::{ConstraintViolation, TooBig, TypeMismatch};
    match e {
        StoreError::CardTaken { .. } => true,
        StoreError::Sqlite(e) => matches!(
            e.sqlite_error_code(),
            Some(ConstraintViolation | TooBig | TypeMismatch)
        ),
        _ => false,
    }
}

/// A feed change the till could not apply, kept for the manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAsideChange {
    pub cursor: i64,
    pub change: String,
    pub error: String,
    pub set_aside_at: String,
}

/// The newest set-aside changes listed at most.
pub const SET_ASIDE_LISTED_MAX: usize = 200;

/// A barcode's or lot's only foreign key is its product: a violation means the product
/// has no row. SQLite undoes just the failed statement; the transaction goes on.
fn placed(written: Result<(), StoreError>) -> Result<Placed, StoreError> {
    match written {
        Ok(()) => Ok(Placed::Written),
        Err(StoreError::Sqlite(e))
            if e.sqlite_error().map(|e| e.extended_code)
                == Some(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY) =>
        {
            Ok(Placed::ProductMissing)
        }
        Err(e) => Err(e),
    }
}

/// WAL pages (4 KiB each) a connection applying feed pages lets grow before a commit
/// copies them into the database file; SQLite's default is 1,000. A full feed rewrites
/// the same index pages page after page, and with the default every page's commit
/// copied all of them again: a 200,000-SKU feed applied about 25% faster with this.
const FEED_WAL_CHECKPOINT_PAGES: i64 = 16_384;
pub(super) const DEFAULT_WAL_CHECKPOINT_PAGES: i64 = 1_000;

/// An open page of feed changes. Dropped without `commit`, nothing is applied.
pub struct FeedTransaction<'a> {
    // Declared first, so dropped (back into the cache) before the transaction ends.
    statements: RefCell<PageStatements<'a>>,
    pub(super) tx: Transaction<'a>,
}

/// The statements a full feed runs for nearly every change, prepared once per page:
/// fetched from the statement cache per change, their text was hashed 868,067 times.
struct PageStatements<'a> {
    product: CachedStatement<'a>,
    barcode: CachedStatement<'a>,
    lot: CachedStatement<'a>,
    stock: CachedStatement<'a>,
    serial: CachedStatement<'a>,
}

impl<'a> PageStatements<'a> {
    fn prepare(conn: &'a Connection) -> Result<PageStatements<'a>, StoreError> {
        Ok(PageStatements {
            product: conn.prepare_cached(UPSERT_PRODUCT)?,
            barcode: conn.prepare_cached(UPSERT_BARCODE)?,
            lot: conn.prepare_cached(UPSERT_LOT)?,
            stock: conn.prepare_cached(SET_STOCK_BASE)?,
            serial: conn.prepare_cached(SET_SERIAL)?,
        })
    }
}

impl Store {
    /// Starts a page. The connection then checkpoints only every
    /// [`FEED_WAL_CHECKPOINT_PAGES`] until [`Store::checkpoint_after_feed`].
    pub fn begin_feed_page(&mut self) -> Result<FeedTransaction<'_>, StoreError> {
        // A sale waiting for the write lock goes first: it waits for one page at most.
        super::write_lock::let_documents_go_first();
        super::write_lock::feed_page_begun();
        // `&mut self` keeps anything else off this connection while the page is open.
        let conn = self.conn();
        conn.pragma_update(None, "wal_autocheckpoint", FEED_WAL_CHECKPOINT_PAGES)?;
        let statements = RefCell::new(PageStatements::prepare(conn)?);
        Ok(FeedTransaction {
            statements,
            tx: Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?,
        })
    }

    /// Copies the WAL into the database file now and lets this connection checkpoint at
    /// SQLite's default again: the end of a pull, so the till's next sale does not find
    /// the feed's pages still to copy. Only what no reader still needs is copied.
    pub fn checkpoint_after_feed(&self) -> Result<(), StoreError> {
        super::write_lock::feed_ended();
        self.conn()
            .pragma_update(None, "wal_autocheckpoint", DEFAULT_WAL_CHECKPOINT_PAGES)?;
        self.conn()
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Feed changes set aside, newest first (at most [`SET_ASIDE_LISTED_MAX`]).
    pub fn set_aside_changes(&self) -> Result<Vec<SetAsideChange>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT cursor, change, error, set_aside_at FROM feed_set_aside ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([SET_ASIDE_LISTED_MAX as i64], |r| {
            Ok(SetAsideChange {
                cursor: r.get(0)?,
                change: r.get(1)?,
                error: r.get(2)?,
                set_aside_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The highest acknowledged sequence now; pass it to `mark_reflected` once a pull
    /// that started after this moment has drained the feed.
    pub fn acked_watermark(&self) -> Result<u64, StoreError> {
        Ok(self.conn().query_row(
            "SELECT COALESCE(MAX(sequence), 0) FROM document WHERE acked = 1 AND reflected = 0",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// Head office's stock and balances now include every document acknowledged up to
    /// `watermark`, so their local effects stop being added on top.
    pub fn mark_reflected(&self, watermark: u64) -> Result<u64, StoreError> {
        Ok(self.conn().execute(
            "UPDATE document SET reflected = 1 WHERE acked = 1 AND reflected = 0 AND sequence <= ?1",
            [watermark as i64],
        )? as u64)
    }
}

impl FeedTransaction<'_> {
    pub fn upsert_product(&self, p: &Product) -> Result<(), StoreError> {
        write_product(&mut self.statements.borrow_mut().product, p)
    }

    /// Deleted products stay in the file for old documents and returns, but are hidden.
    pub fn delete_product(&self, sku: &str) -> Result<(), StoreError> {
        self.tx
            .execute("UPDATE product SET active = 0 WHERE sku = ?1", [sku])?;
        Ok(())
    }

    /// Writes a barcode unless its product has no row (yet), which the foreign key finds
    /// out: the statement is then undone and the page goes on.
    pub fn upsert_barcode(&self, sku: &str, barcode: &str) -> Result<Placed, StoreError> {
        placed(write_barcode(
            &mut self.statements.borrow_mut().barcode,
            sku,
            barcode,
        ))
    }

    pub fn delete_barcode(&self, barcode: &str) -> Result<(), StoreError> {
        self.tx
            .execute("DELETE FROM barcode WHERE barcode = ?1", [barcode])?;
        Ok(())
    }

    /// Writes a lot unless its product has no row (yet), as [`Self::upsert_barcode`].
    pub fn upsert_lot(&self, lot: &Lot) -> Result<Placed, StoreError> {
        placed(write_lot(&mut self.statements.borrow_mut().lot, lot))
    }

    /// A lot head office removed; its stock and sold units keep their lot number.
    pub fn delete_lot(&self, sku: &str, lot_no: &str) -> Result<(), StoreError> {
        self.tx.execute(
            "DELETE FROM lot WHERE sku = ?1 AND lot_no = ?2",
            [sku, lot_no],
        )?;
        Ok(())
    }

    pub fn set_stock(
        &self,
        sku: &str,
        lot_no: Option<&str>,
        quantity: i64,
    ) -> Result<(), StoreError> {
        write_stock_base(
            &mut self.statements.borrow_mut().stock,
            sku,
            lot_no,
            quantity,
        )
    }

    pub fn set_serial(
        &self,
        sku: &str,
        serial: &str,
        lot_no: Option<&str>,
        available: bool,
    ) -> Result<(), StoreError> {
        write_serial(
            &mut self.statements.borrow_mut().serial,
            sku,
            serial,
            lot_no,
            available,
        )
    }

    /// Writes a member as head office sends it; a card head office moved to this member
    /// is taken from its previous holder here.
    pub fn upsert_member(&self, m: &Member) -> Result<(), StoreError> {
        upsert_member_from_head_office(&self.tx, m)
    }

    /// Forgets an erased member here (see `store::erasure`).
    pub fn forget_member(&self, member_id: &str, alias_ids: &[String]) -> Result<(), StoreError> {
        super::erasure::forget_member(&self.tx, member_id, alias_ids).map(|_| ())
    }

    /// A member's points still to lapse (the feed's `MemberPointsExpiring`).
    pub fn set_points_expiring(
        &self,
        member_id: &str,
        expiring: &[crate::points_expiry::ExpiringPoints],
    ) -> Result<(), StoreError> {
        super::points_expiry::set_points_expiring(&self.tx, member_id, expiring)
    }

    /// A card code head office joined to a member (the feed's `MemberCard`).
    pub fn set_member_card(&self, card_no: &str, member_id: &str) -> Result<(), StoreError> {
        super::members::set_member_card(&self.tx, card_no, member_id)
    }

    /// A member id that now means another member (the feed's `MemberAlias`).
    pub fn set_member_alias(&self, alias_id: &str, member_id: &str) -> Result<(), StoreError> {
        super::members::set_member_alias(&self.tx, alias_id, member_id)
    }

    /// The chain's key of members' phones; members still holding a number are keyed
    /// and masked with it.
    pub fn set_member_lookup_key(&self, key: &str) -> Result<(), StoreError> {
        super::members::set_lookup_key(&self.tx, key)
    }

    /// Runs `apply` in a savepoint. When it fails, what it wrote is undone, the change
    /// is kept in `feed_set_aside` with the reason (shown in the store review), and the
    /// page goes on: one row the till cannot take never stops the pull.
    pub fn apply_or_set_aside(
        &self,
        cursor: i64,
        describe: impl FnOnce() -> String,
        apply: impl FnOnce(&Self) -> Result<(), StoreError>,
    ) -> Result<SetAside, StoreError> {
        self.tx.execute_batch("SAVEPOINT feed_change")?;
        match apply(self) {
            Ok(()) => {
                self.tx.execute_batch("RELEASE feed_change")?;
                Ok(SetAside::No)
            }
            Err(e) if is_fault_of_the_row(&e) => {
                self.tx
                    .execute_batch("ROLLBACK TO feed_change; RELEASE feed_change")?;
                let error = e.to_string();
                self.tx.execute(
                    "INSERT INTO feed_set_aside (cursor, change, error, set_aside_at)
                     VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                    params![cursor, describe(), error],
                )?;
                Ok(SetAside::Yes(error))
            }
            Err(e) => {
                self.tx
                    .execute_batch("ROLLBACK TO feed_change; RELEASE feed_change")?;
                Err(e)
            }
        }
    }

    pub fn upsert_promotion(&self, p: &Promotion) -> Result<(), StoreError> {
        upsert_promotion(&self.tx, p)
    }

    pub fn delete_promotion(&self, id: &str) -> Result<(), StoreError> {
        self.tx
            .execute("DELETE FROM promotion WHERE id = ?1", [id])?;
        Ok(())
    }

    pub fn set_loyalty_rules(&self, rules: &LoyaltyRules) -> Result<(), StoreError> {
        let json = serde_json::to_string(rules).expect("loyalty rules serialise");
        super::settings::write_setting(&self.tx, LOYALTY_RULES_KEY, &json)
    }

    /// Keeps a transfer order's latest state (the feed sends it whole each time).
    pub fn upsert_transfer_order(&self, order: &TransferOrder) -> Result<(), StoreError> {
        let body = serde_json::to_string(order).expect("a transfer order serialises");
        self.tx.execute(
            "INSERT INTO transfer_order (transfer_id, from_store, to_store, state, body)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (transfer_id) DO UPDATE SET from_store = excluded.from_store,
                 to_store = excluded.to_store, state = excluded.state, body = excluded.body",
            params![
                order.transfer_id,
                order.from_store,
                order.to_store,
                order.state.code(),
                body
            ],
        )?;
        Ok(())
    }

    /// [`Store::mark_reflected`] inside this page, so head office's new stock and
    /// balances and the end of the local overlay become visible together.
    pub fn mark_reflected(&self, watermark: u64) -> Result<u64, StoreError> {
        Ok(self.tx.execute(
            "UPDATE document SET reflected = 1 WHERE acked = 1 AND reflected = 0 AND sequence <= ?1",
            [watermark as i64],
        )? as u64)
    }

    /// Applies the page: the changes and the new cursor together.
    pub fn commit(self, cursor: i64) -> Result<(), StoreError> {
        let FeedTransaction { statements, tx } = self;
        drop(statements);
        tx.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![FEED_CURSOR_KEY, cursor.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    use super::*;
    use crate::catalog::Tracking;

    fn product(sku: &str) -> Product {
        Product {
            sku: sku.into(),
            name: format!("血糖试纸 {sku}"),
            pinyin: "xtsz".into(),
            category: "glucose".into(),
            unit: "盒".into(),
            price: Decimal::new(8950, 2),
            vat_rate: Decimal::new(13, 2),
            device_class: None,
            registration_no: None,
            tracking: Tracking::Lot,
            safety_stock: 0,
            model_spec: None,
            manufacturer: None,
            manufacturer_licence: None,
            warranty_months: None,
        }
    }

    fn lot(sku: &str, lot_no: &str) -> Lot {
        Lot {
            sku: sku.into(),
            lot_no: lot_no.into(),
            expiry_date: NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
        }
    }

    #[test]
    fn a_barcode_or_lot_of_a_product_not_there_is_not_written_and_the_page_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("till.sqlite")).unwrap();
        let page = store.begin_feed_page().unwrap();
        page.upsert_product(&product("A")).unwrap();
        let cases = [
            (
                page.upsert_barcode("B", "6901234567892").unwrap(),
                Placed::ProductMissing,
            ),
            (
                page.upsert_lot(&lot("B", "L1")).unwrap(),
                Placed::ProductMissing,
            ),
            (
                page.upsert_barcode("A", "96385074").unwrap(),
                Placed::Written,
            ),
            (page.upsert_lot(&lot("A", "L1")).unwrap(), Placed::Written),
            // A barcode moving to a product not there keeps where it was.
            (
                page.upsert_barcode("B", "96385074").unwrap(),
                Placed::ProductMissing,
            ),
        ];
        for (i, (got, expected)) in cases.into_iter().enumerate() {
            assert_eq!(got, expected, "case {i}");
        }
        page.set_stock("A", Some("L1"), 5).unwrap();
        page.commit(9).unwrap();

        assert_eq!(store.feed_cursor().unwrap(), 9);
        assert_eq!(store.product_by_code("96385074").unwrap().unwrap().sku, "A");
        assert!(store.product_by_code("6901234567892").unwrap().is_none());
        assert!(store.lot("B", "L1").unwrap().is_none());
        assert!(store.lot("A", "L1").unwrap().is_some());
        assert_eq!(store.stock("A", Some("L1")).unwrap(), 5);
        assert!(store.integrity_problems().unwrap().is_empty());
        let orphans: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(orphans, 0);
    }

    fn member(id: &str, card_no: &str) -> Member {
        Member {
            id: id.into(),
            card_no: card_no.into(),
            phone: format!("1390000{:04}", id.len()),
            name: format!("会员 {id}"),
            tier: crate::member::Tier::Standard,
            points_balance: 0,
            phone_key: None,
            tier_spend: None,
            segment: None,
        }
    }

    #[test]
    fn a_card_moved_from_one_member_to_another_applies_in_either_order() {
        // Head office moved card C1 from A to B and gave A card C2; the feed may send
        // either member first.
        for b_first in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open(&dir.path().join("till.sqlite")).unwrap();
            let page = store.begin_feed_page().unwrap();
            page.upsert_member(&member("A", "C1")).unwrap();
            page.commit(1).unwrap();

            let page = store.begin_feed_page().unwrap();
            let (a, b) = (member("A", "C2"), member("B", "C1"));
            let order = if b_first { [&b, &a] } else { [&a, &b] };
            for m in order {
                page.upsert_member(m).unwrap();
            }
            page.commit(3).unwrap();

            let holder = |card: &str| store.find_member(card).unwrap().map(|m| m.id);
            assert_eq!(holder("C1").as_deref(), Some("B"), "b_first={b_first}");
            assert_eq!(holder("C2").as_deref(), Some("A"), "b_first={b_first}");
        }
    }

    #[test]
    fn a_change_the_till_cannot_take_is_set_aside_and_the_page_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("till.sqlite")).unwrap();
        // A row this till refuses, whatever the reason: here a trigger says no.
        store
            .conn()
            .execute_batch(
                "CREATE TRIGGER refuse_bad BEFORE INSERT ON member WHEN NEW.id = 'BAD'
                 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
            )
            .unwrap();
        let page = store.begin_feed_page().unwrap();
        page.upsert_product(&product("A")).unwrap();
        let bad = page
            .apply_or_set_aside(
                7,
                || "{\"member\":\"BAD\"}".into(),
                |tx| tx.upsert_member(&member("BAD", "C9")),
            )
            .unwrap();
        let good = page
            .apply_or_set_aside(
                8,
                || "{\"member\":\"OK\"}".into(),
                |tx| tx.upsert_member(&member("OK", "C8")),
            )
            .unwrap();
        page.set_stock("A", None, 3).unwrap();
        page.commit(8).unwrap();

        assert!(matches!(bad, SetAside::Yes(ref e) if e.contains("refused by the test")));
        assert_eq!(good, SetAside::No);
        assert_eq!(store.feed_cursor().unwrap(), 8);
        assert_eq!(store.stock("A", None).unwrap(), 3);
        assert!(store.find_member("C8").unwrap().is_some());
        assert!(store.find_member("C9").unwrap().is_none());
        let aside = store.set_aside_changes().unwrap();
        assert_eq!(aside.len(), 1);
        assert_eq!(aside[0].cursor, 7);
        assert!(aside[0].change.contains("BAD"));
    }
}
