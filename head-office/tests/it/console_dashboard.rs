//! The dashboard and the reports over real HTTP on a real PostgreSQL, fed by real
//! batches: the aggregates ingest keeps, what each role sees, CSV, refused queries, and
//! the rebuild (and migration 5) giving the same rows as ingest.

use chrono::Utc;
use head_office::aggregates;
use pos_domain::document::{
    Document, DocumentBody, LineDiscount, Sale, Tender, TenderKind, VatAmount,
};
use pos_domain::money::vat_included;
use rust_decimal::Decimal;

use crate::common::*;
use crate::console_tables::{export, html_rows};

/// `sale` with `amount` off its first line by promotion `promotion`, still adding up.
fn discounted(mut sale: Sale, promotion: &str, amount: &str) -> Sale {
    let amount: Decimal = amount.parse().unwrap();
    let line = &mut sale.lines[0];
    line.discounts.push(LineDiscount {
        source: "promotion".into(),
        promotion_id: promotion.into(),
        name: "满减".into(),
        amount,
    });
    line.net -= amount;
    sale.discount_total += amount;
    sale.total -= amount;
    sale.vat = vec![VatAmount {
        rate: vat_13(),
        gross: sale.total,
        vat: vat_included(sale.total, vat_13()),
    }];
    sale.tenders = vec![Tender {
        kind: TenderKind::Cash,
        amount: sale.total,
        reference: None,
        points: 0,
    }];
    sale
}

/// When the tests' documents are made: one instant for all of them, so they share a
/// business date and an hour even at a turn of the hour.
fn made_at() -> chrono::DateTime<Utc> {
    static MADE_AT: std::sync::OnceLock<chrono::DateTime<Utc>> = std::sync::OnceLock::new();
    *MADE_AT.get_or_init(Utc::now)
}

/// A document of today in the chain.
fn today(store: &str, sequence: u64, body: DocumentBody) -> Document {
    let mut doc = document(store, TERMINAL, sequence, body);
    doc.created_at = made_at();
    doc.business_date = head_office::chain_time::today(doc.created_at);
    doc
}

/// S001 sells a blood-pressure monitor with 20 off (P1) and two strips it then voids,
/// and takes one strip back; S002 sells ten masks.
async fn a_day_of_two_stores(ho: &HeadOffice) {
    ho.add_console_staff().await;
    let s001 = ho.enroll("S001", TERMINAL).await;
    let s002 = ho.enroll("S002", TERMINAL).await;
    let monitor = today(
        "S001",
        1,
        DocumentBody::Sale(discounted(
            sale(&[item("BP", 1, "200.00")], None, 0, 0),
            "P1",
            "20.00",
        )),
    );
    let strips = today(
        "S001",
        2,
        DocumentBody::Sale(sale(&[item("STRIP", 2, "50.00")], None, 0, 0)),
    );
    let void = today("S001", 3, DocumentBody::Void(void_of(&strips)));
    let taken_back = today(
        "S001",
        4,
        DocumentBody::Return(return_of(None, &[item("STRIP", 1, "50.00")], None, 0)),
    );
    all_accepted(
        &ho.submit(&s001, &batch("S001", TERMINAL, vec![monitor, strips]))
            .await,
    );
    all_accepted(
        &ho.submit(&s001, &batch("S001", TERMINAL, vec![void, taken_back]))
            .await,
    );
    let masks = today(
        "S002",
        1,
        DocumentBody::Sale(sale(&[item("MASK", 10, "1.00")], None, 0, 0)),
    );
    all_accepted(
        &ho.submit(&s002, &batch("S002", TERMINAL, vec![masks]))
            .await,
    );
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

#[tokio::test]
async fn the_dashboard_shows_each_stores_day_from_the_aggregates_and_a_manager_only_theirs() {
    let ho = HeadOffice::start().await;
    a_day_of_two_stores(&ho).await;
    let s001 = row(&[
        "S001", "2", "280.00", "140.00", "1", "50.00", "1", "100.00", "20.00", "130.00",
    ]);
    let s002 = row(&[
        "S002", "1", "10.00", "10.00", "0", "0.00", "0", "0.00", "0.00", "10.00",
    ]);

    let mut wang = ho.signed_in("wang").await;
    let page = wang.get("/").await;
    assert_eq!(page.location.as_deref(), Some("/dashboard"));
    let page = wang.get("/dashboard").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        html_rows(&page.body, "by-store"),
        vec![s001.clone(), s002.clone()]
    );
    let hour = head_office::chain_time::hour_of(made_at());
    assert!(
        page.body
            .contains(&format!("<title>{hour}: 290.00</title>")),
        "this hour's bar holds both stores' sales: {}",
        page.body
    );
    let page = wang
        .get("/dashboard?period=week&sort=sales_amount&dir=asc")
        .await;
    assert_eq!(
        html_rows(&page.body, "by-store"),
        vec![s002.clone(), s001.clone()],
        "this week, sorted"
    );
    let csv = export(&ho.base_url, &wang, "/dashboard?format=csv").await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.rows().1, vec![s001.clone(), s002]);

    let mut li = ho.signed_in("li").await;
    let page = li.get("/dashboard").await;
    assert_eq!(html_rows(&page.body, "by-store"), vec![s001]);
    assert!(!page.body.contains("S002"), "not even in the store choice");
    assert_eq!(li.get("/dashboard?store=S002").await.status, 403);
    assert_eq!(
        export(&ho.base_url, &li, "/dashboard?store=S002&format=csv")
            .await
            .status,
        403
    );

    // A past date's week is named by its dates, not "this week".
    let page = wang.get("/dashboard?date=2026-11-04&period=week").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("各门店（2026-11-02 至 2026-11-04）")
            && page.body.contains("按日销售额（2026-11-02 至 2026-11-04）")
            && !page.body.contains("本周"),
        "{}",
        page.body
    );

    let page = wang.get("/dashboard?date=06-12&period=year").await;
    assert_eq!(page.status, 400);
    assert!(
        page.body.contains("06-12") && page.body.contains("year"),
        "{}",
        page.body
    );
    ho.stop().await;
}

#[tokio::test]
async fn reports_rank_sellers_compare_stores_weigh_promotions_and_mix_categories() {
    let ho = HeadOffice::start().await;
    a_day_of_two_stores(&ho).await;
    let mut wang = ho.signed_in("wang").await;

    let page = wang.get("/reports").await;
    assert_eq!(page.status, 200, "{}", page.body);
    for words in [
        "畅销商品",
        "门店对比",
        "促销效果",
        "品类结构",
        "排名",
        "退款金额",
    ] {
        assert!(page.body.contains(words), "{words} in {}", page.body);
    }
    assert_eq!(
        html_rows(&page.body, "report"),
        vec![
            row(&[
                "1", "BP", "", "devices", "1", "180.00", "20.00", "0", "0.00"
            ]),
            row(&[
                "2", "MASK", "", "devices", "10", "10.00", "0.00", "0", "0.00"
            ]),
            row(&[
                "3", "STRIP", "", "devices", "0", "0.00", "0.00", "1", "50.00"
            ]),
        ],
        "by amount; the voided strips sold none, one came back"
    );
    let page = wang.get("/reports?sort=quantity&dir=desc").await;
    assert_eq!(html_rows(&page.body, "report")[0][1], "MASK", "by quantity");

    let page = wang.get("/reports?report=stores").await;
    assert_eq!(
        html_rows(&page.body, "report"),
        vec![
            row(&[
                "S001", "2", "280.00", "140.00", "50.00", "100.00", "20.00", "130.00", "92.86"
            ]),
            row(&[
                "S002", "1", "10.00", "10.00", "0.00", "0.00", "0.00", "10.00", "7.14"
            ]),
        ]
    );
    let page = wang.get("/reports?report=promotions").await;
    assert_eq!(
        html_rows(&page.body, "report"),
        vec![row(&["P1", "", "1", "1", "20.00", "180.00", "10.00"])],
        "20 off a 200 price: 10%"
    );
    let csv = export(&ho.base_url, &wang, "/reports?report=categories&format=csv").await;
    assert_eq!(
        csv.rows().1,
        vec![row(&["devices", "11", "190.00", "100.00"])]
    );

    let mut li = ho.signed_in("li").await;
    let page = li.get("/reports").await;
    let skus: Vec<String> = html_rows(&page.body, "report")
        .into_iter()
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(skus, vec!["BP", "STRIP"], "S001's sales only");
    let page = li.get("/reports?report=stores").await;
    assert_eq!(html_rows(&page.body, "report").len(), 1);
    assert_eq!(li.get("/reports?store=S002").await.status, 403);

    for bad in [
        "/reports?from=2026-13-01",
        "/reports?report=everything",
        "/reports?from=2026-12-31&to=2026-01-01",
    ] {
        let page = wang.get(bad).await;
        assert_eq!(page.status, 400, "{bad}: {}", page.body);
        assert!(page.body.contains(r#"class="problem""#), "{bad}");
    }
    ho.stop().await;
}

/// Every aggregate row, in key order, as text.
pub async fn aggregate_rows(ho: &HeadOffice) -> Vec<String> {
    let mut client = ho.client().await;
    aggregates::fold(&mut client).await.unwrap();
    let mut all = Vec::new();
    for table in [
        "sales_by_store_hour",
        "sales_by_store_day",
        "sales_by_sku_day",
        "sales_by_sku_month",
        "sales_by_promotion_day",
    ] {
        let rows = client
            .query(&format!("SELECT t::text FROM {table} t ORDER BY 1"), &[])
            .await
            .unwrap();
        all.extend(
            rows.iter()
                .map(|r| format!("{table} {}", r.get::<_, String>(0))),
        );
    }
    all
}

#[tokio::test]
async fn a_rebuild_and_the_aggregate_migrations_give_the_rows_ingest_kept_and_a_resend_changes_none()
 {
    let ho = HeadOffice::start().await;
    a_day_of_two_stores(&ho).await;
    let kept = aggregate_rows(&ho).await;
    // SKU rows (day and month alike): BP, STRIP and MASK sold, for the store and the
    // chain, and STRIP's return under no category for S001 and the chain.
    assert_eq!(kept.len(), 2 + 2 + 8 + 8 + 2, "{kept:#?}");

    // The same documents again are duplicates: no figure moves.
    let token = ho.enroll("S003", TERMINAL).await;
    let masks = today(
        "S003",
        1,
        DocumentBody::Sale(sale(&[item("MASK", 1, "1.00")], None, 0, 0)),
    );
    all_accepted(
        &ho.submit(&token, &batch("S003", TERMINAL, vec![masks.clone()]))
            .await,
    );
    let with_s003 = aggregate_rows(&ho).await;
    let resent = ho
        .submit(&token, &batch("S003", TERMINAL, vec![masks]))
        .await;
    assert_eq!(
        resent.results[0].status,
        pos_domain::protocol::DocumentStatus::Duplicate
    );
    assert_eq!(aggregate_rows(&ho).await, with_s003);

    let mut client = ho.client().await;
    let tx = client.transaction().await.unwrap();
    assert_eq!(
        aggregates::rebuild(&tx).await.unwrap(),
        6,
        "four sales, a void, a return"
    );
    tx.commit().await.unwrap();
    assert_eq!(aggregate_rows(&ho).await, with_s003);

    // A head office at version 4 with these documents gets the same rows from migrations
    // 5 (the tables), 7 (SKU rows by category), 11 (the lot trace), 13 (the device
    // sales record) and 16 (the members' days, and the rebuild).
    client
        .batch_execute(
            "DROP TABLE sales_by_store_hour, sales_by_store_day, sales_by_sku_day,
                        sales_by_sku_month, sales_by_promotion_day, sales_tally_queue,
                        lot_trace, device_sales, sales_by_member_day, member_rfm,
                        rfm_run_segments, rfm_runs, rfm_segments;
             DELETE FROM schema_version WHERE version IN (5, 7, 11, 13, 16);",
        )
        .await
        .unwrap();
    assert_eq!(
        head_office::db::migrate(&mut client).await.unwrap(),
        vec![5, 7, 11, 13, 16]
    );
    assert_eq!(aggregate_rows(&ho).await, with_s003);
    ho.stop().await;
}

#[tokio::test]
async fn a_batchs_figures_wait_in_the_queue_until_folded_and_count_once() {
    let ho = HeadOffice::start().await;
    a_day_of_two_stores(&ho).await;
    assert_eq!(
        ho.count("sales_tally_queue").await,
        3,
        "one tally per batch"
    );
    assert_eq!(
        ho.count("sales_by_store_day").await,
        0,
        "nothing folded yet"
    );

    // Two folders at once take disjoint tallies; together they fold each once.
    let (mut a, mut b) = (ho.client().await, ho.client().await);
    let (folded_a, folded_b) = tokio::join!(aggregates::fold(&mut a), aggregates::fold(&mut b));
    assert_eq!(folded_a.unwrap() + folded_b.unwrap(), 3);
    assert_eq!(ho.count("sales_tally_queue").await, 0);
    let folded = aggregate_rows(&ho).await;
    assert_eq!(aggregates::fold(&mut a).await.unwrap(), 0);
    assert_eq!(
        aggregate_rows(&ho).await,
        folded,
        "folding again changes nothing"
    );

    let tx = a.transaction().await.unwrap();
    aggregates::rebuild(&tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        aggregate_rows(&ho).await,
        folded,
        "the rebuild from the documents agrees"
    );
    ho.stop().await;
}

/// A range is read as whole months from the month rows and the days at either end from
/// the day rows: sales on Jan 15, Feb 10 and Mar 3 are each counted once, or not at all.
#[tokio::test]
async fn ranges_across_months_count_each_sale_once() {
    use aggregates::read::{self, Range, Scope};
    use chrono::NaiveDate;
    let ho = HeadOffice::start().await;
    let token = ho.enroll("S001", TERMINAL).await;
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let docs: Vec<Document> = [day(1, 15), day(2, 10), day(3, 3)]
        .into_iter()
        .enumerate()
        .map(|(i, date)| {
            let mut doc = document(
                "S001",
                TERMINAL,
                i as u64 + 1,
                DocumentBody::Sale(sale(&[item("BP", 1, "10.00")], None, 0, 0)),
            );
            doc.business_date = date;
            doc
        })
        .collect();
    all_accepted(&ho.submit(&token, &batch("S001", TERMINAL, docs)).await);
    let mut client = ho.client().await;
    aggregates::fold(&mut client).await.unwrap();
    for (from, to, sold) in [
        (day(1, 20), day(3, 2), 1),
        (day(1, 15), day(3, 3), 3),
        (day(2, 1), day(2, 28), 1),
        (day(1, 1), day(3, 31), 3),
        (day(1, 16), day(2, 9), 0),
        (day(1, 31), day(3, 1), 1),
    ] {
        for scope in [Scope::Chain, Scope::Stores(vec!["S001".into()])] {
            let rows = read::by_sku(&**client, &scope, Range { from, to })
                .await
                .unwrap();
            let quantity: i64 = rows.iter().map(|r| r.figures.quantity).sum();
            assert_eq!(quantity, sold, "{from} to {to}, {scope:?}");
        }
    }
    ho.stop().await;
}

/// The merchandiser moves MASK to another category during the day: the category mix
/// counts each sale under the category it was sold in, and best sellers names both.
#[tokio::test]
async fn a_product_moved_to_another_category_mixes_under_each_and_sells_as_one() {
    let ho = HeadOffice::start().await;
    a_day_of_two_stores(&ho).await;
    let s002 = ho.enroll("S002", "T02").await;
    let mut moved = sale(&[item("MASK", 5, "1.00")], None, 0, 0);
    moved.lines[0].category = "masks".into();
    let mut after_the_move = today("S002", 1, DocumentBody::Sale(moved));
    after_the_move.terminal_id = "T02".into();
    all_accepted(
        &ho.submit(&s002, &batch("S002", "T02", vec![after_the_move]))
            .await,
    );
    let mut wang = ho.signed_in("wang").await;
    let csv = export(&ho.base_url, &wang, "/reports?report=categories&format=csv").await;
    assert_eq!(
        csv.rows().1,
        vec![
            row(&["devices", "11", "190.00", "97.44"]),
            row(&["masks", "5", "5.00", "2.56"]),
        ]
    );
    let page = wang.get("/reports?q=MASK").await;
    let rows = html_rows(&page.body, "report");
    assert_eq!(rows.len(), 1, "one row for the SKU: {rows:?}");
    assert_eq!(
        (
            rows[0][3].as_str(),
            rows[0][4].as_str(),
            rows[0][5].as_str()
        ),
        ("devices / masks", "15", "15.00")
    );
    ho.stop().await;
}
