//! The walk of a batch against the store's counts, with head office's knowledge given.

use chrono::{NaiveDate, TimeZone, Utc};
use pos_domain::document::{Document, DocumentBody};
use pos_domain::effects::{DocumentEffects, StockMove};
use pos_domain::stock_document::{CountLine, Stocktake, WriteOff, WriteOffReason};
use uuid::Uuid;

use super::*;

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 10, minute, 0).unwrap()
}

fn doc(minute: u32, body: DocumentBody) -> Document {
    Document {
        id: Uuid::now_v7(),
        store_id: "S1".into(),
        terminal_id: "T1".into(),
        sequence: 1,
        business_date: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
        created_at: at(minute),
        operator_id: "op".into(),
        approvals: vec![],
        body,
    }
}

/// A document that moves `quantity` of A lot L1 (as a sale or a receipt would).
fn mover(minute: u32, quantity: i64) -> (Document, DocumentEffects) {
    let body = DocumentBody::WriteOff(WriteOff {
        reason: WriteOffReason::Damaged,
        note: String::new(),
        lines: vec![],
    });
    let fx = DocumentEffects {
        stock: vec![StockMove {
            store_id: "S1".into(),
            sku: "A".into(),
            lot_no: Some("L1".into()),
            quantity,
        }],
        ..Default::default()
    };
    (doc(minute, body), fx)
}

/// A count of A lot L1 at `minute`: `counted` on the shelf, `expected` on the till.
fn count(minute: u32, counted: u32, expected: i64) -> (Document, DocumentEffects) {
    let line = CountLine {
        sku: "A".into(),
        lot: Some("L1".into()),
        counted,
        expected,
        serials: vec![],
        missing_serials: vec![],
    };
    let fx = DocumentEffects {
        stock: vec![StockMove {
            store_id: "S1".into(),
            sku: "A".into(),
            lot_no: Some("L1".into()),
            quantity: line.variance(),
        }],
        ..Default::default()
    };
    let body = DocumentBody::Stocktake(Stocktake {
        full: false,
        lines: vec![line],
    });
    (doc(minute, body), fx)
}

/// What head office knows by default: nothing, at 10:59.
fn known() -> Known {
    Known {
        now: at(59),
        ..Known::default()
    }
}

fn key() -> Key {
    ("A".into(), "L1".into())
}

fn moves(batch: &[(&Document, DocumentEffects)]) -> Vec<i64> {
    batch
        .iter()
        .map(|(_, fx)| fx.stock.iter().map(|m| m.quantity).sum())
        .collect()
}

#[test]
fn a_count_posts_counted_less_head_offices_stock_not_the_tills_view() {
    // Head office holds 10; another till's sale of 1 reached it after this till pulled,
    // so the till saw 11 and counted 9 on the shelf.
    let (c, fx) = count(5, 9, 11);
    let mut batch = vec![(&c, fx)];
    let known = Known {
        stock: HashMap::from([(key(), 10)]),
        ..known()
    };
    let out = walk("S1", &mut batch, known).unwrap();
    assert_eq!(moves(&batch), vec![-1]);
    assert_eq!(out.postings[0].posted, Some(-1));
    assert_eq!(out.postings[0].till_expected, 11);
    assert_eq!(out.new_latest[&key()], (at(5), c.id));
}

#[test]
fn the_counting_tills_earlier_documents_in_the_batch_are_part_of_the_stock_counted() {
    let (sale, sale_fx) = mover(1, -2);
    let (c, fx) = count(5, 7, 8);
    let mut batch = vec![(&sale, sale_fx), (&c, fx)];
    let known = Known {
        stock: HashMap::from([(key(), 10)]),
        ..known()
    };
    walk("S1", &mut batch, known).unwrap();
    // 10 − 2 = 8 held at the count, 7 counted: −1.
    assert_eq!(moves(&batch), vec![-2, -1]);
}

#[test]
fn documents_stored_first_but_made_after_the_count_apply_on_top_of_it() {
    // Another till sold 3 after the count and synced before it: head office's 7 is 10
    // as of the count.
    let (c, fx) = count(5, 9, 10);
    let mut batch = vec![(&c, fx)];
    let known = Known {
        stock: HashMap::from([(key(), 7)]),
        moved_after: HashMap::from([(c.id, HashMap::from([(key(), -3)]))]),
        ..known()
    };
    walk("S1", &mut batch, known).unwrap();
    assert_eq!(moves(&batch), vec![-1]);
}

#[test]
fn a_document_made_before_the_latest_count_moves_no_stock_of_what_it_counted() {
    let count_id = Uuid::now_v7();
    let (late, fx) = mover(3, -1);
    let (after, after_fx) = mover(7, -1);
    let mut batch = vec![(&late, fx), (&after, after_fx)];
    let known = Known {
        latest: HashMap::from([(key(), (at(5), count_id))]),
        ..known()
    };
    let out = walk("S1", &mut batch, known).unwrap();
    assert_eq!(moves(&batch), vec![0, -1]);
    assert_eq!(
        out.covered,
        vec![Covered {
            document_id: late.id,
            key: key(),
            quantity: -1,
            count_document_id: count_id,
        }]
    );
}

#[test]
fn a_count_older_than_the_latest_posts_nothing() {
    let (c, fx) = count(3, 4, 10);
    let mut batch = vec![(&c, fx)];
    let known = Known {
        latest: HashMap::from([(key(), (at(5), Uuid::now_v7()))]),
        stock: HashMap::from([(key(), 6)]),
        ..known()
    };
    let out = walk("S1", &mut batch, known).unwrap();
    assert_eq!(moves(&batch), vec![0]);
    assert_eq!(out.postings[0].posted, None);
    assert!(out.new_latest.is_empty());
}

#[test]
fn a_stock_past_the_largest_number_fails_the_count_not_wraps() {
    let (c, fx) = count(5, 1, 0);
    let mut batch = vec![(&c, fx)];
    let known = Known {
        stock: HashMap::from([(key(), i64::MIN)]),
        ..known()
    };
    let fault = walk("S1", &mut batch, known).unwrap_err();
    assert!(fault.to_string().contains("largest number"), "{fault}");
}

#[test]
fn a_full_count_counts_none_of_what_it_does_not_list() {
    let (mut c, fx) = count(5, 9, 10);
    if let DocumentBody::Stocktake(t) = &mut c.body {
        t.full = true;
    }
    let mut batch = vec![(&c, fx)];
    let other: Key = ("B".into(), String::new());
    let known = Known {
        stock: HashMap::from([(key(), 10), (other.clone(), 4)]),
        held: vec![key(), other.clone()],
        ..known()
    };
    let out = walk("S1", &mut batch, known).unwrap();
    let posted: Vec<(Key, Option<i64>)> = out
        .postings
        .iter()
        .map(|p| (p.key.clone(), p.posted))
        .collect();
    assert_eq!(posted, vec![(key(), Some(-1)), (other, Some(-4))]);
    assert_eq!(moves(&batch), vec![-5]);
}

#[test]
fn a_count_that_yields_to_a_later_one_writes_off_none_of_its_serials() {
    let (c, mut fx) = count(3, 0, 1);
    fx.serials.push(pos_domain::effects::SerialMove {
        store_id: "S1".into(),
        sku: "A".into(),
        serial: "SN1".into(),
        lot_no: Some("L1".into()),
        state: pos_domain::effects::SerialState::WrittenOff,
    });
    let mut batch = vec![(&c, fx)];
    let known = Known {
        latest: HashMap::from([(key(), (at(5), Uuid::now_v7()))]),
        ..known()
    };
    walk("S1", &mut batch, known).unwrap();
    assert!(batch[0].1.serials.is_empty());
}

#[test]
fn a_count_stamped_ahead_of_head_office_stands_as_of_head_offices_now() {
    let (c, fx) = count(58, 9, 10);
    let mut batch = vec![(&c, fx)];
    let known = Known {
        stock: HashMap::from([(key(), 10)]),
        now: at(30),
        ..Known::default()
    };
    let out = walk("S1", &mut batch, known).unwrap();
    assert_eq!(out.new_latest[&key()].0, at(30));
}
