//! A product's barcodes and lots on the console's Catalog page: the catalog file's
//! checks, a barcode of another SKU refused by name, a lot in stock kept, the audit log
//! and the feed that carries each change to the tills.

use head_office::catalog::import_catalog;
use head_office::testing::Visitor;
use pos_domain::catalog::{Lot, Tracking};
use pos_domain::import::{CatalogImport, StockRecord};
use serde_json::Value;

use crate::common::*;
use crate::console_tables::html_rows;
use crate::feed::product;

/// STRIP-50 (lot-tracked, lot L1 held at S001), MASK (no tracking, barcode 96385074),
/// and the console's staff.
async fn catalog(ho: &HeadOffice) {
    ho.add_console_staff().await;
    let file = CatalogImport {
        products: vec![
            product("STRIP-50", "89.50", Tracking::Lot),
            product("MASK", "1.00", Tracking::None),
        ],
        barcodes: vec![("MASK".into(), "96385074".into())],
        lots: vec![Lot {
            sku: "STRIP-50".into(),
            lot_no: "L1".into(),
            expiry_date: "2027-01-31".parse().unwrap(),
        }],
        stock: vec![StockRecord {
            sku: "STRIP-50".into(),
            lot_no: Some("L1".into()),
            quantity: 40,
        }],
        ..Default::default()
    };
    import_catalog(&mut *ho.client().await, &file, Some("S001"))
        .await
        .unwrap();
}

/// A signed-in visitor and the CSRF token of its session.
async fn as_user(ho: &HeadOffice, name: &str) -> (Visitor, String) {
    let mut browser = ho.signed_in(name).await;
    let csrf = browser.get("/catalog/STRIP-50").await.csrf();
    (browser, csrf)
}

/// Barcodes and lots as stored, the audit log's length and every other row a change
/// could touch (the feed among them).
async fn state(
    ho: &HeadOffice,
) -> (
    String,
    i64,
    std::collections::BTreeMap<&'static str, String>,
) {
    let codes: String = ho
        .client()
        .await
        .query_one(
            "SELECT (SELECT coalesce(string_agg(b::text, ';' ORDER BY barcode), '') FROM barcodes b)
                 || '|' || (SELECT coalesce(string_agg(l::text, ';' ORDER BY sku, lot_no), '') FROM lots l)",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    (codes, ho.changes_audited().await, ho.snapshot().await)
}

/// The feed's latest change of `entity` whose data has `field` = `value`.
async fn in_feed(
    ho: &HeadOffice,
    token: &str,
    entity: &str,
    field: &str,
    value: &str,
) -> Option<Value> {
    let (status, page) = ho.get(Some(token), "/v1/feed?cursor=0").await;
    assert_eq!(status, 200);
    page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entity"] == entity && c["data"][field] == value)
        .cloned()
}

/// (action, subject, before, after) of the audit log, oldest first.
async fn audit(ho: &HeadOffice) -> Vec<(String, String, Option<Value>, Option<Value>)> {
    ho.client()
        .await
        .query(
            "SELECT action, subject, before, after FROM audit_log ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

#[tokio::test]
async fn a_new_barcode_and_lot_reach_the_feed_and_the_audit_log_and_so_do_their_changes() {
    let ho = HeadOffice::start().await;
    catalog(&ho).await;
    let token = ho.enroll("S001", "T01").await;
    let (mut qian, csrf) = as_user(&ho, "qian").await;

    let added = qian
        .post(
            "/catalog/STRIP-50/barcodes",
            &[("csrf", &csrf), ("barcode", " 6901234567892 ")],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let page = qian.get(added.location.as_deref().unwrap()).await;
    assert!(page.body.contains("条码已保存"), "{}", page.body);
    assert!(
        html_rows(&page.body, "barcodes")
            .iter()
            .any(|row| row[0] == "6901234567892"),
        "{}",
        page.body
    );
    let barcode = in_feed(&ho, &token, "barcode", "barcode", "6901234567892")
        .await
        .expect("the barcode in the feed");
    assert_eq!(barcode["data"]["sku"], "STRIP-50");

    let added = qian
        .post(
            "/catalog/STRIP-50/lots",
            &[
                ("csrf", &csrf),
                ("lot_no", "L2"),
                ("expiry_date", "2027-06-30"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let lot = in_feed(&ho, &token, "lot", "lot_no", "L2").await.unwrap();
    assert_eq!(lot["data"]["expiry_date"], "2027-06-30");
    assert_eq!(lot["data"]["sku"], "STRIP-50");

    let changed = qian
        .post(
            "/catalog/STRIP-50/lots/L2",
            &[("csrf", &csrf), ("expiry_date", "2027-09-30")],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    let lot = in_feed(&ho, &token, "lot", "lot_no", "L2").await.unwrap();
    assert_eq!(lot["data"]["expiry_date"], "2027-09-30");

    let removed = qian
        .post(
            "/catalog/STRIP-50/barcodes/6901234567892/remove",
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    assert!(
        in_feed(&ho, &token, "barcode_deleted", "barcode", "6901234567892")
            .await
            .is_some()
    );
    let removed = qian
        .post("/catalog/STRIP-50/lots/L2/remove", &[("csrf", &csrf)])
        .await;
    assert_eq!(removed.status, 303, "{}", removed.body);
    let gone = in_feed(&ho, &token, "lot_deleted", "lot_no", "L2")
        .await
        .expect("the lot's deletion in the feed");
    assert_eq!(gone["data"]["sku"], "STRIP-50");
    assert!(
        in_feed(&ho, &token, "lot", "lot_no", "L2").await.is_none(),
        "the deletion replaced the lot: a till from zero never gets it"
    );

    let lot = |expiry: &str| serde_json::json!({"sku": "STRIP-50", "lot_no": "L2", "expiry_date": expiry});
    let barcode = serde_json::json!({"sku": "STRIP-50", "barcode": "6901234567892"});
    let strip = || "STRIP-50".to_owned();
    assert_eq!(
        audit(&ho).await,
        [
            ("barcode.add".into(), strip(), None, Some(barcode.clone())),
            ("lot.add".into(), strip(), None, Some(lot("2027-06-30"))),
            (
                "lot.update".into(),
                strip(),
                Some(lot("2027-06-30")),
                Some(lot("2027-09-30"))
            ),
            ("barcode.remove".into(), strip(), Some(barcode), None),
            ("lot.remove".into(), strip(), Some(lot("2027-09-30")), None),
        ]
    );
    ho.stop().await;
}

type Refused = (
    &'static str,
    Vec<(&'static str, &'static str)>,
    &'static str,
);

#[tokio::test]
async fn bad_barcodes_and_lots_get_the_form_back_with_the_reason_and_change_nothing() {
    let ho = HeadOffice::start().await;
    catalog(&ho).await;
    let (mut wang, csrf) = as_user(&ho, "wang").await;
    let before = state(&ho).await;

    // (path, fields, the reason the answer gives)
    let cases: [Refused; 10] = [
        (
            "/catalog/STRIP-50/barcodes",
            vec![("barcode", "6901234567893")],
            "check digit",
        ),
        (
            "/catalog/STRIP-50/barcodes",
            vec![("barcode", "6.9E+12")],
            "8, 12, 13 or 14 digits",
        ),
        (
            "/catalog/STRIP-50/barcodes",
            vec![("barcode", "96385074")],
            "条码 96385074 已属于 SKU MASK",
        ),
        (
            "/catalog/STRIP-50/lots",
            vec![("lot_no", "L9"), ("expiry_date", "2027-02-30")],
            "YYYY-MM-DD",
        ),
        (
            "/catalog/STRIP-50/lots",
            vec![("lot_no", " "), ("expiry_date", "2027-02-28")],
            "`lot_no`",
        ),
        (
            "/catalog/STRIP-50/lots",
            vec![("lot_no", "L1"), ("expiry_date", "2027-02-28")],
            "批号 L1 已存在",
        ),
        (
            "/catalog/MASK/lots",
            vec![("lot_no", "M1"), ("expiry_date", "2027-02-28")],
            "tracking none",
        ),
        (
            "/catalog/STRIP-50/lots/L1",
            vec![("expiry_date", "31/01/2028")],
            "YYYY-MM-DD",
        ),
        (
            "/catalog/STRIP-50/lots/L1/remove",
            vec![],
            "门店 S001 仍有批号 L1 的库存",
        ),
        (
            "/catalog/STRIP-50/barcodes/96385074/remove",
            vec![],
            "没有条码 96385074",
        ),
    ];
    for (path, fields, reason) in cases {
        let mut form = fields.clone();
        form.push(("csrf", &csrf));
        let answer = wang.post(path, &form).await;
        assert_eq!(answer.status, 400, "{path} {fields:?}: {}", answer.body);
        assert!(
            answer.body.contains(reason) && answer.body.contains(r#"role="alert""#),
            "{path} {fields:?}: {}",
            answer.body
        );
        // A product without tracking has no lot form to send back.
        let has_form = !path.starts_with("/catalog/MASK/lots");
        for (_, typed) in fields
            .iter()
            .filter(|(_, v)| has_form && !v.trim().is_empty())
        {
            assert!(
                answer.body.contains(&format!(r#"value="{typed}""#)),
                "{path}: the form keeps {typed}: {}",
                answer.body
            );
        }
    }
    let missing = wang
        .post(
            "/catalog/NOPE/barcodes",
            &[("csrf", &csrf), ("barcode", "6901234567892")],
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(state(&ho).await, before);
    ho.stop().await;
}

/// A path and the form posted to it.
type Posted = (&'static str, Vec<(&'static str, String)>);

#[tokio::test]
async fn without_the_csrf_token_or_by_a_store_manager_or_auditor_nothing_changes() {
    let ho = HeadOffice::start().await;
    catalog(&ho).await;
    let before = state(&ho).await;
    let changes = |csrf: &str| -> Vec<Posted> {
        let csrf = ("csrf", csrf.to_owned());
        vec![
            (
                "/catalog/STRIP-50/barcodes",
                vec![csrf.clone(), ("barcode", "6901234567892".into())],
            ),
            ("/catalog/MASK/barcodes/96385074/remove", vec![csrf.clone()]),
            (
                "/catalog/STRIP-50/lots",
                vec![
                    csrf.clone(),
                    ("lot_no", "L2".into()),
                    ("expiry_date", "2027-06-30".into()),
                ],
            ),
            (
                "/catalog/STRIP-50/lots/L1",
                vec![csrf.clone(), ("expiry_date", "2028-01-31".into())],
            ),
            ("/catalog/STRIP-50/lots/L1/remove", vec![csrf]),
        ]
    };
    let (mut wang, _) = as_user(&ho, "wang").await;
    for (path, form) in changes("forged") {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(wang.post(path, &form).await.status, 403, "forged: {path}");
        let without: Vec<(&str, &str)> = form.into_iter().filter(|(k, _)| *k != "csrf").collect();
        assert_eq!(wang.post(path, &without).await.status, 403, "none: {path}");
    }
    for name in ["li", "zhao"] {
        let (mut browser, csrf) = as_user(&ho, name).await;
        let page = browser.get("/catalog/STRIP-50").await;
        assert!(
            html_rows(&page.body, "lots") == [["L1", "2027-01-31"]]
                && !page.body.contains("/lots/L1/remove")
                && !page.body.contains(r#"name="lot_no""#),
            "{name} reads the lots, with no form: {}",
            page.body
        );
        for (path, form) in changes(&csrf) {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            assert_eq!(
                browser.post(path, &form).await.status,
                403,
                "{name}: {path}"
            );
        }
    }
    assert_eq!(state(&ho).await, before);
    ho.stop().await;
}
