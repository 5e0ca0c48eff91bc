//! The console's Transfer orders page: a store manager's request, head office's
//! approval and its own orders through the form, each audited; the buttons each person
//! may press; rows of other stores hidden from a store manager; bad rows refused by
//! their number with nothing stored.

use pos_domain::catalog::Tracking;
use pos_domain::import::CatalogImport;

use crate::common::*;
use crate::console_tables::{flagged_rows, html_rows};
use crate::feed::product;

async fn chain(ho: &HeadOffice) {
    for store in ["S001", "S002", "S003"] {
        ho.enroll(store, "T01").await;
    }
    ho.add_console_staff().await; // wang admin, li manager of S001, zhao auditor, qian merchandiser
    let file = CatalogImport {
        products: vec![product("STRIP", "89.50", Tracking::Lot)],
        lots: vec![pos_domain::catalog::Lot {
            sku: "STRIP".into(),
            lot_no: "L1".into(),
            expiry_date: "2099-12-31".parse().unwrap(),
        }],
        ..Default::default()
    };
    head_office::catalog::import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap();
}

/// (transfer, from, to, lines, status) of each row.
fn rows(body: &str) -> Vec<[String; 5]> {
    html_rows(body, "transfer_orders")
        .into_iter()
        .map(|r| {
            [
                r[0].clone(),
                r[1].clone(),
                r[2].clone(),
                r[3].clone(),
                r[5].clone(),
            ]
        })
        .collect()
}

fn row(cells: [&str; 5]) -> [String; 5] {
    cells.map(String::from)
}

#[tokio::test]
async fn a_request_is_approved_and_head_office_orders_with_the_form() {
    let ho = HeadOffice::start().await;
    chain(&ho).await;
    let mut manager = ho.signed_in("li").await;
    let csrf = manager.get("/transfer-orders").await.csrf();
    let asked = manager
        .post(
            "/transfer-orders",
            &[
                ("csrf", &csrf),
                ("from_store", "S002"),
                ("to_store", "S001"),
                ("lines", "STRIP 4\n"),
                ("note", "缺货"),
            ],
        )
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    assert_eq!(
        asked.location.as_deref(),
        Some("/transfer-orders?made=TO000001")
    );
    let page = manager.get("/transfer-orders").await;
    assert_eq!(
        rows(&page.body),
        vec![row(["TO000001", "S002", "S001", "STRIP - ×4", "待审批"])]
    );
    assert_eq!(flagged_rows(&page.body, "transfer_orders"), 1);
    assert!(
        page.body.contains("/transfer-orders/TO000001/cancel"),
        "the asker may withdraw"
    );
    assert!(
        !page.body.contains("/transfer-orders/TO000001/approve"),
        "but not approve"
    );

    let mut merchandiser = ho.signed_in("qian").await;
    let csrf = merchandiser.get("/transfer-orders").await.csrf();
    let approved = merchandiser
        .post("/transfer-orders/TO000001/approve", &[("csrf", &csrf)])
        .await;
    assert_eq!(approved.status, 303, "{}", approved.body);
    let again = merchandiser
        .post("/transfer-orders/TO000001/approve", &[("csrf", &csrf)])
        .await;
    assert_eq!(again.status, 409, "approved once");
    assert!(
        again
            .body
            .contains("调拨单 TO000001 的状态是“待出库”，不能批准"),
        "{}",
        again.body
    );

    let mut admin = ho.signed_in("wang").await;
    let csrf = admin.get("/transfer-orders").await.csrf();
    let made = admin
        .post(
            "/transfer-orders",
            &[
                ("csrf", &csrf),
                ("from_store", "S003"),
                ("to_store", "S002"),
                ("lines", "STRIP L1 3\r\n\r\nSTRIP 2"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let page = admin.get("/transfer-orders").await;
    let mut found = rows(&page.body);
    found.sort();
    assert_eq!(
        found,
        vec![
            row(["TO000001", "S002", "S001", "STRIP - ×4", "待出库"]),
            row([
                "TO000002",
                "S003",
                "S002",
                "STRIP L1 ×3; STRIP - ×2",
                "待出库"
            ]),
        ]
    );
    // li manages S001: the order between S003 and S002 is not theirs to see.
    let page = manager.get("/transfer-orders").await;
    assert_eq!(rows(&page.body).len(), 1);
    assert_eq!(
        ho.count(
            "audit_log WHERE action IN ('transfer.request', 'transfer.approve', 'transfer.order')"
        )
        .await,
        3
    );
    ho.stop().await;
}

#[tokio::test]
async fn bad_rows_and_auditors_store_nothing() {
    let ho = HeadOffice::start().await;
    chain(&ho).await;
    let mut admin = ho.signed_in("wang").await;
    let csrf = admin.get("/transfer-orders").await.csrf();
    for (from, to, lines, status, reason) in [
        ("S001", "S002", "STRIP", 400, "第 1 行"),
        ("S001", "S002", "STRIP 2\nSTRIP four", 400, "第 2 行"),
        ("S001", "S002", "NOPE 2", 400, "SKU NOPE 不在商品目录中"),
        ("S001", "S001", "STRIP 2", 400, "调出与调入都是 S001"),
        (
            "S001",
            "S002",
            "STRIP 0",
            400,
            "第 1 行：数量应为 1 到 100000",
        ),
        ("S001", "S002", "STRIP 1\n\nSTRIP L9 1", 400, "没有批号 L9"),
        ("S001", "S002", "STRIP 1\n\nSTRIP", 400, "第 3 行"),
    ] {
        let answer = admin
            .post(
                "/transfer-orders",
                &[
                    ("csrf", &csrf),
                    ("from_store", from),
                    ("to_store", to),
                    ("lines", lines),
                ],
            )
            .await;
        assert_eq!(answer.status, status, "{lines}: {}", answer.body);
        assert!(answer.body.contains(reason), "{lines}: {}", answer.body);
    }
    let mut auditor = ho.signed_in("zhao").await;
    let page = auditor.get("/transfer-orders").await;
    assert!(
        !page.body.contains("name=\"lines\""),
        "an auditor is offered no form"
    );
    let refused = auditor
        .post(
            "/transfer-orders",
            &[
                ("csrf", &page.csrf()),
                ("from_store", "S001"),
                ("to_store", "S002"),
                ("lines", "STRIP 2"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(ho.count("transfer_orders").await, 0);
    assert_eq!(
        ho.count("audit_log WHERE action LIKE 'transfer.%'").await,
        0
    );
    ho.stop().await;
}

/// Every change this issue added to the console needs the session's CSRF token: a post
/// without it (a page elsewhere making the browser send it) is 403 and changes nothing.
#[tokio::test]
async fn the_stock_changes_need_the_csrf_token() {
    let ho = HeadOffice::start().await;
    chain(&ho).await;
    let mut admin = ho.signed_in("wang").await;
    let audit_before = ho.changes_audited().await;
    for (path, form) in [
        (
            "/transfer-orders",
            vec![
                ("from_store", "S001"),
                ("to_store", "S002"),
                ("lines", "STRIP 1"),
            ],
        ),
        ("/transfer-orders/TO000001/approve", vec![]),
        ("/transfer-orders/TO000001/cancel", vec![]),
        (
            "/replenishment/transfer",
            vec![
                ("from_store", "S001"),
                ("to_store", "S002"),
                ("sku", "STRIP"),
                ("covers", ":1"),
            ],
        ),
        (
            "/replenishment/levels",
            vec![("store", "S001"), ("sku", "STRIP"), ("min", "1")],
        ),
        ("/discrepancies/transfer/TR-1/settle", vec![("note", "x")]),
    ] {
        let mut with_forged = vec![("csrf", "forged")];
        with_forged.extend(form);
        let answer = admin.post(path, &with_forged).await;
        assert_eq!(answer.status, 403, "{path}: {}", answer.body);
    }
    assert_eq!(ho.count("transfer_orders").await, 0);
    assert_eq!(ho.count("stock_levels").await, 0);
    assert_eq!(ho.changes_audited().await, audit_before);
    ho.stop().await;
}
