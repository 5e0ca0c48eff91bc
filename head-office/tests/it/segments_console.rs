//! The console's Member segments page: members per segment with share and averages, a
//! segment's members paged and masked, its CSV; who may see it; an admin's change of a
//! segment's rules audited, a bad rule refused naming the field with nothing changed.

use head_office::console::i18n::LANG_COOKIE;
use head_office::rfm;

use crate::common::*;
use crate::segments::{AS_OF, chain_with_members, now};

async fn scored_chain() -> HeadOffice {
    let ho = HeadOffice::start().await;
    chain_with_members(&ho).await;
    rfm::run(&mut *ho.client().await, now(), AS_OF.parse().unwrap(), 365)
        .await
        .unwrap();
    ho.add_console_staff().await;
    ho
}

#[tokio::test]
async fn the_page_shows_segments_and_their_members_to_admins_merchandisers_and_auditors() {
    let ho = scored_chain().await;
    let mut admin = ho.signed_in("wang").await;
    let page = admin.get("/segments").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("会员分群"), "zh-CN by default");
    assert!(page.body.contains(r#"href="/segments/important_value""#));
    assert!(page.body.contains("重要价值客户"));
    assert!(page.body.contains("25.0%"), "one of four members");
    assert!(page.body.contains("截至 2026-12-01"), "{}", page.body);
    admin.set_cookie(LANG_COOKIE, "en");
    let english = admin.get("/segments").await;
    assert!(english.body.contains("Member segments"));
    assert!(english.body.contains("Important to develop"));

    let members = admin.get("/segments/general_keep").await;
    assert_eq!(members.status, 200, "{}", members.body);
    assert!(members.body.contains("M6"));
    assert!(members.body.contains("138****0004"), "phone masked");
    assert!(
        !members.body.contains("13800000004"),
        "never the full phone"
    );
    assert!(members.body.contains("王*"));
    assert!(
        members.body.contains(r#"name="r_rule""#),
        "admins get the rules' form"
    );

    for name in ["qian", "zhao"] {
        let mut reader = ho.signed_in(name).await;
        let page = reader.get("/segments").await;
        assert_eq!(page.status, 200, "{name}");
        assert!(
            page.body.contains(r#"href="/segments""#),
            "{name}: in the navigation"
        );
        let members = reader.get("/segments/important_value").await;
        assert_eq!(members.status, 200, "{name}");
        assert!(members.body.contains("HQ-1"));
        assert!(
            !members.body.contains(r#"name="r_rule""#),
            "{name}: no rules' form"
        );
    }

    let mut manager = ho.signed_in("li").await;
    assert_eq!(manager.get("/segments").await.status, 403);
    assert_eq!(manager.get("/segments/important_value").await.status, 403);
    let csv = manager.get("/segments/important_value?format=csv").await;
    assert_eq!(csv.status, 403);
    let dashboard = manager.get("/dashboard").await;
    assert!(
        !dashboard.body.contains(r#"href="/segments""#),
        "not in a store manager's navigation"
    );
    assert_eq!(admin.get("/segments/nobody").await.status, 404);
    assert_eq!(
        admin.get("/segments/general_keep?per_page=0").await.status,
        400
    );
    assert_eq!(
        admin.get("/segments/general_keep?format=pdf").await.status,
        400
    );
    ho.stop().await;
}

#[tokio::test]
async fn members_are_paged_and_a_segment_exports_whole_as_csv() {
    let ho = HeadOffice::start().await;
    chain_with_members(&ho).await;
    // Every scored member in one segment: four of them, two to a page.
    ho.client()
        .await
        .execute(
            "UPDATE rfm_segments SET r_rule = 'any', f_rule = 'any', m_rule = 'any'
             WHERE code = 'important_value'",
            &[],
        )
        .await
        .unwrap();
    rfm::run(&mut *ho.client().await, now(), AS_OF.parse().unwrap(), 365)
        .await
        .unwrap();
    ho.add_console_staff().await;
    let mut admin = ho.signed_in("wang").await;
    let first = admin.get("/segments/important_value?per_page=2").await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains("HQ-1") && first.body.contains("M2"));
    assert!(!first.body.contains(">M6<"), "{}", first.body);
    assert!(first.body.contains("第 1 / 2 页，共 4 位会员"));
    assert!(
        first
            .body
            .contains("/segments/important_value?page=2&amp;per_page=2")
    );
    let second = admin
        .get("/segments/important_value?page=2&per_page=2")
        .await;
    assert!(second.body.contains(">M3<") && second.body.contains(">M6<"));
    assert!(!second.body.contains(">HQ-1<"));

    let csv = admin.get("/segments/important_value?format=csv").await;
    assert_eq!(csv.status, 200);
    let text = csv.body.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "member_id,card_no,name,phone,last_purchase,recency_days,frequency,monetary,r_score,f_score,m_score"
    );
    assert_eq!(lines.len(), 5, "{text}");
    assert_eq!(
        lines[1],
        "HQ-1,C-HQ-1,王*,137****0001,2026-11-30,1,2,150.00,4,3,3"
    );
    assert!(!text.contains("13700000001"));
    ho.stop().await;
}

/// The rules' form of important_value with `r_rule` and `precedence`, and `csrf` when
/// given.
fn rules_form<'a>(
    r_rule: &'a str,
    precedence: &'a str,
    csrf: Option<&'a str>,
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("precedence", precedence),
        ("name_zh", "重要价值客户"),
        ("name_en", "Important value"),
        ("r_rule", r_rule),
        ("f_rule", "high"),
        ("m_rule", "4-5"),
    ];
    fields.extend(csrf.map(|c| ("csrf", c)));
    fields
}

async fn segment_row(ho: &HeadOffice, code: &str) -> Vec<String> {
    let row = ho
        .client()
        .await
        .query_one(
            "SELECT precedence::text, name_zh, name_en, r_rule, f_rule, m_rule
             FROM rfm_segments WHERE code = $1",
            &[&code],
        )
        .await
        .unwrap();
    (0..6).map(|i| row.get(i)).collect()
}

#[tokio::test]
async fn an_admin_changes_a_rule_audited_and_a_bad_rule_is_refused_naming_the_field() {
    let ho = scored_chain().await;
    let mut admin = ho.signed_in("wang").await;
    let page = admin.get("/segments/important_value").await;
    let csrf = page.csrf();
    let before = segment_row(&ho, "important_value").await;
    let audited = ho.count("audit_log").await;
    let bad = admin
        .post(
            "/segments/important_value",
            &rules_form("sometimes", "1", Some(&csrf)),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert!(bad.body.contains("R 规则"), "{}", bad.body);
    assert!(bad.body.contains("r_rule"), "{}", bad.body);
    assert!(
        bad.body.contains(r#"value="sometimes""#),
        "the form as typed"
    );
    let taken = admin
        .post(
            "/segments/important_value",
            &rules_form("high", "2", Some(&csrf)),
        )
        .await;
    assert_eq!(taken.status, 400);
    assert!(
        taken.body.contains("important_develop"),
        "precedence 2 is another's: {}",
        taken.body
    );
    assert_eq!(segment_row(&ho, "important_value").await, before);
    assert_eq!(ho.count("audit_log").await, audited, "nothing changed");

    let mut merchandiser = ho.signed_in("qian").await;
    let their_csrf = merchandiser.get("/segments/important_value").await.csrf();
    let refused = merchandiser
        .post(
            "/segments/important_value",
            &rules_form("high", "1", Some(&their_csrf)),
        )
        .await;
    assert_eq!(refused.status, 403);
    let no_csrf = admin
        .post("/segments/important_value", &rules_form("high", "1", None))
        .await;
    assert_eq!(no_csrf.status, 403);
    assert_eq!(segment_row(&ho, "important_value").await, before);

    let saved = admin
        .post(
            "/segments/important_value",
            &rules_form("4-5", "1", Some(&csrf)),
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        saved.location.as_deref(),
        Some("/segments/important_value?saved=1")
    );
    assert_eq!(
        segment_row(&ho, "important_value").await,
        ["1", "重要价值客户", "Important value", "4-5", "high", "4-5"]
    );
    let entry = ho
        .client()
        .await
        .query_one(
            "SELECT user_name, action, subject, before->>'r_rule', after->>'r_rule'
             FROM audit_log ORDER BY id DESC LIMIT 1",
            &[],
        )
        .await
        .unwrap();
    let entry: (String, String, String, String, String) = (
        entry.get(0),
        entry.get(1),
        entry.get(2),
        entry.get(3),
        entry.get(4),
    );
    assert_eq!(
        entry,
        (
            "wang".into(),
            "segment.update".into(),
            "important_value".into(),
            "high".into(),
            "4-5".into()
        )
    );
    // The next run uses the new rules: HQ-1 (R 4, M 3) is no longer of the segment.
    rfm::run(&mut *ho.client().await, now(), AS_OF.parse().unwrap(), 365)
        .await
        .unwrap();
    let (_, api) = ho
        .get(
            Some(&ho.staff_token("wang3", "admin", &[]).await),
            "/v1/members/segments/important_value",
        )
        .await;
    assert_eq!(api["total"], 0, "{api}");
    ho.stop().await;
}
