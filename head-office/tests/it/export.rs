//! CSV exports are safe to open in a spreadsheet: text that came from a till and starts
//! like a formula is written as text, and the numbers head office writes stay numbers.

use crate::common::*;
use head_office::export::{self, DateRange, ExportKind};
use pos_domain::document::DocumentBody;
use rust_decimal::Decimal;

const FORMULA: &str = "=HYPERLINK(\"http://evil.example/\",\"click\")";

async fn export_rows(ho: &HeadOffice, kind: ExportKind) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut out = Vec::new();
    export::export(&*ho.client().await, kind, DateRange::default(), &mut out)
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(&out[..]);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    (header, reader.records().map(Result::unwrap).collect())
}

fn cell(header: &[String], row: &csv::StringRecord, name: &str) -> String {
    row[header.iter().position(|h| h == name).unwrap()].to_owned()
}

#[tokio::test]
async fn text_that_starts_like_a_formula_is_exported_as_text_and_numbers_stay_numbers() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let tainted = Item {
        lot: Some("@LOT"),
        ..item("STRIP-50", 1, "12.50")
    };
    let mut sold = sale(std::slice::from_ref(&tainted), None, 0, 0);
    sold.lines[0].name = FORMULA.into();
    let sold = document(STORE, TERMINAL, 1, DocumentBody::Sale(sold));
    let mut back = return_of(Some(sold.id), &[tainted], None, 0);
    back.reason = "-2+3".into();
    back.lines[0].name = "+cmd|' /C calc'!A0".into();
    let member = pos_domain::document::MemberRegistration::sealed(
        "m-1".into(),
        "card-m-1".into(),
        "13912345678".into(),
        "@SUM(A1:A9)".into(),
        [7; pos_domain::personal_data::SALT_BYTES],
    );
    let docs = vec![
        sold,
        document(STORE, TERMINAL, 2, DocumentBody::Return(back)),
        document(STORE, TERMINAL, 3, DocumentBody::MemberRegistration(member)),
        // Counted 12.50 short: a negative variance.
        document(
            STORE,
            TERMINAL,
            4,
            DocumentBody::ZReport(z_report(1, "100.00", "87.50")),
        ),
        document(
            STORE,
            TERMINAL,
            5,
            DocumentBody::Sale(sale(&[item("MASK", 3, "1.00")], None, 0, 0)),
        ),
    ];
    all_accepted(&ho.submit(&token, &batch(STORE, TERMINAL, docs)).await);

    let (h, sales) = export_rows(&ho, ExportKind::Sales).await;
    assert_eq!(cell(&h, &sales[0], "name"), format!("'{FORMULA}"));
    assert_eq!(cell(&h, &sales[0], "lot_no"), "'@LOT");
    assert_eq!(cell(&h, &sales[0], "net"), "12.50");
    let (h, returns) = export_rows(&ho, ExportKind::Returns).await;
    assert_eq!(cell(&h, &returns[0], "reason"), "'-2+3");
    assert_eq!(cell(&h, &returns[0], "name"), "'+cmd|' /C calc'!A0");
    assert_eq!(cell(&h, &returns[0], "refund"), "12.50");
    let (h, members) = export_rows(&ho, ExportKind::Members).await;
    assert_eq!(cell(&h, &members[0], "name"), "'@SUM(A1:A9)");
    let (h, closes) = export_rows(&ho, ExportKind::Closes).await;
    assert_eq!(cell(&h, &closes[0], "variance"), "-12.50");
    let (h, stock) = export_rows(&ho, ExportKind::Stock).await;
    let mask = stock.iter().find(|r| cell(&h, r, "sku") == "MASK").unwrap();
    assert_eq!(cell(&h, mask, "quantity"), "-3");

    // Every cell of every export that starts like a formula is a number head office
    // wrote itself.
    for kind in [
        ExportKind::Sales,
        ExportKind::Returns,
        ExportKind::Closes,
        ExportKind::Members,
        ExportKind::Stock,
    ] {
        let (header, rows) = export_rows(&ho, kind).await;
        for row in &rows {
            for (name, value) in header.iter().zip(row.iter()) {
                if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    assert!(
                        value.parse::<Decimal>().is_ok(),
                        "{kind:?} {name}: {value:?} would be read as a formula"
                    );
                }
            }
        }
    }
    ho.stop().await;
}
