//! A promotion tried on an example basket before it is saved, and the loyalty rules:
//! checked by the domain, audited, and sent to the tills.

use crate::common::*;
use crate::console_promotions::{
    audit_rows, feed_change, import_products, post, promotion_form, signed_in, stored, with,
};

#[tokio::test]
async fn the_preview_prices_a_basket_with_the_rule_as_edited_and_without_it() {
    let ho = HeadOffice::start().await;
    import_products(&ho).await;
    ho.add_console_staff().await;
    let (mut browser, csrf) = signed_in(&ho, "qian").await;
    // A saved rule the preview keeps in both pricings: 2 off each unit of strips.
    let strips = with(
        &promotion_form("P-B2"),
        &[
            ("name", "试纸立减"),
            ("kind", "amount_off"),
            ("target_by", "category"),
            ("target_value", "strip"),
            ("amount", "2"),
            ("stackable", "true"),
        ],
    );
    assert_eq!(
        post(&mut browser, "/promotions/new", &csrf, &strips)
            .await
            .0,
        303
    );
    let before = stored(&ho).await;

    let basket = [
        ("basket_sku_1", "A"),
        ("basket_qty_1", "2"),
        ("basket_sku_2", "B"),
        ("basket_qty_2", "3"),
    ];
    // An unsaved draft: 10% off A. A: 198.00 - 19.80 = 178.20; B: 37.50 - 6.00 = 31.50.
    let draft = with(&promotion_form("P-A10"), &basket);
    let (status, body) = post(&mut browser, "/promotions/preview", &csrf, &draft).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains(r#"id="preview-total-without">229.50<"#),
        "{body}"
    );
    assert!(
        body.contains(r#"id="preview-discount-with">25.80<"#),
        "{body}"
    );
    assert!(
        body.contains(r#"id="preview-total-with">209.70<"#),
        "{body}"
    );
    assert!(
        body.contains("血压计九折 (P-A10)") && body.contains("试纸立减 (P-B2)"),
        "{body}"
    );

    // A member price for gold and above: a gold member pays 88.00 per unit, no member
    // pays list.
    let member_price = with(
        &promotion_form("P-GOLD"),
        &[
            ("kind", "tier_price"),
            ("sku", "A"),
            ("tier", "gold"),
            ("price", "88.00"),
            ("basket_sku_1", "A"),
            ("basket_qty_1", "2"),
        ],
    );
    let (_, body) = post(
        &mut browser,
        "/promotions/preview",
        &csrf,
        &with(&member_price, &[("basket_tier", "platinum")]),
    )
    .await;
    assert!(
        body.contains(r#"id="preview-total-with">176.00<"#),
        "{body}"
    );
    let (_, body) = post(&mut browser, "/promotions/preview", &csrf, &member_price).await;
    assert!(
        body.contains(r#"id="preview-total-with">198.00<"#),
        "{body}"
    );

    // A promotion that starts later is tried at its start; a moment typed is used.
    let later = with(&draft, &[("valid_from", "2098-01-01T00:00:00")]);
    let (_, body) = post(&mut browser, "/promotions/preview", &csrf, &later).await;
    assert!(
        body.contains("2098-01-01 00:00:00") && body.contains(r#"id="preview-total-with">209.70<"#),
        "{body}"
    );
    let (_, body) = post(
        &mut browser,
        "/promotions/preview",
        &csrf,
        &with(&later, &[("basket_at", "2097-06-01T10:00:00")]),
    )
    .await;
    assert!(
        body.contains(r#"id="preview-total-with">229.50<"#),
        "not started then: {body}"
    );

    for (changes, reason) in [
        (
            vec![("basket_sku_2", "NOPE")],
            "第 2 行：商品 NOPE 不在商品目录中",
        ),
        (vec![("basket_qty_1", "0")], "quantity 0"),
        (vec![("basket_qty_1", "-1")], "第 1 行：数量“-1”"),
        (
            vec![
                ("basket_sku_1", ""),
                ("basket_qty_1", ""),
                ("basket_sku_2", ""),
                ("basket_qty_2", ""),
            ],
            "至少填写一行",
        ),
        (vec![("percent", "-5")], "percent must be above 0"),
    ] {
        let (status, body) = post(
            &mut browser,
            "/promotions/preview",
            &csrf,
            &with(&draft, &changes),
        )
        .await;
        assert_eq!(status, 400, "{changes:?}");
        assert!(
            body.contains(reason) && !body.contains("preview-total-with"),
            "{changes:?}: {body}"
        );
    }
    assert_eq!(stored(&ho).await, before, "a preview stores nothing");
    ho.stop().await;
}

fn loyalty_form(points_per_yuan: &str, cap: &str) -> Vec<(&'static str, String)> {
    [
        ("points_per_yuan", points_per_yuan),
        ("multiplier_standard", "1"),
        ("multiplier_gold", "1.2"),
        ("multiplier_platinum", "1.5"),
        ("multiplier_diamond", "2"),
        ("points_per_yuan_redeemed", "100"),
        ("redeem_cap_fraction", cap),
        ("offline_daily_redeem_limit", "5000"),
        ("approval_threshold_points", "2000"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

#[tokio::test]
async fn loyalty_rules_are_checked_audited_and_sent_to_the_tills() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll("S001", "T01").await;
    ho.add_console_staff().await;
    let (mut browser, csrf) = signed_in(&ho, "qian").await;
    let page = browser.get("/loyalty").await;
    assert!(
        page.body.contains("默认值")
            && page
                .body
                .contains(r#"name="points_per_yuan_redeemed" value="100""#),
        "{}",
        page.body
    );

    let before = stored(&ho).await;
    for (form, field) in [
        (loyalty_form("1", "1.5"), "redeem_cap_fraction"),
        (loyalty_form("-1", "0.5"), "points_per_yuan"),
        (loyalty_form("lots", "0.5"), "points_per_yuan"),
        (
            with(
                &loyalty_form("1", "0.5"),
                &[("approval_threshold_points", "99999999999999999999")],
            ),
            "approval_threshold_points",
        ),
    ] {
        let (status, body) = post(&mut browser, "/loyalty", &csrf, &form).await;
        assert_eq!(status, 400);
        assert!(
            body.contains("未保存") && body.contains(&format!("`{field}`")),
            "{field}: {body}"
        );
    }
    assert_eq!(stored(&ho).await, before);

    let (status, _) = post(&mut browser, "/loyalty", &csrf, &loyalty_form("2", "0.3")).await;
    assert_eq!(status, 303);
    let sent = feed_change(&ho, &token, &["loyalty_rules"], "")
        .await
        .expect("in the feed");
    assert_eq!(sent["data"]["points_per_yuan"], "2");
    assert_eq!(sent["data"]["redeem_cap_fraction"], "0.3");
    let page = browser.get("/loyalty?saved=1").await;
    assert!(
        page.body.contains(r#"name="points_per_yuan" value="2""#) && !page.body.contains("默认值")
    );

    let log = audit_rows(&ho).await;
    assert_eq!(log.len(), 1);
    let (user, action, _, before, after) = &log[0];
    assert_eq!((user.as_str(), action.as_str()), ("qian", "loyalty.update"));
    assert!(before.is_none());
    assert_eq!(after.as_ref().unwrap()["points_per_yuan"], "2");
    ho.stop().await;
}
