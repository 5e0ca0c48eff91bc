//! What a member carries to the tills besides its record: after an RFM run the members
//! whose segment changed (and only they) are in the tills' feed with their new segment;
//! a member named on a sale goes down with its spend in the tier window; a promotion
//! for a segment is saved through the console's form (audited) and a segment that is
//! not defined is refused, by the form and by an import, with nothing stored.

use std::collections::BTreeMap;

use chrono::Utc;
use head_office::catalog::CatalogError;
use head_office::promotion_segments::UnknownSegment;
use head_office::{chain_time, rfm};
use pos_domain::document::DocumentBody;
use pos_domain::member::{LoyaltyRules, TierRules};
use serde_json::Value;

use crate::common::*;
use crate::console_promotions::{
    audit_rows, feed_change, import_products, post, promotion_form, signed_in, stored, with,
};
use crate::segments::{AS_OF, chain_with_members, now};

/// The member changes a till's pull after `cursor` brings, by member id.
async fn members_after(ho: &HeadOffice, token: &str, cursor: i64) -> BTreeMap<String, Value> {
    let (status, page) = ho
        .get(Some(token), &format!("/v1/feed?cursor={cursor}&limit=1000"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["more"], false);
    page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["entity"] == "member")
        .map(|c| {
            (
                c["data"]["id"].as_str().unwrap().to_owned(),
                c["data"].clone(),
            )
        })
        .collect()
}

async fn last_cursor(ho: &HeadOffice) -> i64 {
    ho.client()
        .await
        .query_one("SELECT coalesce(max(cursor), 0) FROM feed", &[])
        .await
        .unwrap()
        .get(0)
}

/// Each scored member's segment (none for a member no segment's rules match).
async fn segments(ho: &HeadOffice) -> BTreeMap<String, Option<String>> {
    ho.client()
        .await
        .query("SELECT member_id, segment_code FROM member_rfm", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

async fn run(ho: &HeadOffice, window_days: i64) {
    rfm::run(
        &mut *ho.client().await,
        now(),
        AS_OF.parse().unwrap(),
        window_days,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn an_rfm_run_sends_the_tills_only_the_members_whose_segment_changed() {
    let ho = HeadOffice::start().await;
    let token = chain_with_members(&ho).await;

    let before = last_cursor(&ho).await;
    run(&ho, 365).await;
    let first = segments(&ho).await;
    let sent = members_after(&ho, &token, before).await;
    let segmented: Vec<&String> = first
        .iter()
        .filter(|(_, s)| s.is_some())
        .map(|(m, _)| m)
        .collect();
    assert_eq!(segmented.len(), 4, "{first:?}");
    assert_eq!(sent.keys().collect::<Vec<_>>(), segmented, "{sent:?}");
    for (member, data) in &sent {
        assert_eq!(
            data["segment"].as_str(),
            first[member].as_deref(),
            "{member}"
        );
        assert!(
            !data["phone"].as_str().unwrap().contains("1380000"),
            "still masked: {data}"
        );
    }

    // The same run again moves nobody: nobody is sent again.
    let before = last_cursor(&ho).await;
    run(&ho, 365).await;
    assert_eq!(segments(&ho).await, first);
    assert_eq!(members_after(&ho, &token, before).await, BTreeMap::new());

    // A 30-day window leaves M3 out (its October sale): M3 goes down without a
    // segment, with every member whose segment moved, and no other.
    let before = last_cursor(&ho).await;
    run(&ho, 30).await;
    let second = segments(&ho).await;
    assert!(!second.contains_key("M3"), "{second:?}");
    let moved: Vec<&String> = first
        .keys()
        .chain(second.keys())
        .filter(|m| first.get(*m).cloned().flatten() != second.get(*m).cloned().flatten())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let sent = members_after(&ho, &token, before).await;
    assert!(moved.contains(&&"M3".to_owned()), "{moved:?}");
    assert_eq!(sent.keys().collect::<Vec<_>>(), moved, "{sent:?}");
    assert!(sent["M3"].get("segment").is_none(), "{}", sent["M3"]);

    // A send cut short (the process stopped after the run's commit) leaves its members
    // noted: the next run sends them, though it moves nobody itself.
    let cut_short = first.keys().next().unwrap().clone();
    ho.client()
        .await
        .execute(
            "INSERT INTO member_segment_moves (member_id) VALUES ($1)",
            &[&cut_short],
        )
        .await
        .unwrap();
    let before = last_cursor(&ho).await;
    run(&ho, 30).await;
    let sent = members_after(&ho, &token, before).await;
    assert_eq!(
        sent.keys().collect::<Vec<_>>(),
        vec![&cut_short],
        "{sent:?}"
    );
    assert_eq!(
        ho.count("member_segment_moves").await,
        0,
        "nothing left to send"
    );
}

#[tokio::test]
async fn a_member_named_on_a_sale_goes_down_with_its_spend_in_the_tier_window() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    ho.import_member("M1", "13800000001", 0).await;
    let rules = LoyaltyRules {
        tiers: TierRules {
            thresholds: [Some("1000".parse().unwrap()), None, None],
            ..TierRules::default()
        },
        ..LoyaltyRules::default()
    };
    head_office::catalog::set_loyalty_rules(&mut *ho.client().await, &rules)
        .await
        .unwrap();

    // A sale that earns no points changes no balance: the member still goes down.
    let before = last_cursor(&ho).await;
    let today = chain_time::today(Utc::now());
    let mut bought = document(
        STORE,
        TERMINAL,
        1,
        DocumentBody::Sale(sale(&[item("A", 1, "150.00")], Some("M1"), 0, 0)),
    );
    bought.business_date = today;
    all_accepted(
        &ho.submit(&token, &batch(STORE, TERMINAL, vec![bought]))
            .await,
    );
    let sent = members_after(&ho, &token, before).await;
    let spend = &sent.get("M1").expect("the member is sent again")["tier_spend"];
    assert_eq!(spend["amount"], "150.00", "{spend}");
    let as_of = spend["as_of"].as_str().unwrap();
    let after = chain_time::today(Utc::now()).to_string();
    assert!(as_of == today.to_string() || as_of == after, "{as_of}");

    // With tiers by spend off, no spend goes down.
    head_office::catalog::set_loyalty_rules(&mut *ho.client().await, &LoyaltyRules::default())
        .await
        .unwrap();
    let before = last_cursor(&ho).await;
    let mut again = document(
        STORE,
        TERMINAL,
        2,
        DocumentBody::Sale(sale(&[item("A", 1, "10.00")], Some("M1"), 0, 0)),
    );
    again.business_date = today;
    all_accepted(
        &ho.submit(&token, &batch(STORE, TERMINAL, vec![again]))
            .await,
    );
    let sent = members_after(&ho, &token, before).await;
    assert!(sent["M1"].get("tier_spend").is_none(), "{}", sent["M1"]);
}

#[tokio::test]
async fn the_console_saves_a_promotion_for_a_segment_and_refuses_an_unknown_segment() {
    let ho = HeadOffice::start().await;
    import_products(&ho).await;
    let token = ho.enroll("S001", "T01").await;
    ho.add_console_staff().await;
    let (mut browser, csrf) = signed_in(&ho, "qian").await;

    let form = browser.get("/promotions/new").await;
    assert!(
        form.body
            .contains(r#"<option value="important_value">重要价值客户 (important_value)"#),
        "the defined segments are offered: {}",
        form.body
    );

    let segment_form = with(&promotion_form("P-SEG"), &[("segment", "important_value")]);
    let (status, body) = post(&mut browser, "/promotions/new", &csrf, &segment_form).await;
    assert_eq!(status, 303, "{body}");
    let sent = feed_change(&ho, &token, &["promotion"], "P-SEG")
        .await
        .expect("in the feed");
    assert_eq!(sent["data"]["segment"], "important_value");
    let logged = audit_rows(&ho).await;
    let (_, action, subject, _, after) = logged.last().unwrap();
    assert_eq!(
        (action.as_str(), subject.as_str()),
        ("promotion.create", "P-SEG")
    );
    assert_eq!(after.as_ref().unwrap()["segment"], "important_value");
    let page = browser.get("/promotions/P-SEG").await;
    assert!(
        page.body
            .contains(r#"<option value="important_value" selected>"#),
        "{}",
        page.body
    );

    // A code no segment has: refused, naming it; nothing stored, logged or sent.
    let before = stored(&ho).await;
    let unknown = with(&promotion_form("P-BAD"), &[("segment", "vip_only")]);
    let (status, body) = post(&mut browser, "/promotions/new", &csrf, &unknown).await;
    assert_eq!(status, 400);
    assert!(
        body.contains("未保存：分群 vip_only 不是已定义的RFM分群。"),
        "{body}"
    );
    assert_eq!(stored(&ho).await, before);

    // An import naming it is refused the same way, typed, with nothing written.
    let mut promotion = head_office::catalog::promotion(&**ho.client().await, "P-SEG")
        .await
        .unwrap()
        .unwrap();
    promotion.id = "P-IMPORTED".into();
    promotion.segment = Some("vip_only".into());
    let file = pos_domain::import::CatalogImport {
        promotions: vec![promotion],
        ..Default::default()
    };
    let refused = head_office::catalog::import_catalog(&mut *ho.client().await, &file, None).await;
    match refused {
        Err(CatalogError::UnknownSegment(UnknownSegment { promotion, segment })) => {
            assert_eq!(
                (promotion.as_str(), segment.as_str()),
                ("P-IMPORTED", "vip_only")
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(stored(&ho).await, before);
}

/// Migration 30 on a feed an older head office wrote (member rows without tier spend or
/// segment): every member row with something to add is sent again, masked as it was,
/// with what the feed now adds itself (`member_standing::fill`, compared here).
#[tokio::test]
async fn migration_30_sends_the_members_in_the_feed_again_with_their_standing() {
    let ho = HeadOffice::start().await;
    let token = chain_with_members(&ho).await;
    let rules = LoyaltyRules {
        tiers: TierRules {
            thresholds: [Some("1000".parse().unwrap()), None, None],
            ..TierRules::default()
        },
        ..LoyaltyRules::default()
    };
    head_office::catalog::set_loyalty_rules(&mut *ho.client().await, &rules)
        .await
        .unwrap();
    run(&ho, 365).await;
    let mut client = ho.client().await;
    client
        .batch_execute(
            "UPDATE feed SET change = json_build_object('entity', 'member',
                 'data', (change::jsonb -> 'data') - 'segment' - 'tier_spend')
             WHERE change::jsonb ->> 'entity' = 'member';
             DELETE FROM schema_version WHERE version = 30;",
        )
        .await
        .unwrap();
    let ids: Vec<String> = client
        .query("SELECT id FROM members ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut expected: Vec<pos_domain::member::Member> = ids
        .iter()
        .map(|id| pos_domain::member::Member {
            id: id.clone(),
            card_no: String::new(),
            phone: String::new(),
            name: String::new(),
            tier: pos_domain::member::Tier::Standard,
            points_balance: 0,
            phone_key: None,
            tier_spend: None,
            segment: None,
        })
        .collect();
    let mut refs: Vec<&mut pos_domain::member::Member> = expected.iter_mut().collect();
    head_office::member_standing::fill(&**client, &mut refs)
        .await
        .unwrap();

    let before = last_cursor(&ho).await;
    assert_eq!(
        head_office::db::migrate(&mut client).await.unwrap(),
        vec![30]
    );
    drop(client);
    let sent = members_after(&ho, &token, before).await;
    assert_eq!(sent.keys().cloned().collect::<Vec<_>>(), ids);
    for m in &expected {
        let data = &sent[&m.id];
        let spend = m.tier_spend.expect("tiers by spend are on");
        assert_eq!(
            data["tier_spend"]["amount"],
            spend.amount.to_string(),
            "{data}"
        );
        assert_eq!(
            data["tier_spend"]["as_of"],
            spend.as_of.to_string(),
            "{data}"
        );
        assert_eq!(data["segment"].as_str(), m.segment.as_deref(), "{data}");
        assert!(
            data["phone_key"].is_string(),
            "still masked and keyed: {data}"
        );
    }
    assert!(
        expected.iter().any(|m| m.segment.is_some())
            && expected.iter().any(|m| m.segment.is_none()),
        "members in and out of segments: {expected:?}"
    );
}
