//! The benchmark's history generator: every document it makes is accepted by ingest and
//! the figures add up to what it says it made.

use chrono::NaiveDate;
use head_office::history::{self, HistorySpec};

use crate::common::*;

#[tokio::test]
async fn a_small_history_is_accepted_whole_and_its_figures_add_up() {
    let ho = HeadOffice::start().await;
    let spec = HistorySpec {
        stores: 3,
        days: 4,
        sales_per_store_day: 30,
        skus: 50,
        members: 20,
        ..HistorySpec::chain_year(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap())
    };
    let (mut a, mut b) = (ho.client().await, ho.client().await);
    let summary = history::generate(&mut [&mut **a, &mut **b], &spec, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(summary.sales, 3 * 4 * 30);
    assert_eq!(ho.count("documents").await as u64, summary.documents);

    let client = ho.client().await;
    let row = client
        .query_one(
            "SELECT sum(sales_count)::int8, count(DISTINCT store_id)::int8, min(business_date), max(business_date)
             FROM sales_by_store_day",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0) as u64, summary.sales);
    assert_eq!(row.get::<_, i64>(1), 3);
    assert_eq!(
        row.get::<_, NaiveDate>(2),
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    );
    assert_eq!(
        row.get::<_, NaiveDate>(3),
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    );
    let lines: i64 = client
        .query_one(
            "SELECT count(*) FROM documents d, json_array_elements(d.document->'body'->'lines') l
             WHERE d.kind = 'sale'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(lines as u64, summary.sale_lines);
    let closes: i64 = client
        .query_one(
            "SELECT count(*) FROM documents WHERE kind = 'z_report'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(closes, 3 * 4, "a Z report per store and day");
    // The strips' lines carry the month's lot, sold at every store: the recall list.
    let lot_stores: i64 = client
        .query_one(
            "SELECT count(DISTINCT store_id) FROM lot_trace
             WHERE lot_no = 'L202611' AND kind = 'sale'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(lot_stores, 3);
    let untracked: i64 = client
        .query_one(
            "SELECT count(*) FROM lot_trace t JOIN products p ON p.sku = t.sku
             WHERE p.data->>'tracking' <> 'lot'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        untracked, 0,
        "only the lot-tracked products' lines carry lots"
    );
    let recorded: i64 = client
        .query_one("SELECT count(*) FROM device_sales", &[])
        .await
        .unwrap()
        .get(0);
    assert!(recorded > 0, "the strips are class II devices");
    ho.stop().await;
}
