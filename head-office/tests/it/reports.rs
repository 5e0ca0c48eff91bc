//! The daily close over HTTP, and the CSV exports an ERP takes in.

use crate::common::*;
use head_office::export::{self, DateRange, ExportKind};
use pos_domain::document::DocumentBody;
use pos_domain::protocol::DailyClose;
use rust_decimal::Decimal;

async fn export_rows(ho: &HeadOffice, kind: ExportKind) -> Vec<csv::StringRecord> {
    let mut out = Vec::new();
    let count = export::export(&*ho.client().await, kind, DateRange::default(), &mut out)
        .await
        .unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(&out[..])
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len() as u64, count);
    rows
}

fn column(header: &[&str], row: &csv::StringRecord, name: &str) -> String {
    row[header.iter().position(|h| *h == name).unwrap()].to_owned()
}

/// Store S1: T1 sells two lines and one line, takes one return, voids a sale; T2 sells;
/// both close the day.
async fn a_day_of_trade(ho: &HeadOffice) -> (uuid::Uuid, uuid::Uuid) {
    let t1 = ho.enroll(STORE, "T1").await;
    let t2 = ho.enroll(STORE, "T2").await;
    let lot = Item {
        lot: Some("L1"),
        ..item("STRIP-50", 2, "89.50")
    };
    let first = document(
        STORE,
        "T1",
        1,
        DocumentBody::Sale(sale(
            &[lot.clone(), item("MASK", 10, "1.00")],
            Some("m-1"),
            189,
            0,
        )),
    );
    let second = document(
        STORE,
        "T1",
        2,
        DocumentBody::Sale(sale(&[item("BP-1", 1, "299.00")], None, 0, 0)),
    );
    let back = document(
        STORE,
        "T1",
        3,
        DocumentBody::Return(return_of(
            Some(first.id),
            &[Item { quantity: 1, ..lot }],
            Some("m-1"),
            90,
        )),
    );
    let void = document(STORE, "T1", 4, DocumentBody::Void(void_of(&second)));
    let z1 = document(
        STORE,
        "T1",
        5,
        DocumentBody::ZReport(z_report(1, "98.50", "100.00")),
    );
    let (first_id, second_id) = (first.id, second.id);
    let response = ho
        .submit(
            &t1,
            &batch(STORE, "T1", vec![first, second, back, void, z1]),
        )
        .await;
    all_accepted(&response);
    let sold = document(
        STORE,
        "T2",
        1,
        DocumentBody::Sale(sale(&[item("MASK", 5, "1.00")], None, 0, 0)),
    );
    let z2 = document(
        STORE,
        "T2",
        2,
        DocumentBody::ZReport(z_report(1, "5.00", "4.50")),
    );
    let response = ho.submit(&t2, &batch(STORE, "T2", vec![sold, z2])).await;
    all_accepted(&response);
    (first_id, second_id)
}

#[tokio::test]
async fn the_daily_close_lists_every_terminal_with_tenders_and_variance() {
    let ho = HeadOffice::start().await;
    a_day_of_trade(&ho).await;
    let token = ho.enroll(STORE, "T3").await;
    let (status, body) = ho
        .get(
            Some(&token),
            "/v1/stores/S1/closes?business_date=2026-11-22",
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let close: DailyClose = serde_json::from_value(body).unwrap();
    assert_eq!(
        close
            .terminals
            .iter()
            .map(|t| t.terminal_id.as_str())
            .collect::<Vec<_>>(),
        ["T1", "T2"]
    );
    assert_eq!(close.terminals[0].variance, Decimal::new(150, 2));
    assert_eq!(close.terminals[1].variance, Decimal::new(-50, 2));
    assert_eq!(close.variance, Decimal::ONE);
    assert_eq!(close.tenders.len(), 1);
    assert_eq!(close.tenders[0].amount, Decimal::new(10350, 2));
    assert_eq!(close.tenders[0].count, 6);

    let (_, body) = ho
        .get(
            Some(&token),
            "/v1/stores/S1/closes?business_date=2026-11-21",
        )
        .await;
    assert_eq!(body["terminals"], serde_json::json!([]));
    ho.stop().await;
}

#[tokio::test]
async fn exports_have_one_row_per_line_per_z_per_member_and_per_stock_line() {
    let ho = HeadOffice::start().await;
    let (first, voided) = a_day_of_trade(&ho).await;

    let sales = export_rows(&ho, ExportKind::Sales).await;
    assert_eq!(sales.len(), 4, "two lines, one line, one line");
    let h = export::SALES_HEADER;
    let first_rows: Vec<_> = sales
        .iter()
        .filter(|r| column(h, r, "document_id") == first.to_string())
        .collect();
    assert_eq!(first_rows.len(), 2);
    assert_eq!(column(h, first_rows[0], "sku"), "STRIP-50");
    assert_eq!(column(h, first_rows[0], "lot_no"), "L1");
    assert_eq!(column(h, first_rows[0], "net"), "179.00");
    assert_eq!(column(h, first_rows[0], "member_id"), "m-1");
    let voided_row = sales
        .iter()
        .find(|r| column(h, r, "document_id") == voided.to_string())
        .unwrap();
    assert_eq!(column(h, voided_row, "voided"), "true");
    assert_eq!(column(h, first_rows[0], "voided"), "false");

    let returns = export_rows(&ho, ExportKind::Returns).await;
    assert_eq!(returns.len(), 1);
    assert_eq!(
        column(export::RETURNS_HEADER, &returns[0], "original_sale_id"),
        first.to_string()
    );
    assert_eq!(
        column(export::RETURNS_HEADER, &returns[0], "refund"),
        "89.50"
    );

    let closes = export_rows(&ho, ExportKind::Closes).await;
    assert_eq!(closes.len(), 2);
    assert_eq!(column(export::CLOSES_HEADER, &closes[0], "cash"), "98.50");
    assert_eq!(
        column(export::CLOSES_HEADER, &closes[0], "variance"),
        "1.50"
    );

    let members = export_rows(&ho, ExportKind::Members).await;
    assert_eq!(members.len(), 1);
    assert_eq!(
        column(export::MEMBERS_HEADER, &members[0], "member_id"),
        "m-1"
    );
    assert_eq!(
        column(export::MEMBERS_HEADER, &members[0], "points_balance"),
        "99"
    );

    let stock = export_rows(&ho, ExportKind::Stock).await;
    let lines: Vec<(String, String, String)> = stock
        .iter()
        .map(|r| (r[1].to_owned(), r[2].to_owned(), r[3].to_owned()))
        .collect();
    assert_eq!(
        lines,
        vec![
            // BP-1 was sold and voided in one batch: no movement at all.
            ("MASK".to_owned(), String::new(), "-15".to_owned()),
            ("STRIP-50".into(), "L1".into(), "-1".into()),
        ]
    );

    let mut none = Vec::new();
    let after = DateRange {
        from: Some(business_date().succ_opt().unwrap()),
        to: None,
    };
    assert_eq!(
        export::export(&*ho.client().await, ExportKind::Sales, after, &mut none)
            .await
            .unwrap(),
        0
    );
    ho.stop().await;
}
