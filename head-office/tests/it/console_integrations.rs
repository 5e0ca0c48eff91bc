//! The console's Integrations page: admins only; a key shown once and never again,
//! working at once and refused once revoked; every change audited; refusals in the
//! person's language.

use serde_json::json;

use crate::common::*;
use crate::integrations::put;

/// The key a page shows (`int_` and 64 hex digits), if any.
fn shown_key(body: &str) -> Option<String> {
    let start = body.find("int_")?;
    Some(body[start..start + 68].to_owned())
}

async fn audit_rows(ho: &HeadOffice) -> Vec<(String, String, String)> {
    ho.client()
        .await
        .query(
            "SELECT action, subject, coalesce(after::text, '') FROM audit_log WHERE action LIKE 'integration.%' ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

#[tokio::test]
async fn an_admin_adds_and_revokes_an_integration_and_its_key_is_shown_once() {
    let ho = HeadOffice::start().await;
    let mut admin = ho.console_user("wang", "admin", &[]).await;
    let page = admin.get("/integrations").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("系统对接"), "{}", page.body);
    let csrf = page.csrf();

    let added = admin
        .post(
            "/integrations",
            &[
                ("csrf", &csrf),
                ("name", "tmall-shop"),
                ("channel", "shop"),
                ("scope", "customers:write"),
                ("scope", "events:read"),
            ],
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.body);
    let key = shown_key(&added.body).expect("the key is shown");
    assert!(key.bytes().skip(4).all(|b| b.is_ascii_hexdigit()), "{key}");
    let (s, v) = put(&ho, &key, "T-1", json!({"name": "张三"})).await;
    assert_eq!(s, 201, "the key works at once: {v}");

    let again = admin.get("/integrations").await;
    assert!(
        again.body.contains("tmall-shop") && again.body.contains("customers:write, events:read")
    );
    assert_eq!(shown_key(&again.body), None, "never shown again");
    let audited = audit_rows(&ho).await;
    assert_eq!(audited.len(), 1);
    assert_eq!(
        (audited[0].0.as_str(), audited[0].1.as_str()),
        ("integration.add", "tmall-shop")
    );
    assert!(
        audited[0].2.contains("shop") && !audited[0].2.contains(&key[4..]),
        "{audited:?}"
    );

    // Refusals name what is wrong, and change nothing.
    for (name, channel, scope, status, text) in [
        ("erp", "ERP!", "events:read", 400, "渠道“ERP!”"),
        ("erp", "erp", "", 400, "请至少选择一项权限"),
        (
            "tmall-shop",
            "shop",
            "events:read",
            409,
            "已有名为 tmall-shop 的对接系统",
        ),
    ] {
        let mut form = vec![
            ("csrf", csrf.as_str()),
            ("name", name),
            ("channel", channel),
        ];
        if !scope.is_empty() {
            form.push(("scope", scope));
        }
        let refused = admin.post("/integrations", &form).await;
        assert_eq!(refused.status, status, "{}", refused.body);
        assert!(refused.body.contains(text), "{}", refused.body);
        assert_eq!(shown_key(&refused.body), None);
    }
    admin.get("/lang/en?back=/integrations").await;
    let refused = admin
        .post(
            "/integrations",
            &[("csrf", &csrf), ("name", "erp"), ("channel", "erp")],
        )
        .await;
    assert!(
        refused.body.contains("Choose at least one scope"),
        "{}",
        refused.body
    );
    assert_eq!(audit_rows(&ho).await.len(), 1);
    let forged = admin
        .post(
            "/integrations",
            &[("name", "x"), ("channel", "erp"), ("scope", "events:read")],
        )
        .await;
    assert_eq!(forged.status, 403);

    let revoked = admin
        .post("/integrations/tmall-shop/revoke", &[("csrf", &csrf)])
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert!(
        revoked.body.contains("tmall-shop is revoked"),
        "{}",
        revoked.body
    );
    let (s, _) = put(&ho, &key, "T-1", json!({"name": "李四"})).await;
    assert_eq!(s, 401);
    let twice = admin
        .post("/integrations/tmall-shop/revoke", &[("csrf", &csrf)])
        .await;
    assert_eq!(twice.status, 409, "{}", twice.body);
    let unknown = admin
        .post("/integrations/nobody/revoke", &[("csrf", &csrf)])
        .await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    let actions: Vec<String> = audit_rows(&ho).await.into_iter().map(|a| a.0).collect();
    assert_eq!(actions, ["integration.add", "integration.revoke"]);
    ho.stop().await;
}

#[tokio::test]
async fn only_admins_see_or_change_integrations() {
    let ho = HeadOffice::start().await;
    ho.client()
        .await
        .execute(
            "INSERT INTO integrations (name, channel, scopes, key_sha256, created_by)
             VALUES ('crm', 'crm', '{events:read}', $1, 'test')",
            &[&vec![7u8; 32]],
        )
        .await
        .unwrap();
    for (name, role, stores) in [
        ("li", "store_manager", vec!["S1".to_owned()]),
        ("zhao", "auditor", vec![]),
        ("qian", "merchandiser", vec![]),
    ] {
        let mut browser = ho.console_user(name, role, &stores).await;
        let home = browser.get("/dashboard").await;
        assert!(!home.body.contains("/integrations"), "{role} sees the link");
        let csrf = home.csrf();
        assert_eq!(browser.get("/integrations").await.status, 403, "{role}");
        let add = [
            ("csrf", csrf.as_str()),
            ("name", "x"),
            ("channel", "erp"),
            ("scope", "events:read"),
        ];
        assert_eq!(
            browser.post("/integrations", &add).await.status,
            403,
            "{role}"
        );
        let revoke = browser
            .post("/integrations/crm/revoke", &[("csrf", &csrf)])
            .await;
        assert_eq!(revoke.status, 403, "{role}");
    }
    let admin = ho
        .console_user("wang", "admin", &[])
        .await
        .get("/dashboard")
        .await;
    assert!(
        admin.body.contains("href=\"/integrations\""),
        "admins have the link"
    );
    assert_eq!(ho.count("integrations WHERE revoked_at IS NULL").await, 1);
    assert_eq!(ho.count("integrations").await, 1);
}
