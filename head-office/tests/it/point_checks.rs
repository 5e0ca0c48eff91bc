//! Head office works out every member sale's points again from its lines and the rules
//! of its moment, with its own tier of the member: a till that gives more (or fewer)
//! points is flagged for review, its figure kept; the console lists the flag and a
//! person marks it reviewed, audited.

use chrono::Utc;
use pos_domain::document::DocumentBody;
use pos_domain::member::LoyaltyRules;

use crate::common::*;

async fn flags(ho: &HeadOffice) -> Vec<(String, i64, i64)> {
    ho.client()
        .await
        .query(
            "SELECT member_id, claimed, computed FROM point_reviews
             WHERE reviewed_at IS NULL ORDER BY claimed",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

#[tokio::test]
async fn a_sale_whose_points_differ_from_the_rules_is_flagged_and_its_points_kept() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13812345678", 0).await;
    let till = ho.enroll("S001", "T01").await;
    // 100.00 paid: the tills' default rules give 100 points to a standard member.
    let sale_of = |sequence, earned| {
        document(
            "S001",
            "T01",
            sequence,
            DocumentBody::Sale(sale(&[item("CUFF", 1, "100.00")], Some("M1"), earned, 0)),
        )
    };
    let fair = sale_of(1, 100);
    let greedy = sale_of(2, 500);
    all_accepted(
        &ho.submit(&till, &batch("S001", "T01", vec![fair, greedy.clone()]))
            .await,
    );
    assert_eq!(flags(&ho).await, vec![("M1".into(), 500, 100)]);
    assert_eq!(
        ho.balance("M1").await,
        Some(600),
        "the till's figure is kept"
    );

    // New rules (2 points a yuan) from now: a sale under them is fair, and so is one
    // under the old rules within the day a till may take to pull them.
    let doubled = LoyaltyRules {
        points_per_yuan: 2.into(),
        ..LoyaltyRules::default()
    };
    head_office::catalog::set_loyalty_rules(&mut *ho.client().await, &doubled)
        .await
        .unwrap();
    let mut under_new = sale_of(3, 200);
    under_new.created_at = Utc::now() + chrono::Duration::minutes(1);
    let mut not_pulled_yet = sale_of(4, 100);
    not_pulled_yet.created_at = Utc::now() + chrono::Duration::minutes(2);
    let mut two_days_on = sale_of(5, 100);
    two_days_on.created_at = Utc::now() + chrono::Duration::days(2);
    all_accepted(
        &ho.submit(
            &till,
            &batch("S001", "T01", vec![under_new, not_pulled_yet, two_days_on]),
        )
        .await,
    );
    assert_eq!(
        flags(&ho).await,
        vec![("M1".into(), 100, 200), ("M1".into(), 500, 100)],
        "only the sale two days after the new rules, and the greedy one"
    );

    // The tills page lists them; an admin marks one reviewed, once, audited.
    let mut wang = ho.signed_in("wang").await;
    let page = wang.get("/tills").await;
    assert!(page.body.contains(&greedy.id.to_string()), "{}", page.body);
    let path = format!("/tills/points/{}/review", greedy.id);
    let done = wang.post(&path, &[("csrf", &page.csrf())]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let again = wang.post(&path, &[("csrf", &page.csrf())]).await;
    assert_eq!(again.status, 303);
    assert!(again.location.unwrap().contains("already="));
    assert_eq!(flags(&ho).await, vec![("M1".into(), 100, 200)]);
    let audited: i64 = ho
        .client()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'points.review'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 1);
    ho.stop().await;
}
