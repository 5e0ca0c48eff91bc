//! Transfers between stores at head office: a dispatch moves stock out of the sending
//! store and puts the transfer in transit to the other, whose till reads it from
//! `/v1/transfers/incoming`; the receipt moves stock in and ends the transit. A transfer
//! is dispatched once and received once, between the stores its halves name; anything
//! else is rejected with the reason, and the rest of the batch is stored.

use chrono::Utc;
use pos_domain::document::{Approval, Document, DocumentBody};
use pos_domain::protocol::DocumentStatus;
use pos_domain::stock_document::{ReceiptLine, StockLine, TransferDispatch, TransferReceipt};
use serde_json::Value;

use crate::common::*;
use crate::console_tables::{export, flagged_rows, html_rows};

fn strips(quantity: u32) -> StockLine {
    StockLine {
        sku: "STRIP".into(),
        lot: Some("L1".into()),
        expiry_date: Some("2027-12-31".parse().unwrap()),
        serials: vec![],
        quantity,
    }
}

fn dispatch(sequence: u64, transfer: &str, to: &str) -> Document {
    let mut doc = document(
        "S001",
        "T01",
        sequence,
        DocumentBody::TransferDispatch(TransferDispatch {
            transfer_id: transfer.into(),
            to_store: to.into(),
            lines: vec![strips(10)],
        }),
    );
    doc.approvals.push(Approval {
        action: "transfer_dispatch".into(),
        manager_id: "m1".into(),
        at: Utc::now(),
    });
    doc
}

fn receipt(store: &str, sequence: u64, transfer: &str, from: &str, arrived: u32) -> Document {
    document(
        store,
        "T01",
        sequence,
        DocumentBody::TransferReceipt(TransferReceipt {
            transfer_id: transfer.into(),
            from_store: from.into(),
            lines: vec![ReceiptLine {
                goods: strips(arrived),
                expected: Some(10),
            }],
        }),
    )
}

async fn stock(ho: &HeadOffice, store: &str) -> i64 {
    ho.client()
        .await
        .query_opt(
            "SELECT quantity FROM stock WHERE store_id = $1 AND sku = 'STRIP' AND lot_no = 'L1'",
            &[&store],
        )
        .await
        .unwrap()
        .map_or(0, |r| r.get(0))
}

/// The transfer ids `/v1/transfers/incoming` lists for the token's store.
async fn incoming(ho: &HeadOffice, token: &str) -> Vec<String> {
    let (status, body) = ho.get(Some(token), "/v1/transfers/incoming").await;
    assert_eq!(status, 200, "{body}");
    body["transfers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t: &Value| t["transfer_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_transfer_is_in_transit_until_received_once_and_moves_stock_between_the_stores() {
    let ho = HeadOffice::start().await;
    let (a, b) = (
        ho.enroll("S001", "T01").await,
        ho.enroll("S002", "T01").await,
    );
    all_accepted(
        &ho.submit(&a, &batch("S001", "T01", vec![dispatch(1, "TR-1", "S002")]))
            .await,
    );
    assert_eq!(stock(&ho, "S001").await, -10, "out of the sending store");
    assert_eq!(incoming(&ho, &b).await, ["TR-1"]);
    assert!(
        incoming(&ho, &a).await.is_empty(),
        "not incoming to the sender"
    );
    let (_, listed) = ho.get(Some(&b), "/v1/transfers/incoming").await;
    assert_eq!(listed["transfers"][0]["lines"][0]["quantity"], 10);
    assert_eq!(listed["transfers"][0]["from_store"], "S001");

    let first = receipt("S002", 1, "TR-1", "S001", 9);
    all_accepted(
        &ho.submit(&b, &batch("S002", "T01", vec![first.clone()]))
            .await,
    );
    assert_eq!(stock(&ho, "S002").await, 9);
    assert!(
        incoming(&ho, &b).await.is_empty(),
        "received: no longer in transit"
    );
    let (short, received_on): (i64, Option<chrono::NaiveDate>) = {
        let row = ho
            .client()
            .await
            .query_one(
                "SELECT (received_lines->0->>'expected')::int8 - (received_lines->0->>'quantity')::int8,
                        received_on
                 FROM transfers WHERE transfer_id = 'TR-1'",
                &[],
            )
            .await
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!(short, 1, "the shortage head office settles");
    assert!(received_on.is_some());
    // The lot arrived with its expiry: the catalog lists it now, and every till hears.
    let expiry: chrono::NaiveDate = ho
        .client()
        .await
        .query_one(
            "SELECT expiry_date FROM lots WHERE sku = 'STRIP' AND lot_no = 'L1'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(expiry.to_string(), "2027-12-31");
    let elsewhere = ho.enroll("S009", "T01").await;
    let (_, feed) = ho.get(Some(&elsewhere), "/v1/feed?cursor=0").await;
    assert!(
        feed.to_string().contains(r#""lot_no":"L1""#),
        "the lot goes down the feed: {feed}"
    );

    // Received twice (another document), dispatched twice, or between other stores:
    // rejected with the reason, and the good document of the same batch is stored.
    let again = receipt("S002", 2, "TR-1", "S001", 9);
    let good = receipt("S002", 3, "TR-2", "S001", 10);
    let answer = ho
        .submit(&b, &batch("S002", "T01", vec![again, good]))
        .await;
    assert_eq!(answer.results[0].status, DocumentStatus::Rejected);
    let why = answer.results[0].reason.clone().unwrap();
    assert!(
        why.contains(&format!(
            "transfer TR-1 was already received by document {}",
            first.id
        )),
        "{why}"
    );
    assert_eq!(answer.results[1].status, DocumentStatus::Accepted);
    assert_eq!(
        stock(&ho, "S002").await,
        19,
        "only the good one moved stock"
    );

    let answer = ho
        .submit(
            &a,
            &batch(
                "S001",
                "T01",
                vec![dispatch(2, "TR-1", "S002"), dispatch(3, "TR-2", "S003")],
            ),
        )
        .await;
    let reasons: Vec<String> = answer
        .results
        .iter()
        .map(|r| r.reason.clone().unwrap_or_default())
        .collect();
    assert!(
        reasons[0].contains("transfer TR-1 was already dispatched"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("transfer TR-2 goes from S001 to S002, not from S001 to S003"),
        "{reasons:?}"
    );
    assert_eq!(stock(&ho, "S001").await, -10, "nothing more left S001");

    // The resend of a stored document is a duplicate, not a second receipt.
    let resent = ho.submit(&b, &batch("S002", "T01", vec![first])).await;
    assert_eq!(resent.results[0].status, DocumentStatus::Duplicate);
    ho.stop().await;
}

#[tokio::test]
async fn the_transfers_page_shows_each_stores_transfers_with_their_difference() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let (a, b) = (
        ho.enroll("S001", "T01").await,
        ho.enroll("S002", "T01").await,
    );
    let c = ho.enroll("S003", "T01").await;
    all_accepted(
        &ho.submit(
            &a,
            &batch(
                "S001",
                "T01",
                vec![dispatch(1, "TR-1", "S002"), dispatch(2, "TR-2", "S002")],
            ),
        )
        .await,
    );
    all_accepted(
        &ho.submit(
            &b,
            &batch("S002", "T01", vec![receipt("S002", 1, "TR-1", "S001", 9)]),
        )
        .await,
    );
    // S003 receives from S002 before S002's dispatch reaches head office.
    all_accepted(
        &ho.submit(
            &c,
            &batch("S003", "T01", vec![receipt("S003", 1, "TR-3", "S002", 10)]),
        )
        .await,
    );

    let mut wang = ho.signed_in("wang").await;
    let page = wang.get("/transfers?sort=transfer").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let rows = html_rows(&page.body, "transfers");
    let shown: Vec<(&str, &str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[5].as_str(), r[6].as_str(), r[8].as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("TR-1", "已收货", "10", "-1"),
            ("TR-2", "在途", "10", ""),
            ("TR-3", "已收货，待出库单", "", ""),
        ]
    );
    assert_eq!(
        flagged_rows(&page.body, "transfers"),
        3,
        "short, in transit, awaited"
    );

    let mut li = ho.signed_in("li").await;
    let page = li.get("/transfers").await;
    let ids: Vec<String> = html_rows(&page.body, "transfers")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(ids.len(), 2, "S001's: {ids:?}");
    assert!(
        !ids.contains(&"TR-3".to_owned()),
        "not between other stores"
    );
    assert_eq!(li.get("/transfers?store=S002").await.status, 403);
    let csv = export(&ho.base_url, &wang, "/transfers?store=S003&format=csv").await;
    let (header, rows) = csv.rows();
    assert_eq!(header[0], "调拨单号");
    assert_eq!(rows.len(), 1);
    ho.stop().await;
}

/// Two tills of S002 receive the same transfers at the same moment, round after round:
/// each transfer is received once (the lock per transfer id), never twice into stock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tills_receiving_one_transfer_at_once_receive_it_once() {
    const ROUNDS: u64 = 12;
    let ho = HeadOffice::start().await;
    let sender = ho.enroll("S001", "T01").await;
    let first = ho.enroll("S002", "T01").await;
    let second = ho.enroll("S002", "T02").await;
    let dispatches: Vec<Document> = (1..=ROUNDS)
        .map(|i| dispatch(i, &format!("TR-RACE-{i}"), "S002"))
        .collect();
    all_accepted(&ho.submit(&sender, &batch("S001", "T01", dispatches)).await);
    for i in 1..=ROUNDS {
        let transfer = format!("TR-RACE-{i}");
        let from_first = receipt("S002", i, &transfer, "S001", 10);
        let mut from_second = receipt("S002", i, &transfer, "S001", 10);
        from_second.terminal_id = "T02".into();
        let (one, two) = (
            batch("S002", "T01", vec![from_first]),
            batch("S002", "T02", vec![from_second]),
        );
        let (a, b) = tokio::join!(ho.submit(&first, &one), ho.submit(&second, &two));
        let mut statuses = vec![a.results[0].status, b.results[0].status];
        statuses.sort_by_key(|s| format!("{s:?}"));
        assert_eq!(
            statuses,
            vec![DocumentStatus::Accepted, DocumentStatus::Rejected],
            "round {i}: {a:?} {b:?}"
        );
    }
    assert_eq!(
        stock(&ho, "S002").await,
        10 * ROUNDS as i64,
        "each received once"
    );
    ho.stop().await;
}
