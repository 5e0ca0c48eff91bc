//! The console's sign-in, sessions, roles, CSRF, audit log and the Tills and sync page,
//! over real HTTP on a real PostgreSQL.

use chrono::{Duration, Utc};
use uuid::Uuid;

use crate::common::*;
use head_office::testing::Visitor;

/// An unreviewed overdraft of `store` (member M1, imported), as ingest flags one.
async fn overdraft(ho: &HeadOffice, store: &str) -> Uuid {
    let document = Uuid::now_v7();
    ho.client()
        .await
        .execute(
            "INSERT INTO overdraft_reviews (document_id, member_id, store_id, terminal_id,
                 points_redeemed, balance_before, balance_after)
             VALUES ($1, 'M1', $2, 'T01', 500, 100, -400)",
            &[&document, &store],
        )
        .await
        .unwrap();
    document
}

async fn reviewed_by(ho: &HeadOffice, document: Uuid) -> Option<String> {
    ho.client()
        .await
        .query_one(
            "SELECT reviewed_by FROM overdraft_reviews WHERE document_id = $1",
            &[&document],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn a_person_signs_in_with_a_strict_http_only_cookie_and_signs_out() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let mut browser = Visitor::new(&ho.base_url);

    assert_eq!(
        browser.get("/tills").await.location.as_deref(),
        Some("/login")
    );
    let signed = browser.sign_in("wang", CONSOLE_PASSWORD).await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    assert_eq!(signed.location.as_deref(), Some("/dashboard"));
    let cookie = signed
        .set_cookies
        .iter()
        .find(|c| c.starts_with("ho_session="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: no Secure flag");

    let page = browser.get("/tills").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("收银机与同步") && page.body.contains("wang"));
    let stored: i64 = ho
        .client()
        .await
        .query_one("SELECT count(*) FROM console_sessions", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored, 1);

    let csrf = page.csrf();
    let out = browser.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.location.as_deref(), Some("/login"));
    assert_eq!(browser.cookie("ho_session"), None, "the browser forgets it");
    assert_eq!(ho.count("console_sessions").await, 0, "head office too");
    ho.stop().await;
}

#[tokio::test]
async fn a_copied_cookie_stops_working_at_sign_out_and_an_idle_session_ends() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let mut browser = Visitor::new(&ho.base_url);
    browser.sign_in("zhao", CONSOLE_PASSWORD).await;
    // Idle for longer than a session may be.
    ho.client()
        .await
        .execute(
            "UPDATE console_sessions SET last_seen_at = now() - interval '31 minutes'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        browser.get("/tills").await.location.as_deref(),
        Some("/login")
    );

    browser.sign_in("zhao", CONSOLE_PASSWORD).await;
    let token = browser.cookie("ho_session").unwrap().to_owned();
    let mut copy = Visitor::new(&ho.base_url);
    copy.set_cookie("ho_session", &token);
    assert_eq!(
        copy.get("/tills").await.status,
        200,
        "the cookie is the session"
    );
    let page = browser.get("/tills").await;
    browser.post("/logout", &[("csrf", &page.csrf())]).await;
    assert_eq!(copy.get("/tills").await.location.as_deref(), Some("/login"));
    ho.stop().await;
}

#[tokio::test]
async fn wrong_passwords_back_off_and_the_tenth_locks_the_name_for_an_hour() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let mut browser = Visitor::new(&ho.base_url);
    for _ in 0..3 {
        let refused = browser.sign_in("wang", "wrong password").await;
        assert_eq!(refused.status, 401);
        assert!(refused.body.contains("用户名或密码错误"));
    }
    // The fourth failure makes the name wait a second: even the right password waits.
    assert_eq!(browser.sign_in("wang", "wrong password").await.status, 401);
    let waiting = browser.sign_in("wang", CONSOLE_PASSWORD).await;
    assert_eq!(waiting.status, 429, "{}", waiting.body);
    assert_eq!(ho.count("console_sessions").await, 0);

    // A name nobody has is answered the same way, and counted the same way.
    assert_eq!(
        browser.sign_in("nobody", CONSOLE_PASSWORD).await.status,
        401
    );

    // The tenth failure in a row locks the name for an hour.
    ho.client()
        .await
        .execute(
            "UPDATE console_sign_in_failures SET failures = 9, locked_until = now() WHERE name = 'wang'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(browser.sign_in("wang", "wrong password").await.status, 401);
    let until: chrono::DateTime<Utc> = ho
        .client()
        .await
        .query_one(
            "SELECT locked_until FROM console_sign_in_failures WHERE name = 'wang'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(
        until > Utc::now() + Duration::minutes(59),
        "locked until {until}"
    );
    assert_eq!(browser.sign_in("wang", CONSOLE_PASSWORD).await.status, 429);
    ho.stop().await;
}

#[tokio::test]
async fn a_sign_in_form_from_elsewhere_is_refused() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let mut browser = Visitor::new(&ho.base_url);
    // No form fetched first: no token cookie to match.
    let forged = browser
        .post(
            "/login",
            &[
                ("username", "wang"),
                ("password", CONSOLE_PASSWORD),
                ("csrf", "0"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(ho.count("console_sessions").await, 0);
    ho.stop().await;
}

#[tokio::test]
async fn a_store_manager_sees_and_reviews_only_their_stores() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13800000001", 0).await;
    for store in ["S001", "S002"] {
        ho.enroll(store, "T01").await;
    }
    let theirs = overdraft(&ho, "S001").await;
    let other = overdraft(&ho, "S002").await;
    let mut browser = Visitor::new(&ho.base_url);
    browser.sign_in("li", CONSOLE_PASSWORD).await;

    let page = browser.get("/tills").await;
    assert!(page.body.contains("S001"), "{}", page.body);
    assert!(
        !page.body.contains("S002"),
        "another store's till or overdraft"
    );
    assert!(!page.body.contains("/audit"), "no link to the audit log");
    assert_eq!(browser.get("/audit").await.status, 403);

    let csrf = page.csrf();
    let refused = browser
        .post(
            &format!("/tills/overdrafts/{other}/review"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(reviewed_by(&ho, other).await, None);
    let done = browser
        .post(
            &format!("/tills/overdrafts/{theirs}/review"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(reviewed_by(&ho, theirs).await.as_deref(), Some("li"));
    ho.stop().await;
}

#[tokio::test]
async fn an_auditor_reads_everything_and_changes_nothing() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13800000001", 0).await;
    let document = overdraft(&ho, "S002").await;
    let mut browser = Visitor::new(&ho.base_url);
    browser.sign_in("zhao", CONSOLE_PASSWORD).await;
    let page = browser.get("/tills").await;
    assert!(page.body.contains(&document.to_string()));
    assert!(
        !page.body.contains("/review"),
        "no review button for an auditor"
    );
    let refused = browser
        .post(
            &format!("/tills/overdrafts/{document}/review"),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(reviewed_by(&ho, document).await, None);
    assert_eq!(browser.get("/audit").await.status, 200);
    ho.stop().await;
}

#[tokio::test]
async fn a_form_without_its_csrf_token_changes_nothing() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13800000001", 0).await;
    let document = overdraft(&ho, "S001").await;
    let mut browser = Visitor::new(&ho.base_url);
    browser.sign_in("wang", CONSOLE_PASSWORD).await;
    let path = format!("/tills/overdrafts/{document}/review");
    for form in [vec![], vec![("csrf", "not the session's token")]] {
        let refused = browser.post(&path, &form).await;
        assert_eq!(refused.status, 403, "{}", refused.body);
        assert!(refused.body.contains("未做任何修改"));
    }
    assert_eq!(reviewed_by(&ho, document).await, None);
    assert_eq!(ho.changes_audited().await, 0);
    ho.stop().await;
}

#[tokio::test]
async fn a_review_is_audited_with_before_and_after_and_the_log_cannot_be_edited() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13800000001", 0).await;
    let document = overdraft(&ho, "S001").await;
    let mut browser = Visitor::new(&ho.base_url);
    browser.sign_in("wang", CONSOLE_PASSWORD).await;
    let csrf = browser.get("/tills").await.csrf();
    let path = format!("/tills/overdrafts/{document}/review");
    let done = browser.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(
        done.location.as_deref(),
        Some(format!("/tills?reviewed={document}").as_str())
    );
    let page = browser.get(done.location.as_deref().unwrap()).await;
    assert!(page.body.contains("已复核"), "{}", page.body);
    // A second review is said so and writes nothing more.
    let again = browser.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(
        again.location.as_deref(),
        Some(format!("/tills?already={document}").as_str())
    );

    let client = ho.client().await;
    let row = client
        .query_one(
            "SELECT user_name, action, subject, before, after FROM audit_log",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "wang");
    assert_eq!(row.get::<_, String>(1), "overdraft.review");
    assert_eq!(row.get::<_, String>(2), document.to_string());
    let before: serde_json::Value = row.get(3);
    let after: serde_json::Value = row.get(4);
    assert_eq!(before["reviewed_at"], serde_json::Value::Null);
    assert_eq!(after["reviewed_by"], "wang");

    let log = browser.get("/audit").await;
    assert!(log.body.contains("overdraft.review") && log.body.contains(&document.to_string()));
    for statement in [
        "UPDATE audit_log SET user_name = 'someone else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let refused = client.execute(statement, &[]).await.unwrap_err();
        assert!(
            refused.to_string().contains("append-only")
                || format!("{refused:?}").contains("append-only"),
            "{statement}: {refused:?}"
        );
    }
    assert_eq!(ho.changes_audited().await, 1);
    ho.stop().await;
}

#[tokio::test]
async fn the_tills_page_shows_each_terminals_last_contact_and_last_pull() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let token = ho.enroll("S001", "T01").await;
    ho.enroll("S001", "T02").await;
    let (status, _) = ho.get(Some(&token), "/v1/feed?cursor=0").await;
    assert_eq!(status, 200);
    let mut browser = Visitor::new(&ho.base_url);
    browser.sign_in("wang", CONSOLE_PASSWORD).await;
    let page = browser.get("/tills").await;
    let row = |terminal: &str| {
        let start = page.body.find(&format!(">{terminal}</td>")).unwrap();
        let end = page.body[start..].find("</tr>").unwrap() + start;
        page.body[start..end].to_owned()
    };
    assert!(!row("T01").contains("从未"), "T01 pulled: {}", row("T01"));
    assert_eq!(row("T02").matches("从未").count(), 2, "T02 never called");
    ho.stop().await;
}

#[tokio::test]
async fn the_console_speaks_english_when_asked_and_goes_back_only_to_its_own_pages() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let mut browser = Visitor::new(&ho.base_url);
    let switched = browser.get("/lang/en?back=/login").await;
    assert_eq!(switched.location.as_deref(), Some("/login"));
    assert!(
        browser
            .get("/login")
            .await
            .body
            .contains("Sign in to head office")
    );
    let hostile = browser.get("/lang/zh-CN?back=//evil.example").await;
    assert_eq!(hostile.location.as_deref(), Some("/"));
    assert!(browser.get("/login").await.body.contains("登录总部后台"));
    ho.stop().await;
}

#[tokio::test]
async fn an_unknown_console_address_is_a_page_and_an_unknown_api_path_stays_json() {
    let ho = HeadOffice::start().await;
    let mut browser = Visitor::new(&ho.base_url);
    let page = browser.get("/no-such-page").await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("没有这个页面"), "{}", page.body);
    let (status, body) = ho.get(None, "/v1/no-such-endpoint").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "not_found");
    ho.stop().await;
}

#[tokio::test]
async fn the_audit_log_sorts_filters_and_exports_like_every_table_and_refuses_a_bad_query() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13800000001", 0).await;
    for store in ["S001", "S002"] {
        overdraft(&ho, store).await;
    }
    let mut admin = Visitor::new(&ho.base_url);
    admin.sign_in("wang", CONSOLE_PASSWORD).await;
    let csrf = admin.get("/tills").await.csrf();
    let ids: Vec<Uuid> = ho
        .client()
        .await
        .query("SELECT document_id FROM overdraft_reviews", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for id in &ids {
        admin
            .post(
                &format!("/tills/overdrafts/{id}/review"),
                &[("csrf", &csrf)],
            )
            .await;
    }
    let mut auditor = Visitor::new(&ho.base_url);
    auditor.sign_in("zhao", CONSOLE_PASSWORD).await;
    let csv = auditor.get("/audit?format=csv").await;
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 3, "a header and two reviews: {lines:?}");
    assert!(lines[1..].iter().all(|l| l.contains("overdraft.review")));
    let filtered = auditor.get(&format!("/audit?q={}", ids[0])).await;
    assert!(
        filtered.body.contains(&ids[0].to_string()) && !filtered.body.contains(&ids[1].to_string())
    );
    assert_eq!(auditor.get("/audit?sort=nothing").await.status, 400);
    ho.stop().await;
}
