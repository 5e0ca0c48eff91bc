//! One bad document never fails its batch (issue 14, item 7), and numbers past their
//! limits are rejected by name, never a panic, a wrap or a clamp (item 8). Real HTTP,
//! real PostgreSQL.

use crate::common::*;
use chrono::{NaiveDate, TimeZone, Utc};
use head_office::reports;
use pos_domain::document::{Document, DocumentBody, PointAdjustment, TenderKind, TenderTotal};
use pos_domain::protocol::{BatchResponse, DocumentStatus};
use rust_decimal::Decimal;

fn statuses(response: &BatchResponse) -> Vec<DocumentStatus> {
    response.results.iter().map(|r| r.status).collect()
}

fn reason(response: &BatchResponse, i: usize) -> String {
    response.results[i].reason.clone().unwrap_or_default()
}

fn plain_sale(sequence: u64, sku: &'static str) -> Document {
    document(
        STORE,
        TERMINAL,
        sequence,
        DocumentBody::Sale(sale(&[item(sku, 1, "10.00")], None, 0, 0)),
    )
}

/// A sale of one unit whose SKU is `sku`.
fn sale_with_sku(sequence: u64, sku: String) -> Document {
    let mut doc = plain_sale(sequence, "X");
    if let DocumentBody::Sale(s) = &mut doc.body {
        s.lines[0].sku = sku;
    }
    doc
}

async fn documents_stored(ho: &HeadOffice, docs: &[&Document]) -> Vec<bool> {
    let client = ho.client().await;
    let mut stored = Vec::new();
    for doc in docs {
        let row = client
            .query_opt("SELECT 1 FROM documents WHERE id = $1", &[&doc.id])
            .await
            .unwrap();
        stored.push(row.is_some());
    }
    stored
}

#[tokio::test]
async fn a_nul_byte_or_a_megabyte_sku_rejects_only_its_sale() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    // Hex of random ids: a megabyte that does not compress into an index row.
    let megabyte: String = std::iter::repeat_with(|| uuid::Uuid::now_v7().simple().to_string())
        .flat_map(|s| s.chars().collect::<Vec<_>>())
        .take(1 << 20)
        .collect();
    let good = plain_sale(1, "GOOD-1");
    let nul = sale_with_sku(2, "BP\0-1".into());
    let long = sale_with_sku(3, megabyte);
    let control = sale_with_sku(4, "BP\u{7}-1".into());
    let later = plain_sale(5, "GOOD-2");
    let docs = vec![
        good.clone(),
        nul.clone(),
        long.clone(),
        control,
        later.clone(),
    ];
    let response = ho.submit(&token, &batch(STORE, TERMINAL, docs)).await;
    assert_eq!(
        statuses(&response),
        [
            DocumentStatus::Accepted,
            DocumentStatus::Rejected,
            DocumentStatus::Rejected,
            DocumentStatus::Rejected,
            DocumentStatus::Accepted
        ]
    );
    let nul_reason = reason(&response, 1);
    assert!(
        nul_reason.contains("line 1 sku") && nul_reason.contains("U+0000"),
        "{nul_reason}"
    );
    let long_reason = reason(&response, 2);
    assert!(
        long_reason.contains("line 1 sku") && long_reason.contains("1048576 characters"),
        "{long_reason}"
    );
    assert!(reason(&response, 3).contains("U+0007"), "{response:?}");
    assert_eq!(
        documents_stored(&ho, &[&good, &nul, &long, &later]).await,
        [true, false, false, true]
    );
    assert_eq!(ho.stock(STORE, "GOOD-1", "").await, Some(-1));
    assert_eq!(ho.stock(STORE, "GOOD-2", "").await, Some(-1));
    ho.stop().await;
}

#[tokio::test]
async fn dates_postgres_cannot_store_are_rejected_by_field() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let mut ancient = plain_sale(2, "A");
    ancient.business_date = NaiveDate::from_ymd_opt(-10_000, 1, 1).unwrap();
    let mut far = plain_sale(3, "A");
    far.business_date = NaiveDate::from_ymd_opt(262_000, 1, 1).unwrap();
    let mut created = plain_sale(4, "A");
    created.created_at = Utc.with_ymd_and_hms(-10_000, 1, 1, 0, 0, 0).unwrap();
    let mut expiry = plain_sale(5, "A");
    if let DocumentBody::Sale(s) = &mut expiry.body {
        s.lines[0].expiry_date = NaiveDate::from_ymd_opt(262_000, 1, 1);
    }
    let good = plain_sale(1, "GOOD");
    let response = ho
        .submit(
            &token,
            &batch(
                STORE,
                TERMINAL,
                vec![good.clone(), ancient, far, created, expiry],
            ),
        )
        .await;
    assert_eq!(
        statuses(&response),
        [
            DocumentStatus::Accepted,
            DocumentStatus::Rejected,
            DocumentStatus::Rejected,
            DocumentStatus::Rejected,
            DocumentStatus::Rejected
        ]
    );
    for (i, field) in [
        (1, "business_date"),
        (2, "business_date"),
        (3, "created_at"),
        (4, "line 1 expiry_date"),
    ] {
        let why = reason(&response, i);
        assert!(
            why.contains(field) && why.contains("outside 2000-01-01 to 2199-12-31"),
            "{i}: {why}"
        );
    }
    assert_eq!(ho.count("documents").await, 1);
    assert_eq!(ho.stock(STORE, "GOOD", "").await, Some(-1));
    ho.stop().await;
}

/// Defence in depth: a document that passes validation but that the database refuses
/// (here a rule the test adds, standing in for any refusal nobody foresaw) is rejected
/// alone with the database's cause; the documents around it are stored with their
/// effects, each in its own transaction.
#[tokio::test]
async fn a_document_the_database_refuses_is_rejected_alone() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    ho.client()
        .await
        .batch_execute(
            "ALTER TABLE stock ADD CONSTRAINT no_refused_sku CHECK (sku <> 'REFUSED-BY-DB')",
        )
        .await
        .unwrap();
    let first = plain_sale(1, "GOOD");
    let refused = plain_sale(2, "REFUSED-BY-DB");
    let member_sale = document(
        STORE,
        TERMINAL,
        3,
        DocumentBody::Sale(sale(&[item("GOOD", 2, "5.00")], Some("m-1"), 10, 0)),
    );
    let docs = vec![
        first.clone(),
        refused.clone(),
        member_sale.clone(),
        refused.clone(),
    ];
    let response = ho
        .submit(&token, &batch(STORE, TERMINAL, docs.clone()))
        .await;
    assert_eq!(
        statuses(&response),
        [
            DocumentStatus::Accepted,
            DocumentStatus::Rejected,
            DocumentStatus::Accepted,
            DocumentStatus::Rejected
        ],
        "{response:?}"
    );
    let why = reason(&response, 1);
    assert!(
        why.contains("database refused") && why.contains("no_refused_sku") && why.contains("23514"),
        "{why}"
    );
    assert_eq!(
        reason(&response, 3),
        why,
        "a copy of a refused document is refused too, never called a duplicate"
    );
    assert_eq!(
        documents_stored(&ho, &[&first, &refused, &member_sale]).await,
        [true, false, true]
    );
    assert_eq!(ho.stock(STORE, "GOOD", "").await, Some(-3));
    assert_eq!(ho.balance("m-1").await, Some(10));
    let (_, gaps) = ho.get(Some(&token), "/v1/gaps").await;
    assert_eq!(
        gaps["gaps"][0]["from_sequence"], 2,
        "the refused sequence is a gap: {gaps}"
    );

    // The till sends the same batch again: nothing counts twice.
    let before = ho.snapshot().await;
    let again = ho.submit(&token, &batch(STORE, TERMINAL, docs)).await;
    assert_eq!(
        statuses(&again),
        [
            DocumentStatus::Duplicate,
            DocumentStatus::Rejected,
            DocumentStatus::Duplicate,
            DocumentStatus::Rejected
        ]
    );
    assert_eq!(ho.snapshot().await, before);
    ho.stop().await;
}

#[tokio::test]
async fn a_price_past_the_limit_is_rejected_by_field_not_a_dropped_connection() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let mut huge = plain_sale(2, "A");
    if let DocumentBody::Sale(s) = &mut huge.body {
        s.lines[0].unit_price = Decimal::MAX;
        s.lines[0].quantity = 2;
    }
    let mut dear = plain_sale(3, "A");
    if let DocumentBody::Sale(s) = &mut dear.body {
        s.lines[0].unit_price = "10000000.01".parse().unwrap();
    }
    let mut many = plain_sale(4, "A");
    if let DocumentBody::Sale(s) = &mut many.body {
        s.lines[0].quantity = 100_001;
    }
    let good = plain_sale(1, "GOOD");
    let response = ho
        .submit(
            &token,
            &batch(STORE, TERMINAL, vec![good, huge, dear, many]),
        )
        .await;
    assert_eq!(
        statuses(&response),
        [
            DocumentStatus::Accepted,
            DocumentStatus::Rejected,
            DocumentStatus::Rejected,
            DocumentStatus::Rejected
        ]
    );
    assert!(
        reason(&response, 1).contains("line 1 unit_price")
            && reason(&response, 1).contains("79228162514264337593543950335"),
        "{response:?}"
    );
    assert!(
        reason(&response, 2).contains("line 1 unit_price"),
        "{response:?}"
    );
    assert!(
        reason(&response, 3).contains("line 1 quantity"),
        "{response:?}"
    );
    assert_eq!(ho.count("documents").await, 1);
    ho.stop().await;
}

#[tokio::test]
async fn points_past_the_limit_or_past_i64_never_wrap_a_balance() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    ho.import_member("M-1", "", 100).await;
    ho.import_member("M-FULL", "", i64::MAX - 5).await;
    let adjust = |sequence, member: &str, points| {
        document(
            STORE,
            TERMINAL,
            sequence,
            DocumentBody::PointAdjustment(PointAdjustment {
                member_id: member.into(),
                points,
                reason: "typo".into(),
            }),
        )
    };
    let good = plain_sale(1, "GOOD");
    let docs = vec![
        good.clone(),
        adjust(2, "M-1", i64::MAX),
        adjust(3, "M-1", i64::MIN),
        // Within the limit, but the imported balance has no room left for it.
        adjust(4, "M-FULL", 10),
        adjust(5, "M-1", 1_000_000_000),
    ];
    let before_ledger = ho.count("point_ledger").await;
    let response = ho.submit(&token, &batch(STORE, TERMINAL, docs)).await;
    assert_eq!(
        statuses(&response),
        [
            DocumentStatus::Accepted,
            DocumentStatus::Rejected,
            DocumentStatus::Rejected,
            DocumentStatus::Rejected,
            DocumentStatus::Accepted
        ],
        "{response:?}"
    );
    for i in [1, 2] {
        assert!(
            reason(&response, i).contains("point adjustment points"),
            "{response:?}"
        );
    }
    let full = reason(&response, 3);
    assert!(full.contains("points") && full.contains("M-FULL"), "{full}");
    assert_eq!(ho.balance("M-1").await, Some(1_000_000_100));
    assert_eq!(ho.balance("M-FULL").await, Some(i64::MAX - 5));
    assert_eq!(ho.count("point_ledger").await, before_ledger + 1);
    assert_eq!(ho.stock(STORE, "GOOD", "").await, Some(-1));
    ho.stop().await;
}

#[tokio::test]
async fn a_sequence_past_i64_is_rejected_not_clamped_into_a_gap() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let good = plain_sale(1, "GOOD");
    let mut past = plain_sale(2, "A");
    past.sequence = i64::MAX as u64 + 1;
    let response = ho
        .submit(&token, &batch(STORE, TERMINAL, vec![good, past]))
        .await;
    assert_eq!(
        statuses(&response),
        [DocumentStatus::Accepted, DocumentStatus::Rejected]
    );
    assert!(
        reason(&response, 1).starts_with("is not valid: sequence"),
        "{response:?}"
    );
    let (_, gaps) = ho.get(Some(&token), "/v1/gaps").await;
    assert_eq!(gaps, serde_json::json!({"gaps": []}));
    let next = ho
        .submit(&token, &batch(STORE, TERMINAL, vec![plain_sale(2, "GOOD")]))
        .await;
    assert_eq!(statuses(&next), [DocumentStatus::Accepted]);
    let (_, gaps) = ho.get(Some(&token), "/v1/gaps").await;
    assert_eq!(gaps, serde_json::json!({"gaps": []}), "no gap was pinned");
    ho.stop().await;
}

#[tokio::test]
async fn a_second_z_report_of_a_terminal_and_day_is_rejected_by_name() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let other = ho.enroll(STORE, "T2").await;
    let first = document(
        STORE,
        TERMINAL,
        1,
        DocumentBody::ZReport(z_report(1, "100.00", "100.00")),
    );
    all_accepted(
        &ho.submit(&token, &batch(STORE, TERMINAL, vec![first.clone()]))
            .await,
    );
    let second = document(
        STORE,
        TERMINAL,
        2,
        DocumentBody::ZReport(z_report(2, "50.00", "50.00")),
    );
    let mut next_day = document(
        STORE,
        TERMINAL,
        3,
        DocumentBody::ZReport(z_report(3, "70.00", "70.00")),
    );
    next_day.business_date = business_date().succ_opt().unwrap();
    let third = document(
        STORE,
        TERMINAL,
        4,
        DocumentBody::ZReport(z_report(4, "10.00", "10.00")),
    );
    let response = ho
        .submit(
            &token,
            &batch(STORE, TERMINAL, vec![second, next_day.clone(), third]),
        )
        .await;
    assert_eq!(
        statuses(&response),
        [
            DocumentStatus::Rejected,
            DocumentStatus::Accepted,
            DocumentStatus::Rejected
        ]
    );
    let why = reason(&response, 0);
    assert!(
        why.contains(&first.id.to_string())
            && why.contains("already closed")
            && why.contains("2026-11-22"),
        "{why}"
    );
    assert!(
        reason(&response, 2).contains(&first.id.to_string()),
        "{response:?}"
    );
    // Two Z reports of one new day in one batch: the first closes it.
    let day_after = next_day.business_date.succ_opt().unwrap();
    let mut closes = vec![];
    for (sequence, z_no) in [(5, 5), (6, 6)] {
        let mut z = document(
            STORE,
            TERMINAL,
            sequence,
            DocumentBody::ZReport(z_report(z_no, "1.00", "1.00")),
        );
        z.business_date = day_after;
        closes.push(z);
    }
    let response = ho
        .submit(&token, &batch(STORE, TERMINAL, closes.clone()))
        .await;
    assert_eq!(
        statuses(&response),
        [DocumentStatus::Accepted, DocumentStatus::Rejected]
    );
    assert!(
        reason(&response, 1).contains(&closes[0].id.to_string()),
        "{response:?}"
    );
    // Another terminal closes the same day.
    let t2 = document(
        STORE,
        "T2",
        1,
        DocumentBody::ZReport(z_report(1, "20.00", "20.00")),
    );
    all_accepted(&ho.submit(&other, &batch(STORE, "T2", vec![t2])).await);
    let close = reports::daily_close(&**ho.client().await, STORE, business_date())
        .await
        .unwrap();
    assert_eq!(close.terminals.len(), 2);
    ho.stop().await;
}

/// A Z report whose tender amount is the largest decimal.
fn huge_z(terminal: &str) -> Document {
    let mut z = z_report(1, "100.00", "100.00");
    z.totals.tenders = vec![TenderTotal {
        kind: TenderKind::Cash,
        amount: Decimal::MAX,
        count: 1,
    }];
    document(STORE, terminal, 1, DocumentBody::ZReport(z))
}

#[tokio::test]
async fn huge_z_reports_are_refused_and_the_days_closes_stay_readable() {
    let ho = HeadOffice::start().await;
    for terminal in ["T1", "T2"] {
        let token = ho.enroll(STORE, terminal).await;
        let response = ho
            .submit(&token, &batch(STORE, terminal, vec![huge_z(terminal)]))
            .await;
        assert_eq!(statuses(&response), [DocumentStatus::Rejected]);
        assert!(
            reason(&response, 0).contains("totals cash tender amount"),
            "{response:?}"
        );
    }
    let token = ho.enroll(STORE, "T9").await;
    let (status, body) = ho
        .get(
            Some(&token),
            &format!("/v1/stores/{STORE}/closes?business_date=2026-11-22"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    ho.stop().await;
}

/// Z reports stored before validation bounded them: summing them is a typed error (a
/// JSON 500 naming nothing secret), never a panic that drops the connection.
#[tokio::test]
async fn closes_stored_before_the_bounds_are_a_typed_error_not_a_panic() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, "T9").await;
    let client = ho.client().await;
    for terminal in ["T1", "T2"] {
        let doc = huge_z(terminal);
        client
            .execute(
                "INSERT INTO documents (id, store_id, terminal_id, sequence, kind, business_date,
                                        created_at, content_hash, document)
                 VALUES ($1, $2, $3, 1, 'z_report', $4, $5, $6, $7)",
                &[
                    &doc.id,
                    &doc.store_id,
                    &doc.terminal_id,
                    &doc.business_date,
                    &doc.created_at,
                    &doc.content_hash(),
                    &tokio_postgres::types::Json(&doc),
                ],
            )
            .await
            .unwrap();
    }
    let result = reports::daily_close(&**client, STORE, business_date()).await;
    assert!(
        matches!(&result, Err(head_office::error::DbError::Corrupt(m)) if m.contains("add up past")),
        "{result:?}"
    );
    drop(client);
    let (status, body) = ho
        .get(
            Some(&token),
            &format!("/v1/stores/{STORE}/closes?business_date=2026-11-22"),
        )
        .await;
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["error"], "internal", "{body}");
    ho.stop().await;
}
