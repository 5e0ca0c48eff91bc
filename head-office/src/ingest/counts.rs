//! Counts (盘点) at a store with more than one till. The figure counted on the shelf
//! holds every sale the store's tills rang up before the count, also those head office
//! has not received yet; the counting till only knew its own. So head office does not
//! post the till's variance: a count line posts counted less head office's stock of
//! that SKU and lot as of the count's moment, and a document created before the latest
//! count of its store, SKU and lot that arrives after it moves no stock there (the
//! count holds it). What each count posted and each move left out is recorded
//! (`count_postings`, `count_covered_moves`), so the ledger can be explained. Serial
//! states are exact per unit and always move.
//!
//! A full count also counts none of what head office holds that it does not list, and
//! a count that yields to a later one writes off none of its missing serials either.
//!
//! Stock batches of a store take its count lock shared, a batch with a count takes it
//! exclusive: a count never misses a document being stored beside it. Moments are the
//! tills' clocks: a count stamped ahead of head office's clock stands as of head
//! office's now; a till whose clock runs behind its store's others gets its sales
//! around a count misplaced by that much (the store's tills must keep time, NTP).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use pos_domain::document::{Document, DocumentBody};
use pos_domain::effects::{DocumentEffects, StockMove};
use pos_domain::stock_document::Stocktake;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use super::fault::Fault;

mod load;

/// A stock key within one store: SKU and lot ('' for none).
pub type Key = (String, String);

/// The latest count of a key: its moment and document.
pub type LatestCount = (DateTime<Utc>, Uuid);

/// What head office knows before the batch's walk.
#[derive(Debug, Default)]
pub struct Known {
    /// Latest counts of the store later than the batch's earliest document.
    pub latest: HashMap<Key, LatestCount>,
    /// Head office's stock of every key a count of the batch names.
    pub stock: HashMap<Key, i64>,
    /// Per count of the batch: the stock moves of documents already stored that were
    /// created after it (another till's, synced first), per key.
    pub moved_after: HashMap<Uuid, HashMap<Key, i64>>,
    /// Keys of the store head office holds a quantity of: what a full count that does
    /// not list them counted none of.
    pub held: Vec<Key>,
    /// Head office's clock: a count stamped later (a till's clock ahead) counts as of now.
    pub now: DateTime<Utc>,
}

/// The moment a count stands at: its till's, unless that is ahead of head office.
pub fn count_moment(doc: &Document, now: DateTime<Utc>) -> DateTime<Utc> {
    doc.created_at.min(now)
}

/// A count's lines as (key, lot, counted, what the till held); a full count adds, as
/// counted none, every key head office holds that it does not list.
fn count_lines(count: &Stocktake, held: &[Key]) -> Vec<(Key, Option<String>, i64, i64)> {
    let mut lines: Vec<(Key, Option<String>, i64, i64)> = count
        .lines
        .iter()
        .map(|l| {
            let key = (l.sku.clone(), l.lot.clone().unwrap_or_default());
            (key, l.lot.clone(), i64::from(l.counted), l.expected)
        })
        .collect();
    if count.full {
        for key in held {
            if !lines.iter().any(|(k, ..)| k == key) {
                let lot = (!key.1.is_empty()).then(|| key.1.clone());
                lines.push((key.clone(), lot, 0, 0));
            }
        }
    }
    lines
}

/// One count line as head office posted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub document_id: Uuid,
    pub key: Key,
    pub counted_at: DateTime<Utc>,
    pub counted: i64,
    pub till_expected: i64,
    /// None: a later count of the key stands.
    pub posted: Option<i64>,
}

/// A document's stock left out because a later count holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covered {
    pub document_id: Uuid,
    pub key: Key,
    pub quantity: i64,
    pub count_document_id: Uuid,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Settlement {
    pub postings: Vec<Posting>,
    pub covered: Vec<Covered>,
    /// Keys whose latest count is now one of the batch.
    pub new_latest: BTreeMap<Key, LatestCount>,
}

/// Settles the stock moves of a batch of `store_id` (accepted documents in sequence
/// order) against the store's counts, in place.
pub(super) async fn settle(
    client: &impl GenericClient,
    store_id: &str,
    effects: &mut [(&Document, DocumentEffects)],
) -> Result<(), Fault> {
    let has_count = effects
        .iter()
        .any(|(d, _)| matches!(d.body, DocumentBody::Stocktake(_)));
    if !has_count && effects.iter().all(|(_, fx)| fx.stock.is_empty()) {
        return Ok(());
    }
    load::lock_store(client, store_id, has_count).await?;
    let known = load::known(client, store_id, effects).await?;
    let settlement = walk(store_id, effects, known)?;
    load::record(client, store_id, &settlement).await?;
    Ok(())
}

/// The pure part: walks the batch in order, replacing each count's moves by what it
/// posts and dropping the moves a count already holds.
pub fn walk(
    store_id: &str,
    effects: &mut [(&Document, DocumentEffects)],
    mut known: Known,
) -> Result<Settlement, Fault> {
    let mut out = Settlement::default();
    // The batch's own moves so far, per key: the counting till's earlier documents.
    let mut so_far: HashMap<Key, i64> = HashMap::new();
    for (doc, fx) in effects.iter_mut() {
        if let DocumentBody::Stocktake(count) = &doc.body {
            let moved_after = known.moved_after.remove(&doc.id).unwrap_or_default();
            let moment = count_moment(doc, known.now);
            let mut moves = Vec::new();
            for (key, lot, counted, expected) in count_lines(count, &known.held) {
                let superseded = known.latest.get(&key).is_some_and(|(at, _)| *at > moment);
                let posted = if superseded {
                    // The later count stands for the serials too.
                    fx.serials.retain(|s| {
                        (s.sku.as_str(), s.lot_no.as_deref().unwrap_or_default())
                            != (key.0.as_str(), key.1.as_str())
                    });
                    None
                } else {
                    let of = |map: &HashMap<Key, i64>| map.get(&key).copied().unwrap_or(0);
                    // Head office's stock as of the count: now, plus the batch's moves
                    // before it, less what documents created after it moved already.
                    let as_of = of(&known.stock)
                        .checked_add(of(&so_far))
                        .and_then(|held| held.checked_sub(of(&moved_after)));
                    let posted = as_of
                        .and_then(|held| counted.checked_sub(held))
                        .ok_or_else(|| too_large(doc.id, &key.0))?;
                    known.latest.insert(key.clone(), (moment, doc.id));
                    out.new_latest.insert(key.clone(), (moment, doc.id));
                    Some(posted)
                };
                if let Some(q) = posted.filter(|q| *q != 0) {
                    moves.push(StockMove {
                        store_id: store_id.to_owned(),
                        sku: key.0.clone(),
                        lot_no: lot,
                        quantity: q,
                    });
                }
                out.postings.push(Posting {
                    document_id: doc.id,
                    key,
                    counted_at: moment,
                    counted,
                    till_expected: expected,
                    posted,
                });
            }
            fx.stock = moves;
        } else {
            let mut covered: BTreeMap<Key, (i64, Uuid)> = BTreeMap::new();
            fx.stock.retain(|m| {
                let key: Key = (m.sku.clone(), m.lot_no.clone().unwrap_or_default());
                match known.latest.get(&key) {
                    Some((at, count_id)) if *at > doc.created_at && m.store_id == store_id => {
                        let entry = covered.entry(key).or_insert((0, *count_id));
                        entry.0 = entry.0.saturating_add(m.quantity);
                        false
                    }
                    _ => true,
                }
            });
            out.covered.extend(
                covered
                    .into_iter()
                    .map(|(key, (quantity, count_id))| Covered {
                        document_id: doc.id,
                        key,
                        quantity,
                        count_document_id: count_id,
                    }),
            );
        }
        for m in fx.stock.iter().filter(|m| m.store_id == store_id) {
            let key: Key = (m.sku.clone(), m.lot_no.clone().unwrap_or_default());
            let sum = so_far.entry(key).or_insert(0);
            *sum = sum
                .checked_add(m.quantity)
                .ok_or_else(|| too_large(doc.id, &m.sku))?;
        }
    }
    Ok(out)
}

fn too_large(id: Uuid, sku: &str) -> Fault {
    Fault::document(
        id,
        format!("stock of {sku} adds up past the largest number head office stores"),
    )
}

#[cfg(test)]
mod tests;
