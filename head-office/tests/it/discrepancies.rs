//! The console's Discrepancies page: receipts short of their notes and transfers whose
//! lots differ between dispatch and receipt (even when the totals agree), each settled
//! once by head office with a note and an audit entry; store managers see their stores'
//! and cannot settle; a bad note or an unknown discrepancy changes nothing.

use chrono::Utc;
use pos_domain::document::{Approval, Document, DocumentBody};
use pos_domain::stock_document::{
    GoodsReceipt, ReceiptLine, StockLine, TransferDispatch, TransferReceipt,
};

use crate::common::*;
use crate::console_tables::{flagged_rows, html_rows};

fn lot(lot: &str, quantity: u32) -> StockLine {
    StockLine {
        sku: "STRIP".into(),
        lot: Some(lot.into()),
        expiry_date: Some("2027-12-31".parse().unwrap()),
        serials: vec![],
        quantity,
    }
}

fn arrived(goods: StockLine, expected: u32) -> ReceiptLine {
    ReceiptLine {
        goods,
        expected: Some(expected),
    }
}

fn dispatch(sequence: u64, transfer: &str, lines: Vec<StockLine>) -> Document {
    let mut doc = document(
        "S002",
        "T01",
        sequence,
        DocumentBody::TransferDispatch(TransferDispatch {
            transfer_id: transfer.into(),
            to_store: "S001".into(),
            lines,
        }),
    );
    doc.approvals.push(Approval {
        action: "transfer_dispatch".into(),
        manager_id: "m1".into(),
        at: Utc::now(),
    });
    doc
}

fn receive(sequence: u64, transfer: &str, lines: Vec<ReceiptLine>) -> Document {
    document(
        "S001",
        "T01",
        sequence,
        DocumentBody::TransferReceipt(TransferReceipt {
            transfer_id: transfer.into(),
            from_store: "S002".into(),
            lines,
        }),
    )
}

/// S001 received a delivery two short; TR-1 from S002 arrived with lot L1 two over and
/// L2 two short (the same total); TR-2 arrived as sent.
async fn chain(ho: &HeadOffice) -> String {
    let s1 = ho.enroll("S001", "T01").await;
    let s2 = ho.enroll("S002", "T01").await;
    ho.add_console_staff().await;
    let delivery = document(
        "S001",
        "T01",
        1,
        DocumentBody::GoodsReceipt(GoodsReceipt {
            reference: "DN-7".into(),
            supplier: "鱼跃".into(),
            lines: vec![arrived(lot("L1", 3), 5)],
        }),
    );
    all_accepted(
        &ho.submit(
            &s2,
            &batch(
                "S002",
                "T01",
                vec![
                    dispatch(1, "TR-1", vec![lot("L1", 5), lot("L2", 5)]),
                    dispatch(2, "TR-2", vec![lot("L1", 4)]),
                ],
            ),
        )
        .await,
    );
    all_accepted(
        &ho.submit(
            &s1,
            &batch(
                "S001",
                "T01",
                vec![
                    delivery.clone(),
                    receive(
                        2,
                        "TR-1",
                        vec![arrived(lot("L1", 7), 5), arrived(lot("L2", 3), 5)],
                    ),
                    receive(3, "TR-2", vec![arrived(lot("L1", 4), 4)]),
                ],
            ),
        )
        .await,
    );
    delivery.id.to_string()
}

/// (kind, name, short, over, settled) of each row.
fn rows(body: &str) -> Vec<[String; 5]> {
    html_rows(body, "discrepancies")
        .into_iter()
        .map(|r| {
            [
                r[0].clone(),
                r[1].clone(),
                r[5].clone(),
                r[6].clone(),
                r[7].clone(),
            ]
        })
        .collect()
}

#[tokio::test]
async fn each_discrepancy_is_settled_once_by_head_office_with_its_note() {
    let ho = HeadOffice::start().await;
    let receipt = chain(&ho).await;
    let mut admin = ho.signed_in("wang").await;
    let page = admin.get("/discrepancies").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let mut found = rows(&page.body);
    found.sort();
    assert_eq!(
        found,
        vec![
            ["收货差异", "DN-7", "2", "0", ""].map(String::from),
            ["调拨差异", "TR-1", "2", "2", ""].map(String::from),
        ],
        "TR-1's lots differ though its totals agree; TR-2 arrived as sent"
    );
    assert_eq!(flagged_rows(&page.body, "discrepancies"), 2);

    let csrf = page.csrf();
    let path = format!("/discrepancies/receipt/{receipt}/settle");
    let settled = admin
        .post(&path, &[("csrf", &csrf), ("note", "供应商补发两盒")])
        .await;
    assert_eq!(settled.status, 303, "{}", settled.body);
    let again = admin
        .post(&path, &[("csrf", &csrf), ("note", "again")])
        .await;
    assert_eq!(
        again.status, 409,
        "settled once; the second note is refused, not lost"
    );
    assert!(again.body.contains("已由他人处理"), "{}", again.body);
    let page = admin.get("/discrepancies").await;
    let receipt_row = rows(&page.body)
        .into_iter()
        .find(|r| r[1] == "DN-7")
        .unwrap();
    assert!(
        receipt_row[4].starts_with("供应商补发两盒 (wang, "),
        "{receipt_row:?}"
    );
    assert_eq!(flagged_rows(&page.body, "discrepancies"), 1);
    assert_eq!(ho.count("discrepancy_settlements").await, 1);
    assert_eq!(
        ho.count("audit_log WHERE action = 'discrepancy.settle'")
            .await,
        1
    );
    ho.stop().await;
}

#[tokio::test]
async fn store_managers_see_but_do_not_settle_and_bad_settlements_change_nothing() {
    let ho = HeadOffice::start().await;
    chain(&ho).await;
    let mut manager = ho.signed_in("li").await; // S001
    let page = manager.get("/discrepancies").await;
    assert_eq!(rows(&page.body).len(), 2);
    assert!(
        !page.body.contains("/settle"),
        "no settle form for a store manager"
    );
    let csrf = page.csrf();
    let refused = manager
        .post(
            "/discrepancies/transfer/TR-1/settle",
            &[("csrf", &csrf), ("note", "x")],
        )
        .await;
    assert_eq!(refused.status, 403);

    let mut admin = ho.signed_in("qian").await; // merchandiser
    let csrf = admin.get("/discrepancies").await.csrf();
    for (path, note, status) in [
        ("/discrepancies/transfer/TR-1/settle", "", 400),
        ("/discrepancies/transfer/TR-1/settle", "a\u{7}b", 400),
        ("/discrepancies/transfer/TR-2/settle", "as sent", 404),
        ("/discrepancies/receipt/not-a-receipt/settle", "x", 404),
        (
            "/discrepancies/transfer/TR-1/settle",
            "在途丢失，已报损",
            303,
        ),
    ] {
        let answer = admin.post(path, &[("csrf", &csrf), ("note", note)]).await;
        assert_eq!(answer.status, status, "{path} {note:?}: {}", answer.body);
    }
    assert_eq!(ho.count("discrepancy_settlements").await, 1);
    ho.stop().await;
}
