//! The sales record of class II and III devices (医疗器械销售记录): each sale, return and
//! void line of such a product with its model, registration number, lot or serial and
//! expiry, manufacturer and licence number, the document's number and the member
//! masked; a catalog edit after a sale leaves the sale's row as it was, the aggregates'
//! rebuild too. The JSON API, the console page (a store manager sees their stores only)
//! and the CSV export.

use head_office::device_sales::{DeviceSale, DeviceSales};
use head_office::export::{self, DateRange, ExportKind};
use pos_domain::catalog::{DeviceClass, Product, Tracking};
use pos_domain::document::{Document, DocumentBody};
use pos_domain::import::{CatalogImport, product_fields, product_to_fields};

use crate::common::*;
use crate::console_tables::html_rows;

const PATH: &str = "/v1/stock/device-sales";

pub fn product(sku: &str, class: Option<DeviceClass>, tracking: Tracking) -> Product {
    Product {
        sku: sku.into(),
        name: format!("product {sku}"),
        pinyin: "cp".into(),
        category: "devices".into(),
        unit: "台".into(),
        price: "10.00".parse().unwrap(),
        vat_rate: vat_13(),
        device_class: class,
        registration_no: Some(format!("国械注准{sku}")),
        tracking,
        safety_stock: 0,
        model_spec: Some(format!("{sku}-M1")),
        manufacturer: Some("鱼跃医疗".into()),
        manufacturer_licence: Some("苏食药监械生产许20010020号".into()),
        warranty_months: None,
    }
}

/// STRIP (class II, lots), CUFF (class III, serials), MASK (class I) and GAUZE (no class).
async fn catalog(ho: &HeadOffice) {
    let file = CatalogImport {
        products: vec![
            product("STRIP", Some(DeviceClass::II), Tracking::Lot),
            product("CUFF", Some(DeviceClass::III), Tracking::Serial),
            product("MASK", Some(DeviceClass::I), Tracking::None),
            product("GAUZE", None, Tracking::None),
        ],
        lots: vec![pos_domain::catalog::Lot {
            sku: "STRIP".into(),
            lot_no: "L1".into(),
            expiry_date: "2028-01-31".parse().unwrap(),
        }],
        ..Default::default()
    };
    head_office::catalog::import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap();
}

fn with_lot(sku: &'static str, quantity: u32, price: &str, lot: &'static str) -> Item {
    Item {
        lot: Some(lot),
        ..item(sku, quantity, price)
    }
}

fn with_serial(sku: &'static str, price: &str, serial: &'static str) -> Item {
    Item {
        serial: Some(serial),
        ..item(sku, 1, price)
    }
}

async fn asked(ho: &HeadOffice, token: &str, query: &str) -> DeviceSales {
    let (status, body) = ho.get(Some(token), &format!("{PATH}{query}")).await;
    assert_eq!(status, 200, "{query}: {body}");
    serde_json::from_value(body).unwrap()
}

/// (store, kind, sku, quantity, unit price, lot, serial, manufacturer) of each row.
type Figures = (String, String, String, i64, String, String, String, String);

fn figures(sales: &[DeviceSale]) -> Vec<Figures> {
    sales
        .iter()
        .map(|s| {
            (
                s.store_id.clone(),
                s.kind.clone(),
                s.sku.clone(),
                s.quantity,
                s.unit_price.to_string(),
                s.lot_no.clone().unwrap_or_default(),
                s.serial.clone().unwrap_or_default(),
                s.manufacturer.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// `at` is (store, kind, sku).
fn row(
    at: (&str, &str, &str),
    quantity: i64,
    price: &str,
    lot: &str,
    serial: &str,
    maker: &str,
) -> Figures {
    let s = |t: &str| t.to_owned();
    let (store, kind, sku) = at;
    (
        s(store),
        s(kind),
        s(sku),
        quantity,
        s(price),
        s(lot),
        s(serial),
        s(maker),
    )
}

/// The merchandiser renames STRIP's manufacturer on the product page.
async fn new_manufacturer(ho: &HeadOffice) {
    let mut qian = ho.signed_in("qian").await;
    let form_page = qian.get("/catalog/STRIP").await;
    assert_eq!(form_page.status, 200);
    assert!(
        form_page.body.contains("鱼跃医疗"),
        "the form shows the manufacturer"
    );
    let mut edited = product("STRIP", Some(DeviceClass::II), Tracking::Lot);
    edited.manufacturer = Some("江苏鱼跃".into());
    edited.manufacturer_licence = Some("苏药监械生产许20230001号".into());
    let fields = product_to_fields(&edited);
    let csrf = form_page.csrf();
    let mut form: Vec<(&str, &str)> = product_fields()
        .iter()
        .copied()
        .zip(fields.iter().map(String::as_str))
        .collect();
    form.push(("csrf", &csrf));
    let saved = qian.post("/catalog/STRIP", &form).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let audited = ho
        .client()
        .await
        .query_one(
            "SELECT before->>'manufacturer', after->>'manufacturer', after->>'manufacturer_licence'
             FROM audit_log WHERE action = 'product.update' AND subject = 'STRIP'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        (
            audited.get::<_, String>(0),
            audited.get::<_, String>(1),
            audited.get::<_, String>(2)
        ),
        (
            "鱼跃医疗".to_owned(),
            "江苏鱼跃".to_owned(),
            "苏药监械生产许20230001号".to_owned()
        )
    );
}

#[tokio::test]
async fn each_class_ii_and_iii_line_is_recorded_with_the_catalog_of_its_day_and_a_rebuild_keeps_it()
{
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    catalog(&ho).await;
    ho.import_member("M1", "13812345678", 0).await;
    let (a, b) = (
        ho.enroll("S001", "T01").await,
        ho.enroll("S002", "T01").await,
    );
    let sold = document(
        "S001",
        "T01",
        1,
        DocumentBody::Sale(sale(
            &[
                with_lot("STRIP", 3, "45.00", "L1"),
                item("MASK", 2, "5.00"),
                item("GAUZE", 1, "3.00"),
            ],
            Some("M1"),
            0,
            0,
        )),
    );
    let returned = document(
        "S001",
        "T01",
        2,
        DocumentBody::Return(return_of(
            Some(sold.id),
            &[with_lot("STRIP", 1, "45.00", "L1")],
            Some("M1"),
            0,
        )),
    );
    all_accepted(
        &ho.submit(&a, &batch("S001", "T01", vec![sold.clone(), returned]))
            .await,
    );
    let cuff = document(
        "S002",
        "T01",
        1,
        DocumentBody::Sale(sale(&[with_serial("CUFF", "299.00", "SN1")], None, 0, 0)),
    );
    let voided = document(
        "S002",
        "T01",
        2,
        DocumentBody::Sale(sale(&[with_serial("CUFF", "299.00", "SN2")], None, 0, 0)),
    );
    let void = document("S002", "T01", 3, DocumentBody::Void(void_of(&voided)));
    all_accepted(
        &ho.submit(&b, &batch("S002", "T01", vec![cuff, voided, void]))
            .await,
    );
    let admin = ho.staff_token("zhou", "admin", &[]).await;
    let before_edit = asked(&ho, &admin, "").await;

    new_manufacturer(&ho).await;
    let later = document(
        "S001",
        "T01",
        3,
        DocumentBody::Sale(sale(&[with_lot("STRIP", 1, "45.00", "L1")], None, 0, 0)),
    );
    all_accepted(&ho.submit(&a, &batch("S001", "T01", vec![later])).await);

    let answer = asked(&ho, &admin, "").await;
    assert!(!answer.more);
    assert_eq!(
        figures(&answer.sales),
        [
            row(("S001", "sale", "STRIP"), 3, "45.00", "L1", "", "鱼跃医疗"),
            row(
                ("S001", "return", "STRIP"),
                -1,
                "45.00",
                "L1",
                "",
                "鱼跃医疗"
            ),
            row(("S001", "sale", "STRIP"), 1, "45.00", "L1", "", "江苏鱼跃"),
            row(("S002", "sale", "CUFF"), 1, "299.00", "", "SN1", "鱼跃医疗"),
            row(("S002", "sale", "CUFF"), 1, "299.00", "", "SN2", "鱼跃医疗"),
            row(
                ("S002", "void", "CUFF"),
                -1,
                "299.00",
                "",
                "SN2",
                "鱼跃医疗"
            ),
        ],
        "class I (MASK) and unclassed (GAUZE) lines are not recorded; the edit applies \
         from the next sale on"
    );
    assert_eq!(
        answer.sales[..2],
        before_edit.sales[..2],
        "the edit rewrote no earlier row"
    );
    let first = &answer.sales[0];
    assert_eq!(first.document_no, "S001/T01 #1");
    assert_eq!(first.document_id, sold.id);
    assert_eq!(first.device_class, "II");
    assert_eq!(first.model_spec.as_deref(), Some("STRIP-M1"));
    assert_eq!(
        first.registration_no.as_deref(),
        Some("国械注准STRIP"),
        "the catalog's, as the line carried none"
    );
    assert_eq!(first.expiry_date, Some("2028-01-31".parse().unwrap()));
    assert_eq!(
        first.manufacturer_licence.as_deref(),
        Some("苏食药监械生产许20010020号")
    );
    assert_eq!(first.business_date, business_date());
    assert_eq!(
        first.member.as_deref(),
        Some("C-M1 王* 138****5678"),
        "masked, even for an admin"
    );
    assert_eq!(answer.sales[1].member, first.member);
    assert_eq!(
        answer.sales[2].manufacturer_licence.as_deref(),
        Some("苏药监械生产许20230001号")
    );

    // The rebuild recomputes from the documents and keeps each row's catalog fields.
    {
        let mut client = ho.client().await;
        let tx = client.transaction().await.unwrap();
        head_office::aggregates::rebuild(&tx).await.unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(asked(&ho, &admin, "").await, answer);
    // Lost rows come back, with the catalog of the moment.
    ho.client()
        .await
        .execute("DELETE FROM device_sales WHERE store_id = 'S002'", &[])
        .await
        .unwrap();
    {
        let mut client = ho.client().await;
        let tx = client.transaction().await.unwrap();
        head_office::aggregates::rebuild(&tx).await.unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(asked(&ho, &admin, "").await, answer);

    // A store manager: their store, asked or not; another is 403.
    let manager = ho.staff_token("sun", "store_manager", &["S001"]).await;
    assert_eq!(
        figures(&asked(&ho, &manager, "").await.sales),
        figures(&answer.sales[..3])
    );
    let (status, body) = ho.get(Some(&manager), &format!("{PATH}?store=S002")).await;
    assert_eq!((status, body["error"].as_str()), (403, Some("forbidden")));
    assert_eq!(
        figures(
            &asked(&ho, &admin, "?store=S002&from=2026-11-22&to=2026-11-22")
                .await
                .sales
        ),
        figures(&answer.sales[3..])
    );
    assert_eq!(asked(&ho, &admin, "?from=2026-11-23").await.sales, vec![]);
    for query in ["?from=2026-11-23&to=2026-11-22", "?from=soon", "?shop=S1"] {
        let (status, body) = ho.get(Some(&admin), &format!("{PATH}{query}")).await;
        assert_eq!((status, body["error"].as_str()), (400, Some("bad_request")));
    }
    let (status, _) = ho.get(Some(&a), PATH).await;
    assert_eq!(status, 401, "a till's token is no staff token");

    // The export: every store, members masked, text cells guarded.
    let mut out = Vec::new();
    let rows = export::export(
        &**ho.client().await,
        ExportKind::DeviceSales,
        DateRange::default(),
        &mut out,
    )
    .await
    .unwrap();
    assert_eq!(rows, 6);
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), export::DEVICE_SALES_HEADER.join(","));
    let first_line = lines.next().unwrap();
    assert!(
        first_line.starts_with("2026-11-22,S001,S001/T01 #1,")
            && first_line.contains(",STRIP,product STRIP,STRIP-M1,国械注准STRIP,II,3,45.00,L1,,2028-01-31,鱼跃医疗,苏食药监械生产许20010020号,C-M1 王* 138****5678"),
        "{first_line}"
    );
    assert!(text.contains(",return,STRIP,") && text.contains(",-1,45.00,"));
    ho.stop().await;
}

#[tokio::test]
async fn the_device_sales_page_lists_a_store_managers_own_stores_only_and_exports_csv() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    catalog(&ho).await;
    for store in ["S001", "S002"] {
        let token = ho.enroll(store, "T01").await;
        let sold: Document = document(
            store,
            "T01",
            1,
            DocumentBody::Sale(sale(&[with_lot("STRIP", 2, "45.00", "L1")], None, 0, 0)),
        );
        all_accepted(&ho.submit(&token, &batch(store, "T01", vec![sold])).await);
    }
    let dates = "from=2026-11-01&to=2026-11-30";
    let mut wang = ho.signed_in("wang").await;
    let page = wang.get(&format!("/device-sales?{dates}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("医疗器械销售记录"));
    assert!(
        page.body.contains(r#"href="/device-sales""#),
        "in the navigation"
    );
    let stores: Vec<String> = html_rows(&page.body, "device_sales")
        .into_iter()
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(stores, ["S001", "S002"]);

    let mut li = ho.signed_in("li").await;
    let page = li.get(&format!("/device-sales?{dates}")).await;
    let rows = html_rows(&page.body, "device_sales");
    assert_eq!(rows.len(), 1, "S001's only: {rows:?}");
    assert_eq!(
        (
            rows[0][1].as_str(),
            rows[0][2].as_str(),
            rows[0][14].as_str()
        ),
        ("S001", "S001/T01 #1", "鱼跃医疗")
    );
    assert_eq!(
        li.get(&format!("/device-sales?{dates}&store=S002"))
            .await
            .status,
        403
    );
    let csv = li
        .get(&format!(
            "/device-sales?{dates}&sort=quantity&dir=desc&format=csv"
        ))
        .await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.body.lines().count(), 2, "{}", csv.body);
    assert!(csv.body.contains("S001/T01 #1"));
    assert!(!csv.body.contains("S002"));
    let refused = wang
        .get("/device-sales?from=2026-11-30&to=2026-11-01")
        .await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("起始日晚于截止日"));
    let english = wang.get("/lang/en?back=/device-sales").await;
    assert!(english.status < 400);
    let page = wang.get(&format!("/device-sales?{dates}")).await;
    assert!(page.body.contains("Device sales record"), "{}", page.body);
    ho.stop().await;
}
