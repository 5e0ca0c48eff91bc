//! Near-expiry lots across the chain (`GET /v1/stock/near-expiry`), low stock
//! (`GET /v1/stock/low`) and transfers with their state (`GET /v1/transfers`), for
//! head-office staff (a store manager: their stores only), and their CSV exports.

use chrono::{TimeDelta, Utc};
use head_office::export::{self, StockReport};
use head_office::stock_lists::{LowStockList, NearExpiryList, TransferList, TransferState};
use pos_domain::catalog::{Lot, Tracking};
use pos_domain::document::{Approval, DocumentBody};
use pos_domain::import::{CatalogImport, StockRecord};
use pos_domain::stock_document::{ReceiptLine, StockLine, TransferDispatch, TransferReceipt};
use serde::de::DeserializeOwned;

use crate::common::*;
use crate::feed::product;

async fn asked<T: DeserializeOwned>(ho: &HeadOffice, token: &str, path: &str) -> T {
    let (status, body) = ho.get(Some(token), path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_value(body).unwrap()
}

fn stock(sku: &str, lot: Option<&str>, quantity: i64) -> StockRecord {
    StockRecord {
        sku: sku.into(),
        lot_no: lot.map(Into::into),
        quantity,
    }
}

/// STRIP (45.00, lots SOON in 5 days, LATE in 100, OLD expired yesterday) and GLOVE
/// (safety stock 5); S001 holds 4 SOON, 10 LATE, 3 OLD and 1 GLOVE, S002 2 SOON.
async fn stocked(ho: &HeadOffice) {
    let today = head_office::chain_time::today(Utc::now());
    let lot = |lot_no: &str, days: i64| Lot {
        sku: "STRIP".into(),
        lot_no: lot_no.into(),
        expiry_date: today + TimeDelta::days(days),
    };
    let mut glove = product("GLOVE", "3.00", Tracking::None);
    glove.safety_stock = 5;
    let catalog = CatalogImport {
        products: vec![product("STRIP", "45.00", Tracking::Lot), glove],
        lots: vec![lot("SOON", 5), lot("LATE", 100), lot("OLD", -1)],
        stock: vec![
            stock("STRIP", Some("SOON"), 4),
            stock("STRIP", Some("LATE"), 10),
            stock("STRIP", Some("OLD"), 3),
            stock("GLOVE", None, 1),
        ],
        ..Default::default()
    };
    let mut client = ho.client().await;
    head_office::catalog::import_catalog(&mut client, &catalog, Some("S001"))
        .await
        .unwrap();
    let s002 = CatalogImport {
        stock: vec![stock("STRIP", Some("SOON"), 2), stock("GLOVE", None, 9)],
        ..Default::default()
    };
    head_office::catalog::import_catalog(&mut client, &s002, Some("S002"))
        .await
        .unwrap();
}

#[tokio::test]
async fn near_expiry_and_low_stock_are_answered_across_the_stores_a_person_sees() {
    let ho = HeadOffice::start().await;
    stocked(&ho).await;
    let admin = ho.staff_token("wang", "admin", &[]).await;
    let soon: NearExpiryList = asked(&ho, &admin, "/v1/stock/near-expiry?days=30").await;
    let rows: Vec<(String, String, i64, i64, String)> = soon
        .lots
        .iter()
        .map(|l| {
            (
                l.store_id.clone(),
                l.lot_no.clone(),
                l.days_left,
                l.quantity,
                l.retail_value.unwrap().to_string(),
            )
        })
        .collect();
    let row = |s: &str, l: &str, d: i64, q: i64, v: &str| (s.into(), l.into(), d, q, v.into());
    assert_eq!(
        rows,
        [
            row("S001", "OLD", -1, 3, "135.00"),
            row("S001", "SOON", 5, 4, "180.00"),
            row("S002", "SOON", 2 + 3, 2, "90.00"),
        ]
    );
    assert_eq!(soon.retail_value.to_string(), "405.00");
    assert_eq!(soon.lots[0].name.as_deref(), Some("血压计 STRIP"));
    assert!(!soon.more);
    let default: NearExpiryList = asked(&ho, &admin, "/v1/stock/near-expiry").await;
    assert_eq!(default, soon, "30 days unless asked");
    let all: NearExpiryList = asked(&ho, &admin, "/v1/stock/near-expiry?days=100").await;
    assert_eq!(all.lots.len(), 4);

    let low: LowStockList = asked(&ho, &admin, "/v1/stock/low").await;
    let found: Vec<(String, String, i64, i64, i64)> = low
        .skus
        .iter()
        .map(|s| {
            (
                s.store_id.clone(),
                s.sku.clone(),
                s.quantity,
                s.safety_stock,
                s.shortfall,
            )
        })
        .collect();
    assert_eq!(found, [("S001".into(), "GLOVE".into(), 1, 5, 4)]);

    let manager = ho.staff_token("li", "store_manager", &["S002"]).await;
    let theirs: NearExpiryList = asked(&ho, &manager, "/v1/stock/near-expiry?days=30").await;
    assert_eq!(theirs.lots, soon.lots[2..].to_vec());
    assert_eq!(theirs.retail_value.to_string(), "90.00");
    let theirs: LowStockList = asked(&ho, &manager, "/v1/stock/low").await;
    assert_eq!(theirs.skus, vec![]);
    for path in [
        "/v1/stock/low?store=S001",
        "/v1/stock/near-expiry?store=S001",
    ] {
        let (status, _) = ho.get(Some(&manager), path).await;
        assert_eq!(status, 403, "{path}");
    }
    for path in [
        "/v1/stock/near-expiry?days=-1",
        "/v1/stock/near-expiry?days=3651",
        "/v1/stock/near-expiry?days=soon",
        "/v1/stock/low?sku=GLOVE",
    ] {
        let (status, body) = ho.get(Some(&admin), path).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("bad_request")),
            "{path}"
        );
    }
    let (status, _) = ho.get(None, "/v1/stock/low").await;
    assert_eq!(status, 401);

    let today = head_office::chain_time::today(Utc::now());
    let mut out = Vec::new();
    let report = StockReport::NearExpiry { today, days: 30 };
    let rows = export::export_report(&**ho.client().await, &report, &mut out)
        .await
        .unwrap();
    assert_eq!(rows, 3);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        export::NEAR_EXPIRY_HEADER.join(",")
    );
    assert!(
        text.contains(",SOON,") && text.contains(",4,180.00"),
        "{text}"
    );
    let mut out = Vec::new();
    let rows = export::export_report(&**ho.client().await, &StockReport::LowStock, &mut out)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("S001,GLOVE,血压计 GLOVE,1,5,4")
    );
    ho.stop().await;
}

fn strips(quantity: u32) -> StockLine {
    StockLine {
        sku: "STRIP".into(),
        lot: Some("SOON".into()),
        expiry_date: None,
        serials: vec![],
        quantity,
    }
}

#[tokio::test]
async fn transfers_are_answered_with_their_state_to_the_stores_they_touch() {
    let ho = HeadOffice::start().await;
    stocked(&ho).await;
    let (a, b) = (
        ho.enroll("S001", "T01").await,
        ho.enroll("S002", "T01").await,
    );
    let mut sent = document(
        "S001",
        "T01",
        1,
        DocumentBody::TransferDispatch(TransferDispatch {
            transfer_id: "TR-1".into(),
            to_store: "S002".into(),
            lines: vec![strips(2)],
        }),
    );
    sent.approvals.push(Approval {
        action: "transfer_dispatch".into(),
        manager_id: "m1".into(),
        at: Utc::now(),
    });
    all_accepted(&ho.submit(&a, &batch("S001", "T01", vec![sent])).await);
    // TR-2 arrived at S002 before S001's dispatch reached head office.
    let arrived = document(
        "S002",
        "T01",
        1,
        DocumentBody::TransferReceipt(TransferReceipt {
            transfer_id: "TR-2".into(),
            from_store: "S001".into(),
            lines: vec![ReceiptLine {
                goods: strips(1),
                expected: Some(1),
            }],
        }),
    );
    all_accepted(&ho.submit(&b, &batch("S002", "T01", vec![arrived])).await);

    let admin = ho.staff_token("wang", "admin", &[]).await;
    let all: TransferList = asked(&ho, &admin, "/v1/transfers").await;
    let states: Vec<(String, TransferState, Option<i64>, Option<i64>)> = all
        .transfers
        .iter()
        .map(|t| (t.transfer_id.clone(), t.state, t.dispatched, t.received))
        .collect();
    assert_eq!(
        states,
        [
            ("TR-1".into(), TransferState::InTransit, Some(2), None),
            ("TR-2".into(), TransferState::DispatchAwaited, None, Some(1)),
        ]
    );
    assert_eq!(all.transfers[0].from_store, "S001");
    let in_transit: TransferList = asked(&ho, &admin, "/v1/transfers?state=in_transit").await;
    assert_eq!(in_transit.transfers, all.transfers[..1].to_vec());
    let (status, body) = ho.get(Some(&admin), "/v1/transfers?state=lost").await;
    assert_eq!((status, body["error"].as_str()), (400, Some("bad_request")));

    let elsewhere = ho.staff_token("li", "store_manager", &["S009"]).await;
    let none: TransferList = asked(&ho, &elsewhere, "/v1/transfers").await;
    assert_eq!(none.transfers, vec![]);
    let (status, _) = ho.get(Some(&elsewhere), "/v1/transfers?store=S001").await;
    assert_eq!(status, 403);
    let receiving = ho.staff_token("zhou", "store_manager", &["S002"]).await;
    let theirs: TransferList = asked(&ho, &receiving, "/v1/transfers").await;
    assert_eq!(theirs, all, "both go to S002");
    let (status, _) = ho.get(Some(&b), "/v1/transfers").await;
    assert_eq!(status, 401, "a till asks /v1/transfers/incoming");

    let mut out = Vec::new();
    let report = StockReport::Transfers {
        state: Some(TransferState::DispatchAwaited),
    };
    let rows = export::export_report(&**ho.client().await, &report, &mut out)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        export::TRANSFERS_HEADER.join(",")
    );
    assert!(
        text.contains("TR-2,S001,S002,,2026-11-22,dispatch_awaited,,1,"),
        "{text}"
    );
    ho.stop().await;
}
