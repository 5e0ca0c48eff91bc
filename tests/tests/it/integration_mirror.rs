//! The reference consumer (`head-office mirror`'s code) follows the integrations' event
//! feed through the fault-injecting proxy, restarting every few pages, while two tills
//! sync sales with members through the same proxy. It must end with exactly the events
//! a consumer reading head office directly, with no faults, gets: none skipped, none
//! twice.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use head_office::integrations::events;
use head_office::integrations::keys::{self, Scope};
use head_office::integrations::mirror::{self, MirrorFile, Source};
use sync_agent::{Agent, AgentConfig, SyncHandle};
use tests::head_office::TestHeadOffice;
use tests::proxy::{self, Fault, FaultProxy};
use tests::{WAIT_MAX, fast_agent_config, first_sale_at};

const CHUNKS: u64 = 8;
const SALES_PER_CHUNK: u64 = 25;
/// Pages the mirror reads before it is stopped and started again from its file.
const PAGES_PER_RUN: u32 = 5;
/// No cursor is this large: the mirror follows until told the last one.
const UNKNOWN: i64 = i64::MAX;

fn config() -> AgentConfig {
    AgentConfig {
        batch_documents_max: 10,
        ..fast_agent_config()
    }
}

fn source(base_url: String, key: &str) -> Source {
    Source {
        base_url,
        key: key.into(),
        limit: 20,
        wait_secs: 1,
        retry_pause: Duration::from_millis(20),
        request_timeout: Duration::from_secs(2),
    }
}

/// Follows into `out` until the cursor reaches `target`, stopped and restarted from the
/// file every [`PAGES_PER_RUN`] answers. Returns how many runs it took.
async fn follow_with_restarts(source: Source, out: PathBuf, target: Arc<AtomicI64>) -> u32 {
    let http = reqwest::Client::new();
    let mut runs = 0;
    loop {
        runs += 1;
        let mut file = MirrorFile::open(&out).expect("open the mirror file");
        if file.cursor() >= target.load(Ordering::SeqCst) {
            return runs;
        }
        let mut answers = 0;
        mirror::follow(&http, &source, &mut file, |cursor, _| {
            answers += 1;
            answers >= PAGES_PER_RUN || cursor >= target.load(Ordering::SeqCst)
        })
        .await
        .expect("the mirror is never refused");
    }
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .expect("read the mirror file")
        .records()
        .map(|r| r.expect("a row").iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mirror_through_faults_ends_with_exactly_the_events_of_a_fault_free_run() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S1", "S2"]).await;
    let proxy = FaultProxy::start(ho.addr).await;
    let mut tills = Vec::new();
    for store in ["S1", "S2"] {
        let till = ho.enrolled_till(store, "T1", proxy.url()).await;
        let mut agent = Agent::new(till.data.clone(), &till.server(), config()).unwrap();
        let report = agent.drain(3, Duration::from_secs(10), &mut |_| {}).await;
        assert!(report.expect("the catalog arrives").is_complete());
        tills.push(till);
    }
    let key = keys::add(
        &**ho.client().await,
        "erp",
        "erp",
        &[Scope::EventsRead],
        "test",
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let through_faults = dir.path().join("through-faults.csv");

    // The tills meet every fault now and then; the mirror first meets each fault once
    // (lost, cut and dropped answers among them), then faults at random.
    let mut faults = Fault::all_breaking(1);
    faults.push(Fault::Delay { ms: 30 });
    let mut tills_plan = proxy::random(20261206, 30, faults.clone(), 15);
    let mut first: Vec<Fault> = Fault::all_breaking(1)
        .into_iter()
        .flat_map(|f| [f, Fault::Pass])
        .collect();
    first.reverse();
    let mut mirror_plan = proxy::random(20261207, 30, faults, 1_000);
    proxy.set_plan(Box::new(move |info| {
        if info.path.starts_with("/v1/integrations/events") {
            first.pop().unwrap_or_else(|| mirror_plan(info))
        } else {
            tills_plan(info)
        }
    }));
    let target = Arc::new(AtomicI64::new(UNKNOWN));
    let follower = tokio::spawn(follow_with_restarts(
        source(proxy.url(), &key),
        through_faults.clone(),
        target.clone(),
    ));

    let handles = [
        SyncHandle::spawn_with(
            tills[0].data.path().to_path_buf(),
            tills[0].server(),
            config(),
        ),
        SyncHandle::spawn_with(
            tills[1].data.path().to_path_buf(),
            tills[1].server(),
            config(),
        ),
    ];
    std::thread::scope(|s| {
        for (i, till) in tills.iter().enumerate() {
            let handles = &handles;
            s.spawn(move || {
                for chunk in 0..CHUNKS {
                    let at = first_sale_at() + chrono::Duration::hours(6 * chunk as i64);
                    till.sell(SALES_PER_CHUNK, 100 * i as u64 + chunk, at);
                    handles.iter().for_each(SyncHandle::nudge);
                }
            });
        }
    });
    for handle in handles {
        handle.stop();
    }
    for till in &tills {
        let mut agent = Agent::new(till.data.clone(), &till.server(), config()).unwrap();
        let report = agent
            .drain(1_000, Duration::from_secs(10), &mut |_| {})
            .await
            .expect("drains despite faults");
        assert!(report.is_complete(), "{report:?}");
    }

    // Every sale is in: once the queued events are written (`serve`'s folder does it;
    // this head office runs none), the last cursor is known, and the mirror reaches it.
    head_office::integrations::ingest_events::fold(&mut *ho.client().await)
        .await
        .unwrap();
    let last: i64 = ho
        .client()
        .await
        .query_one("SELECT max(cursor) FROM integration_events", &[])
        .await
        .unwrap()
        .get(0);
    target.store(last, Ordering::SeqCst);
    let runs = tokio::time::timeout(WAIT_MAX, follower)
        .await
        .expect("the mirror catches up in time")
        .unwrap();

    // The same consumer straight to head office, with no faults.
    let fault_free = dir.path().join("fault-free.csv");
    let mut file = MirrorFile::open(&fault_free).unwrap();
    let direct = Source {
        wait_secs: 0,
        ..source(ho.url(), &key)
    };
    mirror::follow(
        &reqwest::Client::new(),
        &direct,
        &mut file,
        |_, caught_up| caught_up,
    )
    .await
    .unwrap();
    assert_eq!(file.cursor(), last);

    // And the table itself, read through the library.
    let mut table = Vec::new();
    let mut after = 0;
    loop {
        let page = events::read_page(&**ho.client().await, after, 1_000, false)
            .await
            .unwrap();
        table.extend(page.events.iter().map(|e| mirror::csv_row(e).to_vec()));
        after = page.next_cursor;
        if !page.more {
            break;
        }
    }
    let mirrored = rows(&through_faults);
    assert_eq!(mirrored.len(), table.len());
    assert_eq!(
        mirrored, table,
        "through faults: every event once, in order"
    );
    assert_eq!(rows(&fault_free), table);
    assert_eq!(
        std::fs::read(&through_faults).unwrap(),
        std::fs::read(&fault_free).unwrap()
    );
    assert!(runs > 3, "the mirror was restarted ({runs} runs)");

    // The feed held the tills' sales with members and their points.
    let with_member = |kind: &str| {
        table
            .iter()
            .filter(|r| r[1] == kind && !r[2].is_empty())
            .count()
    };
    assert!(
        with_member("sale") > 0 && with_member("points.changed") > 0,
        "{:?}",
        &table[..5.min(table.len())]
    );

    // The consumer's requests met lost, cut and dropped answers.
    let stats = proxy.stats();
    let broken: Vec<&str> = stats
        .events
        .iter()
        .filter(|e| {
            e.path.starts_with("/v1/integrations/events")
                && !matches!(e.fault, Fault::Pass | Fault::Delay { .. })
        })
        .map(|e| e.fault.name())
        .collect();
    for fault in ["lose_response", "truncate_response", "drop_before_server"] {
        assert!(
            broken.contains(&fault),
            "{fault} never hit the mirror: {broken:?}"
        );
    }
    ho.stop().await;
}
