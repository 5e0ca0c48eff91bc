//! The console's Promotions and Loyalty rules pages: who may change them, the catalog
//! file's (and the domain's) checks on the forms, the feed that carries a change to the
//! tills, the audit log, and the preview of a rule on an example basket priced by the
//! domain's pricing.

use head_office::testing::Visitor;
use serde_json::Value;

use crate::common::*;

/// Two products: A (血压计, 99.00, category bp) and B (试纸, 12.50, category strip).
pub(crate) async fn import_products(ho: &HeadOffice) {
    let product = |sku: &str, name: &str, category: &str, price: &str| {
        pos_domain::import::product_from_fields(&[
            sku, name, "", category, "个", price, "0.13", "II", "", "none", "0",
        ])
        .unwrap()
    };
    let file = pos_domain::import::CatalogImport {
        products: vec![
            product("A", "血压计", "bp", "99.00"),
            product("B", "血糖试纸", "strip", "12.50"),
        ],
        ..Default::default()
    };
    head_office::catalog::import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap();
}

/// A promotion's form: 10% off SKU A through 2026, priority 5, not stackable.
pub(crate) fn promotion_form(id: &str) -> Vec<(&'static str, String)> {
    [
        ("id", id),
        ("name", "血压计九折"),
        ("priority", "5"),
        ("stackable", "false"),
        ("valid_from", "2026-01-01T00:00:00"),
        ("valid_to", "2099-12-31T23:59:59"),
        ("kind", "percent_off"),
        ("target_by", "sku"),
        ("target_value", "A"),
        ("percent", "10"),
        ("repeat", "false"),
        ("tier", "gold"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

pub(crate) fn with(
    form: &[(&'static str, String)],
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    let mut form = form.to_vec();
    for (key, value) in changes {
        match form.iter_mut().find(|(k, _)| k == key) {
            Some(field) => field.1 = (*value).to_owned(),
            None => form.push((key, (*value).to_owned())),
        }
    }
    form
}

pub(crate) async fn post(
    browser: &mut Visitor,
    path: &str,
    csrf: &str,
    form: &[(&str, String)],
) -> (u16, String) {
    let mut posted: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    posted.push(("csrf", csrf));
    let answer = browser.post(path, &posted).await;
    (answer.status, answer.body)
}

pub(crate) async fn signed_in(ho: &HeadOffice, name: &str) -> (Visitor, String) {
    let mut browser = ho.signed_in(name).await;
    let csrf = browser.get("/promotions").await.csrf();
    (browser, csrf)
}

/// The latest change a till's pull brings for `key` of `entity` kinds, if any.
pub(crate) async fn feed_change(
    ho: &HeadOffice,
    token: &str,
    entities: &[&str],
    id: &str,
) -> Option<Value> {
    let (status, page) = ho.get(Some(token), "/v1/feed?cursor=0").await;
    assert_eq!(status, 200);
    page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|c| {
            entities.contains(&c["entity"].as_str().unwrap())
                && (id.is_empty() || c["data"]["id"] == id)
        })
        .cloned()
}

/// Everything a promotion or loyalty change could touch.
pub(crate) async fn stored(ho: &HeadOffice) -> (String, String, String, i64) {
    let client = ho.client().await;
    let text = |sql: &'static str| {
        let client = &client;
        async move {
            client
                .query_one(sql, &[])
                .await
                .unwrap()
                .get::<_, String>(0)
        }
    };
    (
        text("SELECT coalesce(string_agg(data::text, '\n' ORDER BY id), '') FROM promotions").await,
        text("SELECT coalesce(string_agg(data::text, ''), '') FROM loyalty_rules").await,
        text("SELECT coalesce(string_agg(change::text, '\n' ORDER BY cursor), '') FROM feed").await,
        ho.changes_audited().await,
    )
}

pub(crate) async fn audit_rows(
    ho: &HeadOffice,
) -> Vec<(String, String, String, Option<Value>, Option<Value>)> {
    ho.client()
        .await
        .query(
            "SELECT user_name, action, subject, before, after FROM audit_log ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect()
}

#[tokio::test]
async fn a_merchandiser_creates_edits_ends_and_deletes_a_promotion_and_the_tills_and_the_log_follow()
 {
    let ho = HeadOffice::start().await;
    import_products(&ho).await;
    let token = ho.enroll("S001", "T01").await;
    ho.add_console_staff().await;
    let (mut browser, csrf) = signed_in(&ho, "qian").await;

    let (status, body) = post(
        &mut browser,
        "/promotions/new",
        &csrf,
        &promotion_form("P-A10"),
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let created = feed_change(&ho, &token, &["promotion"], "P-A10")
        .await
        .expect("in the feed");
    assert_eq!(created["data"]["kind"]["kind"], "percent_off");
    assert_eq!(created["data"]["kind"]["percent"], "10");
    assert_eq!(
        created["data"]["kind"]["target"],
        serde_json::json!({"by": "sku", "value": "A"})
    );

    let list = browser.get("/promotions").await;
    assert!(
        list.body.contains("P-A10")
            && list.body.contains("血压计九折")
            && list.body.contains("进行中"),
        "{}",
        list.body
    );
    let csv = browser.get("/promotions?format=csv&q=P-A10").await;
    assert!(
        csv.body.contains(
            "P-A10,血压计九折,按比例折扣,2026-01-01 00:00:00,2099-12-31 23:59:59,进行中,商品 A,5"
        ),
        "{}",
        csv.body
    );
    assert!(
        list.body
            .contains(r#"<a href="/promotions/P-A10">P-A10</a>"#),
        "each id opens its promotion: {}",
        list.body
    );
    let page = browser.get("/promotions/P-A10").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(r#"name="percent" value="10""#),
        "{}",
        page.body
    );

    let (status, _) = post(
        &mut browser,
        "/promotions/P-A10",
        &csrf,
        &with(&promotion_form("P-A10"), &[("percent", "15")]),
    )
    .await;
    assert_eq!(status, 303);
    let changed = feed_change(&ho, &token, &["promotion"], "P-A10")
        .await
        .unwrap();
    assert_eq!(changed["data"]["kind"]["percent"], "15");

    let ended = browser
        .post("/promotions/P-A10/end", &[("csrf", &csrf)])
        .await;
    assert_eq!(ended.status, 303, "{}", ended.body);
    let after_end = feed_change(&ho, &token, &["promotion"], "P-A10")
        .await
        .unwrap();
    assert_ne!(
        after_end["data"]["valid_to"], "2099-12-31T23:59:59",
        "the end moved to now"
    );
    assert!(browser.get("/promotions").await.body.contains("已结束"));

    let deleted = browser
        .post("/promotions/P-A10/delete", &[("csrf", &csrf)])
        .await;
    assert_eq!(deleted.status, 303);
    assert_eq!(
        feed_change(&ho, &token, &["promotion", "promotion_deleted"], "P-A10")
            .await
            .unwrap()["entity"],
        "promotion_deleted"
    );
    assert_eq!(browser.get("/promotions/P-A10").await.status, 404);

    let log = audit_rows(&ho).await;
    let actions: Vec<(&str, &str, &str)> = log
        .iter()
        .map(|(u, a, s, _, _)| (u.as_str(), a.as_str(), s.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("qian", "promotion.create", "P-A10"),
            ("qian", "promotion.update", "P-A10"),
            ("qian", "promotion.end", "P-A10"),
            ("qian", "promotion.delete", "P-A10"),
        ]
    );
    let (_, _, _, before, after) = &log[1];
    assert_eq!(before.as_ref().unwrap()["kind"]["percent"], "10");
    assert_eq!(after.as_ref().unwrap()["kind"]["percent"], "15");
    assert!(
        log[3].4.is_none() && log[3].3.is_some(),
        "a deletion keeps what was deleted"
    );
    ho.stop().await;
}

#[tokio::test]
async fn bad_input_gets_the_form_back_with_the_reason_and_changes_nothing() {
    let ho = HeadOffice::start().await;
    import_products(&ho).await;
    ho.add_console_staff().await;
    let (mut browser, csrf) = signed_in(&ho, "wang").await;
    let (status, _) = post(
        &mut browser,
        "/promotions/new",
        &csrf,
        &promotion_form("P-A10"),
    )
    .await;
    assert_eq!(status, 303);
    let before = stored(&ho).await;

    let form = promotion_form("P-A10");
    for (changes, reason) in [
        (
            vec![("valid_to", "2025-12-31T00:00:00")],
            "ends before valid_from",
        ),
        (vec![("percent", "-5")], "percent must be above 0"),
        (vec![("target_value", "NOPE")], "NOPE 不在商品目录中"),
        (
            vec![
                ("kind", "amount_off"),
                ("amount", "99999999999999999999999999999999"),
            ],
            "is not a promotion rule",
        ),
        (
            vec![
                ("kind", "amount_off"),
                ("amount", "70000000000000000000000000000"),
            ],
            "at most 1000000000000",
        ),
        (
            vec![
                ("kind", "buy_get"),
                ("sku", "A"),
                ("buy", "2"),
                ("get", "two"),
            ],
            "two",
        ),
        (
            vec![("valid_from", "2026-02-30T00:00:00")],
            "must be empty or a real date and time",
        ),
        (vec![("priority", "x")], "must be a whole number"),
    ] {
        let (status, body) = post(
            &mut browser,
            "/promotions/P-A10",
            &csrf,
            &with(&form, &changes),
        )
        .await;
        assert_eq!(status, 400, "{changes:?}");
        assert!(
            body.contains("未保存") && body.contains(reason),
            "{changes:?}: {body}"
        );
        let (field, value) = changes[changes.len() - 1];
        assert!(
            body.contains(&format!(r#"name="{field}" value="{value}""#)),
            "the form keeps what was typed: {field}"
        );
    }
    let (status, body) = post(&mut browser, "/promotions/new", &csrf, &form).await;
    assert_eq!(status, 400, "an id that exists is not created twice");
    assert!(body.contains("P-A10 已存在"), "{body}");
    let (status, body) = post(
        &mut browser,
        "/promotions/new",
        &csrf,
        &promotion_form("new"),
    )
    .await;
    assert_eq!(status, 400, "an id that is a page's address");
    assert!(body.contains("编号 new 是控制台页面的地址"), "{body}");
    assert_eq!(stored(&ho).await, before);
    ho.stop().await;
}

#[tokio::test]
async fn store_managers_and_auditors_read_promotions_and_loyalty_rules_but_change_nothing() {
    let ho = HeadOffice::start().await;
    import_products(&ho).await;
    ho.add_console_staff().await;
    let (mut merchandiser, csrf) = signed_in(&ho, "qian").await;
    post(
        &mut merchandiser,
        "/promotions/new",
        &csrf,
        &promotion_form("P-A10"),
    )
    .await;
    let before = stored(&ho).await;

    for name in ["li", "zhao"] {
        let (mut browser, csrf) = signed_in(&ho, name).await;
        let list = browser.get("/promotions").await;
        assert_eq!(list.status, 200);
        assert!(
            list.body.contains("P-A10") && !list.body.contains("/promotions/new"),
            "{name}"
        );
        let page = browser.get("/promotions/P-A10").await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("readonly") && !page.body.contains("保存"),
            "{name}: {}",
            page.body
        );
        assert!(
            !page.body.contains("/end") && !page.body.contains("/delete"),
            "{name}"
        );
        let loyalty = browser.get("/loyalty").await;
        assert_eq!(loyalty.status, 200);
        assert!(
            loyalty.body.contains("readonly") && !loyalty.body.contains("保存"),
            "{name}"
        );
        assert_eq!(browser.get("/promotions/new").await.status, 403, "{name}");

        let form = promotion_form("P-A10");
        for path in ["/promotions/new", "/promotions/P-A10"] {
            let (status, _) = post(
                &mut browser,
                path,
                &csrf,
                &with(&form, &[("id", "P-X"), ("percent", "50")]),
            )
            .await;
            assert_eq!(status, 403, "{name} {path}");
        }
        for path in ["/promotions/P-A10/end", "/promotions/P-A10/delete"] {
            assert_eq!(
                browser.post(path, &[("csrf", &csrf)]).await.status,
                403,
                "{name} {path}"
            );
        }
        let (status, _) = post(
            &mut browser,
            "/loyalty",
            &csrf,
            &[("points_per_yuan", "5".to_owned())],
        )
        .await;
        assert_eq!(status, 403, "{name}");
        // Trying the rule on a basket changes nothing, so they may.
        let basket = with(&form, &[("basket_sku_1", "A"), ("basket_qty_1", "1")]);
        let (status, body) = post(&mut browser, "/promotions/preview", &csrf, &basket).await;
        assert_eq!(status, 200, "{name}: {body}");
        assert!(
            body.contains(r#"id="preview-total-with">89.10<"#),
            "{name}: {body}"
        );
    }
    assert_eq!(stored(&ho).await, before);
    ho.stop().await;
}

#[tokio::test]
async fn without_the_csrf_token_no_promotion_or_loyalty_rule_changes() {
    let ho = HeadOffice::start().await;
    import_products(&ho).await;
    ho.add_console_staff().await;
    let (mut browser, csrf) = signed_in(&ho, "wang").await;
    post(
        &mut browser,
        "/promotions/new",
        &csrf,
        &promotion_form("P-A10"),
    )
    .await;
    let before = stored(&ho).await;

    let form = with(
        &promotion_form("P-A10"),
        &[("id", "P-NEW"), ("percent", "50")],
    );
    for path in [
        "/promotions/new",
        "/promotions/P-A10",
        "/promotions/preview",
    ] {
        assert_eq!(
            post(&mut browser, path, "forged", &form).await.0,
            403,
            "{path}"
        );
    }
    for path in [
        "/promotions/P-A10/end",
        "/promotions/P-A10/delete",
        "/loyalty",
    ] {
        assert_eq!(browser.post(path, &[]).await.status, 403, "{path}");
    }
    let (status, _) = post(
        &mut browser,
        "/loyalty",
        "forged",
        &[("points_per_yuan", "5".to_owned())],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(stored(&ho).await, before);
    ho.stop().await;
}

#[tokio::test]
async fn a_promotion_not_started_cannot_end_and_an_ended_one_stays_as_it_ended() {
    let ho = HeadOffice::start().await;
    import_products(&ho).await;
    ho.add_console_staff().await;
    let (mut browser, csrf) = signed_in(&ho, "qian").await;
    let later = with(
        &promotion_form("P-LATER"),
        &[("valid_from", "2098-01-01T00:00:00")],
    );
    let over = with(
        &promotion_form("P-OVER"),
        &[("valid_to", "2026-01-31T23:59:59")],
    );
    for form in [&later, &over] {
        assert_eq!(
            post(&mut browser, "/promotions/new", &csrf, form).await.0,
            303
        );
    }
    let before = stored(&ho).await;

    let refused = browser
        .post("/promotions/P-LATER/end", &[("csrf", &csrf)])
        .await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("未保存") && refused.body.contains("ends before valid_from"),
        "{}",
        refused.body
    );
    let again = browser
        .post("/promotions/P-OVER/end", &[("csrf", &csrf)])
        .await;
    assert_eq!(again.status, 303, "already over: nothing to do");
    assert_eq!(
        browser
            .post("/promotions/P-NONE/end", &[("csrf", &csrf)])
            .await
            .status,
        404
    );
    assert_eq!(stored(&ho).await, before);
    let list = browser.get("/promotions?q=P-").await.body;
    assert!(list.contains("未开始") && list.contains("已结束"), "{list}");
    ho.stop().await;
}
