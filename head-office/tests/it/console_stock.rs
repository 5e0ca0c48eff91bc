//! The Stock today page (今日库存) over real HTTP on a real PostgreSQL: stock per store,
//! SKU and lot with expiry and days left, role rules, CSV, refused queries.

use chrono::{NaiveDate, TimeDelta, Utc};
use head_office::catalog::import_catalog;
use pos_domain::catalog::{Lot, Tracking};
use pos_domain::import::{CatalogImport, StockRecord};

use crate::common::*;
use crate::console_tables::{export, flagged_rows, html_rows};
use crate::feed::product;

fn in_days(n: i64) -> NaiveDate {
    head_office::console::chain_today(Utc::now()) + TimeDelta::days(n)
}

fn held(sku: &str, lot: Option<&str>, quantity: i64) -> StockRecord {
    StockRecord {
        sku: sku.into(),
        lot_no: lot.map(Into::into),
        quantity,
    }
}

/// wang (admin), li (manager of S001), zhao (auditor), qian (merchandiser); test
/// strips in lots L1 (10 days left), L2 (200) and L0 (expired 3 days ago), masks
/// without lots. S001 holds L1, L2 and masks; S002 holds L0 and masks.
async fn stock_of_two_stores(ho: &HeadOffice) {
    let mut client = ho.client().await;
    ho.add_console_staff().await;
    let lot = |lot_no: &str, days: i64| Lot {
        sku: "STRIP-50".into(),
        lot_no: lot_no.into(),
        expiry_date: in_days(days),
    };
    let catalog = CatalogImport {
        products: vec![
            product("STRIP-50", "89.50", Tracking::Lot),
            product("MASK", "1.00", Tracking::None),
        ],
        lots: vec![lot("L1", 10), lot("L2", 200), lot("L0", -3)],
        stock: vec![
            held("STRIP-50", Some("L1"), 40),
            held("STRIP-50", Some("L2"), 12),
            held("MASK", None, 500),
        ],
        ..Default::default()
    };
    import_catalog(&mut client, &catalog, Some("S001"))
        .await
        .unwrap();
    let catalog = CatalogImport {
        stock: vec![held("STRIP-50", Some("L0"), 5), held("MASK", None, 7)],
        ..Default::default()
    };
    import_catalog(&mut client, &catalog, Some("S002"))
        .await
        .unwrap();
}

/// Units at a list price, as the value at retail column shows them.
fn at(price: &str, quantity: &str) -> String {
    let value = price.parse::<rust_decimal::Decimal>().unwrap()
        * quantity.parse::<rust_decimal::Decimal>().unwrap();
    format!("{value:.2}")
}

fn strips(store: &str, lot: &str, quantity: &str, days: i64) -> Vec<String> {
    [
        store,
        "STRIP-50",
        "血压计 STRIP-50",
        lot,
        quantity,
        &in_days(days).to_string(),
        &days.to_string(),
        &at("89.50", quantity),
    ]
    .map(str::to_owned)
    .to_vec()
}

fn masks(store: &str, quantity: &str) -> Vec<String> {
    [
        store,
        "MASK",
        "血压计 MASK",
        "",
        quantity,
        "",
        "",
        &at("1.00", quantity),
    ]
    .map(str::to_owned)
    .to_vec()
}

#[tokio::test]
async fn every_chain_wide_role_sees_every_stores_stock_with_expiry_and_days_left() {
    let ho = HeadOffice::start().await;
    stock_of_two_stores(&ho).await;
    for name in ["wang", "zhao", "qian"] {
        let mut browser = ho.signed_in(name).await;
        let page = browser.get("/stock").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("今日库存") && page.body.contains(r#"href="/stock""#));
        assert_eq!(
            html_rows(&page.body, "stock"),
            vec![
                masks("S001", "500"),
                strips("S001", "L1", "40", 10),
                strips("S001", "L2", "12", 200),
                masks("S002", "7"),
                strips("S002", "L0", "5", -3),
            ],
            "{name}"
        );
        assert_eq!(
            flagged_rows(&page.body, "stock"),
            2,
            "10 days left and expired"
        );
    }
    ho.stop().await;
}

#[tokio::test]
async fn filters_by_store_sku_text_and_expiry_window() {
    let ho = HeadOffice::start().await;
    stock_of_two_stores(&ho).await;
    let mut browser = ho.signed_in("wang").await;
    let page = browser.get("/stock?store=S001&sku=strip").await;
    assert_eq!(
        html_rows(&page.body, "stock"),
        vec![
            strips("S001", "L1", "40", 10),
            strips("S001", "L2", "12", 200)
        ]
    );
    let page = browser.get("/stock?expiring=15").await;
    assert!(
        page.body
            .contains("符合条件的 2 行，零售金额合计 ¥4027.50。"),
        "40 + 5 strips at 89.50, expiring within 15 days: {}",
        page.body
    );
    assert_eq!(
        html_rows(&page.body, "stock"),
        vec![
            strips("S001", "L1", "40", 10),
            strips("S002", "L0", "5", -3)
        ],
        "expired lots are within any window; lotless stock has no expiry"
    );
    let page = browser.get("/stock?expiring=365").await;
    assert_eq!(flagged_rows(&page.body, "stock"), 3, "the window asked for");
    let page = browser.get("/stock?q=L2").await;
    assert_eq!(
        html_rows(&page.body, "stock"),
        vec![strips("S001", "L2", "12", 200)]
    );
    let page = browser
        .get("/stock?sort=days_left&dir=desc&sku=STRIP")
        .await;
    let lots: Vec<String> = html_rows(&page.body, "stock")
        .into_iter()
        .map(|r| r[3].clone())
        .collect();
    assert_eq!(lots, ["L2", "L1", "L0"]);
    let page = browser.get("/stock?sort=retail_value&dir=desc").await;
    let values: Vec<String> = html_rows(&page.body, "stock")
        .into_iter()
        .map(|r| r[7].clone())
        .collect();
    assert_eq!(
        values,
        ["3580.00", "1074.00", "500.00", "447.50", "7.00"],
        "by value at retail"
    );
    ho.stop().await;
}

#[tokio::test]
async fn below_safety_stock_lists_the_skus_a_store_holds_fewer_of_than_the_products_safety_stock() {
    let ho = HeadOffice::start().await;
    stock_of_two_stores(&ho).await;
    // S003 opens with one mask (under the safety stock of 2) and three strips (not).
    let opening = CatalogImport {
        stock: vec![held("MASK", None, 1), held("STRIP-50", Some("L2"), 3)],
        ..Default::default()
    };
    import_catalog(&mut **ho.client().await, &opening, Some("S003"))
        .await
        .unwrap();
    let mut browser = ho.signed_in("wang").await;
    let page = browser.get("/stock?low=1").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(html_rows(&page.body, "stock"), vec![masks("S003", "1")]);
    assert!(page.body.contains(r#"name="low" value="1" checked"#));
    let refused = browser.get("/stock?low=yes").await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("yes"));
    ho.stop().await;
}

#[tokio::test]
async fn a_store_manager_sees_only_their_store_and_is_refused_another_page_and_export() {
    let ho = HeadOffice::start().await;
    stock_of_two_stores(&ho).await;
    let mut browser = ho.signed_in("li").await;
    let page = browser.get("/stock").await;
    let rows = html_rows(&page.body, "stock");
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r[0] == "S001"), "{rows:?}");
    let csv = export(&ho.base_url, &browser, "/stock?format=csv").await;
    assert_eq!(csv.rows().1, rows);
    for path in [
        "/stock?store=S002",
        "/stock?store=S002&format=csv",
        "/stock?store=S002&expiring=soon",
    ] {
        let refused = browser.get(path).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.body);
        assert!(!refused.body.contains("L0"), "{path}");
    }
    ho.stop().await;
}

#[tokio::test]
async fn the_csv_is_the_table_with_a_bom_and_chinese_headers() {
    let ho = HeadOffice::start().await;
    stock_of_two_stores(&ho).await;
    let mut browser = ho.signed_in("zhao").await;
    let query = "?sku=%E8%A1%80%E5%8E%8B%E8%AE%A1&sort=quantity&dir=desc";
    let page = browser.get(&format!("/stock{query}")).await;
    let csv = export(&ho.base_url, &browser, &format!("/stock{query}&format=csv")).await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.content_type, "text/csv; charset=utf-8");
    let (header, rows) = csv.rows();
    assert_eq!(
        header,
        [
            "门店",
            "商品编码",
            "商品",
            "批号",
            "数量",
            "有效期至",
            "剩余天数",
            "零售金额"
        ]
    );
    assert_eq!(rows.len(), 5, "血压计 is in every product's name");
    assert_eq!(rows, html_rows(&page.body, "stock"));
    assert_eq!(rows[0][4], "500");
    ho.stop().await;
}

#[tokio::test]
async fn bad_input_gets_the_form_back_with_the_reason_and_a_400() {
    let ho = HeadOffice::start().await;
    stock_of_two_stores(&ho).await;
    let mut browser = ho.signed_in("wang").await;
    for (query, reason) in [
        ("expiring=-1", "-1"),
        ("expiring=a%20week", "a week"),
        ("expiring=99999", "99999"),
        ("store=S%2F1", "S/1"),
        ("sort=price", "price"),
        ("sort=sku&dir=sideways", "sideways"),
        ("format=pdf", "pdf"),
        ("expiring=x&format=csv", "x"),
    ] {
        let refused = browser.get(&format!("/stock?{query}")).await;
        assert_eq!(refused.status, 400, "{query}: {}", refused.body);
        assert!(refused.body.contains(reason), "{query}: {}", refused.body);
        assert!(
            refused
                .body
                .contains(r#"<form class="filters" method="get" action="/stock">"#),
            "{query}: the form comes back"
        );
        assert!(!refused.body.contains(r#"id="stock""#), "{query}: no table");
    }
    // A store manager's own store with a bad window is bad input, not a refusal.
    let mut manager = ho.signed_in("li").await;
    let refused = manager.get("/stock?store=S001&expiring=-1").await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    ho.stop().await;
}

#[tokio::test]
async fn the_stock_statement_reads_one_stores_stock_by_its_key() {
    let ho = HeadOffice::start().await;
    stock_of_two_stores(&ho).await;
    let client = ho.client().await;
    client
        .batch_execute("SET enable_seqscan = off")
        .await
        .unwrap();
    let stores = Some(vec!["S001".to_owned()]);
    let rows = client
        .query(
            &format!(
                "EXPLAIN {}",
                head_office::console::pages::stock::sql(
                    &head_office::console::pages::stock::order_by(None, false)
                )
            ),
            &[
                &stores,
                &None::<String>,
                &None::<NaiveDate>,
                &None::<String>,
                &in_days(0),
                &500i64,
                &false,
            ],
        )
        .await
        .unwrap();
    let plan: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    let plan = plan.join("\n");
    assert!(plan.contains("stock_pkey"), "{plan}");
    assert!(!plan.contains("Seq Scan on stock"), "{plan}");
    ho.stop().await;
}

/// A chain holds far more stock rows than a page shows: the database sorts and cuts,
/// so the page's first rows are the first of all of them, and it says how many match.
#[tokio::test]
async fn more_rows_than_a_page_shows_are_sorted_and_cut_by_the_database() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.client()
        .await
        .batch_execute(
            "INSERT INTO stock (store_id, sku, lot_no, quantity)
             SELECT 'S001', 'SKU-' || lpad(n::text, 4, '0'), '', n FROM generate_series(1, 600) n",
        )
        .await
        .unwrap();
    let mut wang = ho.signed_in("wang").await;
    let page = wang.get("/stock?sort=quantity&dir=desc").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let rows = html_rows(&page.body, "stock");
    assert_eq!(rows.len(), 500);
    assert_eq!(
        (rows[0][1].as_str(), rows[0][4].as_str()),
        ("SKU-0600", "600")
    );
    assert!(
        page.body.contains("仅显示前 500 行（共 600 行）"),
        "the notice gives the total: {}",
        page.body
    );
    let page = wang.get("/stock?q=SKU-01").await;
    assert_eq!(
        html_rows(&page.body, "stock").len(),
        100,
        "SKU-0100 to SKU-0199"
    );
    let csv = export(&ho.base_url, &wang, "/stock?format=csv").await;
    assert_eq!(csv.rows().1.len(), 600, "the CSV has them all");
    ho.stop().await;
}
