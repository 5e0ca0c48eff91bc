//! Replenishment suggestions (补货建议) per store and SKU:
//! - sales velocity: units sold less returned per day over the last `window_days`
//!   (from the day aggregates);
//! - safety stock: the store's minimum for the SKU (`stock_levels`), else the product's
//!   safety stock;
//! - reorder point = safety + velocity × lead time; order-up-to level = the store's
//!   maximum, else reorder point + velocity × review period;
//! - a store whose sellable stock (unexpired lots) plus what is on its way (in transit
//!   and ordered) is at or below its reorder point needs up to its order-up-to level.
//!
//! A need is covered first from stores holding more than their own order-up-to level,
//! the biggest surplus first, their earliest-expiring lots first (FEFO), as proposed
//! transfers; what no store can spare is a purchase suggestion. [`suggest`] is pure;
//! [`load`] reads its inputs in six statements, in one transaction.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use tokio_postgres::GenericClient;

use crate::auth::HQ_STORE;
use crate::error::DbError;

/// How suggestions are worked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Days of sales the velocity is taken over, ending yesterday.
    pub window_days: i64,
    /// Days from ordering to goods on the shelf.
    pub lead_days: i64,
    /// Days between two replenishment runs: stock to cover after the lead time.
    pub review_days: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            window_days: 28,
            lead_days: 7,
            review_days: 7,
        }
    }
}

/// Limits of the policy a person may ask for.
pub const WINDOW_DAYS_MAX: i64 = 365;
pub const LEAD_DAYS_MAX: i64 = 180;

/// A lot a store holds: (lot, expiry, units); lot '' and no expiry when not lot-tracked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub lot: String,
    pub expiry: Option<NaiveDate>,
    pub quantity: i64,
}

/// What one store has of one SKU, as the suggestion reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Position {
    /// Sellable lots (expired ones left out), earliest expiry first.
    pub lots: Vec<Held>,
    /// In transit to the store, and ordered to it but not dispatched.
    pub incoming: i64,
    /// Units sold less returned over the window.
    pub sold: i64,
    /// The store's own minimum and maximum, when set.
    pub min: Option<i64>,
    pub max: Option<i64>,
}

impl Position {
    pub fn on_hand(&self) -> i64 {
        self.lots.iter().map(|l| l.quantity.max(0)).sum()
    }
}

/// Units from one store's lot to cover a need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cover {
    pub from_store: String,
    pub lot: Option<String>,
    pub expiry: Option<NaiveDate>,
    pub quantity: i64,
}

/// One store's suggestion for one SKU.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub store_id: String,
    pub sku: String,
    pub on_hand: i64,
    pub incoming: i64,
    /// Units a day, to two decimals.
    pub velocity: rust_decimal::Decimal,
    pub safety: i64,
    pub reorder_point: i64,
    pub order_up_to: i64,
    /// Units to bring in: transfers plus purchase.
    pub need: i64,
    pub transfers: Vec<Cover>,
    pub purchase: i64,
}

/// `units × days / window`, rounded up: whole units cover the days.
fn units_for(sold: i64, days: i64, window: i64) -> i64 {
    let window = window.max(1);
    sold.max(0).saturating_mul(days).saturating_add(window - 1) / window
}

/// Safety, reorder point and order-up-to level of a position.
fn levels(p: &Position, product_safety: i64, policy: Policy) -> (i64, i64, i64) {
    let safety = p.min.unwrap_or(product_safety).max(0);
    let reorder = safety.saturating_add(units_for(p.sold, policy.lead_days, policy.window_days));
    let up_to = p.max.unwrap_or_else(|| {
        reorder.saturating_add(units_for(p.sold, policy.review_days, policy.window_days))
    });
    (safety, reorder, up_to.max(reorder))
}

/// The suggestions for every (store, SKU) that needs stock, in store then SKU order.
/// `positions` holds every store's position for each SKU; `safety` the products'.
pub fn suggest(
    positions: &BTreeMap<String, BTreeMap<String, Position>>,
    safety: &HashMap<String, i64>,
    policy: Policy,
) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for (sku, stores) in positions {
        let product_safety = safety.get(sku).copied().unwrap_or(0);
        let mut needs = Vec::new();
        // Donors: (surplus, store, lots FEFO with what is left of each).
        let mut donors: Vec<(i64, &str, Vec<Held>)> = Vec::new();
        for (store, p) in stores {
            let (safety, reorder, up_to) = levels(p, product_safety, policy);
            let on_hand = p.on_hand();
            let position = on_hand.saturating_add(p.incoming);
            if position <= reorder && up_to > position {
                needs.push((store.as_str(), p, safety, reorder, up_to, up_to - position));
            } else if on_hand > up_to {
                donors.push((on_hand - up_to, store.as_str(), p.lots.clone()));
            }
        }
        if needs.is_empty() {
            continue;
        }
        donors.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        // The store needing the most is served first.
        needs.sort_by(|a, b| b.5.cmp(&a.5).then(a.0.cmp(b.0)));
        for (store, p, safety, reorder, up_to, need) in needs {
            let mut left = need;
            let mut transfers = Vec::new();
            for (surplus, from, lots) in donors.iter_mut() {
                for lot in lots.iter_mut().filter(|l| l.quantity > 0) {
                    let take = left.min(*surplus).min(lot.quantity);
                    if take <= 0 {
                        break;
                    }
                    transfers.push(Cover {
                        from_store: (*from).to_owned(),
                        lot: (!lot.lot.is_empty()).then(|| lot.lot.clone()),
                        expiry: lot.expiry,
                        quantity: take,
                    });
                    lot.quantity -= take;
                    *surplus -= take;
                    left -= take;
                }
                if left == 0 {
                    break;
                }
            }
            out.push(Suggestion {
                store_id: store.to_owned(),
                sku: sku.clone(),
                on_hand: p.on_hand(),
                incoming: p.incoming,
                velocity: rust_decimal::Decimal::new(p.sold.max(0), 0)
                    .checked_div(rust_decimal::Decimal::new(policy.window_days.max(1), 0))
                    .unwrap_or_default()
                    .round_dp(2),
                safety,
                reorder_point: reorder,
                order_up_to: up_to,
                need,
                transfers,
                purchase: left,
            });
        }
    }
    out.sort_by(|a, b| a.store_id.cmp(&b.store_id).then(a.sku.cmp(&b.sku)));
    out
}

type Positions = BTreeMap<String, BTreeMap<String, Position>>;

/// The position of `store` for `sku`, made empty when there is none (the keys are
/// copied only then: most rows find theirs).
fn position<'a>(positions: &'a mut Positions, sku: &str, store: &str) -> &'a mut Position {
    if !positions.contains_key(sku) {
        positions.insert(sku.to_owned(), BTreeMap::new());
    }
    let by_store = positions.get_mut(sku).expect("just made");
    if !by_store.contains_key(store) {
        by_store.insert(store.to_owned(), Position::default());
    }
    by_store.get_mut(store).expect("just made")
}

/// Takes `quantity` promised to another store off a position's lots: off `lot` when
/// the order names one, then earliest expiry first.
fn promise(p: &mut Position, lot: Option<&str>, mut quantity: i64) {
    let mut take = |held: &mut Held| {
        let taken = quantity.min(held.quantity.max(0));
        held.quantity -= taken;
        quantity -= taken;
    };
    if let Some(lot) = lot {
        p.lots
            .iter_mut()
            .filter(|h| h.lot == lot)
            .for_each(&mut take);
    }
    p.lots.iter_mut().for_each(take);
}

/// Reads every store's positions (stores with a till) and the products' safety stock,
/// as of `today`.
pub async fn load(
    client: &mut impl GenericClient,
    today: NaiveDate,
    policy: Policy,
) -> Result<(Positions, HashMap<String, i64>), DbError> {
    let client = client.transaction().await?;
    // Hundreds of thousands of rows are summed: in memory, and without compiling the
    // plan (JIT costs more than it saves here); for these statements only.
    client
        .batch_execute("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
        .await?;
    let stores: Vec<String> = client
        .query(
            "SELECT DISTINCT store_id FROM terminals WHERE store_id <> $1",
            &[&HQ_STORE],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut positions = Positions::new();
    let stock = client
        .query(
            "SELECT s.store_id, s.sku, s.lot_no, l.expiry_date, s.quantity
             FROM stock s LEFT JOIN lots l ON l.sku = s.sku AND l.lot_no = s.lot_no
             WHERE s.quantity > 0 AND (l.expiry_date IS NULL OR l.expiry_date >= $1)",
            &[&today],
        )
        .await?;
    for r in &stock {
        position(&mut positions, r.get(1), r.get(0))
            .lots
            .push(Held {
                lot: r.get(2),
                expiry: r.get(3),
                quantity: r.get(4),
            });
    }
    // Earliest expiry first (FEFO), lots without one last; sorted here, not in SQL.
    for p in positions.values_mut().flat_map(BTreeMap::values_mut) {
        p.lots.sort_by(|a, b| {
            (a.expiry.is_none(), a.expiry, &a.lot).cmp(&(b.expiry.is_none(), b.expiry, &b.lot))
        });
    }
    let from = today - chrono::Duration::days(policy.window_days);
    let sold = client
        .query(
            "SELECT scope, sku, sum(quantity - returned_quantity)::int8
             FROM sales_by_sku_day WHERE scope = ANY($3) AND period >= $1 AND period < $2
             GROUP BY scope, sku",
            &[&from, &today, &stores],
        )
        .await?;
    for r in &sold {
        position(&mut positions, r.get(1), r.get(0)).sold = r.get(2);
    }
    // On its way: dispatched and not received.
    let in_transit = client
        .query(
            "SELECT to_store, l->>'sku', sum((l->>'quantity')::int8)::int8
             FROM transfers, jsonb_array_elements(dispatched_lines) l
             WHERE dispatch_document IS NOT NULL AND receipt_document IS NULL
             GROUP BY 1, 2",
            &[],
        )
        .await?;
    for r in &in_transit {
        position(&mut positions, r.get(1), r.get(0)).incoming += r.get::<_, i64>(2);
    }
    // Ordered or asked for and not carried out yet (neither half arrived): on its way to
    // the receiving store, and promised away by the sending one, so no other store is
    // offered the same units.
    let open_orders = client
        .query(
            "SELECT o.from_store, o.to_store, l->>'sku', l->>'lot', (l->>'quantity')::int8
             FROM transfer_orders o, jsonb_array_elements(o.lines) l
             WHERE o.state IN ('requested', 'ordered')
               AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.transfer_id = o.transfer_id)",
            &[],
        )
        .await?;
    for r in &open_orders {
        let (sku, quantity): (&str, i64) = (r.get(2), r.get(4));
        position(&mut positions, sku, r.get(1)).incoming += quantity;
        promise(position(&mut positions, sku, r.get(0)), r.get(3), quantity);
    }
    let levels = client
        .query(
            "SELECT store_id, sku, min_qty, max_qty FROM stock_levels",
            &[],
        )
        .await?;
    for r in &levels {
        let p = position(&mut positions, r.get(1), r.get(0));
        p.min = r.get(2);
        p.max = r.get(3);
    }
    // Only stores with a till and products in the catalog are suggested for.
    let safety: HashMap<String, i64> = client
        .query(
            "SELECT sku, coalesce((data->>'safety_stock')::int8, 0) FROM products",
            &[],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    positions.retain(|sku, _| safety.contains_key(sku));
    // A store that neither holds nor sold a product still needs its safety stock.
    for (sku, _) in safety.iter().filter(|(_, safety)| **safety > 0) {
        positions.entry(sku.clone()).or_default();
    }
    for (sku, by_store) in positions.iter_mut() {
        by_store.retain(|store, _| stores.contains(store));
        if safety.get(sku).copied().unwrap_or(0) > 0 {
            for store in &stores {
                by_store.entry(store.clone()).or_default();
            }
        }
    }
    Ok((positions, safety))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(lot: &str, expiry: &str, quantity: i64) -> Held {
        Held {
            lot: lot.into(),
            expiry: Some(expiry.parse().unwrap()),
            quantity,
        }
    }

    fn chain(stores: Vec<(&str, Position)>) -> Positions {
        let by_store = stores.into_iter().map(|(s, p)| (s.to_owned(), p)).collect();
        BTreeMap::from([("STRIP".to_owned(), by_store)])
    }

    /// 28 units in 28 days: 1 a day; lead 7, review 7; safety 5: reorder at 12, up to 19.
    #[test]
    fn a_short_store_is_covered_from_the_biggest_surplus_earliest_expiry_first() {
        let short = Position {
            lots: vec![held("L9", "2028-01-31", 3)],
            incoming: 2,
            sold: 28,
            ..Position::default()
        };
        let rich = Position {
            lots: vec![held("L2", "2027-06-30", 10), held("L1", "2027-03-31", 30)],
            ..Position::default()
        };
        let mut rich_sorted = rich.clone();
        rich_sorted.lots.reverse(); // load() gives lots earliest expiry first
        let slightly = Position {
            lots: vec![held("L3", "2027-01-31", 7)],
            ..Position::default()
        };
        let positions = chain(vec![("S1", short), ("S2", rich_sorted), ("S3", slightly)]);
        let safety = HashMap::from([("STRIP".to_owned(), 5)]);
        let out = suggest(&positions, &safety, Policy::default());
        assert_eq!(out.len(), 1, "{out:?}");
        let s = &out[0];
        assert_eq!(
            (
                s.store_id.as_str(),
                s.safety,
                s.reorder_point,
                s.order_up_to
            ),
            ("S1", 5, 12, 19)
        );
        assert_eq!((s.on_hand, s.incoming, s.need, s.purchase), (3, 2, 14, 0));
        assert_eq!(s.velocity, rust_decimal::Decimal::ONE);
        // S2 holds 40 with an up-to level of 5: 35 spare, from L1 (March) first.
        assert_eq!(
            s.transfers,
            vec![Cover {
                from_store: "S2".into(),
                lot: Some("L1".into()),
                expiry: Some("2027-03-31".parse().unwrap()),
                quantity: 14,
            }]
        );
    }

    #[test]
    fn what_no_store_can_spare_is_a_purchase_and_store_levels_override_the_products() {
        let own_levels = Position {
            lots: vec![held("L1", "2027-03-31", 4)],
            min: Some(10),
            max: Some(30),
            ..Position::default()
        };
        let donor = Position {
            lots: vec![held("L1", "2027-03-31", 8)],
            ..Position::default()
        };
        let positions = chain(vec![("S1", own_levels), ("S2", donor)]);
        let safety = HashMap::from([("STRIP".to_owned(), 2)]);
        let out = suggest(&positions, &safety, Policy::default());
        let s = &out[0];
        assert_eq!(
            (s.safety, s.reorder_point, s.order_up_to, s.need),
            (10, 10, 30, 26)
        );
        // S2's up-to level is its safety stock, 2: it spares 6.
        assert_eq!(s.transfers.iter().map(|c| c.quantity).sum::<i64>(), 6);
        assert_eq!(s.purchase, 20);
    }

    #[test]
    fn units_promised_away_come_off_the_named_lot_then_the_earliest() {
        let mut p = Position {
            lots: vec![held("L1", "2027-03-31", 5), held("L2", "2027-06-30", 10)],
            ..Position::default()
        };
        promise(&mut p, Some("L2"), 8);
        assert_eq!(
            p.lots.iter().map(|l| l.quantity).collect::<Vec<_>>(),
            [5, 2]
        );
        promise(&mut p, None, 6);
        assert_eq!(
            p.lots.iter().map(|l| l.quantity).collect::<Vec<_>>(),
            [0, 1]
        );
        promise(&mut p, Some("L9"), 5);
        assert_eq!(p.on_hand(), 0, "more than held takes what there is");
    }

    #[test]
    fn huge_sales_saturate_instead_of_overflowing() {
        assert_eq!(units_for(i64::MAX, 7, 28), i64::MAX / 28);
        assert_eq!(units_for(-5, 7, 28), 0);
        assert_eq!(units_for(1, 7, 28), 1, "part of a unit is a whole unit");
    }

    #[test]
    fn a_store_above_its_reorder_point_needs_nothing() {
        let fine = Position {
            lots: vec![held("L1", "2027-03-31", 13)],
            sold: 28,
            ..Position::default()
        };
        let positions = chain(vec![("S1", fine)]);
        let safety = HashMap::from([("STRIP".to_owned(), 5)]);
        assert!(suggest(&positions, &safety, Policy::default()).is_empty());
    }
}
