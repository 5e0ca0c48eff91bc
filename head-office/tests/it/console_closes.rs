//! The Daily closes page (日结) over real HTTP on a real PostgreSQL: Z reports by store
//! and business date, variances highlighted, role rules, CSV, refused queries.

use chrono::{NaiveDate, TimeDelta, Utc};
use pos_domain::document::DocumentBody;

use crate::common::*;
use crate::console_tables::{export, flagged_rows, html_rows};

fn days_ago(n: i64) -> NaiveDate {
    head_office::console::chain_today(Utc::now()) - TimeDelta::days(n)
}

/// wang (admin), li (manager of S001), zhao (auditor), qian (merchandiser); and Z
/// reports: S001 T01 ten, two and one days ago (the last 3.00 short), S002 T01
/// yesterday (balanced).
async fn closes_of_two_stores(ho: &HeadOffice) {
    ho.add_console_staff().await;
    let z = |store: &str, sequence: u64, days: i64, cash: &str, counted: &str| {
        let mut doc = document(
            store,
            "T01",
            sequence,
            DocumentBody::ZReport(z_report(sequence, cash, counted)),
        );
        doc.business_date = days_ago(days);
        doc
    };
    let token = ho.enroll("S001", "T01").await;
    let sent = batch(
        "S001",
        "T01",
        vec![
            z("S001", 1, 10, "80.00", "80.00"),
            z("S001", 2, 2, "120.50", "120.50"),
            z("S001", 3, 1, "100.00", "97.00"),
        ],
    );
    all_accepted(&ho.submit(&token, &sent).await);
    let token = ho.enroll("S002", "T01").await;
    let sent = batch("S002", "T01", vec![z("S002", 1, 1, "55.00", "55.00")]);
    all_accepted(&ho.submit(&token, &sent).await);
}

fn row(
    store: &str,
    days: i64,
    z_no: &str,
    expected: &str,
    counted: &str,
    variance: &str,
) -> Vec<String> {
    [
        store,
        &days_ago(days).to_string(),
        "T01",
        z_no,
        expected,
        counted,
        variance,
    ]
    .map(str::to_owned)
    .to_vec()
}

#[tokio::test]
async fn every_chain_wide_role_sees_every_stores_closes_of_the_last_seven_days() {
    let ho = HeadOffice::start().await;
    closes_of_two_stores(&ho).await;
    for name in ["wang", "zhao", "qian"] {
        let mut browser = ho.signed_in(name).await;
        let page = browser.get("/closes").await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("日结") && page.body.contains(r#"href="/closes""#));
        assert_eq!(
            html_rows(&page.body, "closes"),
            vec![
                row("S001", 2, "2", "120.50", "120.50", "0.00"),
                row("S001", 1, "3", "100.00", "97.00", "-3.00"),
                row("S002", 1, "1", "55.00", "55.00", "0.00"),
            ],
            "{name}: ten days ago is outside the default range"
        );
        assert_eq!(flagged_rows(&page.body, "closes"), 1, "the variance only");
    }
    ho.stop().await;
}

#[tokio::test]
async fn filters_by_store_and_dates_and_the_text_filter() {
    let ho = HeadOffice::start().await;
    closes_of_two_stores(&ho).await;
    let mut browser = ho.signed_in("wang").await;
    let from = days_ago(10);
    let to = days_ago(2);
    let page = browser
        .get(&format!("/closes?store=S001&from={from}&to={to}"))
        .await;
    assert_eq!(
        html_rows(&page.body, "closes"),
        vec![
            row("S001", 10, "1", "80.00", "80.00", "0.00"),
            row("S001", 2, "2", "120.50", "120.50", "0.00"),
        ]
    );
    let page = browser.get("/closes?q=-3.00").await;
    assert_eq!(
        html_rows(&page.body, "closes"),
        vec![row("S001", 1, "3", "100.00", "97.00", "-3.00")]
    );
    let page = browser.get("/closes?sort=variance&dir=asc").await;
    let rows = html_rows(&page.body, "closes");
    assert_eq!(rows[0][6], "-3.00", "sorted by amount: {rows:?}");
    ho.stop().await;
}

#[tokio::test]
async fn a_store_manager_sees_only_their_store_and_is_refused_another_page_and_export() {
    let ho = HeadOffice::start().await;
    closes_of_two_stores(&ho).await;
    let mut browser = ho.signed_in("li").await;
    let page = browser.get("/closes").await;
    assert_eq!(page.status, 200);
    let rows = html_rows(&page.body, "closes");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r[0] == "S001"), "{rows:?}");
    let csv = export(&ho.base_url, &browser, "/closes?format=csv").await;
    assert!(csv.rows().1.iter().all(|r| r[0] == "S001"));
    for path in [
        "/closes?store=S002",
        "/closes?store=S002&format=csv",
        "/closes?store=S002&from=not-a-date",
    ] {
        let refused = browser.get(path).await;
        assert_eq!(refused.status, 403, "{path}: {}", refused.body);
        assert!(!refused.body.contains("55.00"), "{path}");
    }
    assert_eq!(browser.get("/closes?store=S001").await.status, 200);
    ho.stop().await;
}

#[tokio::test]
async fn the_csv_is_the_table_with_a_bom_and_chinese_headers() {
    let ho = HeadOffice::start().await;
    closes_of_two_stores(&ho).await;
    let mut browser = ho.signed_in("zhao").await;
    let query = "?sort=counted_cash&dir=desc";
    let page = browser.get(&format!("/closes{query}")).await;
    assert!(
        page.body
            .contains(r#"href="/closes?sort=counted_cash&amp;dir=desc&amp;format=csv""#),
        "the export link carries the query: {}",
        page.body
    );
    let csv = export(
        &ho.base_url,
        &browser,
        &format!("/closes{query}&format=csv"),
    )
    .await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.content_type, "text/csv; charset=utf-8");
    let (header, rows) = csv.rows();
    assert_eq!(
        header,
        [
            "门店",
            "营业日",
            "收银机",
            "Z 报表号",
            "应有现金",
            "清点现金",
            "差额"
        ]
    );
    assert_eq!(rows, html_rows(&page.body, "closes"));
    assert_eq!(rows[0][5], "120.50");
    ho.stop().await;
}

#[tokio::test]
async fn bad_input_gets_the_form_back_with_the_reason_and_a_400() {
    let ho = HeadOffice::start().await;
    closes_of_two_stores(&ho).await;
    let mut browser = ho.signed_in("wang").await;
    for (query, reason) in [
        ("from=2026-02-30", "2026-02-30"),
        ("to=yesterday", "yesterday"),
        ("from=2026-12-05&to=2026-12-01", "起始日晚于截止日"),
        ("from=2020-01-01&to=2026-01-01", "366"),
        ("store=S%20001", "S 001"),
        ("sort=price", "price"),
        ("sort=store&dir=up", "up"),
        ("format=xlsx", "xlsx"),
        ("from=bad&format=csv", "bad"),
    ] {
        let refused = browser.get(&format!("/closes?{query}")).await;
        assert_eq!(refused.status, 400, "{query}: {}", refused.body);
        assert!(refused.body.contains(reason), "{query}: {}", refused.body);
        assert!(
            refused
                .body
                .contains(r#"<form class="filters" method="get" action="/closes">"#),
            "{query}: the form comes back"
        );
        assert!(
            !refused.body.contains(r#"id="closes""#),
            "{query}: no table"
        );
    }
    browser.get("/lang/en?back=/closes").await;
    let refused = browser.get("/closes?sort=price").await;
    assert!(
        refused.body.contains("Sort: there is no column “price”."),
        "{}",
        refused.body
    );
    ho.stop().await;
}

/// The plan of the page's statement for `stores`, with sequential scans priced out so
/// the plan shows whether an index can answer it at all (tables here are tiny).
async fn plan_of(ho: &HeadOffice, stores: Option<Vec<String>>) -> String {
    let client = ho.client().await;
    client
        .batch_execute("SET enable_seqscan = off")
        .await
        .unwrap();
    let rows = client
        .query(
            &format!("EXPLAIN {}", head_office::console::pages::closes::SQL),
            &[&stores, &days_ago(6), &days_ago(0)],
        )
        .await
        .unwrap();
    client.batch_execute("RESET enable_seqscan").await.unwrap();
    rows.iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn the_closes_statement_reads_documents_by_index_for_one_store_or_all() {
    let ho = HeadOffice::start().await;
    closes_of_two_stores(&ho).await;
    for stores in [Some(vec!["S001".to_owned()]), None] {
        let plan = plan_of(&ho, stores.clone()).await;
        assert!(plan.contains("Index"), "{stores:?}: {plan}");
        assert!(
            !plan.contains("Seq Scan on documents"),
            "{stores:?}: {plan}"
        );
    }
    ho.stop().await;
}
