//! Member segments (RFM): scores and segments of a handful of members with known sales,
//! returns, voids and a merged id, through ingest, the fold and the rebuild; the daily
//! schedule at its hour with the clock passed in; `head-office rfm`; the staff API.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use head_office::rfm::{self, schedule};
use head_office::{aggregates, chain_time};
use pos_domain::document::{Document, DocumentBody};
use serde_json::Value;

use crate::common::*;

pub const AS_OF: &str = "2026-12-01";

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn on(mut doc: Document, day: &str) -> Document {
    doc.business_date = date(day);
    doc
}

fn bought(seq: u64, member: &str, amount: &str, day: &str) -> Document {
    let body = DocumentBody::Sale(sale(&[item("A", 1, amount)], Some(member), 0, 0));
    on(document(STORE, TERMINAL, seq, body), day)
}

/// Members HQ-1 (also registered offline as till-m, merged by phone), M2 … M6 and their
/// purchases; everything ingested and folded. As of 2026-12-01 over 365 days:
/// - HQ-1: 100.00 as till-m on 11-20 and 50.00 on 11-30: F 2, M 150.00, 1 day;
/// - M2: 300.00 on 11-29, 100.00 of it returned on 11-30: F 1, M 200.00, 2 days;
/// - M3: 20.00 on 10-01, and 80.00 on 11-30 voided: F 1, M 20.00, 61 days;
/// - M4: only a voided sale; M5: a sale before the window and one after the day; a
///   sale without a member: none of them scored;
/// - M6: three sales of 10.00 on 11-10: F 3, M 30.00, 21 days.
pub async fn chain_with_members(ho: &HeadOffice) -> String {
    let token = ho.enroll(STORE, TERMINAL).await;
    ho.import_member("HQ-1", "13700000001", 0).await;
    for (i, id) in ["M2", "M3", "M4", "M5", "M6"].iter().enumerate() {
        ho.import_member(id, &format!("1380000000{i}"), 0).await;
    }
    let registered = DocumentBody::MemberRegistration(registration("till-m", "13700000001"));
    let m2_sale = bought(4, "M2", "300.00", "2026-11-29");
    let m3_voided = bought(7, "M3", "80.00", "2026-11-30");
    let m4_voided = bought(9, "M4", "500.00", "2026-11-25");
    let returned = DocumentBody::Return(return_of(
        Some(m2_sale.id),
        &[item("A", 1, "100.00")],
        Some("M2"),
        0,
    ));
    let docs = vec![
        document(STORE, TERMINAL, 1, registered),
        bought(2, "till-m", "100.00", "2026-11-20"),
        bought(3, "HQ-1", "50.00", "2026-11-30"),
        m2_sale.clone(),
        on(document(STORE, TERMINAL, 5, returned), "2026-11-30"),
        bought(6, "M3", "20.00", "2026-10-01"),
        m3_voided.clone(),
        on(
            document(STORE, TERMINAL, 8, DocumentBody::Void(void_of(&m3_voided))),
            "2026-11-30",
        ),
        m4_voided.clone(),
        // Voided the next day: it still takes the sale back on the sale's day.
        on(
            document(STORE, TERMINAL, 10, DocumentBody::Void(void_of(&m4_voided))),
            "2026-11-26",
        ),
        bought(11, "M5", "70.00", "2025-11-30"),
        bought(12, "M5", "70.00", "2026-12-02"),
        on(
            document(
                STORE,
                TERMINAL,
                13,
                DocumentBody::Sale(sale(&[item("A", 1, "9.00")], None, 0, 0)),
            ),
            "2026-11-30",
        ),
        bought(14, "M6", "10.00", "2026-11-10"),
        bought(15, "M6", "10.00", "2026-11-10"),
        bought(16, "M6", "10.00", "2026-11-10"),
    ];
    all_accepted(&ho.submit(&token, &batch(STORE, TERMINAL, docs)).await);
    aggregates::fold(&mut *ho.client().await).await.unwrap();
    token
}

/// (member, last purchase, days, frequency, monetary, R, F, M, segment) of every row.
type Row = (
    String,
    String,
    i32,
    i64,
    String,
    i16,
    i16,
    i16,
    Option<String>,
);

pub async fn stored(ho: &HeadOffice) -> Vec<Row> {
    ho.client()
        .await
        .query(
            "SELECT member_id, last_purchase::text, recency_days, frequency, monetary::text,
                    r_score, f_score, m_score, segment_code
             FROM member_rfm ORDER BY member_id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get(0),
                r.get(1),
                r.get(2),
                r.get(3),
                r.get(4),
                r.get(5),
                r.get(6),
                r.get(7),
                r.get(8),
            )
        })
        .collect()
}

fn row(id: &str, last: &str, days: i32, f: i64, m: &str, scores: [i16; 3], segment: &str) -> Row {
    (
        id.into(),
        last.into(),
        days,
        f,
        m.into(),
        scores[0],
        scores[1],
        scores[2],
        Some(segment.into()),
    )
}

pub fn expected() -> Vec<Row> {
    vec![
        row(
            "HQ-1",
            "2026-11-30",
            1,
            2,
            "150.00",
            [4, 3, 3],
            "important_value",
        ),
        row(
            "M2",
            "2026-11-29",
            2,
            1,
            "200.00",
            [3, 1, 4],
            "important_develop",
        ),
        row(
            "M3",
            "2026-10-01",
            61,
            1,
            "20.00",
            [1, 1, 1],
            "general_retain",
        ),
        row(
            "M6",
            "2026-11-10",
            21,
            3,
            "30.00",
            [2, 4, 2],
            "general_keep",
        ),
    ]
}

/// Every row of `sales_by_member_day`, as text.
async fn member_days(ho: &HeadOffice) -> Vec<String> {
    ho.client()
        .await
        .query(
            "SELECT member_id, business_date::text, sales_count, sales_amount::text,
                    returns_count, returns_amount::text
             FROM sales_by_member_day ORDER BY 1, 2",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let t: (String, String, i64, String, i64, String) =
                (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5));
            format!("{t:?}")
        })
        .collect()
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
}

#[tokio::test]
async fn scores_and_segments_count_sales_less_returns_without_voids_under_the_merged_member() {
    let ho = HeadOffice::start().await;
    chain_with_members(&ho).await;
    let summary = rfm::run(&mut *ho.client().await, now(), date(AS_OF), 365)
        .await
        .unwrap();
    assert_eq!(stored(&ho).await, expected());
    assert_eq!(summary.members, 4);
    let counts: Vec<(String, u64)> = summary
        .by_segment
        .iter()
        .filter(|(_, n)| *n > 0)
        .cloned()
        .collect();
    assert_eq!(
        counts,
        [
            ("important_value".to_string(), 1),
            ("important_develop".to_string(), 1),
            ("general_keep".to_string(), 1),
            ("general_retain".to_string(), 1),
        ]
    );

    // The rebuild gives the members' days the fold gave, so a run gives the same.
    let folded = member_days(&ho).await;
    assert!(
        folded
            .iter()
            .any(|d| d.contains("\"M4\", \"2026-11-25\", 0")),
        "the void took the sale back on the sale's day: {folded:?}"
    );
    {
        let mut client = ho.client().await;
        let tx = client.transaction().await.unwrap();
        aggregates::rebuild(&tx).await.unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(member_days(&ho).await, folded);
    rfm::run(&mut *ho.client().await, now(), date(AS_OF), 365)
        .await
        .unwrap();
    assert_eq!(stored(&ho).await, expected());

    // A shorter window leaves out M3's October sale: M3 is not scored.
    let summary = rfm::run(&mut *ho.client().await, now(), date(AS_OF), 30)
        .await
        .unwrap();
    assert_eq!(summary.members, 3);
    assert!(stored(&ho).await.iter().all(|r| r.0 != "M3"));
    assert!(
        rfm::run(&mut *ho.client().await, now(), date(AS_OF), 0)
            .await
            .is_err(),
        "a window of 0 days is refused"
    );
    ho.stop().await;
}

fn chain_moment(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    chain_time::offset()
        .with_ymd_and_hms(2026, 12, day, hour, minute, 0)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn the_schedule_runs_once_a_day_at_its_hour_of_the_chains_clock() {
    let ho = HeadOffice::start().await;
    chain_with_members(&ho).await;
    let mut client = ho.client().await;
    let hour = 3;
    let ran = |r: Option<rfm::RunSummary>| r.map(|s| (s.as_of.to_string(), s.members));
    let before = schedule::run_if_due(&mut client, chain_moment(1, 2, 59), hour, 365)
        .await
        .unwrap();
    assert_eq!(ran(before), None, "02:59: not yet");
    assert_eq!(ho.count("member_rfm").await, 0);
    let at = schedule::run_if_due(&mut client, chain_moment(1, 3, 0), hour, 365)
        .await
        .unwrap();
    assert_eq!(
        ran(at),
        Some((AS_OF.to_string(), 4)),
        "03:00: as of the day"
    );
    assert_eq!(stored(&ho).await, expected());
    let again = schedule::run_if_due(&mut client, chain_moment(1, 23, 59), hour, 365)
        .await
        .unwrap();
    assert_eq!(ran(again), None, "once a day");
    let next = schedule::run_if_due(&mut client, chain_moment(2, 3, 0), hour, 365)
        .await
        .unwrap();
    // As of 12-02, M5's sale of that day counts.
    assert_eq!(ran(next), Some(("2026-12-02".to_string(), 5)));
    let runs: i64 = client
        .query_one("SELECT count(*) FROM rfm_runs", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(runs, 2);
    drop(client);
    ho.stop().await;
}

#[tokio::test]
async fn the_command_prints_members_per_segment_and_the_time() {
    let ho = HeadOffice::start().await;
    chain_with_members(&ho).await;
    let url = ho.database_url.clone();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_head-office"))
        .args(["rfm", "--as-of", AS_OF])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        out.contains("RFM as of 2026-12-01 over 365 days: 4 members scored in"),
        "{out}"
    );
    for line in [
        "1  important_value      重要价值客户 Important value",
        "0  important_keep       重要保持客户 Important to keep",
        "1  general_retain       一般挽留客户 General to win back",
    ] {
        assert!(out.contains(line), "{line:?} in {out}");
    }
    assert_eq!(stored(&ho).await, expected());
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_head-office"))
        .args(["rfm", "--window-days", "0"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--window-days"));
    ho.stop().await;
}

#[tokio::test]
async fn the_api_lists_segments_and_pages_members_masked_for_staff_but_store_managers() {
    let ho = HeadOffice::start().await;
    let till = chain_with_members(&ho).await;
    let (status, empty) = ho
        .get(
            Some(&ho.staff_token("wang", "admin", &[]).await),
            "/v1/members/segments",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(empty["run"], Value::Null, "before the first run");
    rfm::run(&mut *ho.client().await, now(), date(AS_OF), 365)
        .await
        .unwrap();
    let admin = ho.staff_token("wang2", "admin", &[]).await;
    let (status, body) = ho.get(Some(&admin), "/v1/members/segments").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["run"]["members"], 4);
    assert_eq!(body["segments"].as_array().unwrap().len(), 8);
    let value = &body["segments"][0];
    assert_eq!(value["code"], "important_value");
    assert_eq!(value["name_zh"], "重要价值客户");
    assert_eq!(value["members"], 1);
    assert_eq!(value["share_percent"], "25.0");
    assert_eq!(value["average_r"], "4.00");

    let merchandiser = ho.staff_token("qian", "merchandiser", &[]).await;
    let (status, page) = ho
        .get(
            Some(&merchandiser),
            "/v1/members/segments/important_value?per_page=1",
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 1);
    let member = &page["members"][0];
    assert_eq!(member["member_id"], "HQ-1");
    assert_eq!(member["phone"], "137****0001");
    assert_eq!(member["name"], "王*");
    assert_eq!(member["monetary"], "150.00");
    assert_eq!(member["frequency"], 2);
    let (_, past) = ho
        .get(Some(&admin), "/v1/members/segments/important_value?page=2")
        .await;
    assert_eq!(past["members"], Value::Array(vec![]));

    let manager = ho.staff_token("li", "store_manager", &[STORE]).await;
    for (token, path, expected) in [
        (Some(manager.as_str()), "/v1/members/segments", 403),
        (
            Some(manager.as_str()),
            "/v1/members/segments/general_keep",
            403,
        ),
        (None, "/v1/members/segments", 401),
        (Some(till.as_str()), "/v1/members/segments", 401),
        (Some(admin.as_str()), "/v1/members/segments/nobody", 404),
        (
            Some(admin.as_str()),
            "/v1/members/segments/general_keep?per_page=0",
            400,
        ),
        (
            Some(admin.as_str()),
            "/v1/members/segments/general_keep?page=x",
            400,
        ),
    ] {
        let (status, body) = ho.get(token, path).await;
        assert_eq!(status, expected, "{path}: {body}");
    }
    let (_, refused) = ho
        .get(Some(&admin), "/v1/members/segments/general_keep?per_page=0")
        .await;
    assert!(refused.to_string().contains("per_page"), "{refused}");
    ho.stop().await;
}

/// Answers of the segment routes for `openapi.rs`: every documented status.
pub async fn openapi_answers(
    ho: &HeadOffice,
    staff: &str,
    manager: &str,
    till: &str,
) -> Vec<(&'static str, &'static str, u16, Value)> {
    ho.import_member("SEG-1", "13900000009", 0).await;
    let sold = document(
        STORE,
        TERMINAL,
        90,
        DocumentBody::Sale(sale(&[item("A", 1, "8.00")], Some("SEG-1"), 0, 0)),
    );
    all_accepted(&ho.submit(till, &batch(STORE, TERMINAL, vec![sold])).await);
    aggregates::fold(&mut *ho.client().await).await.unwrap();
    let mut answers = Vec::new();
    let route = "/v1/members/segments";
    for t in [Some(staff), Some(manager), None] {
        let (s, v) = ho.get(t, route).await;
        answers.push(("get", route, s, v));
    }
    rfm::run(&mut *ho.client().await, now(), business_date(), 365)
        .await
        .unwrap();
    let (s, v) = ho.get(Some(staff), route).await;
    answers.push(("get", route, s, v));
    let code: String = ho
        .client()
        .await
        .query_one(
            "SELECT segment_code FROM member_rfm WHERE member_id = 'SEG-1'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let route = "/v1/members/segments/{code}";
    let path = format!("/v1/members/segments/{code}");
    for (path, t) in [
        (path.clone(), Some(staff)),
        (format!("{path}?per_page=900"), Some(staff)),
        (path.clone(), Some(manager)),
        (path, None),
        ("/v1/members/segments/nobody".to_owned(), Some(staff)),
    ] {
        let (s, v) = ho.get(t, &path).await;
        answers.push(("get", route, s, v));
    }
    let members = &answers[answers.len() - 5].3["members"];
    assert!(
        members.as_array().is_some_and(|m| !m.is_empty()),
        "{members}"
    );
    answers
}
