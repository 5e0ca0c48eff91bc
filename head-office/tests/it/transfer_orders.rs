//! Transfer orders at head office: ordered by a merchandiser or admin, requested by a
//! store manager and approved, cancelled before dispatch; each change audited and sent
//! down the feed to both stores' tills (and no other); the tills' dispatch and receipt
//! move the order on; bad orders are refused with the reason and store nothing.

use chrono::Utc;
use pos_domain::catalog::Tracking;
use pos_domain::document::{Approval, Document, DocumentBody};
use pos_domain::import::CatalogImport;
use pos_domain::protocol::{Change, DocumentStatus, FeedPage};
use pos_domain::stock_document::{StockLine, TransferDispatch};
use pos_domain::transfer_order::{TransferOrder, TransferOrderState};
use serde_json::{Value, json};

use crate::common::*;
use crate::feed::product;

const PATH: &str = "/v1/transfer-orders";

/// Three stores with a till each (their tokens), STRIP in the catalog, the console's
/// staff, and staff tokens: (S001, S002, S003 tokens).
async fn chain(ho: &HeadOffice) -> (String, String, String) {
    let tokens = (
        ho.enroll("S001", "T01").await,
        ho.enroll("S002", "T01").await,
        ho.enroll("S003", "T01").await,
    );
    let file = CatalogImport {
        products: vec![product("STRIP", "89.50", Tracking::Lot)],
        ..Default::default()
    };
    head_office::catalog::import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap();
    tokens
}

fn order(from: &str, to: &str, quantity: i64) -> Value {
    json!({
        "from_store": from,
        "to_store": to,
        "lines": [{"sku": "STRIP", "quantity": quantity}],
        "note": "补货"
    })
}

/// The transfer orders in a till's feed from the start.
async fn orders_in_feed(ho: &HeadOffice, till: &str) -> Vec<TransferOrder> {
    let (status, page) = ho.get(Some(till), "/v1/feed?cursor=0").await;
    assert_eq!(status, 200, "{page}");
    let page: FeedPage = serde_json::from_value(page).unwrap();
    page.changes
        .into_iter()
        .filter_map(|c| match c.change {
            Change::TransferOrder(o) => Some(o),
            _ => None,
        })
        .collect()
}

async fn audit_actions(ho: &HeadOffice) -> Vec<(String, String)> {
    ho.client()
        .await
        .query(
            "SELECT action, subject FROM audit_log WHERE action LIKE 'transfer.%' ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// Four strips of lot L1.
fn strips() -> StockLine {
    StockLine {
        sku: "STRIP".into(),
        lot: Some("L1".into()),
        expiry_date: Some("2027-12-31".parse().unwrap()),
        serials: vec![],
        quantity: 4,
    }
}

fn dispatch_of(transfer: &str, to: &str) -> Document {
    let mut doc = document(
        "S001",
        "T01",
        1,
        DocumentBody::TransferDispatch(TransferDispatch {
            transfer_id: transfer.into(),
            to_store: to.into(),
            lines: vec![strips()],
        }),
    );
    doc.approvals.push(Approval {
        action: "transfer_dispatch".into(),
        manager_id: "m1".into(),
        at: Utc::now(),
    });
    doc
}

#[tokio::test]
async fn an_order_reaches_both_stores_tills_and_moves_on_with_their_documents() {
    let ho = HeadOffice::start().await;
    let (s1, s2, s3) = chain(&ho).await;
    let merchandiser = ho.staff_token("zhao", "merchandiser", &[]).await;

    let (status, made) = ho
        .post_json(Some(&merchandiser), PATH, &order("S001", "S002", 4))
        .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["status"], "ordered");
    let id = made["transfer_id"].as_str().unwrap().to_owned();
    for till in [&s1, &s2] {
        let sent = orders_in_feed(&ho, till).await;
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].transfer_id, id);
        assert_eq!(sent[0].state, TransferOrderState::Ordered);
        assert_eq!(
            (sent[0].lines[0].sku.as_str(), sent[0].lines[0].quantity),
            ("STRIP", 4)
        );
    }
    assert!(
        orders_in_feed(&ho, &s3).await.is_empty(),
        "another store hears nothing"
    );

    // S001's till dispatches it; the order is in transit, and both tills hear so.
    let answer = ho
        .submit(&s1, &batch("S001", "T01", vec![dispatch_of(&id, "S002")]))
        .await;
    assert_eq!(answer.results[0].status, DocumentStatus::Accepted);
    assert_eq!(
        orders_in_feed(&ho, &s2).await[0].state,
        TransferOrderState::Dispatched
    );
    let (_, listed) = ho.get(Some(&merchandiser), PATH).await;
    assert_eq!(listed[0]["status"], "dispatched");
    // Goods that left cannot be called back by cancelling.
    let (status, refused) = ho
        .post_json(
            Some(&merchandiser),
            &format!("{PATH}/{id}/cancel"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 409, "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("dispatched"));
    assert_eq!(
        audit_actions(&ho).await,
        vec![("transfer.order".into(), id)]
    );
    ho.stop().await;
}

#[tokio::test]
async fn a_store_managers_request_waits_for_head_office_and_can_be_cancelled() {
    let ho = HeadOffice::start().await;
    let (s1, s2, _) = chain(&ho).await;
    let manager = ho.staff_token("li", "store_manager", &["S002"]).await;
    let elsewhere = ho.staff_token("sun", "store_manager", &["S003"]).await;
    let admin = ho.staff_token("wang", "admin", &[]).await;
    let auditor = ho.staff_token("qian", "auditor", &[]).await;

    let (status, asked) = ho
        .post_json(Some(&manager), PATH, &order("S001", "S002", 6))
        .await;
    assert_eq!(status, 201, "{asked}");
    assert_eq!(asked["status"], "requested");
    let id = asked["transfer_id"].as_str().unwrap().to_owned();
    assert!(
        orders_in_feed(&ho, &s1).await.is_empty(),
        "a request is not sent"
    );

    // Nobody but head office approves; the manager of another store does not see it.
    let approve = format!("{PATH}/{id}/approve");
    for (token, expected) in [(&manager, 403), (&auditor, 403), (&elsewhere, 404)] {
        let (status, body) = ho.post_json(Some(token), &approve, &json!({})).await;
        assert_eq!(status, expected, "{body}");
    }
    let (status, body) = ho
        .post_json(Some(&elsewhere), PATH, &order("S001", "S002", 1))
        .await;
    assert_eq!(status, 403, "{body}");

    let (status, approved) = ho.post_json(Some(&admin), &approve, &json!({})).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["decided_by"], "wang");
    for till in [&s1, &s2] {
        assert_eq!(
            orders_in_feed(&ho, till).await[0].state,
            TransferOrderState::Ordered
        );
    }
    // Approved, it is head office's to cancel, not the manager's.
    let cancel = format!("{PATH}/{id}/cancel");
    let (status, _) = ho.post_json(Some(&manager), &cancel, &json!({})).await;
    assert_eq!(status, 403);
    let (status, cancelled) = ho.post_json(Some(&admin), &cancel, &json!({})).await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(
        orders_in_feed(&ho, &s1).await[0].state,
        TransferOrderState::Cancelled
    );

    // A second request the manager withdraws: never sent to a till.
    let (_, second) = ho
        .post_json(Some(&manager), PATH, &order("S002", "S001", 2))
        .await;
    let second = second["transfer_id"].as_str().unwrap().to_owned();
    let (status, _) = ho
        .post_json(
            Some(&manager),
            &format!("{PATH}/{second}/cancel"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        orders_in_feed(&ho, &s1)
            .await
            .iter()
            .all(|o| o.transfer_id != second)
    );
    assert_eq!(
        audit_actions(&ho).await,
        vec![
            ("transfer.request".into(), id.clone()),
            ("transfer.approve".into(), id.clone()),
            ("transfer.cancel".into(), id),
            ("transfer.request".into(), second.clone()),
            ("transfer.cancel".into(), second),
        ]
    );
    ho.stop().await;
}

#[tokio::test]
async fn bad_orders_are_refused_with_the_reason_and_store_nothing() {
    let ho = HeadOffice::start().await;
    let (s1, _, _) = chain(&ho).await;
    let admin = ho.staff_token("wang", "admin", &[]).await;
    let mut unknown_sku = order("S001", "S002", 1);
    unknown_sku["lines"][0]["sku"] = json!("NOPE");
    ho.enroll("HQ", "console").await; // head office's own terminal: not a store
    let mut unknown_lot = order("S001", "S002", 1);
    unknown_lot["lines"][0]["lot"] = json!("NOPE");
    let mut twice = order("S001", "S002", 1);
    twice["lines"] = json!([{"sku": "STRIP", "quantity": 1}, {"sku": "STRIP", "quantity": 2}]);
    let cases = [
        (order("S001", "S001", 1), "both S001"),
        (order("S001", "S404", 1), "S404 has no till"),
        (order("S001", "S002", 0), "line 1: quantity must be 1 to"),
        (
            order("S001", "S002", i64::MAX),
            "line 1: quantity must be 1 to",
        ),
        (unknown_sku, "line 1: SKU NOPE is not in the catalog"),
        (unknown_lot, "line 1: SKU STRIP has no lot NOPE"),
        (order("S001", "HQ", 1), "HQ has no till"),
        (twice, "line 2: SKU STRIP lot (any) is already on line 1"),
        (
            json!({"from_store": "S001", "to_store": "S002", "lines": []}),
            "at least one line",
        ),
        (json!({"from_store": "S001"}), "missing field"),
    ];
    for (body, reason) in cases {
        let (status, answer) = ho.post_json(Some(&admin), PATH, &body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains(reason), "{body}: {message}");
    }
    // Changes need the token in the header: the session cookie alone is refused (a
    // page elsewhere could make the signed-in browser send it).
    let by_cookie = ho
        .http
        .post(format!("{}{PATH}", ho.base_url))
        .header("cookie", format!("ho_session={admin}"))
        .json(&order("S001", "S002", 1))
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status().as_u16(), 401);
    let (status, _) = ho.post_json(None, PATH, &order("S001", "S002", 1)).await;
    assert_eq!(status, 401);
    let (status, _) = ho
        .post_json(
            Some(&admin),
            &format!("{PATH}/TO999999/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(ho.count("transfer_orders").await, 0);
    assert!(audit_actions(&ho).await.is_empty());
    assert!(orders_in_feed(&ho, &s1).await.is_empty());
    ho.stop().await;
}

#[tokio::test]
async fn a_dispatch_to_another_store_than_the_order_says_is_rejected() {
    let ho = HeadOffice::start().await;
    let (s1, _, _) = chain(&ho).await;
    let admin = ho.staff_token("wang", "admin", &[]).await;
    let (_, made) = ho
        .post_json(Some(&admin), PATH, &order("S001", "S002", 4))
        .await;
    let id = made["transfer_id"].as_str().unwrap().to_owned();
    let answer = ho
        .submit(&s1, &batch("S001", "T01", vec![dispatch_of(&id, "S003")]))
        .await;
    assert_eq!(answer.results[0].status, DocumentStatus::Rejected);
    let reason = answer.results[0].reason.clone().unwrap();
    assert!(reason.contains("goes from S001 to S002"), "{reason}");
    let (_, listed) = ho.get(Some(&admin), PATH).await;
    assert_eq!(listed[0]["status"], "ordered");
    ho.stop().await;
}

/// Real answers of every transfer-order route and status, for the openapi test: stores
/// S1 and S2 must have tills; `admin` and `manager` (of S1) are staff tokens.
pub(crate) async fn openapi_answers(
    ho: &HeadOffice,
    admin: &str,
    manager: &str,
) -> Vec<(&'static str, &'static str, u16, Value)> {
    let file = CatalogImport {
        products: vec![product("STRIP", "89.50", Tracking::Lot)],
        ..Default::default()
    };
    head_office::catalog::import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap();
    let auditor = ho.staff_token("qian", "auditor", &[]).await;
    let mut answers = Vec::new();
    let (list, approve, cancel) = (
        PATH,
        "/v1/transfer-orders/{transfer_id}/approve",
        "/v1/transfer-orders/{transfer_id}/cancel",
    );
    let mut post = async |token: Option<&str>, route: &'static str, path: String, body: Value| {
        let (s, v) = ho.post_json(token, &path, &body).await;
        answers.push(("post", route, s, v.clone()));
        v
    };
    let ordered = post(Some(admin), list, PATH.into(), order("S1", "S2", 1)).await;
    post(Some(admin), list, PATH.into(), order("S1", "S2", 1)).await; // 409: the same, open
    let requested = post(Some(manager), list, PATH.into(), order("S2", "S1", 1)).await;
    post(Some(admin), list, PATH.into(), order("S1", "S1", 1)).await;
    post(None, list, PATH.into(), order("S1", "S2", 1)).await;
    post(Some(&auditor), list, PATH.into(), order("S1", "S2", 1)).await;
    let (ordered, requested) = (
        ordered["transfer_id"].as_str().unwrap().to_owned(),
        requested["transfer_id"].as_str().unwrap().to_owned(),
    );
    let at = |id: &str, what: &str| format!("{PATH}/{id}/{what}");
    post(Some(manager), approve, at(&requested, "approve"), json!({})).await;
    post(None, approve, at(&requested, "approve"), json!({})).await;
    post(Some(admin), approve, at("TO999999", "approve"), json!({})).await;
    post(Some(admin), approve, at(&requested, "approve"), json!({})).await;
    post(Some(admin), approve, at(&requested, "approve"), json!({})).await;
    post(Some(manager), cancel, at(&ordered, "cancel"), json!({})).await;
    post(None, cancel, at(&ordered, "cancel"), json!({})).await;
    post(Some(admin), cancel, at("TO999999", "cancel"), json!({})).await;
    post(Some(admin), cancel, at(&ordered, "cancel"), json!({})).await;
    post(Some(admin), cancel, at(&ordered, "cancel"), json!({})).await;
    for (token, query) in [
        (Some(admin), ""),
        (Some(manager), "?store=S1"),
        (Some(admin), "?shop=S1"),
        (None, ""),
        (Some(manager), "?store=S9"),
    ] {
        let (s, v) = ho.get(token, &format!("{PATH}{query}")).await;
        answers.push(("get", list, s, v));
    }
    // STRIP's safety stock is 2 and no store holds any: each store is to buy 2, and
    // S1's transfer order to S2 is on its way.
    let route = "/v1/stock/replenishment";
    for (token, query) in [
        (Some(admin), "?window=90&lead=14"),
        (Some(manager), ""),
        (Some(admin), "?window=0"),
        (None, ""),
        (Some(manager), "?store=S9"),
    ] {
        let (s, v) = ho.get(token, &format!("{route}{query}")).await;
        if query.starts_with("?window=90") {
            assert!(!v["suggestions"].as_array().unwrap().is_empty(), "{v}");
        }
        answers.push(("get", route, s, v));
    }
    answers
}

#[tokio::test]
async fn a_receipt_before_its_dispatch_leaves_the_order_to_dispatch() {
    let ho = HeadOffice::start().await;
    let (s1, s2, _) = chain(&ho).await;
    let admin = ho.staff_token("wang", "admin", &[]).await;
    let (_, made) = ho
        .post_json(Some(&admin), PATH, &order("S001", "S002", 4))
        .await;
    let id = made["transfer_id"].as_str().unwrap().to_owned();
    let received = document(
        "S002",
        "T01",
        1,
        DocumentBody::TransferReceipt(pos_domain::stock_document::TransferReceipt {
            transfer_id: id.clone(),
            from_store: "S001".into(),
            lines: vec![pos_domain::stock_document::ReceiptLine {
                goods: strips(),
                expected: Some(4),
            }],
        }),
    );
    all_accepted(&ho.submit(&s2, &batch("S002", "T01", vec![received])).await);
    let (_, listed) = ho.get(Some(&admin), PATH).await;
    assert_eq!(listed[0]["status"], "received_awaiting_dispatch");
    // S001's till is still to dispatch it: it is told the order stands.
    assert_eq!(
        orders_in_feed(&ho, &s1).await[0].state,
        TransferOrderState::Ordered
    );
    let (status, _) = ho
        .post_json(Some(&admin), &format!("{PATH}/{id}/cancel"), &json!({}))
        .await;
    assert_eq!(status, 409, "goods that arrived are not cancelled");
    all_accepted(
        &ho.submit(&s1, &batch("S001", "T01", vec![dispatch_of(&id, "S002")]))
            .await,
    );
    let (_, listed) = ho.get(Some(&admin), PATH).await;
    assert_eq!(listed[0]["status"], "received");
    assert_eq!(
        orders_in_feed(&ho, &s1).await[0].state,
        TransferOrderState::Received
    );
    ho.stop().await;
}

#[tokio::test]
async fn goods_moved_on_a_request_or_a_cancelled_order_are_kept_and_flagged() {
    let ho = HeadOffice::start().await;
    let (s1, _, _) = chain(&ho).await;
    ho.add_console_staff().await;
    let manager = ho.staff_token("zhou", "store_manager", &["S002"]).await;
    let admin = ho.staff_token("sun", "admin", &[]).await;
    let (_, asked) = ho
        .post_json(Some(&manager), PATH, &order("S001", "S002", 4))
        .await;
    let requested = asked["transfer_id"].as_str().unwrap().to_owned();
    let (_, made) = ho
        .post_json(Some(&admin), PATH, &order("S001", "S003", 4))
        .await;
    let cancelled = made["transfer_id"].as_str().unwrap().to_owned();
    let (status, _) = ho
        .post_json(
            Some(&admin),
            &format!("{PATH}/{cancelled}/cancel"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200);

    // S001's till, offline, dispatched both: the one it was told of before the cancel,
    // and the request under the number its manager read in the console.
    let mut second = dispatch_of(&cancelled, "S003");
    second.sequence = 2;
    let response = ho
        .submit(
            &s1,
            &batch("S001", "T01", vec![dispatch_of(&requested, "S002"), second]),
        )
        .await;
    all_accepted(&response);
    assert_eq!(ho.stock("S001", "STRIP", "L1").await, Some(-8));

    let (status, listed) = ho.get(Some(&admin), PATH).await;
    assert_eq!(status, 200, "{listed}");
    let flagged: Vec<(String, String, bool)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["transfer_id"].as_str().unwrap().to_owned(),
                o["status"].as_str().unwrap().to_owned(),
                o["moved_unapproved"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(
        flagged.contains(&(requested, "dispatched".into(), true)),
        "{flagged:?}"
    );
    assert!(
        flagged.contains(&(cancelled, "dispatched".into(), true)),
        "{flagged:?}"
    );
    let mut console = ho.signed_in("wang").await;
    let page = console.get("/transfer-orders").await;
    assert_eq!(
        page.body
            .matches("未经批准或取消后仍已发货/收货，请核查")
            .count(),
        2,
        "{}",
        page.body
    );
    ho.stop().await;
}
