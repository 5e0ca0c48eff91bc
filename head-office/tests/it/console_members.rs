//! The console's Members page: exact search, personal data masked but for admins, and a
//! member's ledger with the till document behind each entry.

use pos_domain::document::DocumentBody;

use crate::common::*;
use crate::console_tables::html_rows;

#[tokio::test]
async fn a_member_is_found_by_card_or_full_phone_and_shown_masked_but_to_admins() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13812345678", 120).await;
    let mut admin = ho.console_user("wang", "admin", &[]).await;
    let found = admin.get("/members?find=13812345678").await;
    assert!(
        found.body.contains("13812345678") && found.body.contains("王五"),
        "{}",
        found.body
    );

    for (name, role, stores) in [
        ("li", "store_manager", vec!["S001".to_owned()]),
        ("zhao", "auditor", vec![]),
        ("chen", "merchandiser", vec![]),
    ] {
        let mut browser = ho.console_user(name, role, &stores).await;
        let by_card = browser.get("/members?find=C-M1").await;
        assert!(
            by_card.body.contains("138****5678") && by_card.body.contains("王*"),
            "{role}: {}",
            by_card.body
        );
        assert!(
            !by_card.body.contains("13812345678"),
            "{role} sees the whole phone"
        );
        let page = browser.get("/members/M1").await;
        assert!(
            !page.body.contains("13812345678") && !page.body.contains("王五"),
            "{role}"
        );
    }
    let partial = admin.get("/members?find=1381234").await;
    assert!(
        partial.body.contains("没有找到会员"),
        "no listing by part of a phone"
    );
    assert_eq!(admin.get("/members/nobody").await.status, 404);
    ho.stop().await;
}

#[tokio::test]
async fn a_members_page_lists_every_ledger_entry_with_the_document_behind_it() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13812345678", 120).await;
    let token = ho.enroll("S001", "T01").await;
    let doc = document(
        "S001",
        "T01",
        1,
        DocumentBody::Sale(sale(&[item("A", 1, "50.00")], Some("M1"), 50, 0)),
    );
    all_accepted(&ho.submit(&token, &batch("S001", "T01", vec![doc])).await);

    let mut browser = ho.console_user("zhao", "auditor", &[]).await;
    let page = browser.get("/members/M1").await;
    assert_eq!(page.status, 200);
    let ledger = html_rows(&page.body, "ledger");
    assert_eq!(ledger.len(), 2, "{ledger:?}");
    assert_eq!(
        &ledger[0][2..],
        [
            "earn",
            "50",
            "170",
            "sale S001/T01 #1",
            "50.00",
            "cashier-1",
            "sale earn"
        ]
    );
    assert_eq!(ledger[1][2], "import", "the imported opening balance too");
    ho.stop().await;
}

/// Asks for an adjustment as `requester` and approves it as `approver` (both signed in);
/// returns where the approval redirected.
async fn request_and_approve(
    requester: &mut head_office::testing::Visitor,
    approver: &mut head_office::testing::Visitor,
    points: &str,
    reason: &str,
) -> String {
    let csrf = requester.get("/members/M1").await.csrf();
    let asked = requester
        .post(
            "/members/M1/adjust",
            &[("csrf", &csrf), ("points", points), ("reason", reason)],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let page = approver.get("/point-adjustments").await;
    let approve = page
        .body
        .split("action=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .find(|action| action.ends_with("/approve"))
        .unwrap_or_else(|| panic!("an approve button: {}", page.body))
        .to_owned();
    let done = approver.post(&approve, &[("csrf", &page.csrf())]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    done.location.unwrap()
}

#[tokio::test]
async fn an_approved_point_adjustment_is_a_document_in_the_ledger_the_feed_and_the_audit_log() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13812345678", 120).await;
    let token = ho.enroll("S001", "T01").await;
    let mut admin = ho.console_user("wang", "admin", &[]).await;
    let mut second = ho.console_user("chen", "admin", &[]).await;
    let approved = request_and_approve(&mut admin, &mut second, "-20", "补录退货").await;
    let listed = second.get(&approved).await;
    assert!(listed.body.contains("积分调整已记录"), "{}", listed.body);
    let page = admin.get("/members/M1").await;
    assert!(
        page.body.contains("point_adjustment HQ/console #1"),
        "{}",
        page.body
    );
    assert_eq!(
        &html_rows(&page.body, "ledger")[0][2..],
        [
            "adjust",
            "-20",
            "100",
            "point_adjustment HQ/console #1",
            "",
            "wang",
            "adjustment: 补录退货; approved by chen"
        ]
    );
    assert_eq!(ho.balance("M1").await, Some(100));

    let (_, feed) = ho.get(Some(&token), "/v1/feed?cursor=0").await;
    let member = feed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entity"] == "member" && c["data"]["id"] == "M1")
        .expect("the member's new balance goes down the feed");
    assert_eq!(member["data"]["points_balance"], 100);

    let row = ho
        .client()
        .await
        .query_one(
            "SELECT user_name, before, after FROM audit_log WHERE action = 'points.adjust'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "chen", "the approver stored it");
    assert_eq!(row.get::<_, serde_json::Value>(1)["points_balance"], 120);
    let after = row.get::<_, serde_json::Value>(2);
    assert_eq!(after["points_balance"], 100);
    assert_eq!(after["reason"], "补录退货");
    assert_eq!(after["requested_by"], "wang");
    assert_eq!(after["approved_by"], "chen");
    ho.stop().await;
}

#[tokio::test]
async fn a_bad_adjustment_or_one_by_another_role_changes_nothing() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13812345678", 120).await;
    let mut admin = ho.console_user("wang", "admin", &[]).await;
    let csrf = admin.get("/members/M1").await.csrf();
    let before = ho.snapshot().await;
    for (points, reason) in [
        ("0", "r"),
        ("abc", "r"),
        ("10", " "),
        ("99999999999999999999", "r"),
        ("-121", "r"),
    ] {
        let refused = admin
            .post(
                "/members/M1/adjust",
                &[("csrf", &csrf), ("points", points), ("reason", reason)],
            )
            .await;
        assert_eq!(refused.status, 400, "{points}/{reason}");
        assert!(refused.body.contains("未调整"));
    }
    let unknown = admin
        .post(
            "/members/nobody/adjust",
            &[("csrf", &csrf), ("points", "5"), ("reason", "r")],
        )
        .await;
    assert_eq!(unknown.status, 404, "no member is made up");
    for (name, role) in [("zhao", "auditor"), ("qian", "merchandiser")] {
        let mut other = ho.console_user(name, role, &[]).await;
        let page = other.get("/members/M1").await;
        assert!(!page.body.contains("/adjust"), "{role}");
        let refused = other
            .post(
                "/members/M1/adjust",
                &[("csrf", &page.csrf()), ("points", "5"), ("reason", "r")],
            )
            .await;
        assert_eq!(refused.status, 403, "{role}");
    }
    assert_eq!(ho.snapshot().await, before);
    assert_eq!(ho.changes_audited().await, 0);
    ho.stop().await;
}

#[tokio::test]
async fn a_store_manager_reads_a_members_ledger_at_their_stores_only() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13812345678", 0).await;
    for (store, amount) in [("S001", 50), ("S002", 70)] {
        let token = ho.enroll(store, "T01").await;
        let sale = sale(&[item("A", 1, "50.00")], Some("M1"), amount, 0);
        let doc = document(store, "T01", 1, DocumentBody::Sale(sale));
        all_accepted(&ho.submit(&token, &batch(store, "T01", vec![doc])).await);
    }
    let mut manager = ho
        .console_user("li", "store_manager", &["S001".to_owned()])
        .await;
    let page = manager.get("/members/M1").await;
    assert!(page.body.contains("sale S001/T01 #1"), "{}", page.body);
    assert!(
        !page.body.contains("S002"),
        "another store's entry: {}",
        page.body
    );
    let mut auditor = ho.console_user("zhao", "auditor", &[]).await;
    let page = auditor.get("/members/M1").await;
    assert!(page.body.contains("sale S001/T01 #1") && page.body.contains("sale S002/T01 #1"));
    ho.stop().await;
}

/// The audit entry cannot be written (a rule the test adds refuses it): the approved
/// adjustment's document is not stored either, the balance stays and the request stays
/// open.
#[tokio::test]
async fn an_adjustment_whose_audit_entry_fails_is_not_stored() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.add_console_user("chen", "admin", &[]).await;
    ho.import_member("M1", "13812345678", 120).await;
    ho.client()
        .await
        .batch_execute(
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN RAISE EXCEPTION 'the audit log is full'; END $$;
             CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log
                 FOR EACH ROW WHEN (NEW.action = 'points.adjust')
                 EXECUTE FUNCTION refuse_audit();",
        )
        .await
        .unwrap();
    let mut admin = ho.signed_in("wang").await;
    let csrf = admin.get("/members/M1").await.csrf();
    let asked = admin
        .post(
            "/members/M1/adjust",
            &[("csrf", &csrf), ("points", "30"), ("reason", "补录")],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    let mut second = ho.signed_in("chen").await;
    let csrf = second.get("/point-adjustments").await.csrf();
    let failed = second
        .post("/point-adjustments/1/approve", &[("csrf", &csrf)])
        .await;
    assert_eq!(failed.status, 500, "{}", failed.body);
    assert_eq!(ho.balance("M1").await, Some(120));
    let stored: i64 = ho
        .client()
        .await
        .query_one(
            "SELECT count(*) FROM documents WHERE kind = 'point_adjustment'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored, 0, "no document without its audit entry");
    let status: String = ho
        .client()
        .await
        .query_one("SELECT status FROM point_adjustment_requests", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "pending");
    ho.stop().await;
}
