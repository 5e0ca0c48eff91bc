//! Members' personal data in the console: an admin's reading of a full phone and name is
//! in the audit log (the member and the page, not the data), a masked view is not; an
//! admin downloads a member's data as JSON (logged), nobody else may.

use serde_json::Value;

use crate::common::*;

async fn logged(ho: &HeadOffice) -> Vec<(String, String, String)> {
    ho.client()
        .await
        .query(
            "SELECT user_name, action, subject FROM audit_log
             WHERE action LIKE 'member.personal_data_%' ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

fn row(user: &str, action: &str, member: &str) -> (String, String, String) {
    (user.into(), action.into(), member.into())
}

#[tokio::test]
async fn reading_a_members_full_data_is_logged_and_only_an_admin_downloads_it() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13812345678", 120).await;
    let mut qian = ho.signed_in("qian").await;
    let page = qian.get("/members?find=C-M1").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("138****5678"));
    assert!(!page.body.contains("13812345678"));
    assert!(logged(&ho).await.is_empty(), "a masked view is no reading");

    let mut wang = ho.signed_in("wang").await;
    let page = wang.get("/members?find=C-M1").await;
    assert!(page.body.contains("13812345678"), "{}", page.body);
    let page = wang.get("/members/M1").await;
    assert!(
        page.body.contains("/members/M1/personal-data"),
        "{}",
        page.body
    );
    assert_eq!(
        logged(&ho).await,
        vec![
            row("wang", "member.personal_data_read", "M1"),
            row("wang", "member.personal_data_read", "M1"),
        ]
    );
    for (line, page) in [
        ("the search", "/members"),
        ("the member's page", "/members/{id}"),
    ] {
        let pages: Vec<String> = ho
            .client()
            .await
            .query(
                "SELECT after->>'page' FROM audit_log WHERE action = 'member.personal_data_read'",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert!(pages.contains(&page.to_owned()), "{line}: {pages:?}");
    }
    let details: Vec<String> = ho
        .client()
        .await
        .query("SELECT coalesce(after::text, '') FROM audit_log", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(
        details.iter().all(|d| !d.contains("13812345678")),
        "the log names the member, never the number: {details:?}"
    );

    let download = wang.get("/members/M1/personal-data").await;
    assert_eq!(download.status, 200, "{}", download.body);
    let data: Value = serde_json::from_str(&download.body).unwrap();
    assert_eq!(data["member"]["phone"], "13812345678");
    assert_eq!(data["member"]["points_balance"], 120);
    assert!(data["point_ledger"].is_array());
    assert_eq!(
        logged(&ho).await.last().unwrap(),
        &row("wang", "member.personal_data_export", "M1")
    );
    let before = logged(&ho).await.len();
    for name in ["zhao", "qian", "li"] {
        let mut visitor = ho.signed_in(name).await;
        let refused = visitor.get("/members/M1/personal-data").await;
        assert_eq!(refused.status, 403, "{name}");
        assert!(!refused.body.contains("13812345678"), "{name}");
    }
    assert_eq!(wang.get("/members/NOBODY/personal-data").await.status, 404);
    assert_eq!(
        logged(&ho).await.len(),
        before,
        "nothing read, nothing logged"
    );
    ho.stop().await;
}

#[tokio::test]
async fn a_page_whose_reading_cannot_be_logged_shows_nothing() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13812345678", 0).await;
    ho.client()
        .await
        .batch_execute(
            "CREATE FUNCTION refuse_reads() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN RAISE EXCEPTION 'the audit log is full'; END $$;
             CREATE TRIGGER refuse_reads BEFORE INSERT ON audit_log
                 FOR EACH ROW EXECUTE FUNCTION refuse_reads();",
        )
        .await
        .unwrap();
    let mut wang = ho.signed_in("wang").await;
    for path in [
        "/members?find=C-M1",
        "/members/M1",
        "/members/M1/personal-data",
    ] {
        let page = wang.get(path).await;
        assert_eq!(page.status, 500, "{path}: {}", page.body);
        assert!(!page.body.contains("13812345678"), "{path}");
    }
    ho.stop().await;
}
