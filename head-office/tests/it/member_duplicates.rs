//! Likely duplicate members (issue 13): proposed once by the search, listed for admins
//! with the evidence, merged by a person with every ledger entry kept and a record
//! that explains it, the merged member's ids and cards sent to the tills as finding the
//! survivor, and a `member.merged` event; dismissed pairs never come back.

use std::collections::HashSet;

use crate::common::*;
use head_office::duplicates::find::search;
use pos_domain::document::{DocumentBody, MemberRegistration};
use pos_domain::import::CatalogImport;
use pos_domain::member::{Member, Tier};
use pos_domain::protocol::{Change, FeedPage};

fn member(id: &str, name: &str, phone: &str, points: i64) -> Member {
    Member {
        id: id.into(),
        card_no: format!("C-{id}"),
        phone: phone.into(),
        name: name.into(),
        tier: Tier::Standard,
        points_balance: points,
        phone_key: None,
        tier_spend: None,
        segment: None,
    }
}

/// m-a and m-b: one name (one with a full-width space), phones with 4 and 3 swapped;
/// m-c: the same name, one digit from m-a; m-d: another name one digit from m-a.
async fn chain() -> HeadOffice {
    let ho = HeadOffice::start().await;
    let file = CatalogImport {
        members: vec![
            member("m-a", "王芳", "13800001234", 100),
            member("m-b", "王　芳", "13800001243", 50),
            member("m-c", " 王芳", "13800001235", 0),
            member("m-d", "李娜", "13800001239", 0),
            member("m-e", "王芳", "13999999999", 0),
        ],
        ..Default::default()
    };
    head_office::catalog::import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap();
    ho.add_console_staff().await;
    ho
}

async fn proposals(ho: &HeadOffice) -> Vec<(i64, String, String, String, String)> {
    ho.client()
        .await
        .query(
            "SELECT id, member_a, member_b, evidence, status FROM member_duplicate_proposals ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect()
}

async fn feed_changes(ho: &HeadOffice, token: &str) -> Vec<Change> {
    let (status, body) = ho.get(Some(token), "/v1/feed?cursor=0").await;
    assert_eq!(status, 200, "{body}");
    let page: FeedPage = serde_json::from_value(body).unwrap();
    page.changes.into_iter().map(|c| c.change).collect()
}

#[tokio::test]
async fn near_pairs_of_one_name_are_proposed_once_and_a_dismissed_pair_never_again() {
    let ho = chain().await;
    let client = ho.client().await;
    let first = search(&**client).await.unwrap();
    assert_eq!(first.examined, 4, "the four members named 王芳 (folded)");
    assert_eq!(first.proposed, 2);
    let found: Vec<(String, String, String)> = proposals(&ho)
        .await
        .into_iter()
        .map(|(_, a, b, evidence, _)| (a, b, evidence))
        .collect();
    assert_eq!(
        found,
        [
            ("m-a".into(), "m-b".into(), "adjacent_swap:10".into()),
            ("m-a".into(), "m-c".into(), "one_digit:11".into()),
        ]
    );
    assert_eq!(
        search(&**client).await.unwrap().proposed,
        0,
        "proposed once"
    );

    // A merchandiser may not see or decide them; an admin dismisses one.
    let mut qian = ho.signed_in("qian").await;
    assert_eq!(qian.get("/member-duplicates").await.status, 403);
    let mut wang = ho.signed_in("wang").await;
    let listed = wang.get("/member-duplicates").await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    for evidence in [
        "13800001234",
        "13800001243",
        "王　芳",
        "C-m-b",
        "手机号第 10、11 位颠倒",
    ] {
        assert!(
            listed.body.contains(evidence),
            "{evidence} in {}",
            listed.body
        );
    }
    let id_c = proposals(&ho).await[1].0;
    let csrf = listed.csrf();
    let qian_csrf = qian.get("/members").await.csrf();
    let refused = qian
        .post(
            &format!("/member-duplicates/{id_c}/dismiss"),
            &[("csrf", &qian_csrf)],
        )
        .await;
    assert_eq!(refused.status, 403);
    let dismissed = wang
        .post(
            &format!("/member-duplicates/{id_c}/dismiss"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(dismissed.status, 303, "{}", dismissed.body);
    assert_eq!(proposals(&ho).await[1].4, "dismissed");
    let again = wang
        .post(
            &format!("/member-duplicates/{id_c}/dismiss"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(again.status, 409, "a decided proposal stays decided");
    assert_eq!(search(&**client).await.unwrap().proposed, 0);
    let audited: i64 = client
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'member.duplicate_dismiss' AND user_name = 'wang'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 1);
    let reads: i64 = client
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'member.personal_data_read' AND user_name = 'wang'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(reads >= 1, "the admin's read of full phones is logged");
    drop(client);
    ho.stop().await;
}

#[tokio::test]
async fn a_merge_keeps_every_ledger_entry_explains_itself_and_tells_the_tills() {
    let ho = chain().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    // A till registered m-b's phone offline (merged into m-b by phone) and sold to it.
    let registered = document(
        STORE,
        TERMINAL,
        1,
        DocumentBody::MemberRegistration(MemberRegistration::sealed(
            "till-x".into(),
            "LS1-T1-0000001".into(),
            "13800001243".into(),
            "王芳".into(),
            [5; pos_domain::personal_data::SALT_BYTES],
        )),
    );
    let sold = document(
        STORE,
        TERMINAL,
        2,
        DocumentBody::Sale(sale(&[item("A", 1, "30.00")], Some("till-x"), 30, 0)),
    );
    all_accepted(
        &ho.submit(&token, &batch(STORE, TERMINAL, vec![registered, sold]))
            .await,
    );
    assert_eq!(ho.balance("m-b").await, Some(80));
    search(&**ho.client().await).await.unwrap();
    let proposal = proposals(&ho).await[0].0;
    let mut wang = ho.signed_in("wang").await;
    let csrf = wang.get("/member-duplicates").await.csrf();
    let path = format!("/member-duplicates/{proposal}/merge");

    // Refused without a reason or with a member not in the pair; nothing changes.
    let before = ho.snapshot().await;
    for form in [
        vec![
            ("csrf", csrf.as_str()),
            ("survivor", "m-a"),
            ("reason", " "),
        ],
        vec![
            ("csrf", csrf.as_str()),
            ("survivor", "m-e"),
            ("reason", "同一人"),
        ],
    ] {
        let refused = wang.post(&path, &form).await;
        assert!([400, 409].contains(&refused.status), "{}", refused.body);
    }
    assert_eq!(ho.snapshot().await, before);

    let reason = "同一人，手机号录入时两位颠倒";
    let merged = wang
        .post(
            &path,
            &[("csrf", &csrf), ("survivor", "m-a"), ("reason", reason)],
        )
        .await;
    assert_eq!(merged.status, 303, "{}", merged.body);
    assert_eq!(merged.location.as_deref(), Some("/members/m-a#merges"));

    let client = ho.client().await;
    assert_eq!(
        ho.balance("m-b").await,
        None,
        "the merged member's row is gone"
    );
    assert_eq!(ho.balance("m-a").await, Some(180));
    // Every entry kept: m-a's import, m-b's import and the till's sale (both moved,
    // naming the merge), and the merge's own entry with the new balance.
    let ledger: Vec<(String, String, i64, i64, Option<uuid::Uuid>)> = client
        .query(
            "SELECT entry, till_member_id, points, balance_after, merge_id FROM point_ledger
             WHERE member_id = 'm-a' ORDER BY recorded_at, entry",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    assert_eq!(ledger.len(), 4, "{ledger:?}");
    assert_eq!(ledger.iter().map(|e| e.2).sum::<i64>(), 180);
    let record = client
        .query_one(
            "SELECT id, merged_id, merged_card_no, merged_by, reason, moved FROM member_merges WHERE survivor_id = 'm-a'",
            &[],
        )
        .await
        .unwrap();
    let merge_id: uuid::Uuid = record.get(0);
    assert_eq!(
        (
            record.get::<_, String>(1),
            record.get::<_, String>(2),
            record.get::<_, String>(3),
            record.get::<_, String>(4)
        ),
        ("m-b".into(), "C-m-b".into(), "wang".into(), reason.into())
    );
    let moved: serde_json::Value = record.get(5);
    assert_eq!(moved["ledger_entries"], 2);
    assert_eq!(moved["points"], 80);
    assert_eq!(moved["member_ids"], 1, "the till's id");
    assert_eq!(moved["cards"], 1, "the till's provisional card");
    let named: HashSet<(&str, Option<uuid::Uuid>)> =
        ledger.iter().map(|e| (e.0.as_str(), e.4)).collect();
    assert!(named.contains(&("merge", Some(merge_id))));
    assert!(named.contains(&("earn", Some(merge_id))), "{ledger:?}");
    assert_eq!(proposals(&ho).await[0].4, "merged");
    let audited: i64 = client
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'member.merge' AND subject = 'm-a'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 1);
    let event: (String, serde_json::Value) = client
        .query_one(
            "SELECT member_id, data::jsonb FROM integration_events WHERE kind = 'member.merged' ORDER BY cursor DESC LIMIT 1",
            &[],
        )
        .await
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!(event.0, "m-a");
    assert_eq!(event.1["merged_id"], "m-b");

    // The member's page explains the merge.
    let page = wang.get("/members/m-a").await;
    assert_eq!(page.status, 200);
    for shown in [reason, "C-m-b", "wang"] {
        assert!(page.body.contains(shown), "{shown} on the member's page");
    }

    // The tills: no m-b, and m-b's id and cards (its own and the till's) find m-a.
    let changes = feed_changes(&ho, &token).await;
    assert!(
        !changes
            .iter()
            .any(|c| matches!(c, Change::Member(m) if m.id == "m-b"))
    );
    for (alias, card) in [("m-b", "C-m-b"), ("till-x", "LS1-T1-0000001")] {
        assert!(changes.contains(&Change::MemberAlias {
            alias_id: alias.into(),
            member_id: "m-a".into()
        }));
        assert!(changes.contains(&Change::MemberCard {
            card_no: card.into(),
            member_id: "m-a".into()
        }));
    }

    // A till that still names the merged member earns for the survivor.
    let later = document(
        STORE,
        TERMINAL,
        3,
        DocumentBody::Sale(sale(&[item("A", 1, "10.00")], Some("m-b"), 10, 0)),
    );
    all_accepted(
        &ho.submit(&token, &batch(STORE, TERMINAL, vec![later]))
            .await,
    );
    assert_eq!(ho.balance("m-a").await, Some(190));
    assert_eq!(ho.balance("m-b").await, None);
    // The proposal is decided: merging it again is refused.
    let again = wang
        .post(
            &path,
            &[("csrf", &csrf), ("survivor", "m-a"), ("reason", reason)],
        )
        .await;
    assert_eq!(again.status, 409);
    drop(client);
    ho.stop().await;
}
