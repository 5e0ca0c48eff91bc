//! A serial unit's warranty end (保修至): the catalog's warranty period from the day it
//! is sold, on the JSON API, the CSV and the console's trace page; none once it comes
//! back, a new one when it is sold again; none for a product without a period.

use chrono::NaiveDate;
use head_office::export::{self, StockReport};
use head_office::trace_reports::Trace;
use pos_domain::catalog::{DeviceClass, Product, Tracking};
use pos_domain::document::{Document, DocumentBody};
use pos_domain::import::CatalogImport;
use pos_domain::stock_document::{GoodsReceipt, ReceiptLine, StockLine};

use crate::common::*;
use crate::device_sales::product;

const STORE: &str = "S001";

fn on(day: &str, mut doc: Document) -> Document {
    doc.business_date = day.parse().unwrap();
    doc
}

fn unit(sku: &'static str, serial: &'static str) -> Item {
    Item {
        serial: Some(serial),
        ..item(sku, 1, "299.00")
    }
}

async fn serial_trace(ho: &HeadOffice, token: &str, serial: &str) -> Trace {
    let (status, body) = ho
        .get(Some(token), &format!("/v1/trace/serial?serial={serial}"))
        .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body).unwrap()
}

fn ends(day: &str) -> Option<NaiveDate> {
    Some(day.parse().unwrap())
}

#[tokio::test]
async fn a_sold_serials_warranty_runs_from_its_sale_and_ends_when_it_comes_back() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let file = CatalogImport {
        products: vec![
            Product {
                warranty_months: Some(24),
                ..product("MONITOR", Some(DeviceClass::II), Tracking::Serial)
            },
            product("CUFF", Some(DeviceClass::III), Tracking::Serial),
        ],
        ..Default::default()
    };
    head_office::catalog::import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap();
    let till = ho.enroll(STORE, "T01").await;
    let line = |sku: &str, serial: &str| ReceiptLine {
        goods: StockLine {
            sku: sku.into(),
            lot: None,
            expiry_date: None,
            serials: vec![serial.into()],
            quantity: 1,
        },
        expected: None,
    };
    let received = document(
        STORE,
        "T01",
        1,
        DocumentBody::GoodsReceipt(GoodsReceipt {
            reference: "DN-1".into(),
            supplier: String::new(),
            lines: vec![line("MONITOR", "YE-1"), line("CUFF", "CF-1")],
        }),
    );
    let first = DocumentBody::Sale(sale(
        &[unit("MONITOR", "YE-1"), unit("CUFF", "CF-1")],
        None,
        0,
        0,
    ));
    let sold = on("2026-03-15", document(STORE, "T01", 2, first));
    all_accepted(
        &ho.submit(&till, &batch(STORE, "T01", vec![received, sold.clone()]))
            .await,
    );
    let admin = ho.staff_token("sun", "admin", &[]).await;

    let trace = serial_trace(&ho, &admin, "YE-1").await;
    assert_eq!(
        trace.warranty_ends,
        ends("2028-03-14"),
        "24 months less a day"
    );
    let sale_row = trace.movements.iter().find(|m| m.kind == "sale").unwrap();
    assert_eq!(sale_row.warranty_ends, ends("2028-03-14"));
    let cuff = serial_trace(&ho, &admin, "CF-1").await;
    assert_eq!(cuff.warranty_ends, None, "the cuff has no warranty period");

    let mut console = ho.signed_in("wang").await;
    let page = console.get("/trace?sku=MONITOR&serial=YE-1").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("该件保修至 2028-03-14。"),
        "{}",
        page.body
    );
    assert!(page.body.contains("保修至"), "the column");

    let mut out = Vec::new();
    let report = StockReport::SerialLife {
        sku: None,
        serial: "YE-1".into(),
    };
    export::export_report(&**ho.client().await, &report, &mut out)
        .await
        .unwrap();
    let csv = String::from_utf8(out).unwrap();
    assert!(
        csv.lines().next().unwrap().ends_with(",warranty_ends"),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.contains(",sale,") && l.ends_with(",2028-03-14")),
        "{csv}"
    );

    // Returned: no warranty runs; sold again on 1 June: 24 months from then.
    let back = DocumentBody::Return(return_of(
        Some(sold.id),
        &[unit("MONITOR", "YE-1")],
        None,
        0,
    ));
    let returned = on("2026-04-01", document(STORE, "T01", 3, back));
    all_accepted(&ho.submit(&till, &batch(STORE, "T01", vec![returned])).await);
    assert_eq!(serial_trace(&ho, &admin, "YE-1").await.warranty_ends, None);
    let again = DocumentBody::Sale(sale(&[unit("MONITOR", "YE-1")], None, 0, 0));
    let resold = on("2026-06-01", document(STORE, "T01", 4, again));
    all_accepted(&ho.submit(&till, &batch(STORE, "T01", vec![resold])).await);
    let trace = serial_trace(&ho, &admin, "YE-1").await;
    assert_eq!(trace.warranty_ends, ends("2028-05-31"));
    let sales: Vec<_> = trace
        .movements
        .iter()
        .filter(|m| m.kind == "sale")
        .map(|m| m.warranty_ends)
        .collect();
    assert_eq!(sales, vec![ends("2028-03-14"), ends("2028-05-31")]);
    ho.stop().await;
}
