//! The trace page (追溯): a lot's recall list across stores — received, sold to whom,
//! transferred, returned — and a serial unit's whole life; members masked but to
//! admins; a store manager sees their stores only.

use chrono::Utc;
use pos_domain::document::{Approval, Document, DocumentBody};
use pos_domain::stock_document::{
    GoodsReceipt, ReceiptLine, StockLine, TransferDispatch, TransferReceipt,
};

use crate::common::*;
use crate::console_tables::html_rows;

fn goods(sku: &str, lot: Option<&str>, serials: &[&str], quantity: u32) -> StockLine {
    StockLine {
        sku: sku.into(),
        lot: lot.map(Into::into),
        expiry_date: lot.map(|_| "2027-12-31".parse().unwrap()),
        serials: serials.iter().map(|s| (*s).to_owned()).collect(),
        quantity,
    }
}

fn approved(mut doc: Document, action: &str) -> Document {
    doc.approvals.push(Approval {
        action: action.into(),
        manager_id: "m1".into(),
        at: Utc::now(),
    });
    doc
}

fn with_lot(sku: &'static str, quantity: u32, lot: &'static str) -> Item {
    Item {
        lot: Some(lot),
        ..item(sku, quantity, "10.00")
    }
}

#[tokio::test]
async fn a_lots_recall_list_names_every_store_and_member_and_a_serials_life_is_whole() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13812345678", 0).await;
    ho.import_member("M2", "13987654321", 0).await;
    let (a, b) = (
        ho.enroll("S001", "T01").await,
        ho.enroll("S002", "T01").await,
    );
    let received = document(
        "S001",
        "T01",
        1,
        DocumentBody::GoodsReceipt(GoodsReceipt {
            reference: "DN-1".into(),
            supplier: String::new(),
            lines: vec![
                ReceiptLine {
                    goods: goods("STRIP", Some("L1"), &[], 10),
                    expected: None,
                },
                ReceiptLine {
                    goods: goods("CUFF", None, &["SN1"], 1),
                    expected: None,
                },
            ],
        }),
    );
    let to_m1 = document(
        "S001",
        "T01",
        2,
        DocumentBody::Sale(sale(&[with_lot("STRIP", 2, "L1")], Some("M1"), 0, 0)),
    );
    let anonymous = document(
        "S001",
        "T01",
        3,
        DocumentBody::Sale(sale(&[with_lot("STRIP", 1, "L1")], None, 0, 0)),
    );
    let monitor = Item {
        serial: Some("SN1"),
        ..item("CUFF", 1, "99.00")
    };
    let cuff_sold = document(
        "S001",
        "T01",
        4,
        DocumentBody::Sale(sale(&[monitor], Some("M1"), 0, 0)),
    );
    let sent = approved(
        document(
            "S001",
            "T01",
            5,
            DocumentBody::TransferDispatch(TransferDispatch {
                transfer_id: "TR-1".into(),
                to_store: "S002".into(),
                lines: vec![goods("STRIP", Some("L1"), &[], 3)],
            }),
        ),
        "transfer_dispatch",
    );
    all_accepted(
        &ho.submit(
            &a,
            &batch(
                "S001",
                "T01",
                vec![received, to_m1, anonymous, cuff_sold, sent],
            ),
        )
        .await,
    );
    let arrived = document(
        "S002",
        "T01",
        1,
        DocumentBody::TransferReceipt(TransferReceipt {
            transfer_id: "TR-1".into(),
            from_store: "S001".into(),
            lines: vec![ReceiptLine {
                goods: goods("STRIP", Some("L1"), &[], 3),
                expected: Some(3),
            }],
        }),
    );
    let to_m2 = document(
        "S002",
        "T01",
        2,
        DocumentBody::Sale(sale(&[with_lot("STRIP", 1, "L1")], Some("M2"), 0, 0)),
    );
    all_accepted(
        &ho.submit(&b, &batch("S002", "T01", vec![arrived, to_m2]))
            .await,
    );

    let mut wang = ho.signed_in("wang").await;
    let page = wang.get("/trace?sku=STRIP&lot=L1").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("净售出 4 件，涉及 2 位会员、2 家门店。"),
        "{}",
        page.body
    );
    let rows: Vec<(String, String, String, String)> = html_rows(&page.body, "trace")
        .into_iter()
        .map(|r| (r[1].clone(), r[2].clone(), r[6].clone(), r[7].clone()))
        .collect();
    let row = |store: &str, kind: &str, q: &str, member: &str| {
        (
            store.to_owned(),
            kind.to_owned(),
            q.to_owned(),
            member.to_owned(),
        )
    };
    assert_eq!(
        rows,
        [
            row("S001", "收货入库", "10", ""),
            row("S001", "销售", "-2", "C-M1 王五 13812345678"),
            row("S001", "销售", "-1", ""),
            row("S001", "调拨出库", "-3", ""),
            row("S002", "调拨入库", "3", ""),
            row("S002", "销售", "-1", "C-M2 王五 13987654321"),
        ],
        "an admin reads the members in full"
    );

    let mut li = ho.signed_in("li").await;
    let page = li.get("/trace?sku=STRIP&lot=L1").await;
    let rows = html_rows(&page.body, "trace");
    assert_eq!(rows.len(), 4, "S001's only: {rows:?}");
    assert!(rows.iter().all(|r| r[1] == "S001"));
    assert_eq!(
        rows[1][7], "C-M1 王* 138****5678",
        "masked for a store manager"
    );
    assert_eq!(
        li.get("/trace?sku=STRIP&lot=L1&store=S002").await.status,
        403
    );

    let page = wang.get("/trace?sku=CUFF&serial=SN1").await;
    let life: Vec<(String, String)> = html_rows(&page.body, "trace")
        .into_iter()
        .map(|r| (r[2].clone(), r[5].clone()))
        .collect();
    assert_eq!(
        life,
        [
            ("收货入库".to_owned(), "SN1".to_owned()),
            ("销售".to_owned(), "SN1".to_owned())
        ]
    );
    let refused = wang.get("/trace?sku=STRIP").await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("请至少填写一项"));
    let none = wang.get("/trace?sku=STRIP&lot=NOPE").await;
    assert!(none.body.contains("没有这个批号或序列号的任何记录"));
    ho.stop().await;
}
