//! A transfer between two real tills through a real head office: S001's manager
//! dispatches, S001's agent pushes, S002's till asks head office what is on its way and
//! receives it short of one unit, and at the end head office and each till show the
//! same stock of the lot, and nothing is in transit.

use pos_core::stock_document::{ReceiptLine, StockLine};
use sync_agent::client::{HeadOfficeClient, Timeouts};
use tests::first_sale_at;
use tests::head_office::TestHeadOffice;
use tests::tills::PIN;

const TIMEOUTS: Timeouts = Timeouts {
    connect_timeout_ms: 2_000,
    request_timeout_ms: 10_000,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_dispatched_at_one_store_is_received_at_the_other_and_all_agree() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S001", "S002"]).await;
    let a = ho.enrolled_till("S001", "T01", ho.url()).await;
    let b = ho.enrolled_till("S002", "T01", ho.url()).await;
    a.drain().await;
    b.drain().await;
    let now = first_sale_at();
    let key = ("110007".to_owned(), "26041807".to_owned());
    let before = (
        a.stock_view([key.clone()])[&key],
        b.stock_view([key.clone()])[&key],
    );

    let mut till = a.open();
    till.login("manager", PIN, now).unwrap();
    till.dispatch_transfer(
        "TR-E2E-1",
        "S002",
        vec![StockLine {
            sku: key.0.clone(),
            lot: Some(key.1.clone()),
            expiry_date: None,
            serials: vec![],
            quantity: 4,
        }],
        None,
        now,
    )
    .unwrap();
    drop(till);
    a.drain().await;

    let asked = HeadOfficeClient::new(&b.server(), TIMEOUTS).unwrap();
    let incoming = asked.incoming_transfers().await.unwrap().transfers;
    assert_eq!(incoming.len(), 1, "{incoming:?}");
    let transfer = &incoming[0];
    assert_eq!(
        (transfer.transfer_id.as_str(), transfer.from_store.as_str()),
        ("TR-E2E-1", "S001")
    );
    let mut till = b.open();
    till.login("manager", PIN, now).unwrap();
    let arrived = transfer
        .lines
        .iter()
        .map(|l| ReceiptLine {
            goods: StockLine {
                quantity: l.quantity - 1,
                ..l.clone()
            },
            expected: Some(l.quantity),
        })
        .collect();
    till.receive_transfer(&transfer.transfer_id, &transfer.from_store, arrived, now)
        .unwrap();
    drop(till);
    b.drain().await;
    a.drain().await;

    assert!(
        asked
            .incoming_transfers()
            .await
            .unwrap()
            .transfers
            .is_empty(),
        "nothing in transit"
    );
    let expected = [("S001", &a, before.0 - 4), ("S002", &b, before.1 + 3)];
    for (store, till, quantity) in expected {
        let at_head_office = ho.stock(store).await.get(&key).copied().unwrap_or(0);
        assert_eq!(at_head_office, quantity, "{store} at head office");
        assert_eq!(
            till.stock_view([key.clone()])[&key],
            quantity,
            "{store}'s till"
        );
    }
    ho.stop().await;
}
