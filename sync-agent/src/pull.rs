//! Pull: head office's change feed, page by page, each page applied in one SQLite
//! transaction together with the new cursor.
//!
//! Head office's stock and balances only replace the till's base values; the till's own
//! documents keep counting on top until a pull that started after their
//! acknowledgement has drained the feed (the acknowledged watermark, taken before the
//! first page). That last page also ends the overlay, in the same transaction, so the
//! till never shows a sale counted twice or not at all.
//!
//! The feed holds the latest change per key, so a product changed after its barcodes
//! comes later in the feed than they do. A barcode or lot whose product has not arrived
//! yet is held back until it does (the foreign key refuses it: no lookup first); the
//! stored cursor stays before the oldest held-back change, so a crash loses nothing
//! (changes are replacements: reading one again is harmless). A held-back barcode that
//! a later page changes again is dropped: the later change is the newer.
//!
//! The pull lets the WAL grow while it applies pages and checkpoints it when it ends,
//! however it ends (see [`Store::checkpoint_after_feed`]). A sale the till commits
//! meanwhile on its own connection may do a larger checkpoint than usual; that costs
//! the full first load of a catalog, not the small pulls of a normal day.

use std::collections::HashSet;

use pos_core::store::{FeedTransaction, OutboxStats, Placed, SetAside, Store, StoreError};
use tokio::sync::mpsc;

use crate::client::HeadOfficeClient;
use crate::error::SyncError;
use crate::protocol::{Change, FEED_LIMIT_MAX, FeedChange, FeedPage};

/// Pages one pull reads at most before it lets the next push run (50 million changes).
pub const PULL_PAGES_MAX: u64 = 10_000;
/// Changes held back for a product still to come, at most; more are dropped, logged.
pub const HELD_BACK_MAX: usize = 200_000;

/// What one pull did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PullReport {
    pub pages: u64,
    pub changes: u64,
    /// The cursor after the last page.
    pub cursor: i64,
    /// True when head office said nothing more waits.
    pub drained: bool,
    /// Changes of kinds this till does not know (a newer head office's), skipped.
    pub unknown: u64,
}

/// Pages fetched ahead while the till applies the current one.
const PREFETCH_PAGES: usize = 2;

/// Reads and applies pages until the feed is drained (or [`PULL_PAGES_MAX`] pages).
/// The next pages are fetched on a task of their own while this one applies (in
/// parallel where the runtime has a worker thread). Every page's request says the
/// till's backlog as the pull starts (see [`backlog`]), for head office's console.
pub async fn pull_all(
    store: &mut Store,
    client: &HeadOfficeClient,
    page_limit: u32,
    progress: &mut dyn FnMut(&PullReport),
) -> Result<PullReport, SyncError> {
    let watermark = store.acked_watermark()?;
    let cursor = store.feed_cursor()?;
    let pending = backlog(&store.outbox_stats()?);
    let mut report = PullReport {
        cursor,
        ..PullReport::default()
    };
    let limit = page_limit.clamp(1, FEED_LIMIT_MAX);
    let (sender, mut pages) = mpsc::channel(PREFETCH_PAGES);
    let _fetcher = AbortOnDrop(tokio::spawn(fetch_pages(
        client.clone(),
        cursor,
        limit,
        pending,
        sender,
    )));
    let mut held_back: Vec<FeedChange> = Vec::new();
    let applied: Result<(), SyncError> = async {
        while let Some(page) = pages.recv().await {
            let page = page?;
            let reflect = (!page.more).then_some(watermark);
            held_back = apply_page(store, &page, held_back, reflect)?;
            report.unknown += page
                .changes
                .iter()
                .filter(|c| matches!(c.change, Change::Unknown))
                .count() as u64;
            report.pages += 1;
            report.changes += page.changes.len() as u64;
            report.cursor = page.next_cursor;
            report.drained = !page.more;
            progress(&report);
            if report.drained {
                break;
            }
        }
        Ok(())
    }
    .await;
    if report.unknown > 0 {
        // Once per pull, not per change: a new kind can come by the hundred thousand.
        tracing::warn!(
            skipped = report.unknown,
            "feed changes of kinds this till does not know were skipped; update the till"
        );
    }
    // However the pull ended (drained, failed, or cut at the page cap), the connection
    // goes back to checkpointing at SQLite's default and the feed's WAL is copied now.
    if report.pages > 0 {
        let checkpointed = store.checkpoint_after_feed();
        applied?;
        checkpointed?;
    } else {
        applied?;
    }
    // An erased member's old pages leave the write-ahead log once no reader holds it
    // (tried again at every pull until done).
    if store.checkpoint_erasures()? {
        tracing::info!("a reader holds the log an erasure wrote; truncating it at the next pull");
    }
    Ok(report)
}

/// The till's backlog as head office's console shows it: every document head office has
/// not accepted, whether waiting to be sent or rejected and kept for the manager.
pub fn backlog(stats: &OutboxStats) -> u64 {
    stats.waiting.saturating_add(stats.rejected)
}

/// Fetches pages from `cursor` on, checked, until the feed is drained, a failure (sent
/// on, then stop), [`PULL_PAGES_MAX`] pages, or nobody listens any more.
async fn fetch_pages(
    client: HeadOfficeClient,
    mut cursor: i64,
    limit: u32,
    pending: u64,
    sender: mpsc::Sender<Result<FeedPage, SyncError>>,
) {
    for _ in 0..PULL_PAGES_MAX {
        let page = match client.feed_page(cursor, limit, Some(pending)).await {
            Ok(page) => check_page(cursor, &page).map(|()| page),
            Err(e) => Err(e),
        };
        let next = page.as_ref().ok().filter(|p| p.more).map(|p| p.next_cursor);
        if sender.send(page).await.is_err() {
            return;
        }
        match next {
            Some(next) => cursor = next,
            None => return,
        }
    }
}

/// Stops the fetching task when the pull ends early (an error, or the pull dropped).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A page must move forward: cursors rising, a `next_cursor` not behind, and no
/// "more" on an empty page (which would loop forever).
pub fn check_page(cursor: i64, page: &FeedPage) -> Result<(), SyncError> {
    let mut last = cursor;
    for change in &page.changes {
        if change.cursor <= last {
            return Err(SyncError::Protocol(format!(
                "feed cursor {} does not follow {last}",
                change.cursor
            )));
        }
        last = change.cursor;
    }
    if page.next_cursor < last {
        return Err(SyncError::Protocol(format!(
            "next_cursor {} is behind change {last}",
            page.next_cursor
        )));
    }
    if page.more && page.changes.is_empty() {
        return Err(SyncError::Protocol(
            "an empty feed page says more changes wait".into(),
        ));
    }
    Ok(())
}

/// Applies one page in one transaction, with the changes `held_back` from earlier
/// pages; returns what is still held back. `reflect` (on the last page of a pull) ends
/// the local overlay of documents acknowledged up to that watermark, and the WAL the
/// pull let grow is then copied into the database file.
pub fn apply_page(
    store: &mut Store,
    page: &FeedPage,
    held_back: Vec<FeedChange>,
    reflect: Option<u64>,
) -> Result<Vec<FeedChange>, StoreError> {
    let tx = store.begin_feed_page()?;
    // Products first, so barcodes and lots of this page find theirs.
    let (products, others): (Vec<&FeedChange>, Vec<&FeedChange>) = page
        .changes
        .iter()
        .partition(|c| matches!(c.change, Change::Product(_) | Change::ProductDeleted { .. }));
    for change in products {
        let _ = apply_change(&tx, &change.change)?;
    }
    let held_back = superseded_dropped(held_back, &others);
    let mut still_held = Vec::new();
    for change in held_back.iter().chain(others) {
        if matches!(change.change, Change::Unknown) {
            // A newer head office's kind: nothing here to write; the cursor moves on.
            continue;
        }
        if is_hot(&change.change) {
            if apply_change(&tx, &change.change)? == Placed::ProductMissing {
                still_held.push(change.clone());
            }
            continue;
        }
        // Written out only when it has to be kept.
        let describe = || serde_json::to_string(&change.change).unwrap_or_default();
        let outcome = tx.apply_or_set_aside(change.cursor, describe, |tx| {
            apply_change(tx, &change.change).map(|_| ())
        })?;
        if let SetAside::Yes(error) = outcome {
            tracing::warn!(cursor = change.cursor, change = %describe(), %error, "feed change set aside; the pull goes on");
        }
    }
    let mut cursor = page.next_cursor;
    if reflect.is_some() || still_held.len() > HELD_BACK_MAX {
        // At the end of the feed, no page will bring these products any more (and past
        // the cap, memory matters more): their barcodes and lots are useless here.
        for change in &still_held {
            let skipped = &change.change;
            tracing::warn!(
                cursor = change.cursor,
                ?skipped,
                "feed change for a product not sent; skipped"
            );
        }
        still_held.clear();
    } else if let Some(oldest) = still_held.iter().map(|c| c.cursor).min() {
        cursor = cursor.min(oldest - 1);
    }
    if let Some(watermark) = reflect {
        tx.mark_reflected(watermark)?;
    }
    tx.commit(cursor)?;
    Ok(still_held)
}

/// The changes a full catalog brings by the hundred thousand. They come from head
/// office's own catalog, and a savepoint each would slow the first load; every other
/// change (members, promotions, rules) is applied in a savepoint and set aside if the
/// till cannot take it.
fn is_hot(change: &Change) -> bool {
    matches!(
        change,
        Change::Product(_)
            | Change::Barcode { .. }
            | Change::Lot(_)
            | Change::Stock { .. }
            | Change::Serial { .. }
    )
}

/// A held-back barcode or lot that this page changes again (a barcode to another
/// product, either deleted) must not come back when its first product arrives: the
/// page's change is the newer.
fn superseded_dropped(mut held_back: Vec<FeedChange>, page: &[&FeedChange]) -> Vec<FeedChange> {
    fn key_of(change: &Change) -> Option<(&str, &str)> {
        match change {
            Change::Barcode { barcode, .. } | Change::BarcodeDeleted { barcode } => {
                Some(("", barcode.as_str()))
            }
            Change::Lot(lot) => Some((lot.sku.as_str(), lot.lot_no.as_str())),
            Change::LotDeleted { sku, lot_no } => Some((sku.as_str(), lot_no.as_str())),
            _ => None,
        }
    }
    if held_back.is_empty() {
        return held_back;
    }
    let newer: HashSet<(&str, &str)> = page.iter().filter_map(|c| key_of(&c.change)).collect();
    held_back.retain(|c| key_of(&c.change).is_none_or(|k| !newer.contains(&k)));
    held_back
}

/// Writes one change; a barcode or lot whose product has no row yet is not written.
fn apply_change(tx: &FeedTransaction<'_>, change: &Change) -> Result<Placed, StoreError> {
    match change {
        Change::Barcode { sku, barcode } => return tx.upsert_barcode(sku, barcode),
        Change::Lot(lot) => return tx.upsert_lot(lot),
        Change::Product(p) => tx.upsert_product(p),
        Change::ProductDeleted { sku } => tx.delete_product(sku),
        Change::BarcodeDeleted { barcode } => tx.delete_barcode(barcode),
        Change::LotDeleted { sku, lot_no } => tx.delete_lot(sku, lot_no),
        Change::Stock {
            sku,
            lot_no,
            quantity,
        } => tx.set_stock(sku, lot_no.as_deref(), *quantity),
        Change::Serial {
            sku,
            serial,
            lot_no,
            available,
        } => tx.set_serial(sku, serial, lot_no.as_deref(), *available),
        Change::Member(m) => tx.upsert_member(m),
        Change::MemberAlias {
            alias_id,
            member_id,
        } => tx.set_member_alias(alias_id, member_id),
        Change::MemberCard { card_no, member_id } => tx.set_member_card(card_no, member_id),
        Change::MemberErased {
            member_id,
            alias_ids,
        } => tx.forget_member(member_id, alias_ids),
        Change::MemberLookupKey { key } => tx.set_member_lookup_key(key),
        Change::MemberPointsExpiring {
            member_id,
            expiring,
        } => tx.set_points_expiring(member_id, expiring),
        Change::Promotion(p) => tx.upsert_promotion(p),
        Change::PromotionDeleted { id } => tx.delete_promotion(id),
        Change::LoyaltyRules(rules) => tx.set_loyalty_rules(rules),
        Change::TransferOrder(order) => tx.upsert_transfer_order(order),
        Change::Organisation(o) => tx.upsert_organisation(o),
        Change::OrganisationMerged { merged_id, .. } => tx.forget_organisation(merged_id),
        // Skipped by `apply_page` before it gets here; nothing to write either way.
        Change::Unknown => Ok(()),
    }?;
    Ok(Placed::Written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::FeedChange;

    #[test]
    fn the_backlog_counts_waiting_and_rejected_documents() {
        let stats = OutboxStats {
            waiting: 3,
            oldest_waiting: None,
            rejected: 2,
            last_error: None,
        };
        assert_eq!(backlog(&stats), 5);
        let huge = OutboxStats {
            waiting: u64::MAX,
            ..stats
        };
        assert_eq!(backlog(&huge), u64::MAX, "saturates, never wraps");
    }

    fn stock(cursor: i64) -> FeedChange {
        FeedChange {
            cursor,
            change: Change::Stock {
                sku: "A".into(),
                lot_no: None,
                quantity: 1,
            },
        }
    }

    fn page(changes: Vec<FeedChange>, next_cursor: i64, more: bool) -> FeedPage {
        FeedPage {
            changes,
            next_cursor,
            more,
        }
    }

    fn product(sku: &str) -> FeedChange {
        let p = pos_core::demo::generate_catalog(
            1,
            1,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        )
        .products
        .remove(0);
        FeedChange {
            cursor: 0,
            change: Change::Product(pos_core::catalog::Product {
                sku: sku.into(),
                ..p
            }),
        }
    }

    fn at(cursor: i64, mut change: FeedChange) -> FeedChange {
        change.cursor = cursor;
        change
    }

    fn barcode(sku: &str) -> FeedChange {
        FeedChange {
            cursor: 0,
            change: Change::Barcode {
                sku: sku.into(),
                barcode: "6901234567892".into(),
            },
        }
    }

    #[test]
    fn a_held_back_barcode_changed_again_later_does_not_come_back() {
        let deleted = FeedChange {
            cursor: 0,
            change: Change::BarcodeDeleted {
                barcode: "6901234567892".into(),
            },
        };
        // (the newer change of the barcode, the product it then names)
        let cases = [(barcode("B"), Some("B")), (deleted, None)];
        for (newer, expected) in cases {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open(&dir.path().join("till.sqlite")).unwrap();
            let pages = [
                page(vec![at(1, barcode("A"))], 1, true),
                page(vec![at(2, newer), at(3, product("B"))], 3, true),
                page(vec![at(4, product("A"))], 4, false),
            ];
            let mut held = Vec::new();
            for (i, p) in pages.iter().enumerate() {
                held = apply_page(&mut store, p, held, (i == 2).then_some(0)).unwrap();
                let cursor = store.feed_cursor().unwrap();
                assert_eq!(cursor, [0, 3, 4][i], "{expected:?}: the cursor waits for A");
            }
            assert!(held.is_empty());
            let found = store.product_by_code("6901234567892").unwrap();
            assert_eq!(found.map(|p| p.sku).as_deref(), expected);
        }
    }

    fn lot(sku: &str) -> FeedChange {
        FeedChange {
            cursor: 0,
            change: Change::Lot(pos_core::catalog::Lot {
                sku: sku.into(),
                lot_no: "L1".into(),
                expiry_date: chrono::NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
            }),
        }
    }

    #[test]
    fn a_deleted_lot_goes_and_a_held_back_one_deleted_later_does_not_come_back() {
        let deleted = FeedChange {
            cursor: 0,
            change: Change::LotDeleted {
                sku: "A".into(),
                lot_no: "L1".into(),
            },
        };
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("till.sqlite")).unwrap();
        // Held back (no product A yet), deleted, then A arrives.
        let pages = [
            page(vec![at(1, lot("A"))], 1, true),
            page(vec![at(2, deleted.clone())], 2, true),
            page(vec![at(3, product("A"))], 3, false),
        ];
        let mut held = Vec::new();
        for (i, p) in pages.iter().enumerate() {
            held = apply_page(&mut store, p, held, (i == 2).then_some(0)).unwrap();
        }
        assert!(held.is_empty());
        assert!(store.lots("A").unwrap().is_empty(), "the deletion is newer");
        // A lot the till holds goes with its deletion.
        let pages = [
            page(vec![at(4, lot("A"))], 4, false),
            page(vec![at(5, deleted)], 5, false),
        ];
        apply_page(&mut store, &pages[0], Vec::new(), Some(0)).unwrap();
        assert_eq!(store.lots("A").unwrap().len(), 1);
        apply_page(&mut store, &pages[1], Vec::new(), Some(0)).unwrap();
        assert!(store.lots("A").unwrap().is_empty());
    }

    fn organisation(id: &str, name: &str) -> Change {
        Change::Organisation(pos_core::organisation::Organisation {
            id: id.into(),
            name: name.into(),
            code: format!("CODE-{id}"),
            kind: pos_core::organisation::OrganisationKind::Hospital,
            departments: Vec::new(),
            qualifications: Vec::new(),
        })
    }

    #[test]
    fn an_organisation_merged_at_head_office_is_forgotten_and_its_survivor_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("till.sqlite")).unwrap();
        let change = |cursor, change| FeedChange { cursor, change };
        let pages = [
            page(
                vec![
                    change(1, organisation("ORG000001", "上海仁济医疗器械有限公司")),
                    change(2, organisation("ORG000002", "上海仁济医疗器械公司")),
                ],
                2,
                false,
            ),
            page(
                vec![change(
                    3,
                    Change::OrganisationMerged {
                        merged_id: "ORG000002".into(),
                        survivor_id: "ORG000001".into(),
                    },
                )],
                3,
                false,
            ),
        ];
        apply_page(&mut store, &pages[0], Vec::new(), Some(0)).unwrap();
        assert_eq!(store.search_organisations("仁济").unwrap().len(), 2);
        apply_page(&mut store, &pages[1], Vec::new(), Some(0)).unwrap();
        let left: Vec<String> = store
            .search_organisations("仁济")
            .unwrap()
            .into_iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(left, ["ORG000001"]);
        assert!(store.organisation_by_code("ORG000002").unwrap().is_none());
        assert_eq!(store.feed_cursor().unwrap(), 3);
    }

    #[test]
    fn pages_that_move_forward_pass() {
        assert!(check_page(0, &page(vec![stock(1), stock(5)], 5, true)).is_ok());
        assert!(check_page(5, &page(vec![], 5, false)).is_ok());
    }

    #[test]
    fn pages_that_go_back_or_loop_are_refused() {
        let cases = [
            (3, page(vec![stock(3)], 3, false), "not after the cursor"),
            (0, page(vec![stock(2), stock(1)], 2, false), "out of order"),
            (0, page(vec![stock(4)], 2, false), "next_cursor behind"),
            (7, page(vec![], 7, true), "empty but more"),
        ];
        for (cursor, page, what) in cases {
            assert!(
                matches!(check_page(cursor, &page), Err(SyncError::Protocol(_))),
                "{what}"
            );
        }
    }
}
