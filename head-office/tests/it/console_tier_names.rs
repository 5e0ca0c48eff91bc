//! The chain's own tier names (issue 13): set with the thresholds on `/loyalty` by a
//! merchandiser (the role that sets prices, promotions and loyalty), audited and listed
//! in the page's history, sent to the tills in the loyalty rules; a bad name is refused
//! naming its field; store managers and auditors may not change them.

use pos_domain::member::{LoyaltyRules, Tier};
use rust_decimal::Decimal;

use crate::common::*;
use crate::console_promotions::{feed_change, post, signed_in, stored};

/// The whole form: the default rules, thresholds for gold and platinum, and `names`
/// as (field, value) for the tier-name fields given.
fn form(names: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = [
        ("points_per_yuan", "1"),
        ("multiplier_standard", "1"),
        ("multiplier_gold", "1.2"),
        ("multiplier_platinum", "1.5"),
        ("multiplier_diamond", "2"),
        ("points_per_yuan_redeemed", "100"),
        ("redeem_cap_fraction", "0.5"),
        ("offline_daily_redeem_limit", "5000"),
        ("approval_threshold_points", "2000"),
        ("tier_window_days", "365"),
        ("tier_review_days", "365"),
        ("tier_threshold_gold", "1000"),
        ("tier_threshold_platinum", "5000"),
        ("tier_threshold_diamond", ""),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect();
    fields.extend(names.iter().map(|(k, v)| (*k, (*v).to_owned())));
    fields
}

async fn sent_rules(ho: &HeadOffice, token: &str) -> LoyaltyRules {
    let change = feed_change(ho, token, &["loyalty_rules"], "")
        .await
        .expect("the rules in the feed");
    serde_json::from_value(change["data"].clone()).unwrap()
}

#[tokio::test]
async fn a_merchandiser_names_the_tiers_and_sets_thresholds_and_the_tills_get_them() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll("S001", "T01").await;
    ho.add_console_staff().await;
    let (mut qian, csrf) = signed_in(&ho, "qian").await;
    let page = qian.get("/loyalty").await;
    assert_eq!(page.status, 200);
    for shown in [
        r#"name="tier_label_zh_gold" value="" placeholder="金卡""#,
        r#"name="tier_label_en_diamond" value="" placeholder="Diamond""#,
        "积分规则还没有修改过",
    ] {
        assert!(page.body.contains(shown), "{shown} in {}", page.body);
    }

    // A bad name is refused, naming its field; nothing is stored.
    let before = stored(&ho).await;
    for (names, field) in [
        (
            vec![("tier_label_zh_gold", "超级无敌至尊金卡会员专享等级")],
            "tier_label_zh_gold",
        ),
        (
            vec![("tier_label_zh_gold", "钻石")],
            "tier_label_zh_diamond",
        ),
    ] {
        let (status, body) = post(&mut qian, "/loyalty", &csrf, &form(&names)).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.contains(&format!("`{field}`")), "{field}: {body}");
    }
    assert_eq!(stored(&ho).await, before);

    let names = [
        ("tier_label_zh_gold", "银卡"),
        ("tier_label_en_gold", "Silver"),
        ("tier_label_zh_platinum", "金卡会员"),
    ];
    let (status, body) = post(&mut qian, "/loyalty", &csrf, &form(&names)).await;
    assert_eq!(status, 303, "a merchandiser saves: {body}");
    let rules = sent_rules(&ho, &token).await;
    assert_eq!(
        rules.tiers.thresholds,
        [Some(Decimal::from(1000)), Some(Decimal::from(5000)), None]
    );
    assert_eq!(rules.tiers.chain_label(Tier::Gold, "zh-CN"), Some("银卡"));
    assert_eq!(rules.tiers.chain_label(Tier::Gold, "en"), Some("Silver"));
    assert_eq!(
        rules.tiers.chain_label(Tier::Platinum, "zh-CN"),
        Some("金卡会员")
    );
    assert_eq!(rules.tiers.chain_label(Tier::Platinum, "en"), None);
    assert_eq!(rules.tiers.chain_label(Tier::Diamond, "zh-CN"), None);

    // The page reads them back, with the change in its history; the log has it whole.
    let page = qian.get("/loyalty?saved=1").await;
    for shown in [
        r#"name="tier_label_zh_gold" value="银卡""#,
        r#"name="tier_label_en_gold" value="Silver""#,
        r#"name="tier_threshold_gold" value="1000""#,
        "tiers.labels",
        "tiers.thresholds",
        "qian",
    ] {
        assert!(page.body.contains(shown), "{shown} in {}", page.body);
    }
    let after: serde_json::Value = ho
        .client()
        .await
        .query_one(
            "SELECT after FROM audit_log WHERE action = 'loyalty.update' AND user_name = 'qian'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(after["tiers"]["labels"][0]["zh_cn"], "银卡");

    // Renamed again: the tills get the new name, the history both changes.
    let renamed = [("tier_label_zh_gold", "白银卡")];
    let (status, _) = post(&mut qian, "/loyalty", &csrf, &form(&renamed)).await;
    assert_eq!(status, 303);
    let rules = sent_rules(&ho, &token).await;
    assert_eq!(rules.tiers.chain_label(Tier::Gold, "zh-CN"), Some("白银卡"));
    assert_eq!(rules.tiers.chain_label(Tier::Gold, "en"), None);
    let page = qian.get("/loyalty").await;
    assert_eq!(
        page.body.matches("<td>qian</td>").count(),
        2,
        "{}",
        page.body
    );

    // Store managers and auditors read the names but change nothing.
    let before = stored(&ho).await;
    for name in ["li", "zhao"] {
        let (mut browser, csrf) = signed_in(&ho, name).await;
        let page = browser.get("/loyalty").await;
        assert!(
            page.body
                .contains(r#"name="tier_label_zh_gold" value="白银卡""#)
                && page.body.contains("readonly"),
            "{name}"
        );
        let (status, _) = post(
            &mut browser,
            "/loyalty",
            &csrf,
            &form(&[("tier_label_zh_gold", "铜卡")]),
        )
        .await;
        assert_eq!(status, 403, "{name}");
    }
    assert_eq!(stored(&ho).await, before);
    ho.stop().await;
}
