//! Tiers by spend: a sale that takes a member's spend over the window past a higher
//! tier's threshold raises the tier in ingest's transaction and the feed sends the
//! member; a downgrade waits for the review date (the review run, the day passed in);
//! every change is kept with why and by whom and shown on the member's page; the rules
//! are set in the console, audited, and sent down the feed.

use chrono::{Duration, TimeZone, Utc};
use head_office::tiers::review::review;
use head_office::tiers::schedule::review_if_due;
use pos_domain::document::DocumentBody;
use pos_domain::member::{LoyaltyRules, Tier, TierRules};
use rust_decimal::Decimal;

use crate::common::*;
use crate::console_promotions::feed_change;

fn rules() -> LoyaltyRules {
    LoyaltyRules {
        tiers: TierRules {
            window_days: 30,
            review_days: 365,
            thresholds: [Some(Decimal::from(100)), Some(Decimal::from(500)), None],
            ..TierRules::default()
        },
        ..LoyaltyRules::default()
    }
}

async fn tier(ho: &HeadOffice, id: &str) -> (String, Option<chrono::NaiveDate>) {
    let row = ho
        .client()
        .await
        .query_one(
            "SELECT tier, tier_review_on FROM members WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

async fn changes(ho: &HeadOffice, id: &str) -> Vec<(String, String, String, String)> {
    ho.client()
        .await
        .query(
            "SELECT from_tier, to_tier, reason, changed_by FROM member_tier_changes
             WHERE member_id = $1 ORDER BY id",
            &[&id],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

fn cash_sale(sequence: u64, amount: &str, points: i64) -> pos_domain::document::Document {
    document(
        "S001",
        "T01",
        sequence,
        DocumentBody::Sale(sale(&[item("CUFF", 1, amount)], Some("M1"), points, 0)),
    )
}

#[tokio::test]
async fn spend_past_a_threshold_raises_the_tier_at_once_and_a_downgrade_waits_for_the_review() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13812345678", 5000).await;
    head_office::catalog::set_loyalty_rules(&mut *ho.client().await, &rules())
        .await
        .unwrap();
    let till = ho.enroll("S001", "T01").await;

    all_accepted(
        &ho.submit(
            &till,
            &batch("S001", "T01", vec![cash_sale(1, "60.00", 60)]),
        )
        .await,
    );
    assert_eq!(tier(&ho, "M1").await.0, "standard", "60 of 100");

    // 60 + 50 paid in cash, 30 more with points (not counted): 110 reaches gold.
    let mut second = sale(&[item("CUFF", 1, "80.00")], Some("M1"), 50, 3000);
    second.points_earned = 50;
    let second = document("S001", "T01", 2, DocumentBody::Sale(second));
    all_accepted(
        &ho.submit(&till, &batch("S001", "T01", vec![second.clone()]))
            .await,
    );
    let review_on = business_date() + Duration::days(365);
    assert_eq!(tier(&ho, "M1").await, ("gold".into(), Some(review_on)));
    let recorded = ho
        .client()
        .await
        .query_one(
            "SELECT document_id, window_spend::text FROM member_tier_changes WHERE member_id = 'M1'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(recorded.get::<_, uuid::Uuid>(0), second.id);
    assert_eq!(recorded.get::<_, String>(1), "110.00");
    let sent = feed_change(&ho, &till, &["member"], "M1").await.unwrap();
    assert_eq!(sent["data"]["tier"], "gold", "{sent}");

    // A till that has not pulled the upgrade yet rings the member up as standard: fewer
    // points than gold gives, not flagged. A return takes spend back but never lowers
    // the tier before the review.
    let ret = document(
        "S001",
        "T01",
        4,
        DocumentBody::Return(return_of(
            Some(second.id),
            &[item("CUFF", 1, "50.00")],
            Some("M1"),
            50,
        )),
    );
    all_accepted(
        &ho.submit(
            &till,
            &batch("S001", "T01", vec![cash_sale(3, "10.00", 10), ret]),
        )
        .await,
    );
    let flagged: i64 = ho
        .client()
        .await
        .query_one("SELECT count(*) FROM point_reviews", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        flagged, 0,
        "a sale under the tier the till still had is fair"
    );
    assert_eq!(tier(&ho, "M1").await.0, "gold");

    // A member whose gold came from an import gets a first review date, not a downgrade.
    ho.import_member("M2", "13812345679", 0).await;
    ho.client()
        .await
        .execute("UPDATE members SET tier = 'gold' WHERE id = 'M2'", &[])
        .await
        .unwrap();
    let now = Utc::now();
    let mut client = ho.client().await;
    let early = review(
        &mut client,
        now,
        business_date() + Duration::days(30),
        "command:test",
    )
    .await
    .unwrap();
    assert_eq!(
        (early.reviewed, early.downgraded.len(), early.dated),
        (0, 0, 1)
    );
    assert_eq!(tier(&ho, "M1").await.0, "gold", "before the review date");

    // At the review date the window (30 days) holds no spend: M1 falls to standard.
    let due = review(&mut client, now, review_on, "command:test")
        .await
        .unwrap();
    assert_eq!((due.reviewed, due.downgraded.len()), (1, 1));
    assert_eq!(
        tier(&ho, "M1").await,
        ("standard".into(), Some(review_on + Duration::days(365)))
    );
    assert_eq!(
        changes(&ho, "M1").await,
        vec![
            (
                "standard".into(),
                "gold".into(),
                "spend".into(),
                "ingest".into()
            ),
            (
                "gold".into(),
                "standard".into(),
                "review".into(),
                "command:test".into()
            ),
        ]
    );
    let sent = feed_change(&ho, &till, &["member"], "M1").await.unwrap();
    assert_eq!(sent["data"]["tier"], "standard", "{sent}");
    assert_eq!(
        tier(&ho, "M2").await.0,
        "gold",
        "M2's first review is a year on"
    );
    drop(client);
    ho.stop().await;
}

#[tokio::test]
async fn the_review_runs_once_a_day_after_its_hour_and_not_while_tiers_are_off() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13812345678", 0).await;
    ho.client()
        .await
        .execute(
            "UPDATE members SET tier = 'platinum', tier_review_on = '2026-01-01' WHERE id = 'M1'",
            &[],
        )
        .await
        .unwrap();
    let mut client = ho.client().await;
    // 03:00 in the chain is 19:00 UTC the day before.
    let at = |d, h| Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap();
    let off = review_if_due(&mut client, at(5, 19), 3).await.unwrap();
    assert_eq!(
        off.map(|s| s.reviewed),
        Some(0),
        "a run, but no tiers by spend"
    );
    assert_eq!(tier(&ho, "M1").await.0, "platinum");

    head_office::catalog::set_loyalty_rules(&mut client, &rules())
        .await
        .unwrap();
    assert!(
        review_if_due(&mut client, at(5, 20), 3)
            .await
            .unwrap()
            .is_none(),
        "ran today"
    );
    assert!(
        review_if_due(&mut client, at(6, 18), 3)
            .await
            .unwrap()
            .is_none(),
        "02:00"
    );
    let run = review_if_due(&mut client, at(6, 19), 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.downgraded.len(), 1);
    assert_eq!(run.downgraded[0].to, Tier::Standard);
    assert_eq!(changes(&ho, "M1").await[0].3, "schedule");
    drop(client);
    ho.stop().await;
}

#[tokio::test]
async fn an_admin_sets_tier_thresholds_in_the_console_audited_and_sees_a_members_changes() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13812345678", 0).await;
    let token = ho.enroll("S001", "T01").await;
    let mut wang = ho.signed_in("wang").await;
    let page = wang.get("/loyalty").await;
    assert!(page.body.contains("tier_threshold_gold"), "{}", page.body);
    let csrf = page.csrf();
    let mut form: Vec<(String, String)> = pos_domain::loyalty_rules::LOYALTY_FIELDS
        .iter()
        .zip(pos_domain::loyalty_rules::loyalty_rules_to_fields(&rules()))
        .map(|(f, v)| (f.to_string(), v))
        .collect();
    form.push(("csrf".into(), csrf.clone()));
    let mut bad = form.clone();
    bad.iter_mut()
        .find(|(f, _)| f == "tier_threshold_platinum")
        .unwrap()
        .1 = "90".into();
    let refs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = wang.post("/loyalty", &refs).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("tier_threshold_platinum"),
        "{}",
        refused.body
    );

    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(wang.post("/loyalty", &refs).await.status, 303);
    let audited: i64 = ho
        .client()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'loyalty.update'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 1);
    let sent = feed_change(&ho, &token, &["loyalty_rules"], "")
        .await
        .unwrap();
    assert_eq!(sent["data"]["tiers"]["thresholds"][0], "100", "{sent}");

    all_accepted(
        &ho.submit(
            &token,
            &batch("S001", "T01", vec![cash_sale(1, "120.00", 120)]),
        )
        .await,
    );
    let member = wang.get("/members/M1").await;
    assert!(member.body.contains("tier-changes"), "{}", member.body);
    assert!(member.body.contains("消费达到升级门槛"), "{}", member.body);
    ho.stop().await;
}

#[tokio::test]
async fn head_office_tiers_reviews_as_of_the_day_given_and_prints_each_member_lowered() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13812345678", 0).await;
    head_office::catalog::set_loyalty_rules(&mut *ho.client().await, &rules())
        .await
        .unwrap();
    ho.client()
        .await
        .execute(
            "UPDATE members SET tier = 'gold', tier_review_on = '2027-01-01' WHERE id = 'M1'",
            &[],
        )
        .await
        .unwrap();
    let tiers_as_of = |day: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_head-office"))
            .args(["tiers", "--as-of", day])
            .env("DATABASE_URL", &ho.database_url)
            .output()
            .unwrap()
    };
    let early = tiers_as_of("2026-12-31");
    assert!(early.status.success());
    assert!(String::from_utf8_lossy(&early.stdout).contains("0 members due, 0 lowered"));
    assert_eq!(tier(&ho, "M1").await.0, "gold");
    let due = tiers_as_of("2027-01-01");
    let printed = String::from_utf8_lossy(&due.stdout).to_string();
    assert!(printed.contains("1 members due, 1 lowered"), "{printed}");
    assert!(printed.contains("M1  gold -> standard"), "{printed}");
    assert_eq!(tier(&ho, "M1").await.0, "standard");
    assert!(changes(&ho, "M1").await[0].3.starts_with("command:"));
    ho.stop().await;
}
