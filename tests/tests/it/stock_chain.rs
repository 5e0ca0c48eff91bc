//! The stock side of two stores and head office through the fault proxy (dropped,
//! cut, repeated and refused requests all along): a goods receipt short of its delivery
//! note, a transfer head office orders from S001 to S002 that S001 dispatches while
//! S002's till is offline and S002 receives once it is back, a count at S002 between
//! sales, and a write-off of a lot that expired at S001. At the end every document is
//! at head office once, its stock per store and lot is the opening balance plus every
//! document's moves, nothing is in transit, and each till shows head office's figures.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use head_office::console::transfer_orders::{self as actions, NewOrder};
use head_office::console::users::{Role, User};
use head_office::transfer_orders::{self, OrderStatus};
use pos_core::catalog::Tracking;
use pos_core::data_dir::ServerConfig;
use pos_core::stock_document::{ReceiptLine, StockLine, WriteOffReason};
use pos_core::till::Counted;
use sync_agent::Agent;
use tests::head_office::TestHeadOffice;
use tests::ledger::{Effects, apply};
use tests::proxy::{self, Fault, FaultProxy};
use tests::tills::{PIN, TestTill};
use tests::{demo_catalog, fast_agent_config, first_sale_at, nonzero};

/// The lot-tracked SKU and lot the transfer moves (held by both stores at the start).
const SKU: &str = "110007";
const LOT: &str = "26041807";

fn lot_line(sku: &str, lot: &str, expiry: Option<&str>, quantity: u32) -> StockLine {
    StockLine {
        sku: sku.into(),
        lot: Some(lot.into()),
        expiry_date: expiry.map(|d| d.parse().unwrap()),
        serials: vec![],
        quantity,
    }
}

/// Pushes and pulls through the faulty proxy until nothing waits either way.
async fn sync(till: &TestTill) {
    let mut agent = Agent::new(till.data.clone(), &till.server(), fast_agent_config()).unwrap();
    let report = agent
        .drain(1_000, Duration::from_secs(20), &mut |_| {})
        .await
        .expect("drains despite the faults");
    assert!(report.is_complete(), "{}: {report:?}", till.store_id);
}

/// Head office's merchandiser orders `quantity` of the lot from S001 to S002.
async fn order_transfer(ho: &TestHeadOffice, quantity: i64) -> String {
    let merchandiser = User {
        name: "zhao".into(),
        role: Role::Merchandiser,
        stores: vec![],
    };
    let new = NewOrder {
        from_store: "S001".into(),
        to_store: "S002".into(),
        lines: vec![(SKU.into(), Some(LOT.into()), quantity)],
        note: "补货".into(),
    };
    let mut client = ho.client().await;
    let tx = client.transaction().await.unwrap();
    let order = actions::create(&tx, &merchandiser, &new, Utc::now())
        .await
        .unwrap()
        .expect("the order is made");
    tx.commit().await.unwrap();
    order.transfer_id
}

fn at(day: i64, hour: i64) -> DateTime<Utc> {
    first_sale_at() + chrono::Duration::days(day) + chrono::Duration::hours(hour)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_transfers_counts_and_write_offs_under_faults_add_up_everywhere() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S001", "S002"]).await;
    let proxy = FaultProxy::start(ho.addr).await;
    let a = ho.enrolled_till("S001", "T1", proxy.url()).await;
    let b = ho.enrolled_till("S002", "T1", proxy.url()).await;
    sync(&a).await;
    sync(&b).await;
    let opening: BTreeMap<&str, _> = [
        ("S001", ho.stock("S001").await),
        ("S002", ho.stock("S002").await),
    ]
    .into();
    let mut faults = Fault::all_breaking(1);
    faults.push(Fault::Delay { ms: 20 });
    proxy.set_plan(proxy::random(20261206, 30, faults, 6));

    // S001 receives a delivery two boxes short, and a lot that expires within the month.
    let mut till = a.open();
    till.login("manager", PIN, at(0, 0)).unwrap();
    let receipt = till
        .receive_goods(
            "DN-20261122-01",
            "鱼跃医疗",
            vec![
                ReceiptLine {
                    goods: lot_line(SKU, "E2E-NEW", Some("2028-06-30"), 8),
                    expected: Some(10),
                },
                ReceiptLine {
                    goods: lot_line(SKU, "E2E-SOON", Some("2026-12-10"), 30),
                    expected: Some(30),
                },
            ],
            None,
            at(0, 0),
        )
        .unwrap();
    drop(till);
    a.sell(40, 1, at(0, 1));

    // Head office orders a transfer; S002's till is offline from now on.
    let transfer = order_transfer(&ho, 4).await;
    let online = b.server();
    b.set_server(ServerConfig {
        url: "http://127.0.0.1:9".into(),
        ..online.clone()
    });
    sync(&a).await;
    let mut till = a.open();
    let open = till.open_transfer_orders().unwrap();
    assert_eq!(open.to_dispatch.len(), 1, "{open:?}");
    let ordered = &open.to_dispatch[0];
    till.login("manager", PIN, at(0, 2)).unwrap();
    let lines = ordered
        .lines
        .iter()
        .map(|l| lot_line(&l.sku, l.lot.as_deref().unwrap(), None, l.quantity))
        .collect();
    till.dispatch_transfer(
        &ordered.transfer_id,
        &ordered.to_store,
        lines,
        None,
        at(0, 2),
    )
    .unwrap();
    drop(till);
    sync(&a).await;
    b.sell(30, 2, at(0, 3));
    let mut offline = Agent::new(b.data.clone(), &b.server(), fast_agent_config()).unwrap();
    let _ = offline.drain(1, Duration::from_secs(5), &mut |_| {}).await;
    assert!(
        ho.documents("S002", "T1").await.len() < b.documents().len(),
        "S002's sales wait at its till while it is offline"
    );
    let listed = transfer_orders::list(&**ho.client().await, None)
        .await
        .unwrap();
    assert_eq!(listed[0].status, OrderStatus::Dispatched, "in transit");

    // S002 is back: it hears what is on its way and receives it all.
    b.set_server(online);
    sync(&b).await;
    let mut till = b.open();
    let open = till.open_transfer_orders().unwrap();
    assert_eq!(open.to_receive.len(), 1, "{open:?}");
    assert_eq!(open.to_receive[0].transfer_id, transfer);
    till.login("manager", PIN, at(1, 0)).unwrap();
    till.receive_transfer(
        &transfer,
        "S001",
        vec![ReceiptLine {
            goods: lot_line(SKU, LOT, None, 4),
            expected: Some(4),
        }],
        at(1, 0),
    )
    .unwrap();
    drop(till);

    // A count at S002 between sales: one unit of a plain product is missing.
    b.sell(20, 3, at(1, 1));
    let mut till = b.open();
    let (plain, held) = demo_catalog()
        .products
        .into_iter()
        .filter(|p| p.tracking == Tracking::None)
        .map(|p| {
            let held = till.store().stock(&p.sku, None).unwrap();
            (p.sku, held)
        })
        .max_by_key(|(_, held)| *held)
        .expect("a product without lots");
    let counted = u32::try_from(held - 1).expect("the store holds some");
    till.login("manager", PIN, at(1, 2)).unwrap();
    till.count_stock(
        false,
        vec![Counted::units(plain.clone(), None, counted)],
        None,
        at(1, 2),
    )
    .unwrap();
    drop(till);
    b.sell(20, 4, at(1, 3));

    // Weeks later S001 writes off what expired.
    let later = at(30, 0);
    let mut till = a.open();
    till.login("manager", PIN, later).unwrap();
    let expired = till.expired_holdings(later).unwrap();
    let soon = expired
        .iter()
        .find(|h| h.lot == "E2E-SOON")
        .expect("the lot expired");
    let left = u32::try_from(soon.quantity).expect("units of it are left");
    till.write_off(
        WriteOffReason::Expired,
        "过期",
        vec![lot_line(SKU, "E2E-SOON", None, left)],
        None,
        later,
    )
    .unwrap();
    drop(till);

    for till in [&a, &b, &a, &b] {
        sync(till).await;
    }
    let stats = proxy.stats();
    let broken: u64 = stats
        .faults
        .iter()
        .filter(|(k, _)| !["pass", "delay"].contains(k))
        .map(|(_, n)| n)
        .sum();
    assert!(broken >= 5, "{:?}", stats.faults);

    // Every document at head office once, in each till's order.
    let mut effects = Effects::default();
    let mut total = 0;
    for till in [&a, &b] {
        let docs = till.documents();
        let sent: Vec<_> = docs.iter().map(|d| (d.sequence, d.id)).collect();
        assert_eq!(
            ho.documents(&till.store_id, "T1").await,
            sent,
            "{}",
            till.store_id
        );
        total += docs.len();
        effects.add_till(&docs);
    }
    assert_eq!(ho.document_count().await as usize, total);
    assert!(a.documents().iter().any(|d| d.id == receipt.id));

    // Stock is the opening balance plus every document, at head office and each till.
    for till in [&a, &b] {
        let store = till.store_id.as_str();
        let expected = apply(&opening[store], &effects.stock_of(store));
        assert_eq!(
            nonzero(&ho.stock(store).await),
            nonzero(&expected),
            "{store} at head office"
        );
        assert_eq!(
            till.stock_view(expected.keys().cloned()),
            expected,
            "{store}'s till"
        );
    }
    let in_transit: i64 = ho
        .client()
        .await
        .query_one(
            "SELECT count(*) FROM transfers WHERE receipt_document IS NULL",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(in_transit, 0, "nothing in transit");
    let listed = transfer_orders::list(&**ho.client().await, None)
        .await
        .unwrap();
    assert_eq!(listed[0].status, OrderStatus::Received);
    let short: i64 = ho
        .client()
        .await
        .query_one(
            "SELECT shortage FROM receipt_discrepancies WHERE document_id = $1",
            &[&receipt.id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(short, 2, "the receipt's shortage is kept");
    for till in [&a, &b] {
        let open = till.open().open_transfer_orders().unwrap();
        assert!(
            open.to_dispatch.is_empty() && open.to_receive.is_empty(),
            "{open:?}"
        );
    }
    ho.stop().await;
}
