//! Head office's transfer orders at the till: kept as the feed last sent them, offered
//! while this till has its half to do, and held to: a cancelled order is not dispatched,
//! and an order's goods go between the order's two stores only.

use crate::common::*;
use pos_core::operator::ManagerAction;
use pos_core::stock_document::{ReceiptLine, StockLine};
use pos_core::till::{StockDocumentError, TillError};
use pos_core::transfer_order::{OrderLine, TransferOrder, TransferOrderState};

fn order(id: &str, from: &str, to: &str, state: TransferOrderState) -> TransferOrder {
    TransferOrder {
        transfer_id: id.into(),
        from_store: from.into(),
        to_store: to.into(),
        lines: vec![OrderLine {
            sku: "ST01".into(),
            lot: None,
            quantity: 4,
        }],
        note: "补货".into(),
        state,
    }
}

fn strips(quantity: u32) -> StockLine {
    StockLine {
        sku: "ST01".into(),
        lot: Some("L-OK".into()),
        expiry_date: None,
        serials: vec![],
        quantity,
    }
}

fn refusal(e: TillError) -> StockDocumentError {
    match e {
        TillError::Stock(e) => e,
        other => panic!("a stock refusal, not {other:?}"),
    }
}

fn ids(orders: &[TransferOrder]) -> Vec<&str> {
    orders.iter().map(|o| o.transfer_id.as_str()).collect()
}

#[test]
fn open_orders_are_offered_until_done_and_held_to_their_stores() {
    use TransferOrderState::{Cancelled, Dispatched, Ordered};
    let mut t = selling_till(); // store S001
    let page = t.till.store_mut().begin_feed_page().unwrap();
    for o in [
        order("TO1", "S001", "S002", Ordered),
        order("TO2", "S003", "S001", Dispatched),
        order("TO3", "S001", "S002", Cancelled),
        order("TO4", "S001", "S003", Ordered),
    ] {
        page.upsert_transfer_order(&o).unwrap();
    }
    page.commit(1).unwrap();
    // The feed sends an order whole each time: the latest state replaces the last.
    let page = t.till.store_mut().begin_feed_page().unwrap();
    page.upsert_transfer_order(&order("TO4", "S001", "S003", Cancelled))
        .unwrap();
    page.commit(2).unwrap();

    let open = t.till.open_transfer_orders().unwrap();
    assert_eq!(ids(&open.to_dispatch), ["TO1"]);
    assert_eq!(ids(&open.to_receive), ["TO2"]);

    let approval = t.manager_approves(ManagerAction::TransferDispatch);
    let before = t.till.store().outbox_stats().unwrap().waiting;
    let e = t
        .till
        .dispatch_transfer("TO3", "S002", vec![strips(4)], Some(&approval), now())
        .unwrap_err();
    assert_eq!(
        refusal(e),
        StockDocumentError::TransferOrderCancelled {
            transfer_id: "TO3".into()
        }
    );
    let e = t
        .till
        .dispatch_transfer("TO1", "S003", vec![strips(4)], Some(&approval), now())
        .unwrap_err();
    assert_eq!(
        refusal(e),
        StockDocumentError::TransferOrderElsewhere {
            transfer_id: "TO1".into(),
            from: "S001".into(),
            to: "S002".into(),
        }
    );
    let received = || {
        vec![ReceiptLine {
            goods: strips(2),
            expected: Some(2),
        }]
    };
    let e = t
        .till
        .receive_transfer("TO2", "S002", received(), now())
        .unwrap_err();
    assert!(matches!(
        refusal(e),
        StockDocumentError::TransferOrderElsewhere { .. }
    ));
    assert_eq!(
        t.till.store().outbox_stats().unwrap().waiting,
        before,
        "nothing written"
    );

    t.till
        .dispatch_transfer("TO1", "S002", vec![strips(4)], Some(&approval), now())
        .unwrap();
    t.till
        .receive_transfer("TO2", "S003", received(), now())
        .unwrap();
    let open = t.till.open_transfer_orders().unwrap();
    assert!(
        open.to_dispatch.is_empty() && open.to_receive.is_empty(),
        "{open:?}"
    );
}

#[test]
fn an_order_another_till_of_the_store_carried_out_is_not_carried_out_twice() {
    use TransferOrderState::{Dispatched, Received};
    let mut t = selling_till(); // store S001
    let page = t.till.store_mut().begin_feed_page().unwrap();
    page.upsert_transfer_order(&order("TO7", "S001", "S002", Dispatched))
        .unwrap();
    page.upsert_transfer_order(&order("TO8", "S003", "S001", Received))
        .unwrap();
    page.commit(1).unwrap();
    let approval = t.manager_approves(ManagerAction::TransferDispatch);
    let before = t.till.store().outbox_stats().unwrap().waiting;
    let e = t
        .till
        .dispatch_transfer("TO7", "S002", vec![strips(4)], Some(&approval), now())
        .unwrap_err();
    assert_eq!(
        refusal(e),
        StockDocumentError::TransferOrderDone {
            transfer_id: "TO7".into(),
            state: "dispatched",
        }
    );
    let arrived = vec![ReceiptLine {
        goods: strips(4),
        expected: Some(4),
    }];
    let e = t
        .till
        .receive_transfer("TO8", "S003", arrived, now())
        .unwrap_err();
    assert!(matches!(
        refusal(e),
        StockDocumentError::TransferOrderDone {
            state: "received",
            ..
        }
    ));
    assert_eq!(
        t.till.store().outbox_stats().unwrap().waiting,
        before,
        "nothing written"
    );
}
