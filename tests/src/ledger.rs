//! What the tills' documents do to stock and points, as the till computes it
//! (`pos_domain::effects`), added up over tills: what head office must end with.

use std::collections::BTreeMap;

use pos_core::document::Document;
use pos_core::effects::effects_of_documents;

/// Stock moves by (store, sku, lot_no) and point moves by member id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    pub stock: BTreeMap<(String, String, String), i64>,
    pub points: BTreeMap<String, i64>,
}

impl Effects {
    /// Adds one till's documents.
    pub fn add_till(&mut self, documents: &[Document]) {
        let effects = effects_of_documents(documents).expect("a till's documents have effects");
        for (doc, fx) in documents.iter().zip(effects) {
            for s in fx.stock {
                let key = (doc.store_id.clone(), s.sku, s.lot_no.unwrap_or_default());
                *self.stock.entry(key).or_default() += s.quantity;
            }
            for p in fx.points {
                *self.points.entry(p.member_id).or_default() += p.points;
            }
        }
    }

    /// Point moves under head office's ids: a till's member merged into another counts
    /// for that one.
    pub fn points_resolved(&self, aliases: &BTreeMap<String, String>) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        for (member, points) in &self.points {
            let id = aliases.get(member).unwrap_or(member);
            *out.entry(id.clone()).or_default() += points;
        }
        out
    }

    /// One store's stock moves by (sku, lot_no).
    pub fn stock_of(&self, store: &str) -> BTreeMap<(String, String), i64> {
        self.stock
            .iter()
            .filter(|((s, _, _), _)| s == store)
            .map(|((_, sku, lot), q)| ((sku.clone(), lot.clone()), *q))
            .collect()
    }
}

/// `base + moves`, over the keys of both.
pub fn apply<K: Ord + Clone>(
    base: &BTreeMap<K, i64>,
    moves: &BTreeMap<K, i64>,
) -> BTreeMap<K, i64> {
    let mut out = base.clone();
    for (k, m) in moves {
        *out.entry(k.clone()).or_default() += m;
    }
    out
}
