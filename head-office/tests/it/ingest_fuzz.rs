//! Property (issue 14): whatever documents a terminal sends beside a good one, head
//! office answers every document on its own, in order, never with a 5xx, and the good
//! document is stored. Documents start valid (built like the other tests') and are
//! mutated: huge and negative numbers, NUL and control characters, long strings,
//! extreme dates, sequences past i64, swapped member and sale ids, ids resent with
//! other content, a SKU the database refuses. Real HTTP, real PostgreSQL, a real
//! terminal token.

use std::cell::RefCell;

use crate::common::*;
use chrono::NaiveDate;
use pos_domain::document::{CashMovement, Document, DocumentBody, PointAdjustment, ShiftOpen};
use pos_domain::protocol::{BatchResponse, DocumentStatus};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use rust_decimal::Decimal;
use uuid::Uuid;

/// Cases run; each posts one batch of up to seven documents (about 5 s in a debug
/// build on 2 cores).
const CASES: u32 = 128;
/// Mutated documents take sequences below this, good ones above: a mutated document
/// can never take the good one's sequence.
const GOOD_SEQUENCE_FROM: u64 = 1_000_000;

/// A SKU the database refuses (a rule the test adds), so the path that stores a
/// refused batch one document at a time is fuzzed too.
const REFUSED_BY_DB: &str = "REFUSED-BY-DB";

const MEMBERS: [&str; 4] = ["fz-1", "fz-2", "fz-3", "fz-4"];
const PHONES: [&str; 3] = ["13100000001", "13100000002", "13100000003"];

#[derive(Debug, Clone, Copy)]
enum Kind {
    Sale,
    MemberSale,
    Return,
    Void,
    Registration,
    Adjustment,
    ZReport,
    PaidIn,
    ShiftOpen,
}

#[derive(Debug, Clone)]
enum Mutation {
    Amount(usize, Decimal),
    Points(usize, i64),
    Quantity(u32),
    Text(usize, String),
    Date(usize, NaiveDate),
    Sequence(u64),
    /// The id of a document stored in an earlier case, with this document's content.
    ResendStoredId(usize),
    /// The same id as the document before it in the batch (other content, or the same).
    CopyPrevious {
        alter: bool,
    },
    NotV7,
    /// Another member's id or card.
    SwapMember(usize),
    /// A void of a document stored earlier (maybe not a sale).
    VoidStored(usize),
}

fn kind() -> impl Strategy<Value = Kind> {
    select(vec![
        Kind::Sale,
        Kind::MemberSale,
        Kind::Return,
        Kind::Void,
        Kind::Registration,
        Kind::Adjustment,
        Kind::ZReport,
        Kind::PaidIn,
        Kind::ShiftOpen,
    ])
}

fn extreme_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        select(vec![
            Decimal::MAX,
            Decimal::MIN,
            Decimal::new(-1, 2),
            Decimal::new(1_000_000_000_001, 0),
            Decimal::new(1_000_000_001, 2),
            Decimal::new(1, 28),
            Decimal::ZERO,
            -Decimal::ONE,
            Decimal::new(-1, 0) * Decimal::new(1_000_000_000_000, 0),
        ]),
        any::<i64>().prop_map(|n| Decimal::new(n, 2)),
    ]
}

fn extreme_points() -> impl Strategy<Value = i64> {
    prop_oneof![
        select(vec![
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
            -1,
            0,
            1_000_000_001,
            -1_000_000_000
        ]),
        any::<i64>(),
    ]
}

fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "\0".to_owned(),
            "BP\0-1".to_owned(),
            "\u{1}".to_owned(),
            "\u{7f}".to_owned(),
            "a\u{85}b".to_owned(),
            "line\nbreak".to_owned(),
            String::new(),
            " ".to_owned(),
            "血压计🩺".to_owned(),
            "\u{202e}txt.exe".to_owned(),
            "'; DROP TABLE documents; --".to_owned(),
            REFUSED_BY_DB.to_owned(),
        ]),
        (65usize..100_000).prop_map(|n| "X".repeat(n)),
        "\\PC{0,80}",
        any::<String>(),
    ]
}

fn extreme_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        select(vec![
            NaiveDate::from_ymd_opt(-10_000, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(262_000, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(0, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(1999, 12, 31).unwrap(),
            NaiveDate::from_ymd_opt(2200, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
            NaiveDate::MIN,
            NaiveDate::MAX,
        ]),
        (-200_000i32..200_000, 1u32..=365)
            .prop_map(|(y, d)| NaiveDate::from_yo_opt(y, d).unwrap_or(NaiveDate::MIN)),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), extreme_decimal()).prop_map(|(t, v)| Mutation::Amount(t, v)),
        (any::<usize>(), extreme_points()).prop_map(|(t, v)| Mutation::Points(t, v)),
        prop_oneof![Just(0u32), Just(100_001), Just(u32::MAX), any::<u32>()]
            .prop_map(Mutation::Quantity),
        (any::<usize>(), nasty_text()).prop_map(|(t, s)| Mutation::Text(t, s)),
        (any::<usize>(), extreme_date()).prop_map(|(t, d)| Mutation::Date(t, d)),
        select(vec![
            0,
            i64::MAX as u64,
            i64::MAX as u64 + 1,
            u64::MAX,
            GOOD_SEQUENCE_FROM - 1
        ])
        .prop_map(Mutation::Sequence),
        any::<usize>().prop_map(Mutation::ResendStoredId),
        any::<bool>().prop_map(|alter| Mutation::CopyPrevious { alter }),
        Just(Mutation::NotV7),
        any::<usize>().prop_map(Mutation::SwapMember),
        any::<usize>().prop_map(Mutation::VoidStored),
    ]
}

/// One mutated document: its kind, a sequence in the mutated range, 0 to 3 mutations.
fn bad_document() -> impl Strategy<Value = (Kind, u64, Vec<Mutation>)> {
    (
        kind(),
        1..GOOD_SEQUENCE_FROM,
        prop::collection::vec(mutation(), 0..=3),
    )
}

fn batch_case() -> impl Strategy<Value = (Vec<(Kind, u64, Vec<Mutation>)>, usize)> {
    prop::collection::vec(bad_document(), 1..=6).prop_flat_map(|bad| {
        let n = bad.len();
        (Just(bad), 0..=n)
    })
}

fn base(kind: Kind, sequence: u64, member: &str, phone: &str) -> Document {
    let body = match kind {
        Kind::Sale => DocumentBody::Sale(sale(&[item("FZ", 2, "19.90")], None, 0, 0)),
        Kind::MemberSale => {
            DocumentBody::Sale(sale(&[item("FZ", 1, "10.00")], Some(member), 10, 0))
        }
        Kind::Return => {
            DocumentBody::Return(return_of(None, &[item("FZ", 1, "19.90")], Some(member), 0))
        }
        Kind::Void => {
            let sold = document(
                STORE,
                TERMINAL,
                sequence.saturating_sub(1).max(1),
                DocumentBody::Sale(sale(&[item("FZ", 1, "5.00")], None, 0, 0)),
            );
            DocumentBody::Void(void_of(&sold))
        }
        Kind::Registration => DocumentBody::MemberRegistration(registration(member, phone)),
        Kind::Adjustment => DocumentBody::PointAdjustment(PointAdjustment {
            member_id: member.into(),
            points: 7,
            reason: "fuzz".into(),
        }),
        Kind::ZReport => DocumentBody::ZReport(z_report(1, "30.00", "30.00")),
        Kind::PaidIn => DocumentBody::PaidIn(CashMovement {
            shift_id: Uuid::now_v7(),
            amount: Decimal::new(5000, 2),
            reason: "float top-up".into(),
        }),
        Kind::ShiftOpen => DocumentBody::ShiftOpen(ShiftOpen {
            shift_id: Uuid::now_v7(),
            float: Decimal::new(20000, 2),
            counted: vec![],
        }),
    };
    document(STORE, TERMINAL, sequence, body)
}

fn set_amount(doc: &mut Document, target: usize, v: Decimal) {
    match &mut doc.body {
        DocumentBody::Sale(s) => {
            let line = &mut s.lines[0];
            match target % 13 {
                0 => line.unit_price = v,
                1 => line.gross = v,
                2 => line.net = v,
                3 => s.subtotal = v,
                4 => s.total = v,
                5 => s.discount_total = v,
                6 => s.tenders[0].amount = v,
                7 => s.change = v,
                8 => s.cash_rounding = v,
                9 => s.vat[0].rate = v,
                10 => s.vat[0].gross = v,
                11 => s.vat[0].vat = v,
                _ => line.points_multiplier = v,
            }
        }
        DocumentBody::Return(r) => match target % 5 {
            0 => r.lines[0].refund = v,
            1 => r.total = v,
            2 => r.tenders[0].amount = v,
            3 => r.vat[0].rate = v,
            _ => r.cash_rounding = v,
        },
        DocumentBody::Void(void) => void.total = v,
        DocumentBody::ZReport(z) => match target % 5 {
            0 => z.counted_cash = v,
            1 => z.variance = v,
            2 => z.totals.expected_cash = v,
            3 => z.totals.sales_total = v,
            _ => z.totals.tenders[0].amount = v,
        },
        DocumentBody::PaidIn(m) | DocumentBody::PaidOut(m) => m.amount = v,
        DocumentBody::ShiftOpen(o) => o.float = v,
        _ => {}
    }
}

fn set_points(doc: &mut Document, target: usize, v: i64) {
    match &mut doc.body {
        DocumentBody::Sale(s) => match target % 3 {
            0 => s.points_earned = v,
            1 => s.points_redeemed = v,
            _ => s.tenders[0].points = v,
        },
        DocumentBody::Return(r) => r.points_reversed = v,
        DocumentBody::PointAdjustment(a) => a.points = v,
        DocumentBody::ZReport(z) => z.totals.points_earned = v,
        _ => {}
    }
}

fn set_text(doc: &mut Document, target: usize, v: String) {
    match (&mut doc.body, target % 4) {
        (_, 0) => doc.operator_id = v,
        (DocumentBody::Sale(s), t) => match t {
            1 => s.lines[0].sku = v,
            2 => s.lines[0].lot = Some(v),
            _ => s.lines[0].name = v,
        },
        (DocumentBody::Return(r), t) => match t {
            1 => r.lines[0].sku = v,
            2 => r.lines[0].serial = Some(v),
            _ => r.reason = v,
        },
        (DocumentBody::MemberRegistration(reg), t) => match t {
            1 => reg.card_no = v,
            2 => reg.phone = v,
            _ => reg.name = v,
        },
        (DocumentBody::PointAdjustment(a), t) => match t {
            1 => a.member_id = v,
            _ => a.reason = v,
        },
        (DocumentBody::Void(void), _) => void.reason = v,
        (DocumentBody::PaidIn(m), _) => m.reason = v,
        _ => doc.operator_id = v,
    }
}

fn set_date(doc: &mut Document, target: usize, date: NaiveDate) {
    match target % 3 {
        0 => doc.business_date = date,
        1 => doc.created_at = date.and_hms_opt(0, 0, 0).unwrap().and_utc(),
        _ => {
            if let DocumentBody::Sale(s) = &mut doc.body {
                s.lines[0].expiry_date = Some(date);
            } else {
                doc.business_date = date;
            }
        }
    }
}

/// What earlier cases left behind for mutations to name, and what the mutated
/// documents got, so a run that exercised nothing fails.
#[derive(Default)]
struct History {
    stored: Vec<Document>,
    next_good: u64,
    mutated_accepted: usize,
    mutated_rejected: usize,
}

fn mutate(doc: &mut Document, mutation: &Mutation, previous: Option<&Document>, history: &History) {
    let pick = |i: usize| history.stored.get(i % history.stored.len().max(1));
    match mutation {
        Mutation::Amount(t, v) => set_amount(doc, *t, *v),
        Mutation::Points(t, v) => set_points(doc, *t, *v),
        Mutation::Quantity(q) => match &mut doc.body {
            DocumentBody::Sale(s) => s.lines[0].quantity = *q,
            DocumentBody::Return(r) => r.lines[0].quantity = *q,
            DocumentBody::ZReport(z) => z.totals.tenders[0].count = *q,
            _ => {}
        },
        Mutation::Text(t, v) => set_text(doc, *t, v.clone()),
        Mutation::Date(t, d) => set_date(doc, *t, *d),
        Mutation::Sequence(s) => match &mut doc.body {
            DocumentBody::Void(v) if s % 2 == 1 => v.sale_sequence = *s,
            _ => doc.sequence = *s,
        },
        Mutation::ResendStoredId(i) => {
            if let Some(stored) = pick(*i) {
                doc.id = stored.id;
            }
        }
        Mutation::CopyPrevious { alter } => {
            if let Some(previous) = previous {
                doc.id = previous.id;
                if !alter {
                    doc.clone_from(previous);
                }
            }
        }
        Mutation::NotV7 => {
            doc.id = uuid::Builder::from_random_bytes(*Uuid::now_v7().as_bytes()).into_uuid()
        }
        Mutation::SwapMember(i) => {
            let other = MEMBERS[i % MEMBERS.len()];
            let card = format!("card-{}", MEMBERS[(i / 7) % MEMBERS.len()]);
            match &mut doc.body {
                DocumentBody::Sale(s) => {
                    if let Some(m) = &mut s.member {
                        m.member_id = other.into();
                        m.card_no = card;
                    }
                }
                DocumentBody::MemberRegistration(r) => r.card_no = card,
                DocumentBody::PointAdjustment(a) => a.member_id = card,
                _ => {}
            }
        }
        Mutation::VoidStored(i) => {
            if let (DocumentBody::Void(v), Some(stored)) = (&mut doc.body, pick(*i)) {
                v.sale_id = stored.id;
                v.sale_sequence = stored.sequence;
            }
        }
    }
}

/// Checks the answer; returns how many other documents were accepted and rejected.
fn check(
    sent: &[Document],
    good: &Document,
    status: u16,
    body: &serde_json::Value,
    stored: bool,
) -> Result<(usize, usize), TestCaseError> {
    prop_assert!(status < 500, "a {status} answer: {body}");
    prop_assert_eq!(status, 200, "{}", body);
    let response: BatchResponse = serde_json::from_value(body.clone())
        .map_err(|e| TestCaseError::fail(format!("not a batch response: {e}: {body}")))?;
    prop_assert_eq!(
        response.results.len(),
        sent.len(),
        "one result per document"
    );
    let (mut accepted, mut rejected) = (0, 0);
    for (doc, result) in sent.iter().zip(&response.results) {
        match result.status {
            DocumentStatus::Accepted if doc.id != good.id => accepted += 1,
            DocumentStatus::Rejected => rejected += 1,
            _ => {}
        }
        prop_assert_eq!(
            (result.id, result.sequence),
            (doc.id, doc.sequence),
            "in order"
        );
        if result.status == DocumentStatus::Rejected {
            prop_assert!(result.reason.as_deref().is_some_and(|r| !r.is_empty()));
        }
        if doc.id == good.id {
            prop_assert_eq!(result.status, DocumentStatus::Accepted, "{:?}", result);
        }
    }
    prop_assert!(stored, "the good document {} was not stored", good.id);
    Ok((accepted, rejected))
}

#[test]
fn random_and_mutated_documents_never_take_down_a_good_one() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (ho, token) = runtime.block_on(async {
        let ho = HeadOffice::start().await;
        let token = ho.enroll(STORE, TERMINAL).await;
        ho.client()
            .await
            .batch_execute(&format!(
                "ALTER TABLE stock ADD CONSTRAINT refused CHECK (sku <> '{REFUSED_BY_DB}')"
            ))
            .await
            .unwrap();
        (ho, token)
    });
    let history = RefCell::new(History {
        next_good: GOOD_SEQUENCE_FROM,
        ..History::default()
    });
    let mut runner = TestRunner::new(Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    });
    let outcome = runner.run(&batch_case(), |(bad, good_at)| {
        let mut history = history.borrow_mut();
        history.next_good += 1;
        let good = document(
            STORE,
            TERMINAL,
            history.next_good,
            DocumentBody::Sale(sale(&[item("GOOD", 1, "12.50")], None, 0, 0)),
        );
        let mut docs: Vec<Document> = Vec::new();
        for (i, (kind, sequence, mutations)) in bad.iter().enumerate() {
            let mut doc = base(
                *kind,
                *sequence,
                MEMBERS[i % MEMBERS.len()],
                PHONES[i % PHONES.len()],
            );
            for m in mutations {
                mutate(&mut doc, m, docs.last(), &history);
            }
            // A mutated copy of the good document's id is not what this property is about.
            if doc.id == good.id {
                doc.id = Uuid::now_v7();
            }
            docs.push(doc);
        }
        docs.insert(good_at.min(docs.len()), good.clone());
        let (status, body, stored) = runtime.block_on(async {
            let (status, body) = ho
                .post_batch(&token, &batch(STORE, TERMINAL, docs.clone()))
                .await;
            let stored = ho
                .client()
                .await
                .query_opt("SELECT 1 FROM documents WHERE id = $1", &[&good.id])
                .await
                .unwrap()
                .is_some();
            (status, body, stored)
        });
        let (accepted, rejected) = check(&docs, &good, status, &body, stored)?;
        history.mutated_accepted += accepted;
        history.mutated_rejected += rejected;
        history.stored.push(good);
        Ok(())
    });
    runtime.block_on(ho.stop());
    if let Err(e) = outcome {
        panic!("{e}");
    }
    let history = history.into_inner();
    assert!(
        history.mutated_accepted > 0 && history.mutated_rejected > 0,
        "the run must see mutated documents both stored and refused: {} and {}",
        history.mutated_accepted,
        history.mutated_rejected
    );
}
