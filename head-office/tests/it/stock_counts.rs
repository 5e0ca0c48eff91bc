//! A count (盘点) at a store with two tills while both keep selling, over real HTTP into
//! real PostgreSQL: the counted figure stands as of the count's moment and only what
//! was rung up after it applies on top, whichever till's documents reach head office
//! first, and however the count and a late sale race each other.

use chrono::{DateTime, Duration, TimeZone, Utc};
use pos_domain::document::{Document, DocumentBody};

use crate::common::*;
use crate::stock_documents::{approved, goods, receipt, stocktake};

const LOT: &str = "L1";

fn at(minute: i64, second: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap()
        + Duration::minutes(minute)
        + Duration::seconds(second)
}

fn made(mut doc: Document, terminal: &str, created_at: DateTime<Utc>) -> Document {
    doc.terminal_id = terminal.into();
    doc.created_at = created_at;
    doc
}

fn sale_of_one(sku: &'static str, terminal: &str, sequence: u64, minute: i64) -> Document {
    let mut one = item(sku, 1, "30.00");
    one.lot = Some(LOT);
    let doc = document(
        STORE,
        terminal,
        sequence,
        DocumentBody::Sale(sale(&[one], None, 0, 0)),
    );
    made(doc, terminal, at(minute, 0))
}

fn count_of(
    sku: &str,
    terminal: &str,
    sequence: u64,
    minute: i64,
    counted: u32,
    expected: i64,
) -> Document {
    let doc = approved(
        stocktake(STORE, sequence, &[(sku, Some(LOT), counted, expected)]),
        "stocktake",
    );
    made(doc, terminal, at(minute, 0))
}

async fn receive_ten(ho: &HeadOffice, token: &str, sku: &str, sequence: u64, minute: i64) {
    let doc = receipt(
        STORE,
        sequence,
        &format!("DN-{sku}"),
        vec![(goods(sku, Some(LOT), Some("2028-06-30"), 10), None)],
    );
    let doc = made(doc, "T1", at(minute, 0));
    all_accepted(&ho.submit(token, &batch(STORE, "T1", vec![doc])).await);
}

async fn send(ho: &HeadOffice, token: &str, terminal: &str, docs: Vec<Document>) {
    all_accepted(&ho.submit(token, &batch(STORE, terminal, docs)).await);
}

async fn posted(ho: &HeadOffice, count: &Document) -> Option<i64> {
    ho.client()
        .await
        .query_one(
            "SELECT posted FROM count_postings WHERE document_id = $1",
            &[&count.id],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn a_count_stands_as_of_its_moment_whichever_tills_sales_arrive_first() {
    let ho = HeadOffice::start().await;
    let t1 = ho.enroll(STORE, "T1").await;
    let t2 = ho.enroll(STORE, "T2").await;
    receive_ten(&ho, &t1, "STRIP", 1, 0).await;

    // T2 sells one at 10:01 and syncs it; at 10:02 it sells another, offline. T1 has
    // not pulled since the receipt: at 10:05 it holds 10, and 8 are on the shelf.
    send(&ho, &t2, "T2", vec![sale_of_one("STRIP", "T2", 1, 1)]).await;
    let offline_sale = sale_of_one("STRIP", "T2", 2, 2);
    let first_count = count_of("STRIP", "T1", 2, 5, 8, 10);
    // T2 comes back at 10:07 with the 10:02 sale and one rung up at 10:07, before the
    // count reaches head office.
    let after_count = sale_of_one("STRIP", "T2", 3, 7);
    send(&ho, &t2, "T2", vec![offline_sale, after_count]).await;
    assert_eq!(ho.stock(STORE, "STRIP", LOT).await, Some(7));
    send(&ho, &t1, "T1", vec![first_count.clone()]).await;
    // 8 counted, less the 10:07 sale; the till's variance (−2) would have made it 5.
    assert_eq!(ho.stock(STORE, "STRIP", LOT).await, Some(7));
    assert_eq!(posted(&ho, &first_count).await, Some(0));

    // Now the other way round: T2 sells at 10:08 offline and miscounts at 10:09 (5 for
    // 6); T1 counts 6 at 10:10 knowing 7, and syncs first.
    let late_sale = sale_of_one("STRIP", "T2", 4, 8);
    let older_count = count_of("STRIP", "T2", 5, 9, 5, 6);
    let second_count = count_of("STRIP", "T1", 3, 10, 6, 7);
    send(&ho, &t1, "T1", vec![second_count.clone()]).await;
    assert_eq!(ho.stock(STORE, "STRIP", LOT).await, Some(6));
    let after = sale_of_one("STRIP", "T2", 6, 12);
    send(
        &ho,
        &t2,
        "T2",
        vec![late_sale.clone(), older_count.clone(), after],
    )
    .await;
    // The 10:08 sale is in T1's count; T2's older count yields to the later one; the
    // 10:12 sale applies on top. The till's variances would have made it 3.
    assert_eq!(ho.stock(STORE, "STRIP", LOT).await, Some(5));
    assert_eq!(posted(&ho, &second_count).await, Some(-1));
    assert_eq!(posted(&ho, &older_count).await, None);
    let covered = ho
        .client()
        .await
        .query(
            "SELECT document_id, quantity, count_document_id FROM count_covered_moves",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(covered.len(), 1);
    assert_eq!(covered[0].get::<_, uuid::Uuid>(0), late_sale.id);
    assert_eq!(covered[0].get::<_, i64>(1), -1);
    assert_eq!(covered[0].get::<_, uuid::Uuid>(2), second_count.id);
    ho.stop().await;
}

#[tokio::test]
async fn a_count_racing_a_late_sale_of_another_till_counts_the_sale_once() {
    let ho = HeadOffice::start().await;
    let t1 = ho.enroll(STORE, "T1").await;
    let t2 = ho.enroll(STORE, "T2").await;
    const SKUS: [&str; 12] = [
        "R01", "R02", "R03", "R04", "R05", "R06", "R07", "R08", "R09", "R10", "R11", "R12",
    ];
    for (round, sku) in SKUS.into_iter().enumerate() {
        let round = round as u64;
        let minute = 20 * round as i64;
        receive_ten(&ho, &t1, sku, 2 * round + 1, minute).await;
        // T2 sells one; a second later T1, which has not heard of it, counts the 9 left.
        let sale = sale_of_one(sku, "T2", round + 1, minute + 1);
        let count = made(
            approved(
                stocktake(STORE, 2 * round + 2, &[(sku, Some(LOT), 9, 10)]),
                "stocktake",
            ),
            "T1",
            at(minute + 1, 1),
        );
        let (sold, counted) = (
            batch(STORE, "T2", vec![sale]),
            batch(STORE, "T1", vec![count]),
        );
        let (a, b) = tokio::join!(ho.submit(&t2, &sold), ho.submit(&t1, &counted));
        all_accepted(&a);
        all_accepted(&b);
        assert_eq!(ho.stock(STORE, sku, LOT).await, Some(9), "round {round}");
    }
    ho.stop().await;
}
