//! Issue 13 across head office and a real till: an organisation entered twice, merged
//! by an admin in the console, leaves the till at its next pull (the survivor stays,
//! with the merged one's departments); the chain's tier names set by a merchandiser on
//! `/loyalty` reach the till with the loyalty rules.

use head_office::console::users::add_user;
use head_office::testing::Visitor;
use pos_core::member::Tier;
use tests::head_office::TestHeadOffice;

const CODE_1: &str = "91310000MA1FL0001R";
const CODE_2: &str = "91310000MA1FL0002W";

async fn signed_in(ho: &TestHeadOffice, name: &str, role: &str) -> (Visitor, String) {
    add_user(&**ho.client().await, name, role, &[], "correct horse 7")
        .await
        .unwrap();
    let mut browser = Visitor::new(&ho.url());
    assert_eq!(browser.sign_in(name, "correct horse 7").await.status, 303);
    let csrf = browser.get("/organisations").await.csrf();
    (browser, csrf)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_merged_in_the_console_leaves_the_till_and_its_survivor_stays() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S001"]).await;
    let (mut admin, csrf) = signed_in(&ho, "wang", "admin").await;
    for (name, code, departments) in [
        ("上海仁济医疗器械有限公司", CODE_1, "心内科"),
        ("上海 仁济医疗器械公司", CODE_2, "骨科"),
    ] {
        let created = admin
            .post(
                "/organisations/new",
                &[
                    ("csrf", csrf.as_str()),
                    ("name", name),
                    ("credit_code", code),
                    ("kind", "other"),
                    ("departments", departments),
                ],
            )
            .await;
        assert_eq!(created.status, 303, "{}", created.body);
    }
    let till = ho.enrolled_till("S001", "T01", ho.url()).await;
    till.drain().await;
    assert_eq!(till.open().find_organisations("仁济").unwrap().len(), 2);

    let run = head_office::duplicates::schedule::search_all(&**ho.client().await)
        .await
        .unwrap();
    assert_eq!(run.organisations.proposed, 1);
    let proposal: i64 = ho
        .client()
        .await
        .query_one("SELECT id FROM organisation_duplicate_proposals", &[])
        .await
        .unwrap()
        .get(0);
    let merged = admin
        .post(
            &format!("/organisation-duplicates/{proposal}/merge"),
            &[
                ("csrf", csrf.as_str()),
                ("survivor", "ORG000001"),
                ("reason", "同一家公司录入了两次"),
            ],
        )
        .await;
    assert_eq!(merged.status, 303, "{}", merged.body);

    till.drain().await;
    let t = till.open();
    let left = t.find_organisations("仁济").unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].id, "ORG000001");
    assert_eq!(left[0].departments, ["心内科", "骨科"]);
    assert!(t.find_organisations(CODE_2).unwrap().is_empty());
    ho.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chains_tier_names_set_by_a_merchandiser_reach_the_till() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S001"]).await;
    let (mut qian, csrf) = signed_in(&ho, "qian", "merchandiser").await;
    let mut form: Vec<(&str, &str)> = vec![
        ("csrf", csrf.as_str()),
        ("points_per_yuan", "1"),
        ("multiplier_standard", "1"),
        ("multiplier_gold", "1.2"),
        ("multiplier_platinum", "1.5"),
        ("multiplier_diamond", "2"),
        ("points_per_yuan_redeemed", "100"),
        ("redeem_cap_fraction", "0.5"),
        ("offline_daily_redeem_limit", "5000"),
        ("approval_threshold_points", "2000"),
        ("tier_threshold_gold", "800"),
    ];
    form.extend([
        ("tier_label_zh_gold", "银卡"),
        ("tier_label_en_gold", "Silver"),
    ]);
    let saved = qian.post("/loyalty", &form).await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    let till = ho.enrolled_till("S001", "T01", ho.url()).await;
    till.drain().await;
    let rules = till.store().loyalty_rules().unwrap();
    assert_eq!(rules.tiers.chain_label(Tier::Gold, "zh-CN"), Some("银卡"));
    assert_eq!(rules.tiers.chain_label(Tier::Gold, "en"), Some("Silver"));
    assert_eq!(rules.tiers.chain_label(Tier::Diamond, "zh-CN"), None);
    assert_eq!(
        rules.tiers.thresholds[0],
        Some(rust_decimal::Decimal::from(800))
    );
    ho.stop().await;
}
