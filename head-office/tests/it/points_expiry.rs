//! Points expiry at head office: while the rules set an expiry, the points each sale
//! earns go into the member's lot for their last day (31 December of the year after,
//! with one year); points are spent oldest first (a balance imported before is the
//! oldest and never lapses); the expiry run takes what is left of the lapsed lots off
//! on the day after their last day, once, writes the ledger and tells the tills.

use chrono::{NaiveDate, TimeZone, Utc};
use head_office::points_expiry::run::{ExpirySummary, expire};
use head_office::points_expiry::schedule::expire_if_due;
use pos_domain::document::{Document, DocumentBody};
use pos_domain::member::LoyaltyRules;
use pos_domain::points_expiry::ExpiringPoints;
use pos_domain::protocol::{Change, FeedPage};

use crate::common::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A cash sale to `member` on `date` earning `earned` and redeeming `redeemed` points.
fn sale_on(sequence: u64, date: NaiveDate, member: &str, earned: i64, redeemed: i64) -> Document {
    let body = DocumentBody::Sale(sale(
        &[item("CUFF", 1, "10.00")],
        Some(member),
        earned,
        redeemed,
    ));
    let mut doc = document("S001", "T01", sequence, body);
    doc.business_date = date;
    doc.created_at = Utc
        .from_local_datetime(&date.and_hms_opt(2, 0, 0).unwrap())
        .unwrap();
    doc
}

async fn set_expiry(ho: &HeadOffice, years: u32) {
    let rules = LoyaltyRules {
        points_expiry_years: years,
        ..LoyaltyRules::default()
    };
    head_office::catalog::set_loyalty_rules(&mut *ho.client().await, &rules)
        .await
        .unwrap();
}

/// The member's points still to lapse as the tills were last sent them.
async fn sent_expiring(ho: &HeadOffice, token: &str, member: &str) -> Option<Vec<ExpiringPoints>> {
    let (status, body) = ho.get(Some(token), "/v1/feed?cursor=0&limit=1000").await;
    assert_eq!(status, 200, "{body}");
    let page: FeedPage = serde_json::from_value(body).unwrap();
    page.changes.into_iter().rev().find_map(|c| match c.change {
        Change::MemberPointsExpiring {
            member_id,
            expiring,
        } if member_id == member => Some(expiring),
        _ => None,
    })
}

/// The member's expiry entries: points, balance after, store, operator, reason.
async fn expire_entries(ho: &HeadOffice, member: &str) -> Vec<(i64, i64, String, String, String)> {
    ho.client()
        .await
        .query(
            "SELECT points, balance_after, store_id, operator_id, reason FROM point_ledger
             WHERE member_id = $1 AND entry = 'expire' ORDER BY recorded_at",
            &[&member],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect()
}

fn lot(last_day: NaiveDate, points: i64) -> ExpiringPoints {
    ExpiringPoints { last_day, points }
}

#[tokio::test]
async fn earned_points_lapse_the_day_after_their_last_day_once_and_oldest_first() {
    let ho = HeadOffice::start().await;
    // 500 imported points: older than any lot, spent first, never lapse.
    ho.import_member("M1", "13812345678", 500).await;
    ho.import_member("M2", "13812345679", 0).await;
    let till = ho.enroll("S001", "T01").await;
    // Earned before expiry was set: in no lot, never lapse.
    let before = vec![sale_on(1, day(2025, 3, 1), "M2", 20, 0)];
    all_accepted(&ho.submit(&till, &batch("S001", "T01", before)).await);
    set_expiry(&ho, 1).await;

    let docs = vec![
        sale_on(2, day(2025, 6, 1), "M1", 100, 0),
        sale_on(3, day(2026, 3, 1), "M1", 40, 0),
        // Takes 30 of the imported 500 (the oldest), none of the lots.
        sale_on(4, day(2026, 5, 1), "M1", 0, 30),
        sale_on(5, day(2025, 7, 1), "M2", 100, 0),
        // M2 spends 70 of its 2025 points (its 20 of before expiry are older).
        sale_on(6, day(2026, 5, 1), "M2", 0, 90),
    ];
    all_accepted(&ho.submit(&till, &batch("S001", "T01", docs)).await);
    assert_eq!(ho.balance("M1").await, Some(610));
    assert_eq!(ho.balance("M2").await, Some(30));
    assert_eq!(
        sent_expiring(&ho, &till, "M1").await,
        Some(vec![
            lot(day(2026, 12, 31), 100),
            lot(day(2027, 12, 31), 40)
        ]),
        "the tills know what lapses when"
    );
    assert_eq!(
        sent_expiring(&ho, &till, "M2").await,
        Some(vec![lot(day(2026, 12, 31), 30)])
    );

    let mut client = ho.client().await;
    let on_last_day = expire(&mut client, Utc::now(), day(2026, 12, 31), "test").await;
    assert_eq!(
        on_last_day.unwrap(),
        ExpirySummary::default(),
        "the last day is still theirs"
    );

    let summary = expire(&mut client, Utc::now(), day(2027, 1, 1), "test")
        .await
        .unwrap();
    assert_eq!(
        summary,
        ExpirySummary {
            members: 2,
            points: 130
        }
    );
    assert_eq!(ho.balance("M1").await, Some(510));
    assert_eq!(ho.balance("M2").await, Some(0));
    let why = "points expiry: last day 2026-12-31".to_string();
    assert_eq!(
        expire_entries(&ho, "M1").await,
        vec![(-100, 510, "HQ".into(), "test".into(), why.clone())],
        "the entry names its run and why"
    );
    assert_eq!(
        expire_entries(&ho, "M2").await,
        vec![(-30, 0, "HQ".into(), "test".into(), why)]
    );
    assert_eq!(
        sent_expiring(&ho, &till, "M1").await,
        Some(vec![lot(day(2027, 12, 31), 40)])
    );
    assert_eq!(
        sent_expiring(&ho, &till, "M2").await,
        Some(vec![]),
        "nothing left to lapse"
    );

    let again = expire(&mut client, Utc::now(), day(2027, 1, 2), "test")
        .await
        .unwrap();
    assert_eq!(
        again,
        ExpirySummary::default(),
        "a run repeated takes nothing twice"
    );
    assert_eq!(expire_entries(&ho, "M1").await.len(), 1);
    let runs: i64 = client
        .query_one("SELECT count(*) FROM point_expiry_runs", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(runs, 3, "every run is recorded");
    ho.stop().await;
}

#[tokio::test]
async fn the_daily_run_is_due_once_past_the_hour_and_integrations_hear_of_it() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13812345678", 0).await;
    let till = ho.enroll("S001", "T01").await;
    set_expiry(&ho, 1).await;
    let docs = vec![sale_on(1, day(2025, 6, 1), "M1", 100, 0)];
    all_accepted(&ho.submit(&till, &batch("S001", "T01", docs)).await);

    let mut client = ho.client().await;
    // 2027-01-01 01:00 in the chain (UTC+8), before the 03:00 run.
    let early = Utc.with_ymd_and_hms(2026, 12, 31, 17, 0, 0).unwrap();
    assert_eq!(expire_if_due(&mut client, early, 3).await.unwrap(), None);
    assert_eq!(ho.balance("M1").await, Some(100));
    let past = Utc.with_ymd_and_hms(2026, 12, 31, 19, 30, 0).unwrap();
    let ran = expire_if_due(&mut client, past, 3).await.unwrap();
    assert_eq!(ran.map(|s| s.points), Some(100));
    assert_eq!(ho.balance("M1").await, Some(0));
    let later = Utc.with_ymd_and_hms(2026, 12, 31, 23, 0, 0).unwrap();
    assert_eq!(
        expire_if_due(&mut client, later, 3).await.unwrap(),
        None,
        "once a day"
    );

    let event = client
        .query_one(
            "SELECT member_id, data FROM integration_events
             WHERE kind = 'points.changed' AND data->>'entry' = 'expire'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(event.get::<_, Option<String>>(0).as_deref(), Some("M1"));
    let data: serde_json::Value = event.get(1);
    assert_eq!(
        (data["points"].as_i64(), data["balance_after"].as_i64()),
        (Some(-100), Some(0))
    );
    ho.stop().await;
}

#[tokio::test]
async fn the_expiry_rule_is_set_on_the_loyalty_page_audited_and_refused_out_of_range() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let token = ho.enroll("S001", "T01").await;
    let mut wang = ho.signed_in("wang").await;
    let page = wang.get("/loyalty").await;
    assert!(page.body.contains("积分有效期"), "{}", page.body);
    let csrf = page.csrf();
    let form_with = |years: &str| {
        let mut form: Vec<(String, String)> = pos_domain::loyalty_rules::LOYALTY_FIELDS
            .iter()
            .zip(pos_domain::loyalty_rules::loyalty_rules_to_fields(
                &LoyaltyRules::default(),
            ))
            .map(|(f, v)| (f.to_string(), v))
            .collect();
        form.iter_mut()
            .find(|(f, _)| f == "points_expiry_years")
            .unwrap()
            .1 = years.into();
        form.push(("csrf".into(), csrf.clone()));
        form
    };
    let bad = form_with("11");
    let refs: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = wang.post("/loyalty", &refs).await;
    assert_eq!(refused.status, 400);
    assert!(
        refused.body.contains("points_expiry_years"),
        "{}",
        refused.body
    );
    assert!(
        head_office::catalog::loyalty_rules(&**ho.client().await)
            .await
            .unwrap()
            .is_none()
    );

    let good = form_with("1");
    let refs: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
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
    let sent = crate::console_promotions::feed_change(&ho, &token, &["loyalty_rules"], "")
        .await
        .unwrap();
    assert_eq!(sent["data"]["points_expiry_years"], 1, "{sent}");
    ho.stop().await;
}

#[tokio::test]
async fn a_merge_moves_the_merged_members_lots_to_the_survivor() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13812345678", 0).await;
    ho.import_member("M2", "13912345678", 0).await;
    let till = ho.enroll("S001", "T01").await;
    set_expiry(&ho, 1).await;
    let docs = vec![
        sale_on(1, day(2025, 6, 1), "M1", 100, 0),
        sale_on(2, day(2025, 7, 1), "M2", 50, 0),
        sale_on(3, day(2026, 7, 1), "M2", 20, 0),
    ];
    all_accepted(&ho.submit(&till, &batch("S001", "T01", docs)).await);

    let mut client = ho.client().await;
    let tx = client.transaction().await.unwrap();
    let request = head_office::duplicates::merge::MergeRequest {
        survivor_id: "M1",
        merged_id: "M2",
        by: "wang",
        reason: "the same customer",
        proposal_id: None,
        now: Utc::now(),
        id: uuid::Uuid::now_v7(),
    };
    head_office::duplicates::merge::merge(&tx, &request)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        sent_expiring(&ho, &till, "M1").await,
        Some(vec![
            lot(day(2026, 12, 31), 150),
            lot(day(2027, 12, 31), 20)
        ]),
        "the survivor's list holds the merged member's points"
    );
    let summary = expire(&mut client, Utc::now(), day(2027, 1, 1), "test")
        .await
        .unwrap();
    assert_eq!((summary.members, summary.points), (1, 150));
    assert_eq!(ho.balance("M1").await, Some(20));
    ho.stop().await;
}
