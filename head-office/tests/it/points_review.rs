//! Points under review: a member redeeming too often in a business day, or at several
//! stores, is flagged once at ingest (the redemptions stand); every ledger entry names
//! who recorded it and why; a manual adjustment asked for in the console is applied only
//! when another admin approves it.

use pos_domain::document::DocumentBody;
use pos_domain::protocol::DocumentStatus;

use crate::common::*;
use crate::console_tables::html_rows;

/// A sale to `member` at `store` redeeming `points`.
fn redemption(
    store: &str,
    sequence: u64,
    member: &str,
    points: i64,
) -> pos_domain::document::Document {
    document(
        store,
        "T01",
        sequence,
        DocumentBody::Sale(sale(&[item("CUFF", 1, "100.00")], Some(member), 0, points)),
    )
}

/// The velocity flags: (member, business date, redemptions, stores, documents, open).
async fn velocity_flags(
    ho: &HeadOffice,
) -> Vec<(String, String, i32, Vec<String>, Vec<uuid::Uuid>, bool)> {
    ho.client()
        .await
        .query(
            "SELECT member_id, business_date::text, redemptions, stores, documents, reviewed_at IS NULL
             FROM velocity_reviews ORDER BY member_id, business_date",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
        .collect()
}

#[tokio::test]
async fn a_member_redeeming_at_two_stores_in_a_day_is_flagged_once() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13812345678", 5000).await;
    ho.import_member("M2", "13812345679", 5000).await;
    let s1 = ho.enroll("S001", "T01").await;
    let s2 = ho.enroll("S002", "T01").await;

    // Under the thresholds (default: more than 3 redemptions, or 2 stores): M1 twice at
    // one store, M2 once at each store but on different days.
    let first = redemption("S001", 1, "M1", 100);
    let second = redemption("S001", 2, "M1", 100);
    let mut m2_yesterday = redemption("S001", 3, "M2", 100);
    m2_yesterday.business_date = m2_yesterday.business_date.pred_opt().unwrap();
    all_accepted(
        &ho.submit(
            &s1,
            &batch(
                "S001",
                "T01",
                vec![first.clone(), second.clone(), m2_yesterday],
            ),
        )
        .await,
    );
    let m2_today = redemption("S002", 1, "M2", 100);
    all_accepted(&ho.submit(&s2, &batch("S002", "T01", vec![m2_today])).await);
    assert_eq!(
        velocity_flags(&ho).await,
        vec![],
        "nothing under the thresholds"
    );

    // M1 redeems at a second store the same day: flagged, naming both stores and all
    // three redemptions; the redemption stands.
    let elsewhere = redemption("S002", 2, "M1", 300);
    let at_s2 = batch("S002", "T01", vec![elsewhere.clone()]);
    all_accepted(&ho.submit(&s2, &at_s2).await);
    let flags = velocity_flags(&ho).await;
    assert_eq!(flags.len(), 1, "{flags:?}");
    let (member, date, redemptions, stores, documents, open) = &flags[0];
    assert_eq!(member, "M1");
    assert_eq!(date, &business_date().to_string());
    assert_eq!(*redemptions, 3);
    assert_eq!(stores, &["S001", "S002"]);
    assert_eq!(documents, &[first.id, second.id, elsewhere.id]);
    assert!(open);
    assert_eq!(
        ho.balance("M1").await,
        Some(4500),
        "nothing silently changed"
    );

    // The same batch sent again (a resend, a replay): duplicates, no second flag.
    let again = ho.submit(&s2, &at_s2).await;
    assert_eq!(again.results[0].status, DocumentStatus::Duplicate);
    assert_eq!(velocity_flags(&ho).await, flags);

    // A fourth redemption that day: still one flag, naming it too.
    let fourth = redemption("S001", 4, "M1", 100);
    all_accepted(
        &ho.submit(&s1, &batch("S001", "T01", vec![fourth.clone()]))
            .await,
    );
    let flags = velocity_flags(&ho).await;
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].2, 4);
    assert_eq!(flags[0].4.last(), Some(&fourth.id));

    // The tills page lists it under its own heading; a person marks it reviewed, audited.
    let mut wang = ho.signed_in("wang").await;
    let page = wang.get("/tills").await;
    assert!(page.body.contains("积分使用频次异常"), "{}", page.body);
    let rows = html_rows(&page.body, "velocity");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        &rows[0][..5],
        ["M1", &business_date().to_string(), "4", "600", "S001, S002"]
    );
    assert!(rows[0][5].contains(&elsewhere.id.to_string()));
    let english = wang.get("/lang/en").await;
    assert_eq!(english.status, 303);
    let page = wang.get("/tills").await;
    assert!(
        page.body.contains("Members redeeming too often"),
        "{}",
        page.body
    );
    let path = format!("/tills/velocity/{}/review", elsewhere.id);
    let done = wang.post(&path, &[("csrf", &page.csrf())]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(!velocity_flags(&ho).await[0].5, "reviewed");
    let audited: i64 = ho
        .client()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'velocity.review'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 1);
    // A redemption after the review leaves the reviewed flag as it was.
    let fifth = redemption("S001", 5, "M1", 100);
    all_accepted(&ho.submit(&s1, &batch("S001", "T01", vec![fifth])).await);
    let flags = velocity_flags(&ho).await;
    assert_eq!((flags.len(), flags[0].2), (1, 4));
    ho.stop().await;
}

#[tokio::test]
async fn the_velocity_thresholds_are_the_chains_set_on_the_loyalty_page() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13812345678", 5000).await;
    let s1 = ho.enroll("S001", "T01").await;
    let mut wang = ho.signed_in("wang").await;
    let page = wang.get("/loyalty").await;
    assert!(page.body.contains("积分使用频次预警"), "{}", page.body);
    let csrf = page.csrf();
    // Bad thresholds are refused naming the field, and change nothing.
    for (max, stores, says) in [("0", "2", "抵用次数"), ("2", "1", "门店数")] {
        let refused = wang
            .post(
                "/loyalty/velocity",
                &[
                    ("csrf", &csrf),
                    ("max_redemptions", max),
                    ("stores_flagged", stores),
                ],
            )
            .await;
        assert_eq!(refused.status, 400);
        assert!(refused.body.contains(says), "{}", refused.body);
    }
    let mut zhao = ho.signed_in("zhao").await;
    let csrf_zhao = zhao.get("/loyalty").await.csrf();
    let forbidden = zhao
        .post(
            "/loyalty/velocity",
            &[
                ("csrf", &csrf_zhao),
                ("max_redemptions", "1"),
                ("stores_flagged", "2"),
            ],
        )
        .await;
    assert_eq!(forbidden.status, 403, "an auditor changes nothing");
    assert_eq!(ho.changes_audited().await, 0);

    // Two redemptions a day at most, at any number of stores up to 3.
    let saved = wang
        .post(
            "/loyalty/velocity",
            &[
                ("csrf", &csrf),
                ("max_redemptions", "2"),
                ("stores_flagged", "3"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(ho.changes_audited().await, 1);
    let two: Vec<_> = (1..=2).map(|n| redemption("S001", n, "M1", 100)).collect();
    all_accepted(&ho.submit(&s1, &batch("S001", "T01", two)).await);
    assert_eq!(
        velocity_flags(&ho).await,
        vec![],
        "two is not more than two"
    );
    let third = redemption("S001", 3, "M1", 100);
    all_accepted(&ho.submit(&s1, &batch("S001", "T01", vec![third])).await);
    let flags = velocity_flags(&ho).await;
    assert_eq!((flags.len(), flags[0].2), (1, 3), "{flags:?}");
    ho.stop().await;
}

/// The ledger rows without an operator or a reason.
async fn unnamed_ledger_rows(ho: &HeadOffice) -> Vec<(String, String)> {
    ho.client()
        .await
        .query(
            "SELECT entry, document_id::text FROM point_ledger
             WHERE operator_id IS NULL OR operator_id = '' OR reason IS NULL OR reason = ''",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[tokio::test]
async fn every_ledger_entry_of_ingest_the_console_and_a_merge_names_its_operator_and_reason() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.add_console_user("chen", "admin", &[]).await;
    ho.import_member("M1", "13812345678", 1000).await;
    ho.import_member("M2", "13812345670", 50).await;
    let s1 = ho.enroll("S001", "T01").await;
    let earned = document(
        "S001",
        "T01",
        1,
        DocumentBody::Sale(sale(&[item("CUFF", 1, "100.00")], Some("M1"), 100, 200)),
    );
    let voided = document(
        "S001",
        "T01",
        2,
        DocumentBody::Sale(sale(&[item("CUFF", 1, "50.00")], Some("M1"), 50, 100)),
    );
    let void = document("S001", "T01", 3, DocumentBody::Void(void_of(&voided)));
    let returned = document(
        "S001",
        "T01",
        4,
        DocumentBody::Return(return_of(
            Some(earned.id),
            &[item("CUFF", 1, "100.00")],
            Some("M1"),
            100,
        )),
    );
    all_accepted(
        &ho.submit(
            &s1,
            &batch("S001", "T01", vec![earned, voided, void, returned]),
        )
        .await,
    );

    // A console adjustment, asked for by li (store manager) and approved by wang.
    let mut li = ho.signed_in("li").await;
    let csrf = li.get("/members/M1").await.csrf();
    let asked = li
        .post(
            "/members/M1/adjust",
            &[("csrf", &csrf), ("points", "25"), ("reason", "补发积分")],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let mut wang = ho.signed_in("wang").await;
    let csrf = wang.get("/point-adjustments").await.csrf();
    let approved = wang
        .post("/point-adjustments/1/approve", &[("csrf", &csrf)])
        .await;
    assert_eq!(approved.status, 303, "{}", approved.body);

    // A merge of M2 into M1.
    {
        let mut client = ho.client().await;
        let tx = client.transaction().await.unwrap();
        head_office::duplicates::merge::merge(
            &tx,
            &head_office::duplicates::merge::MergeRequest {
                survivor_id: "M1",
                merged_id: "M2",
                by: "chen",
                reason: "同一人两张卡",
                proposal_id: None,
                now: chrono::Utc::now(),
                id: uuid::Uuid::now_v7(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    assert_eq!(unnamed_ledger_rows(&ho).await, vec![]);
    let named: Vec<(String, String, String)> = ho
        .client()
        .await
        .query(
            "SELECT entry, operator_id, reason FROM point_ledger ORDER BY recorded_at, entry",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let has = |entry: &str, operator: &str, reason: &str| {
        assert!(
            named
                .iter()
                .any(|(e, o, r)| e == entry && o == operator && r == reason),
            "{entry}/{operator}/{reason} in {named:?}"
        );
    };
    has("import", "catalog import", "catalog import");
    has("earn", "cashier-1", "sale earn");
    has("redeem", "cashier-1", "sale redeem");
    has("void_earn", "cashier-1", "void reverses earn");
    has("void_redeem", "cashier-1", "void refunds redeem");
    has("reverse_earn", "cashier-1", "return reverses earn");
    has("adjust", "li", "adjustment: 补发积分; approved by wang");
    has("merge", "chen", "merge: 同一人两张卡");

    // The member's page and their data export say the same.
    let page = wang.get("/members/M1").await;
    let ledger = html_rows(&page.body, "ledger");
    assert!(
        ledger
            .iter()
            .any(|row| row[2] == "adjust" && row[7] == "li" && row[8].contains("approved by wang")),
        "{ledger:?}"
    );
    let export = head_office::member_data::export(&**ho.client().await, "M1", chrono::Utc::now())
        .await
        .unwrap()
        .unwrap();
    let json = serde_json::to_value(&export).unwrap();
    let entries = json["point_ledger"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .all(|e| e["operator_id"].as_str().is_some_and(|o| !o.is_empty())
                && e["reason"].as_str().is_some_and(|r| !r.is_empty())),
        "{entries:?}"
    );
    ho.stop().await;
}

#[tokio::test]
async fn an_adjustment_is_applied_once_by_a_second_admin_and_never_by_its_requester() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.add_console_user("chen", "admin", &[]).await;
    ho.import_member("M1", "13812345678", 100).await;
    let mut wang = ho.signed_in("wang").await;
    let csrf = wang.get("/members/M1").await.csrf();
    let asked = wang
        .post(
            "/members/M1/adjust",
            &[("csrf", &csrf), ("points", "40"), ("reason", "活动补发")],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    assert!(asked.location.unwrap().contains("requested=1"));
    assert_eq!(
        ho.balance("M1").await,
        Some(100),
        "a request moves no points"
    );

    // The requester sees it pending but has no button, and a post is refused.
    let page = wang.get("/point-adjustments").await;
    let rows = html_rows(&page.body, "pending");
    assert_eq!(&rows[0][..5], ["1", "M1", "40", "活动补发", "wang"]);
    assert!(!page.body.contains("/point-adjustments/1/approve"));
    let own = wang
        .post("/point-adjustments/1/approve", &[("csrf", &csrf)])
        .await;
    assert_eq!(own.status, 403, "{}", own.body);
    assert!(own.body.contains("不能审批"), "{}", own.body);
    let own_reject = wang
        .post(
            "/point-adjustments/1/reject",
            &[("csrf", &csrf), ("reason", "算了")],
        )
        .await;
    assert_eq!(own_reject.status, 403);
    // Other roles decide nothing: a store manager, an auditor, a merchandiser.
    for name in ["li", "zhao", "qian"] {
        let mut other = ho.signed_in(name).await;
        let page = other.get("/point-adjustments").await;
        assert_eq!(page.status, 200, "{name} reads the list");
        assert!(!page.body.contains("/approve"), "{name}");
        let refused = other
            .post("/point-adjustments/1/approve", &[("csrf", &page.csrf())])
            .await;
        assert_eq!(refused.status, 403, "{name}");
    }
    assert_eq!(ho.balance("M1").await, Some(100));

    // A second admin approves: the balance moves once; a second approval is refused.
    let mut chen = ho.signed_in("chen").await;
    let csrf_chen = chen.get("/point-adjustments").await.csrf();
    let done = chen
        .post("/point-adjustments/1/approve", &[("csrf", &csrf_chen)])
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(ho.balance("M1").await, Some(140));
    let again = chen
        .post("/point-adjustments/1/approve", &[("csrf", &csrf_chen)])
        .await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert_eq!(ho.balance("M1").await, Some(140), "applied once");
    let document: serde_json::Value = ho
        .client()
        .await
        .query_one(
            "SELECT document::jsonb FROM documents WHERE kind = 'point_adjustment'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(document["operator_id"], "wang");
    assert_eq!(document["approvals"][0]["manager_id"], "chen");
    assert_eq!(document["approvals"][0]["action"], "point_adjustment");

    // A rejected request moves nothing, and needs a reason.
    let asked = wang
        .post(
            "/members/M1/adjust",
            &[("csrf", &csrf), ("points", "-30"), ("reason", "误录")],
        )
        .await;
    assert_eq!(asked.status, 303);
    let no_reason = chen
        .post(
            "/point-adjustments/2/reject",
            &[("csrf", &csrf_chen), ("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status, 400);
    let rejected = chen
        .post(
            "/point-adjustments/2/reject",
            &[("csrf", &csrf_chen), ("reason", "无依据")],
        )
        .await;
    assert_eq!(rejected.status, 303, "{}", rejected.body);
    assert_eq!(ho.balance("M1").await, Some(140));
    let late = chen
        .post("/point-adjustments/2/approve", &[("csrf", &csrf_chen)])
        .await;
    assert_eq!(late.status, 409, "a rejected request is not approved later");
    assert_eq!(ho.balance("M1").await, Some(140));
    let unknown = chen
        .post("/point-adjustments/99/approve", &[("csrf", &csrf_chen)])
        .await;
    assert_eq!(unknown.status, 404);

    // Each step audited by who took it.
    let steps: Vec<(String, String)> = ho
        .client()
        .await
        .query(
            "SELECT user_name, action FROM audit_log WHERE action LIKE 'points.adjust%' ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let step = |u: &str, a: &str| (u.to_owned(), a.to_owned());
    assert_eq!(
        steps,
        [
            step("wang", "points.adjust.request"),
            step("chen", "points.adjust"),
            step("chen", "points.adjust.approve"),
            step("wang", "points.adjust.request"),
            step("chen", "points.adjust.reject"),
        ]
    );
    ho.stop().await;
}
