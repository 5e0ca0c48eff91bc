//! The member ledger: offline registrations merged by phone with both histories kept,
//! overdrawn redemptions stored and flagged, concurrent batches on one member.

use crate::common::*;
use head_office::{catalog, reports};
use pos_domain::document::{DocumentBody, PointAdjustment};
use pos_domain::import::CatalogImport;
use pos_domain::member::{Member, Tier};
use pos_domain::protocol::{Change, FeedPage};

#[tokio::test]
async fn an_offline_registration_with_a_known_phone_merges_into_the_member() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    ho.import_member("HQ-1", "13700000001", 1_000).await;
    let cursor: i64 = {
        let (_, body) = ho.get(Some(&token), "/v1/feed?cursor=0").await;
        body["next_cursor"].as_i64().unwrap()
    };

    let registered = document(
        STORE,
        TERMINAL,
        1,
        DocumentBody::MemberRegistration(registration("till-m", "13700000001")),
    );
    let bought = document(
        STORE,
        TERMINAL,
        2,
        DocumentBody::Sale(sale(&[item("A", 1, "50.00")], Some("till-m"), 50, 0)),
    );
    all_accepted(
        &ho.submit(
            &token,
            &batch(STORE, TERMINAL, vec![registered.clone(), bought.clone()]),
        )
        .await,
    );

    assert_eq!(
        ho.count("members").await,
        1,
        "no second member for the same phone"
    );
    assert_eq!(ho.balance("HQ-1").await, Some(1_050));
    let merged = catalog::member(&*ho.client().await, "till-m")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((merged.id.as_str(), merged.points_balance), ("HQ-1", 1_050));
    // Both histories: the alias keeps the till's id, card and registration; the ledger
    // keeps the id the till used beside the member's.
    let alias = ho
        .client()
        .await
        .query_one(
            "SELECT member_id, card_no, document_id FROM member_aliases WHERE alias_id = 'till-m'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(alias.get::<_, String>(0), "HQ-1");
    assert_eq!(alias.get::<_, String>(1), "card-till-m");
    assert_eq!(alias.get::<_, uuid::Uuid>(2), registered.id);
    let ledger = ho
        .client()
        .await
        .query_one(
            "SELECT member_id, till_member_id, points FROM point_ledger WHERE document_id = $1",
            &[&bought.id],
        )
        .await
        .unwrap();
    assert_eq!(
        (
            ledger.get::<_, String>(0),
            ledger.get::<_, String>(1),
            ledger.get::<_, i64>(2)
        ),
        ("HQ-1".into(), "till-m".into(), 50)
    );

    // The till learns the alias and the balance.
    let (_, body) = ho
        .get(Some(&token), &format!("/v1/feed?cursor={cursor}"))
        .await;
    let page: FeedPage = serde_json::from_value(body).unwrap();
    let changes: Vec<Change> = page.changes.into_iter().map(|c| c.change).collect();
    assert!(changes.contains(&Change::MemberAlias {
        alias_id: "till-m".into(),
        member_id: "HQ-1".into()
    }));
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::Member(m) if m.id == "HQ-1" && m.points_balance == 1_050))
    );
    ho.stop().await;
}

#[tokio::test]
async fn two_tills_registering_the_same_new_phone_end_with_one_member() {
    let ho = HeadOffice::start().await;
    let t1 = ho.enroll(STORE, "T1").await;
    let t2 = ho.enroll("S2", "T9").await;
    let first = vec![
        document(
            STORE,
            "T1",
            1,
            DocumentBody::MemberRegistration(registration("m-a", "13600000002")),
        ),
        document(
            STORE,
            "T1",
            2,
            DocumentBody::Sale(sale(&[item("A", 1, "30.00")], Some("m-a"), 30, 0)),
        ),
    ];
    let second = vec![
        document(
            "S2",
            "T9",
            1,
            DocumentBody::MemberRegistration(registration("m-b", "13600000002")),
        ),
        document(
            "S2",
            "T9",
            2,
            DocumentBody::Sale(sale(&[item("A", 1, "20.00")], Some("m-b"), 20, 0)),
        ),
    ];
    let (first, second) = (batch(STORE, "T1", first), batch("S2", "T9", second));
    let (a, b) = tokio::join!(ho.submit(&t1, &first), ho.submit(&t2, &second));
    all_accepted(&a);
    all_accepted(&b);
    assert_eq!(ho.count("members").await, 1);
    assert_eq!(ho.count("member_aliases").await, 1);
    let member = catalog::member(&*ho.client().await, "m-b")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        member,
        catalog::member(&*ho.client().await, "m-a")
            .await
            .unwrap()
            .unwrap()
    );
    assert_eq!(member.points_balance, 50);
    ho.stop().await;
}

#[tokio::test]
async fn an_overdrawn_redemption_is_stored_and_flagged() {
    let ho = HeadOffice::start().await;
    let store_a = ho.enroll("A", "T1").await;
    let store_b = ho.enroll("B", "T1").await;
    ho.import_member("M-7", "13500000003", 1_000).await;
    // Both stores saw 1,000 points offline and each let the member redeem 800.
    let redeem = |store: &'static str| {
        document(
            store,
            "T1",
            1,
            DocumentBody::Sale(sale(&[item("A", 1, "20.00")], Some("M-7"), 0, 800)),
        )
    };
    let in_a = redeem("A");
    let in_b = redeem("B");
    all_accepted(
        &ho.submit(&store_a, &batch("A", "T1", vec![in_a.clone()]))
            .await,
    );
    all_accepted(
        &ho.submit(&store_b, &batch("B", "T1", vec![in_b.clone()]))
            .await,
    );

    assert_eq!(
        ho.balance("M-7").await,
        Some(-600),
        "both redemptions are kept"
    );
    let flagged = reports::overdrafts(&**ho.client().await).await.unwrap();
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    let review = &flagged[0];
    assert_eq!(review.document_id, in_b.id);
    assert_eq!(
        (review.store_id.as_str(), review.points_redeemed),
        ("B", 800)
    );
    assert_eq!((review.balance_before, review.balance_after), (200, -600));

    // A manager's adjustment is recorded without a flag; a resend flags nothing more.
    let adjust = document(
        "A",
        "T1",
        2,
        DocumentBody::PointAdjustment(PointAdjustment {
            member_id: "M-7".into(),
            points: 600,
            reason: "goodwill".into(),
        }),
    );
    all_accepted(&ho.submit(&store_a, &batch("A", "T1", vec![adjust])).await);
    ho.submit(&store_b, &batch("B", "T1", vec![in_b])).await;
    assert_eq!(ho.balance("M-7").await, Some(0));
    assert_eq!(
        reports::overdrafts(&**ho.client().await)
            .await
            .unwrap()
            .len(),
        1
    );

    // Settled with the member: marked reviewed once, it leaves the list.
    let client = ho.client().await;
    let mark = |id| reports::mark_overdraft_reviewed(&**client, id, "test");
    assert_eq!(
        mark(in_a.id).await.unwrap(),
        reports::ReviewOutcome::NotFlagged
    );
    assert_eq!(
        mark(review.document_id).await.unwrap(),
        reports::ReviewOutcome::Reviewed
    );
    assert_eq!(
        mark(review.document_id).await.unwrap(),
        reports::ReviewOutcome::AlreadyReviewed
    );
    assert!(reports::overdrafts(&**client).await.unwrap().is_empty());
    drop(client);
    ho.stop().await;
}

#[tokio::test]
async fn concurrent_batches_on_one_member_lose_no_points() {
    let ho = HeadOffice::start().await;
    ho.import_member("M-busy", "13400000004", 0).await;
    let mut tokens = Vec::new();
    for t in 0..4 {
        tokens.push(ho.enroll(STORE, &format!("T{t}")).await);
    }
    let submissions = tokens.iter().enumerate().map(|(t, token)| {
        let terminal = format!("T{t}");
        let docs = (1..=50)
            .map(|seq| {
                document(
                    STORE,
                    &terminal,
                    seq,
                    DocumentBody::Sale(sale(&[item("A", 1, "3.00")], Some("M-busy"), 3, 0)),
                )
            })
            .collect();
        let request = batch(STORE, &terminal, docs);
        let ho = &ho;
        async move { ho.submit(token, &request).await }
    });
    for response in futures_util::future::join_all(submissions).await {
        all_accepted(&response);
    }
    assert_eq!(ho.balance("M-busy").await, Some(4 * 50 * 3));
    assert_eq!(ho.stock(STORE, "A", "").await, Some(-200));
    ho.stop().await;
}

#[tokio::test]
async fn an_import_giving_a_card_another_member_holds_is_refused_whole_by_name() {
    let ho = HeadOffice::start().await;
    ho.import_member("HQ-1", "13700000001", 10).await;
    let clash = Member {
        id: "HQ-2".into(),
        card_no: "C-HQ-1".into(),
        phone: "13700000002".into(),
        name: "李四".into(),
        tier: Tier::Standard,
        points_balance: 0,
        phone_key: None,
        tier_spend: None,
        segment: None,
    };
    let file = CatalogImport {
        members: vec![clash],
        ..CatalogImport::default()
    };
    let refused = catalog::import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &refused,
            catalog::CatalogError::CardTaken { card_no, member_id, holder_id }
                if card_no == "C-HQ-1" && member_id == "HQ-2" && holder_id == "HQ-1"
        ),
        "{refused}"
    );
    let count: i64 = ho
        .client()
        .await
        .query_one("SELECT count(*) FROM members", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 1, "nothing of the refused file was written");
}

#[tokio::test]
async fn importing_a_member_again_enters_only_the_change_of_balance_in_the_ledger() {
    let ho = HeadOffice::start().await;
    ho.import_member("M-9", "13600000009", 40).await;
    ho.import_member("M-9", "13600000009", 40).await;
    ho.import_member("M-9", "13600000009", 55).await;
    let entries: Vec<(i64, i64)> = ho
        .client()
        .await
        .query(
            "SELECT points, balance_after FROM point_ledger WHERE member_id = 'M-9'
             ORDER BY recorded_at, balance_after",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        entries,
        vec![(40, 40), (15, 55)],
        "the ledger adds up to the balance"
    );
    ho.stop().await;
}
