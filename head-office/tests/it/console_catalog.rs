//! The console's Catalog page: who may change products, the catalog file's checks on
//! the form, the feed that carries a change to the tills, and the audit log.

use head_office::testing::Visitor;
use serde_json::Value;

use crate::common::*;

/// A product's form fields, in the catalog file's order.
fn fields(sku: &str, price: &str) -> Vec<(&'static str, String)> {
    [
        ("sku", sku),
        ("name", "鱼跃血压计袖带"),
        ("pinyin", ""),
        ("category", "血压监测"),
        ("unit", "个"),
        ("price", price),
        ("vat_rate", "0.13"),
        ("device_class", "II"),
        ("registration_no", "苏械注准20182070985"),
        ("tracking", "none"),
        ("safety_stock", "5"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

async fn post_product(
    browser: &mut Visitor,
    path: &str,
    csrf: &str,
    fields: &[(&str, String)],
) -> u16 {
    let mut form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    form.push(("csrf", csrf));
    browser.post(path, &form).await.status
}

async fn signed_in(
    ho: &HeadOffice,
    name: &str,
    role: &str,
    stores: &[String],
) -> (Visitor, String) {
    let mut browser = ho.console_user(name, role, stores).await;
    let csrf = browser.get("/catalog").await.csrf();
    (browser, csrf)
}

/// The product changes a till's pull would bring, by SKU.
async fn feed_product(ho: &HeadOffice, token: &str, sku: &str) -> Option<Value> {
    let (status, page) = ho.get(Some(token), "/v1/feed?cursor=0").await;
    assert_eq!(status, 200);
    page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|c| {
            c["data"]["sku"] == sku
                && (c["entity"] == "product" || c["entity"] == "product_deleted")
        })
        .cloned()
}

#[tokio::test]
async fn a_merchandiser_creates_and_reprices_a_product_and_the_feed_carries_it_to_the_tills() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll("S001", "T01").await;
    let (mut browser, csrf) = signed_in(&ho, "chen", "merchandiser", &[]).await;

    assert_eq!(
        post_product(
            &mut browser,
            "/catalog/new",
            &csrf,
            &fields("100024", "49.00")
        )
        .await,
        303
    );
    let created = feed_product(&ho, &token, "100024")
        .await
        .expect("in the feed");
    assert_eq!(created["data"]["price"], "49.00");
    assert_eq!(
        created["data"]["pinyin"], "yyxyjxd",
        "filled in as an import does"
    );

    assert_eq!(
        post_product(
            &mut browser,
            "/catalog/100024",
            &csrf,
            &fields("100024", "45.50")
        )
        .await,
        303
    );
    let changed = feed_product(&ho, &token, "100024").await.unwrap();
    assert_eq!(changed["data"]["price"], "45.50");
    let page = browser.get("/catalog?find=yyxy").await;
    assert!(
        page.body.contains("45.50"),
        "found by pinyin: {}",
        page.body
    );

    let log = ho
        .client()
        .await
        .query(
            "SELECT action, before->>'price', after->>'price' FROM audit_log ORDER BY id",
            &[],
        )
        .await
        .unwrap();
    let log: Vec<(String, Option<String>, Option<String>)> =
        log.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    assert_eq!(
        log,
        [
            ("product.create".into(), None, Some("49.00".into())),
            (
                "product.update".into(),
                Some("49.00".into()),
                Some("45.50".into())
            ),
        ]
    );
    ho.stop().await;
}

#[tokio::test]
async fn a_bad_field_gets_the_form_back_with_the_catalog_files_reason_and_changes_nothing() {
    let ho = HeadOffice::start().await;
    let (mut browser, csrf) = signed_in(&ho, "chen", "merchandiser", &[]).await;
    post_product(
        &mut browser,
        "/catalog/new",
        &csrf,
        &fields("100024", "49.00"),
    )
    .await;
    let before = ho.snapshot().await;
    let audited = ho.changes_audited().await;

    for (field, value, reason) in [
        ("price", "-1", "price"),
        ("price", "49.001", "price"),
        ("tracking", "box", "none, lot or serial"),
        ("device_class", "IV", "I, II, III"),
        ("name", "", "name"),
    ] {
        let mut form = fields("100024", "49.00");
        form.iter_mut().find(|(k, _)| *k == field).unwrap().1 = value.into();
        let mut posted: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        posted.push(("csrf", &csrf));
        let answer = browser.post("/catalog/100024", &posted).await;
        assert_eq!(answer.status, 400, "{field}={value}");
        assert!(
            answer.body.contains("未保存") && answer.body.contains(reason),
            "{field}={value}: {}",
            answer.body
        );
        assert!(
            answer.body.contains(&format!("value=\"{value}\"")),
            "the form keeps what was typed"
        );
    }
    assert_eq!(
        post_product(
            &mut browser,
            "/catalog/new",
            &csrf,
            &fields("100024", "10.00")
        )
        .await,
        400,
        "a SKU that exists is not created twice"
    );
    assert_eq!(ho.snapshot().await, before);
    assert_eq!(ho.changes_audited().await, audited);
    ho.stop().await;
}

#[tokio::test]
async fn store_managers_and_auditors_read_the_catalog_but_change_nothing() {
    let ho = HeadOffice::start().await;
    let (mut merchandiser, csrf) = signed_in(&ho, "chen", "merchandiser", &[]).await;
    post_product(
        &mut merchandiser,
        "/catalog/new",
        &csrf,
        &fields("100024", "49.00"),
    )
    .await;
    for (name, role, stores) in [
        ("li", "store_manager", vec!["S001".to_owned()]),
        ("zhao", "auditor", vec![]),
    ] {
        let (mut browser, csrf) = signed_in(&ho, name, role, &stores).await;
        let page = browser.get("/catalog/100024").await;
        assert_eq!(page.status, 200);
        assert!(!page.body.contains("保存") && page.body.contains("readonly"));
        assert_eq!(browser.get("/catalog/new").await.status, 403);
        assert_eq!(
            post_product(
                &mut browser,
                "/catalog/100024",
                &csrf,
                &fields("100024", "1.00")
            )
            .await,
            403,
            "{role}"
        );
        let gone = browser
            .post("/catalog/100024/deactivate", &[("csrf", &csrf)])
            .await;
        assert_eq!(gone.status, 403, "{role}");
    }
    let price: String = ho
        .client()
        .await
        .query_one(
            "SELECT data->>'price' FROM products WHERE sku = '100024'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(price, "49.00");
    ho.stop().await;
}

#[tokio::test]
async fn without_the_csrf_token_no_product_changes() {
    let ho = HeadOffice::start().await;
    let (mut browser, csrf) = signed_in(&ho, "chen", "admin", &[]).await;
    post_product(
        &mut browser,
        "/catalog/new",
        &csrf,
        &fields("100024", "49.00"),
    )
    .await;
    let before = ho.snapshot().await;
    assert_eq!(
        post_product(
            &mut browser,
            "/catalog/100024",
            "forged",
            &fields("100024", "1.00")
        )
        .await,
        403
    );
    assert_eq!(
        browser.post("/catalog/100024/deactivate", &[]).await.status,
        403
    );
    assert_eq!(ho.snapshot().await, before);
    ho.stop().await;
}

#[tokio::test]
async fn a_deactivated_product_leaves_the_tills_through_the_feed_and_the_log_keeps_it() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll("S001", "T01").await;
    let (mut browser, csrf) = signed_in(&ho, "chen", "merchandiser", &[]).await;
    post_product(
        &mut browser,
        "/catalog/new",
        &csrf,
        &fields("100024", "49.00"),
    )
    .await;
    let gone = browser
        .post("/catalog/100024/deactivate", &[("csrf", &csrf)])
        .await;
    assert_eq!(gone.status, 303);
    assert_eq!(
        feed_product(&ho, &token, "100024").await.unwrap()["entity"],
        "product_deleted"
    );
    assert_eq!(browser.get("/catalog/100024").await.status, 404);
    let before: Value = ho
        .client()
        .await
        .query_one(
            "SELECT before FROM audit_log WHERE action = 'product.deactivate'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(before["price"], "49.00");
    ho.stop().await;
}
