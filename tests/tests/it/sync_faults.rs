//! The sync agent against head office through a fault-injecting proxy on real sockets:
//! dropped connections before and after head office saw a request, lost and cut
//! answers, 500s, 429 with Retry-After, stalls past the timeout, requests sent twice,
//! and two agents on one till. Nothing may go missing, twice, or change points.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use sync_agent::{Agent, AgentConfig, SyncHandle};
use tests::head_office::TestHeadOffice;
use tests::ledger::{Effects, apply};
use tests::proxy::{self, Fault, FaultProxy};
use tests::tills::TestTill;
use tests::{fast_agent_config, first_sale_at, nonzero, wait_for};

/// Sales per till, rung up in chunks while the agents sync.
const CHUNKS: u64 = 20;
const SALES_PER_CHUNK: u64 = 50;

async fn setup(stores: &[&str]) -> (TestHeadOffice, FaultProxy, Vec<TestTill>) {
    let ho = TestHeadOffice::start_with_demo_catalog(stores).await;
    let proxy = FaultProxy::start(ho.addr).await;
    let mut tills = Vec::new();
    for store in stores {
        tills.push(ho.enrolled_till(store, "T1", proxy.url()).await);
    }
    for till in &tills {
        let mut agent = Agent::new(till.data.clone(), &till.server(), fast_agent_config()).unwrap();
        let report = agent.drain(3, Duration::from_secs(10), &mut |_| {}).await;
        assert!(report.expect("the catalog arrives").is_complete());
    }
    (ho, proxy, tills)
}

/// Small batches, so a few thousand sales make a few hundred requests to break.
fn config() -> AgentConfig {
    AgentConfig {
        batch_documents_max: 10,
        ..fast_agent_config()
    }
}

fn spawn(till: &TestTill) -> SyncHandle {
    SyncHandle::spawn_with(till.data.path().to_path_buf(), till.server(), config())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_sales_under_faults_arrive_once_each_and_no_balance_differs() {
    let (ho, proxy, tills) = setup(&["S1", "S2"]).await;
    let stock_before: BTreeMap<&str, _> =
        [("S1", ho.stock("S1").await), ("S2", ho.stock("S2").await)].into();
    let balances_before = ho.balances().await;

    let mut faults = Fault::all_breaking(1);
    faults.push(Fault::Delay { ms: 50 });
    proxy.set_plan(proxy::random(20261122, 40, faults, 10));
    // Two agents on the first till (as if the till app and `sync-agent run` both ran).
    let handles = [spawn(&tills[0]), spawn(&tills[0]), spawn(&tills[1])];
    std::thread::scope(|s| {
        for (i, till) in tills.iter().enumerate() {
            let handles = &handles;
            s.spawn(move || {
                for chunk in 0..CHUNKS {
                    let at = first_sale_at() + chrono::Duration::hours(6 * chunk as i64);
                    till.sell(SALES_PER_CHUNK, 1_000 * i as u64 + chunk, at);
                    handles.iter().for_each(SyncHandle::nudge);
                }
            });
        }
    });
    for handle in handles {
        handle.stop();
    }
    // Still under faults: each till drains what is left.
    for till in &tills {
        let mut agent = Agent::new(till.data.clone(), &till.server(), config()).unwrap();
        let report = agent
            .drain(1_000, Duration::from_secs(10), &mut |_| {})
            .await
            .expect("drains despite faults");
        assert!(report.is_complete(), "{report:?}");
        let status = agent.status();
        assert_eq!((status.waiting, status.rejected), (0, 0), "{status:?}");
    }
    // One more pull each, now that both tills' sales are in.
    for till in &tills {
        let mut agent = Agent::new(till.data.clone(), &till.server(), config()).unwrap();
        agent
            .drain(1_000, Duration::from_secs(10), &mut |_| {})
            .await
            .expect("a last pull");
    }

    let stats = proxy.stats();
    for fault in Fault::all_breaking(1) {
        assert!(
            stats.faults.get(fault.name()).copied().unwrap_or(0) > 0,
            "{} never happened: {:?}",
            fault.name(),
            stats.faults
        );
    }
    let broken: u64 = stats
        .faults
        .iter()
        .filter(|(k, _)| !["pass", "delay"].contains(k))
        .map(|(_, n)| n)
        .sum();
    assert!(
        broken >= 50,
        "{broken} faults of {} requests",
        stats.requests
    );

    // Not one document missing or twice, on either till.
    let mut effects = Effects::default();
    let mut total = 0;
    for till in &tills {
        let docs = till.documents();
        assert!(
            docs.len() as u64 > CHUNKS * SALES_PER_CHUNK,
            "{}",
            docs.len()
        );
        let sent: Vec<_> = docs.iter().map(|d| (d.sequence, d.id)).collect();
        assert_eq!(
            ho.documents(&till.store_id, &till.terminal_id).await,
            sent,
            "{}",
            till.store_id
        );
        total += docs.len();
        effects.add_till(&docs);
    }
    assert_eq!(ho.document_count().await as usize, total);
    assert_eq!(ho.open_gap_count().await, 0);

    // No balance and no stock line differs from what the tills' documents say.
    let expected_points = apply(
        &balances_before,
        &effects.points_resolved(&ho.aliases().await),
    );
    assert_eq!(
        nonzero(&ho.balances().await),
        nonzero(&expected_points),
        "point balances"
    );
    for till in &tills {
        let expected = apply(
            &stock_before[till.store_id.as_str()],
            &effects.stock_of(&till.store_id),
        );
        assert_eq!(
            nonzero(&ho.stock(&till.store_id).await),
            nonzero(&expected),
            "stock of {}",
            till.store_id
        );
        assert_eq!(
            till.stock_view(expected.keys().cloned()),
            expected,
            "the till shows it too"
        );
        let shown = till.balance_view(balances_before.keys());
        let want: BTreeMap<_, _> = shown
            .keys()
            .map(|id| (id.clone(), expected_points[id]))
            .collect();
        assert_eq!(shown, want, "the till shows head office's balances");
    }
    ho.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured_and_a_stall_is_cut_by_the_timeout() {
    let (ho, proxy, tills) = setup(&["S1"]).await;
    let till = &tills[0];
    till.sell(5, 7, first_sale_at());
    proxy.set_plan(proxy::scripted([
        Fault::TooManyRequests {
            retry_after_secs: 2,
        },
        Fault::Stall,
    ]));
    let before = proxy.stats().events.len();
    let mut agent = Agent::new(till.data.clone(), &till.server(), fast_agent_config()).unwrap();
    let report = agent
        .drain(5, Duration::from_secs(10), &mut |_| {})
        .await
        .expect("drains after the faults");
    assert!(report.is_complete());

    let events = &proxy.stats().events[before..];
    let kinds: Vec<Fault> = events.iter().take(3).map(|e| e.fault).collect();
    assert_eq!(
        kinds,
        vec![
            Fault::TooManyRequests {
                retry_after_secs: 2
            },
            Fault::Stall,
            Fault::Pass
        ]
    );
    let waited = events[1].at - events[0].at;
    assert!(
        waited >= Duration::from_secs(2),
        "retried {waited:?} after a 429 asking for 2 s"
    );
    let stalled = events[2].at - events[1].at;
    let timeout = Duration::from_millis(fast_agent_config().timeouts.request_timeout_ms);
    assert!(
        stalled >= timeout && stalled < timeout * 4,
        "the stall ended after {stalled:?}"
    );
    let status = agent.status();
    assert!(status.online && status.last_error.is_none(), "{status:?}");
    ho.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_on_one_till_never_push_at_the_same_time() {
    let (ho, proxy, tills) = setup(&["S1"]).await;
    let till = &tills[0];
    // A slow line makes overlapping pushes likely, were the lock not there.
    proxy.set_plan(Box::new(|_| Fault::Delay { ms: 20 }));
    let handles = [spawn(till), spawn(till)];
    for chunk in 0..6 {
        till.sell(
            20,
            50 + chunk,
            first_sale_at() + chrono::Duration::hours(6 * chunk as i64),
        );
        handles.iter().for_each(SyncHandle::nudge);
    }
    // Each agent has pushed since the sales ended (they took turns).
    let sold = Utc::now();
    for (i, handle) in handles.iter().enumerate() {
        handle.nudge();
        wait_for(handle, &format!("agent {i}"), |s| {
            s.last_push_ok.is_some_and(|t| t > sold)
        })
        .await;
    }
    for handle in handles {
        handle.stop();
    }
    let mut agent = Agent::new(till.data.clone(), &till.server(), fast_agent_config()).unwrap();
    assert!(
        agent
            .drain(1, Duration::from_secs(10), &mut |_| {})
            .await
            .unwrap()
            .is_complete()
    );
    let stats = proxy.stats();
    let batches = stats
        .events
        .iter()
        .filter(|e| e.path == "/v1/batches")
        .count();
    assert!(batches >= 6, "{batches} batches");
    assert_eq!(
        stats.max_batches_in_flight.values().copied().max(),
        Some(1),
        "{:?}",
        stats.max_batches_in_flight
    );
    let sent: Vec<_> = till
        .documents()
        .iter()
        .map(|d| (d.sequence, d.id))
        .collect();
    assert_eq!(ho.documents("S1", "T1").await, sent);
    ho.stop().await;
}
