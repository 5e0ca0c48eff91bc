//! One card number, one member (issue 14, item 6, head office's part): two stores
//! whose tills both issue `LT01000001` end with two members and two cards, every
//! document accepted, and the feed every till pulls holds no card twice. Head office
//! gives each member its own code (issue 13); the till's card stays joined to the
//! member that brought it first.

use std::collections::HashMap;

use crate::common::*;
use pos_domain::document::{DocumentBody, MemberRegistration, PointAdjustment};
use pos_domain::member::Member;
use pos_domain::member_code::is_head_office_code;
use pos_domain::protocol::{BatchResponse, Change, DocumentStatus, FeedPage};

const CARD: &str = "LT01000001";

fn register(
    store: &str,
    sequence: u64,
    member_id: &str,
    phone: &str,
) -> pos_domain::document::Document {
    document(
        store,
        "T01",
        sequence,
        DocumentBody::MemberRegistration(MemberRegistration {
            member_id: member_id.into(),
            card_no: CARD.into(),
            phone: phone.into(),
            name: "李四".into(),
            // As a till wrote it before registrations were sealed.
            seal: None,
        }),
    )
}

/// A sale to `member_id` that earns `points`, naming the member with `CARD`.
fn sale_to(
    store: &str,
    sequence: u64,
    member_id: &str,
    points: i64,
) -> pos_domain::document::Document {
    let mut s = sale(&[item("A", 1, "30.00")], Some(member_id), points, 0);
    if let Some(m) = &mut s.member {
        m.card_no = CARD.into();
    }
    document(store, "T01", sequence, DocumentBody::Sale(s))
}

async fn member_row(ho: &HeadOffice, id: &str) -> (String, i64) {
    let row = ho
        .client()
        .await
        .query_one(
            "SELECT card_no, points_balance FROM members WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

/// The members of a whole feed pull, by id, failing the test if two share a card.
async fn pulled_members(ho: &HeadOffice, token: &str) -> HashMap<String, Member> {
    let (status, body) = ho.get(Some(token), "/v1/feed?cursor=0").await;
    assert_eq!(status, 200, "{body}");
    let page: FeedPage = serde_json::from_value(body).unwrap();
    assert!(!page.more);
    let members: HashMap<String, Member> = page
        .changes
        .into_iter()
        .filter_map(|c| match c.change {
            Change::Member(m) => Some((m.id.clone(), m)),
            _ => None,
        })
        .collect();
    let mut holders: HashMap<&str, &str> = HashMap::new();
    for m in members.values() {
        if let Some(other) = holders.insert(&m.card_no, &m.id) {
            panic!("card {} sent for both {other} and {}", m.card_no, m.id);
        }
    }
    members
}

/// The joined cards (`member_card`) of a whole feed pull: member by card.
async fn pulled_cards(ho: &HeadOffice, token: &str) -> HashMap<String, String> {
    let (status, body) = ho.get(Some(token), "/v1/feed?cursor=0").await;
    assert_eq!(status, 200, "{body}");
    let page: FeedPage = serde_json::from_value(body).unwrap();
    page.changes
        .into_iter()
        .filter_map(|c| match c.change {
            Change::MemberCard { card_no, member_id } => Some((card_no, member_id)),
            _ => None,
        })
        .collect()
}

async fn joined_to(ho: &HeadOffice, card: &str) -> Option<String> {
    ho.client()
        .await
        .query_opt(
            "SELECT member_id FROM member_cards WHERE card_no = $1",
            &[&card],
        )
        .await
        .unwrap()
        .map(|r| r.get(0))
}

fn accepted_note(response: &BatchResponse, i: usize) -> Option<String> {
    assert_eq!(
        response.results[i].status,
        DocumentStatus::Accepted,
        "{response:?}"
    );
    response.results[i].reason.clone()
}

#[tokio::test]
async fn two_stores_issuing_one_card_end_with_two_members_and_two_cards() {
    let ho = HeadOffice::start().await;
    let a = ho.enroll("A", "T01").await;
    let b = ho.enroll("B", "T01").await;
    // Both tills registered and sold offline; both batches arrive at once.
    let from_a = batch(
        "A",
        "T01",
        vec![
            register("A", 1, "m-a", "13900000001"),
            sale_to("A", 2, "m-a", 30),
        ],
    );
    let from_b = batch(
        "B",
        "T01",
        vec![
            register("B", 1, "m-b", "13900000002"),
            sale_to("B", 2, "m-b", 20),
        ],
    );
    let (answer_a, answer_b) = tokio::join!(ho.submit(&a, &from_a), ho.submit(&b, &from_b));
    all_accepted(&answer_a);
    all_accepted(&answer_b);

    let (card_a, points_a) = member_row(&ho, "m-a").await;
    let (card_b, points_b) = member_row(&ho, "m-b").await;
    assert_eq!((points_a, points_b), (30, 20), "both sales counted");
    assert_ne!(card_a, card_b, "one card, two members");
    assert!(is_head_office_code(&card_a) && is_head_office_code(&card_b));
    // Whichever store came first has the till's card joined to its member; the second
    // was told the card is taken.
    let kept_by = joined_to(&ho, CARD).await.expect("the card is joined");
    let (second, answer, issued) = if kept_by == "m-a" {
        ("m-b", &answer_b, &card_b)
    } else {
        ("m-a", &answer_a, &card_a)
    };
    let kept_by = kept_by.as_str();
    let note = accepted_note(answer, 0).expect("the registration's answer says what happened");
    assert!(
        note.contains(CARD) && note.contains(kept_by) && note.contains(issued.as_str()),
        "{note}"
    );
    assert_eq!(
        accepted_note(answer, 1),
        None,
        "the sale needed no reconciling"
    );
    let recorded = ho
        .client()
        .await
        .query_one(
            "SELECT member_id, till_card_no, card_no, holder_id FROM member_card_reissues",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        (
            recorded.get::<_, String>(0),
            recorded.get::<_, String>(1),
            recorded.get::<_, String>(2),
            recorded.get::<_, String>(3)
        ),
        (second.into(), CARD.into(), issued.clone(), kept_by.into())
    );

    // Every till's pull holds both members, each with a card of their own, and the
    // till's card joined to the first.
    for token in [&a, &b] {
        let members = pulled_members(&ho, token).await;
        assert_eq!(members["m-a"].card_no, card_a);
        assert_eq!(members["m-b"].card_no, card_b);
        let cards = pulled_cards(&ho, token).await;
        assert_eq!(cards.get(CARD).map(String::as_str), Some(kept_by));
        assert_eq!(cards.len(), 1, "{cards:?}");
    }
    ho.stop().await;
}

#[tokio::test]
async fn a_sale_or_adjustment_naming_a_new_member_with_a_taken_card_is_kept() {
    let ho = HeadOffice::start().await;
    let a = ho.enroll("A", "T01").await;
    let b = ho.enroll("B", "T01").await;
    all_accepted(
        &ho.submit(
            &a,
            &batch("A", "T01", vec![register("A", 1, "m-a", "13900000001")]),
        )
        .await,
    );
    // Store B's registration went elsewhere; head office first sees the member on a
    // sale, then an adjustment names a member whose id is store A's member's card.
    let sold = sale_to("B", 1, "m-b", 20);
    let adjusted = document(
        "B",
        "T01",
        2,
        DocumentBody::PointAdjustment(PointAdjustment {
            member_id: CARD.into(),
            points: 5,
            reason: "goodwill".into(),
        }),
    );
    let from_b = batch("B", "T01", vec![sold, adjusted]);
    let answer = ho.submit(&b, &from_b).await;
    let sale_note = accepted_note(&answer, 0).expect("the sale's answer names the card");
    assert!(
        sale_note.contains(CARD) && sale_note.contains("m-a") && sale_note.contains("m-b"),
        "{sale_note}"
    );
    assert!(accepted_note(&answer, 1).is_some_and(|n| n.contains(CARD)));
    let (card_b, points_b) = member_row(&ho, "m-b").await;
    assert!(is_head_office_code(&card_b), "{card_b}");
    assert_eq!(points_b, 20);
    let (card_adjusted, points_adjusted) = member_row(&ho, CARD).await;
    assert!(is_head_office_code(&card_adjusted) && card_adjusted != card_b);
    assert_eq!(points_adjusted, 5);
    assert!(is_head_office_code(&member_row(&ho, "m-a").await.0));
    assert_eq!(
        joined_to(&ho, CARD).await.as_deref(),
        Some("m-a"),
        "the first holder keeps it"
    );
    assert_eq!(pulled_members(&ho, &a).await.len(), 3);

    // A resend changes nothing and issues no further card.
    let before = ho.snapshot().await;
    let again = ho.submit(&b, &from_b).await;
    assert!(
        again
            .results
            .iter()
            .all(|r| r.status == DocumentStatus::Duplicate && r.reason.is_none()),
        "{again:?}"
    );
    assert_eq!(ho.snapshot().await, before);
    ho.stop().await;
}
