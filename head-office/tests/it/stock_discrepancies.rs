//! A goods receipt's shortages and excesses against its delivery note: kept with the
//! receipt at ingest (once, whatever the resends), answered to head-office staff by
//! store and business date (a store manager only for their stores), and exported as
//! CSV that a spreadsheet reads as text.

use chrono::Days;
use head_office::export::{self, DateRange, ExportKind};
use head_office::stock_reports::ReceiptDiscrepancies;
use pos_domain::document::Document;

use crate::common::*;
use crate::stock_documents::{goods, receipt, with_serials};

const PATH: &str = "/v1/stock/receipt-discrepancies";

/// S1's receipt of 2026-11-22: 2 strips short, the masks not delivered, gloves not
/// announced; the cuffs as announced.
fn s1_receipt() -> Document {
    receipt(
        STORE,
        1,
        "DN-1",
        vec![
            (goods("STRIP", Some("L1"), Some("2028-06-30"), 8), Some(10)),
            (
                with_serials(goods("CUFF", None, None, 2), &["SN1", "SN2"]),
                Some(2),
            ),
            (goods("MASK", None, None, 0), Some(50)),
            (goods("GLOVE", None, None, 5), None),
        ],
    )
}

/// S2's receipt of 2026-11-23: 3 masks more than announced, from a supplier whose name
/// starts like a formula.
fn s2_receipt() -> Document {
    let mut doc = receipt(
        "S2",
        1,
        "=DN-2",
        vec![(goods("MASK", None, None, 13), Some(10))],
    );
    doc.business_date = business_date().checked_add_days(Days::new(1)).unwrap();
    if let pos_domain::document::DocumentBody::GoodsReceipt(r) = &mut doc.body {
        r.supplier = "+cmd|' /C calc'!A0".into();
    }
    doc
}

async fn received(ho: &HeadOffice) {
    let s1 = ho.enroll(STORE, TERMINAL).await;
    let s2 = ho.enroll("S2", TERMINAL).await;
    all_accepted(
        &ho.submit(&s1, &batch(STORE, TERMINAL, vec![s1_receipt()]))
            .await,
    );
    all_accepted(
        &ho.submit(&s2, &batch("S2", TERMINAL, vec![s2_receipt()]))
            .await,
    );
}

async fn asked(ho: &HeadOffice, token: &str, query: &str) -> ReceiptDiscrepancies {
    let (status, body) = ho.get(Some(token), &format!("{PATH}{query}")).await;
    assert_eq!(status, 200, "{query}: {body}");
    serde_json::from_value(body).unwrap()
}

/// (store, sku, expected, received, shortage, excess) of each row.
type Figures = (String, String, Option<i64>, i64, i64, i64);

fn figures(answer: &ReceiptDiscrepancies) -> Vec<Figures> {
    answer
        .discrepancies
        .iter()
        .map(|d| {
            let f = (d.expected, d.received, d.shortage, d.excess);
            (d.store_id.clone(), d.sku.clone(), f.0, f.1, f.2, f.3)
        })
        .collect()
}

fn row(store: &str, sku: &str, expected: Option<i64>, got: i64, short: i64, over: i64) -> Figures {
    (store.into(), sku.into(), expected, got, short, over)
}

#[tokio::test]
async fn a_receipts_shortages_and_excesses_are_kept_once_and_answered_to_staff_by_store_and_date() {
    let ho = HeadOffice::start().await;
    received(&ho).await;
    // Sent again (its answer was lost): a duplicate records nothing more.
    let s1 = ho.enroll(STORE, TERMINAL).await;
    let doc = s1_receipt();
    let first = ho
        .client()
        .await
        .query_one("SELECT id FROM documents WHERE store_id = $1", &[&STORE])
        .await
        .unwrap();
    let stored = Document {
        id: first.get(0),
        ..doc
    };
    let resend = ho.submit(&s1, &batch(STORE, TERMINAL, vec![stored])).await;
    assert_eq!(
        resend.results[0].status,
        pos_domain::protocol::DocumentStatus::Duplicate,
        "{resend:?}"
    );
    assert_eq!(ho.count("receipt_discrepancies").await, 4);

    let admin = ho.staff_token("wang", "admin", &[]).await;
    let s1_rows = vec![
        row(STORE, "STRIP", Some(10), 8, 2, 0),
        row(STORE, "MASK", Some(50), 0, 50, 0),
        row(STORE, "GLOVE", None, 5, 0, 5),
    ];
    let s2_rows = vec![row("S2", "MASK", Some(10), 13, 0, 3)];
    let everything = asked(&ho, &admin, "").await;
    assert_eq!(
        figures(&everything),
        [s1_rows.clone(), s2_rows.clone()].concat()
    );
    assert!(!everything.more);
    let strip = &everything.discrepancies[0];
    assert_eq!(
        (strip.reference.as_str(), strip.supplier.as_str()),
        ("DN-1", "鱼跃医疗")
    );
    assert_eq!((strip.lot_no.as_deref(), strip.line_no), (Some("L1"), 1));
    assert_eq!(strip.business_date, business_date());
    assert_eq!(figures(&asked(&ho, &admin, "?store=S2").await), s2_rows);
    assert_eq!(
        figures(&asked(&ho, &admin, "?from=2026-11-23").await),
        s2_rows
    );
    assert_eq!(
        figures(&asked(&ho, &admin, "?from=2026-11-22&to=2026-11-22").await),
        s1_rows
    );
    assert_eq!(figures(&asked(&ho, &admin, "?store=S3").await), vec![]);
    let auditor = ho.staff_token("zhao", "auditor", &[]).await;
    assert_eq!(
        asked(&ho, &auditor, "").await,
        everything,
        "an auditor reads everything"
    );

    // A store manager sees their store, asked or not, and no other.
    let manager = ho.staff_token("li", "store_manager", &[STORE]).await;
    assert_eq!(figures(&asked(&ho, &manager, "").await), s1_rows);
    assert_eq!(figures(&asked(&ho, &manager, "?store=S1").await), s1_rows);
    let (status, body) = ho.get(Some(&manager), &format!("{PATH}?store=S2")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );

    // No staff session: 401, whatever else the request carries.
    for token in [Some(s1.as_str()), Some("not-a-session"), None] {
        let (status, body) = ho.get(token, PATH).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("unauthorized")),
            "{body}"
        );
        assert!(
            body["message"].as_str().unwrap().contains("staff"),
            "{body}"
        );
    }
    // The console's own cookie works too.
    let mut browser = ho.signed_in("wang").await;
    let answer = browser.get(&format!("{PATH}?store=S2")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let read: ReceiptDiscrepancies = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(figures(&read), s2_rows);

    for query in [
        "?from=2026-11-23&to=2026-11-22",
        "?from=yesterday",
        "?shop=S1",
    ] {
        let (status, body) = ho.get(Some(&admin), &format!("{PATH}{query}")).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("bad_request")),
            "{query}: {body}"
        );
    }
    ho.stop().await;
}

#[tokio::test]
async fn the_receipt_discrepancies_export_reads_as_text_in_a_spreadsheet() {
    let ho = HeadOffice::start().await;
    received(&ho).await;
    let mut out = Vec::new();
    let dates = DateRange {
        from: Some(business_date().checked_add_days(Days::new(1)).unwrap()),
        to: None,
    };
    let rows = export::export(
        &*ho.client().await,
        ExportKind::ReceiptDiscrepancies,
        dates,
        &mut out,
    )
    .await
    .unwrap();
    assert_eq!(rows, 1);
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "business_date,store_id,document_id,line_no,reference,supplier,sku,lot_no,expected,received,shortage,excess"
        )
    );
    let cells: Vec<String> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(cells[0], "2026-11-23");
    assert_eq!(cells[1], "S2");
    assert_eq!(
        &cells[4..],
        [
            "'=DN-2",
            "'+cmd|' /C calc'!A0",
            "MASK",
            "",
            "10",
            "13",
            "0",
            "3"
        ]
    );

    let mut all = Vec::new();
    let every = export::export(
        &*ho.client().await,
        ExportKind::ReceiptDiscrepancies,
        DateRange::default(),
        &mut all,
    )
    .await
    .unwrap();
    assert_eq!(every, 4);
    ho.stop().await;
}

#[tokio::test]
async fn a_receipt_without_expected_quantities_records_no_discrepancy() {
    let ho = HeadOffice::start().await;
    let s1 = ho.enroll(STORE, TERMINAL).await;
    // Goods bought at the counter of a supplier: no delivery note announced anything.
    let unannounced = receipt(
        STORE,
        1,
        "CASH-1",
        vec![
            (goods("STRIP", Some("L1"), Some("2028-06-30"), 8), None),
            (goods("GLOVE", None, None, 5), None),
        ],
    );
    all_accepted(
        &ho.submit(&s1, &batch(STORE, TERMINAL, vec![unannounced]))
            .await,
    );
    assert_eq!(ho.stock(STORE, "GLOVE", "").await, Some(5));
    assert_eq!(ho.count("receipt_discrepancies").await, 0);
    let admin = ho.staff_token("wang", "admin", &[]).await;
    assert_eq!(figures(&asked(&ho, &admin, "").await), vec![]);
    ho.stop().await;
}
