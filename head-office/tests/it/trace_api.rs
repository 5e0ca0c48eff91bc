//! A lot's recall list and a serial unit's life on the JSON API (`GET /v1/trace/lot`,
//! `GET /v1/trace/serial`) and as CSV (`head-office export recall`, `serial-life`):
//! every store's movements, members masked even for an admin, a store manager's stores
//! only.

use head_office::export::{self, StockReport};
use head_office::trace_reports::Trace;
use pos_domain::document::DocumentBody;
use pos_domain::stock_document::{GoodsReceipt, ReceiptLine, StockLine};

use crate::common::*;

fn goods(sku: &str, lot: Option<&str>, serials: &[&str], quantity: u32) -> ReceiptLine {
    ReceiptLine {
        goods: StockLine {
            sku: sku.into(),
            lot: lot.map(Into::into),
            expiry_date: lot.map(|_| "2027-12-31".parse().unwrap()),
            serials: serials.iter().map(|s| (*s).to_owned()).collect(),
            quantity,
        },
        expected: None,
    }
}

fn receipt(store: &str, lines: Vec<ReceiptLine>) -> pos_domain::document::Document {
    document(
        store,
        "T01",
        1,
        DocumentBody::GoodsReceipt(GoodsReceipt {
            reference: "DN-1".into(),
            supplier: String::new(),
            lines,
        }),
    )
}

fn strips(quantity: u32) -> Item {
    Item {
        lot: Some("L1"),
        ..item("STRIP", quantity, "45.00")
    }
}

/// (store, kind, quantity, member) of each movement.
fn moves(trace: &Trace) -> Vec<(String, String, i64, Option<String>)> {
    trace
        .movements
        .iter()
        .map(|m| {
            (
                m.store_id.clone(),
                m.kind.clone(),
                m.quantity,
                m.member.clone(),
            )
        })
        .collect()
}

async fn asked(ho: &HeadOffice, token: &str, path: &str) -> Trace {
    let (status, body) = ho.get(Some(token), path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn a_lots_recall_list_and_a_serials_life_are_answered_with_members_masked() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13812345678", 0).await;
    let (a, b) = (
        ho.enroll("S001", "T01").await,
        ho.enroll("S002", "T01").await,
    );
    let in_a = receipt(
        "S001",
        vec![
            goods("STRIP", Some("L1"), &[], 10),
            goods("CUFF", None, &["SN1"], 1),
        ],
    );
    let to_m1 = document(
        "S001",
        "T01",
        2,
        DocumentBody::Sale(sale(&[strips(2)], Some("M1"), 0, 0)),
    );
    let cuff = Item {
        serial: Some("SN1"),
        ..item("CUFF", 1, "299.00")
    };
    let cuff_sold = document(
        "S001",
        "T01",
        3,
        DocumentBody::Sale(sale(&[cuff], Some("M1"), 0, 0)),
    );
    all_accepted(
        &ho.submit(&a, &batch("S001", "T01", vec![in_a, to_m1, cuff_sold]))
            .await,
    );
    let in_b = receipt("S002", vec![goods("STRIP", Some("L1"), &[], 5)]);
    let sold_b = document(
        "S002",
        "T01",
        2,
        DocumentBody::Sale(sale(&[strips(1)], None, 0, 0)),
    );
    let back_b = document(
        "S002",
        "T01",
        3,
        DocumentBody::Return(return_of(Some(sold_b.id), &[strips(1)], None, 0)),
    );
    all_accepted(
        &ho.submit(&b, &batch("S002", "T01", vec![in_b, sold_b, back_b]))
            .await,
    );

    let admin = ho.staff_token("wang", "admin", &[]).await;
    let masked = Some("C-M1 王* 138****5678".to_owned());
    let recall = asked(&ho, &admin, "/v1/trace/lot?sku=STRIP&lot=L1").await;
    let m = |store: &str, kind: &str, q: i64, member: &Option<String>| {
        (store.to_owned(), kind.to_owned(), q, member.clone())
    };
    assert_eq!(
        moves(&recall),
        [
            m("S001", "goods_receipt", 10, &None),
            m("S001", "sale", -2, &masked),
            m("S002", "goods_receipt", 5, &None),
            m("S002", "sale", -1, &None),
            m("S002", "return", 1, &None),
        ]
    );
    assert_eq!(
        (
            recall.sold,
            recall.stores.clone(),
            recall.members,
            recall.more
        ),
        (2, vec!["S001".to_owned(), "S002".to_owned()], 1, false)
    );
    assert_eq!(recall.movements[1].document_no, "S001/T01 #2");
    assert_eq!(recall.movements[1].lot_no.as_deref(), Some("L1"));

    let life = asked(&ho, &admin, "/v1/trace/serial?serial=SN1").await;
    assert_eq!(
        moves(&life),
        [
            m("S001", "goods_receipt", 1, &None),
            m("S001", "sale", -1, &masked),
        ]
    );
    assert_eq!(life.movements[1].sku, "CUFF");
    assert_eq!(
        asked(&ho, &admin, "/v1/trace/serial?serial=SN1&sku=CUFF").await,
        life
    );
    let none = asked(&ho, &admin, "/v1/trace/serial?serial=SN1&sku=STRIP").await;
    assert_eq!((none.movements.len(), none.sold), (0, 0));

    // A store manager: their store only; another store is 403.
    let manager = ho.staff_token("li", "store_manager", &["S002"]).await;
    let theirs = asked(&ho, &manager, "/v1/trace/lot?sku=STRIP&lot=L1").await;
    assert_eq!(moves(&theirs), moves(&recall)[2..].to_vec());
    assert_eq!(theirs.sold, 0);
    let (status, _) = ho
        .get(Some(&manager), "/v1/trace/lot?sku=STRIP&lot=L1&store=S001")
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        asked(&ho, &manager, "/v1/trace/serial?serial=SN1")
            .await
            .movements,
        vec![]
    );
    for path in [
        "/v1/trace/lot?sku=STRIP",
        "/v1/trace/lot?sku=&lot=L1",
        "/v1/trace/serial",
        "/v1/trace/serial?serial=%20",
        "/v1/trace/lot?sku=STRIP&lot=L1&batch=1",
    ] {
        let (status, body) = ho.get(Some(&admin), path).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("bad_request")),
            "{path}"
        );
    }
    let (status, _) = ho.get(Some(&a), "/v1/trace/serial?serial=SN1").await;
    assert_eq!(status, 401);

    // The exports: every store, members masked.
    let report = StockReport::Recall {
        sku: "STRIP".into(),
        lot: "L1".into(),
    };
    let mut out = Vec::new();
    let rows = export::export_report(&**ho.client().await, &report, &mut out)
        .await
        .unwrap();
    assert_eq!(rows, 5);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().next().unwrap(), export::TRACE_HEADER.join(","));
    assert!(
        text.contains("2026-11-22,S001,sale,S001/T01 #2,STRIP,L1,,-2,C-M1 王* 138****5678"),
        "{text}"
    );
    let report = StockReport::SerialLife {
        sku: None,
        serial: "SN1".into(),
    };
    let mut out = Vec::new();
    assert_eq!(
        export::export_report(&**ho.client().await, &report, &mut out)
            .await
            .unwrap(),
        2
    );
    ho.stop().await;
}
