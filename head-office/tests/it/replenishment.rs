//! Replenishment suggestions in the console: a store below its levels is covered from a
//! store with stock to spare, earliest expiry first; the button makes the transfer
//! order (a request for a store manager), after which what is on its way counts and
//! the suggestion goes; a store's own levels are set with the form; bad levels, bad
//! days and auditors change nothing.

use pos_domain::catalog::{Lot, Tracking};
use pos_domain::import::{CatalogImport, StockRecord};

use crate::common::*;
use crate::console_tables::html_rows;
use crate::feed::product;

/// STRIP (safety stock 2) with lots L1 (March) and L2 (June); S001 holds 30 of L1 and
/// 10 of L2, S002 one of L1, S003 nothing. Tills at the three stores; the console staff.
async fn chain(ho: &HeadOffice) {
    for store in ["S001", "S002", "S003"] {
        ho.enroll(store, "T01").await;
    }
    ho.add_console_staff().await;
    let stock = |lot: &str, quantity| StockRecord {
        sku: "STRIP".into(),
        lot_no: Some(lot.into()),
        quantity,
    };
    let lot = |no: &str, expiry: &str| Lot {
        sku: "STRIP".into(),
        lot_no: no.into(),
        expiry_date: expiry.parse().unwrap(),
    };
    for (store, held) in [
        ("S001", vec![stock("L2", 10), stock("L1", 30)]),
        ("S002", vec![stock("L1", 1)]),
    ] {
        let file = CatalogImport {
            products: vec![product("STRIP", "89.50", Tracking::Lot)],
            lots: vec![lot("L1", "2099-03-31"), lot("L2", "2099-06-30")],
            stock: held,
            ..Default::default()
        };
        head_office::catalog::import_catalog(&mut *ho.client().await, &file, Some(store))
            .await
            .unwrap();
    }
}

/// The replenishment rows: (store, sku, on hand, incoming, need, transfers, purchase).
async fn rows(browser: &mut head_office::testing::Visitor, query: &str) -> Vec<Vec<String>> {
    let page = browser.get(&format!("/replenishment{query}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    html_rows(&page.body, "replenishment")
        .into_iter()
        .map(|r| {
            vec![
                r[0].clone(),
                r[1].clone(),
                r[2].clone(),
                r[3].clone(),
                r[8].clone(),
                r[9].clone(),
                r[10].clone(),
            ]
        })
        .collect()
}

async fn set_levels(
    browser: &mut head_office::testing::Visitor,
    csrf: &str,
    store: &str,
    min: &str,
    max: &str,
) {
    let set = browser
        .post(
            "/replenishment/levels",
            &[
                ("csrf", csrf),
                ("store", store),
                ("sku", "STRIP"),
                ("min", min),
                ("max", max),
            ],
        )
        .await;
    assert_eq!(set.status, 303, "{}", set.body);
}

fn row(cells: [&str; 7]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

#[tokio::test]
async fn a_short_store_is_covered_fefo_and_the_button_orders_the_transfer() {
    let ho = HeadOffice::start().await;
    chain(&ho).await;
    let mut admin = ho.signed_in("wang").await;
    // Safety stock 2 and no sales: S002 (1) and S003 (0) are short; S001 spares 38.
    assert_eq!(
        rows(&mut admin, "").await,
        vec![
            row(["S002", "STRIP", "1", "0", "1", "S001 L1 ×1", "0"]),
            row(["S003", "STRIP", "0", "0", "2", "S001 L1 ×2", "0"]),
        ]
    );
    // S002's manager wants 10 to 20 on the shelf.
    let csrf = admin.get("/replenishment").await.csrf();
    let set = admin
        .post(
            "/replenishment/levels",
            &[
                ("csrf", &csrf),
                ("store", "S002"),
                ("sku", "STRIP"),
                ("min", "10"),
                ("max", "20"),
            ],
        )
        .await;
    assert_eq!(set.status, 303, "{}", set.body);
    let page = admin.get("/replenishment?store=S002").await;
    assert!(page.body.contains(r#"value="L1:19""#), "{}", page.body);
    assert_eq!(
        rows(&mut admin, "?store=S002").await,
        vec![row(["S002", "STRIP", "1", "0", "19", "S001 L1 ×19", "0"])]
    );

    let made = admin
        .post(
            "/replenishment/transfer",
            &[
                ("csrf", &csrf),
                ("from_store", "S001"),
                ("to_store", "S002"),
                ("sku", "STRIP"),
                ("covers", "L1:19"),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    assert_eq!(
        made.location.as_deref(),
        Some("/transfer-orders?made=TO000001")
    );
    let again = admin
        .post(
            "/replenishment/transfer",
            &[
                ("csrf", &csrf),
                ("from_store", "S001"),
                ("to_store", "S002"),
                ("sku", "STRIP"),
                ("covers", "L1:19"),
            ],
        )
        .await;
    assert_eq!(again.status, 409, "a second press makes no second order");
    assert!(again.body.contains("TO000001"), "{}", again.body);
    let order = ho
        .client()
        .await
        .query_one(
            "SELECT from_store, to_store, lines::text, state FROM transfer_orders",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        (
            order.get::<_, String>(0),
            order.get::<_, String>(1),
            order.get::<_, String>(3)
        ),
        ("S001".into(), "S002".into(), "ordered".into())
    );
    assert_eq!(
        order.get::<_, String>(2),
        r#"[{"lot": "L1", "sku": "STRIP", "quantity": 19}]"#
    );
    // What is ordered counts as on its way: S002 needs nothing more; and S001 promised
    // those 19 away, so S003 is offered what is left (11 of L1, then L2), not the same.
    assert!(rows(&mut admin, "?store=S002").await.is_empty());
    set_levels(&mut admin, &csrf, "S003", "20", "25").await;
    assert_eq!(
        rows(&mut admin, "?store=S003").await,
        vec![row([
            "S003",
            "STRIP",
            "0",
            "0",
            "25",
            "S001 L1 ×11; S001 L2 ×8",
            "6"
        ])],
        "S001 holds 21 not promised and keeps its safety stock of 2: 19 to spare"
    );
    let audited = ho
        .count("audit_log WHERE action IN ('stock_level.set', 'transfer.order')")
        .await;
    assert_eq!(audited, 3, "two stores' levels and one order");
    ho.stop().await;
}

#[tokio::test]
async fn a_store_manager_sees_their_store_and_requests_auditors_and_bad_input_change_nothing() {
    let ho = HeadOffice::start().await;
    chain(&ho).await;
    ho.add_console_user("zhou", "store_manager", &["S003".into()])
        .await;
    let mut manager = ho.signed_in("zhou").await;
    assert_eq!(
        rows(&mut manager, "").await,
        vec![row(["S003", "STRIP", "0", "0", "2", "S001 L1 ×2", "0"])]
    );
    assert_eq!(manager.get("/replenishment?store=S002").await.status, 403);
    let csrf = manager.get("/replenishment").await.csrf();
    let transfer = [
        ("csrf", csrf.as_str()),
        ("from_store", "S001"),
        ("to_store", "S003"),
        ("sku", "STRIP"),
        ("covers", "L1:2"),
    ];
    assert_eq!(
        manager
            .post("/replenishment/transfer", &transfer)
            .await
            .status,
        303
    );
    let state: String = ho
        .client()
        .await
        .query_one("SELECT state FROM transfer_orders", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        state, "requested",
        "a store manager's transfer waits for head office"
    );

    let audit_before = ho.changes_audited().await;
    let mut auditor = ho.signed_in("zhao").await;
    let page = auditor.get("/replenishment").await;
    assert!(
        !page.body.contains("/replenishment/transfer")
            && !page.body.contains("/replenishment/levels"),
        "an auditor is offered no form"
    );
    let mut as_auditor = transfer;
    let auditor_csrf = page.csrf();
    as_auditor[0] = ("csrf", &auditor_csrf);
    assert_eq!(
        auditor
            .post("/replenishment/transfer", &as_auditor)
            .await
            .status,
        403
    );
    for (levels, status) in [
        (
            vec![
                ("store", "S003"),
                ("sku", "STRIP"),
                ("min", "9"),
                ("max", "3"),
            ],
            400,
        ),
        (
            vec![("store", "S003"), ("sku", "STRIP"), ("min", "-1")],
            400,
        ),
        (vec![("store", "S003"), ("sku", "NOPE"), ("min", "1")], 400),
        (vec![("store", "S002"), ("sku", "STRIP"), ("min", "1")], 403),
    ] {
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend(levels);
        let answer = manager.post("/replenishment/levels", &form).await;
        assert_eq!(answer.status, status, "{form:?}: {}", answer.body);
    }
    assert_eq!(manager.get("/replenishment?window=0").await.status, 400);
    assert_eq!(manager.get("/replenishment?lead=x").await.status, 400);
    assert_eq!(ho.count("stock_levels").await, 0);
    assert_eq!(ho.changes_audited().await, audit_before);
    ho.stop().await;
}
