//! Kill a till in the middle of selling, many times, and check nothing committed is lost
//! and nothing is half-written.
//!
//! The child is this test binary run again with `CRASH_CHILD_DATA_DIR` set: it rings up
//! sales through `pos_core::simulate` (the `Till` facade, as the UI does; what `pos simulate` runs) and prints
//! `sale SEQUENCE ID` after each commit. The parent SIGKILLs it at a random moment, then
//! opens the file and checks it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use pos_core::data_dir::DataDir;
use pos_core::document::Document;
use pos_core::effects::effects_of_documents;
use pos_core::import::{CatalogImport, parse_catalog_csv};
use pos_core::simulate::{SimulateOptions, simulate};
use pos_core::store::Store;
use rand::{Rng, SeedableRng};

const CHILD_ENV: &str = "CRASH_CHILD_DATA_DIR";
const SEED_ENV: &str = "CRASH_CHILD_SEED";
const PIN: &str = pos_core::demo::DEMO_MANAGER_PIN;
const KILLS: usize = 60;
/// A child that prints nothing for this long is stuck, not slow.
const CHILD_SILENCE_MAX: Duration = Duration::from_secs(60);

#[test]
fn committed_sales_survive_sigkill_and_nothing_is_half_written() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        let seed = std::env::var(SEED_ENV).unwrap().parse().unwrap();
        child(Path::new(&dir), seed);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path());
    let catalog = parse_catalog_csv(pos_core::demo::demo_catalog_csv().as_bytes()).unwrap();
    pos_core::demo::demo_till(&data.till_path(), Default::default(), &catalog).unwrap();

    let mut rng = rand::rngs::StdRng::seed_from_u64(20261122);
    let mut traced: Vec<(u64, String)> = Vec::new();
    for kill in 0..KILLS {
        let wait_for_sales = rng.random_range(1..=40);
        let extra_delay = Duration::from_micros(rng.random_range(0..20_000));
        traced.extend(run_child_and_kill(
            dir.path(),
            kill as u64,
            wait_for_sales,
            extra_delay,
        ));
        check_file(&data, &catalog, &traced);
    }
    assert!(
        traced.len() >= KILLS,
        "each child committed at least one sale before the kill"
    );
    eprintln!(
        "{KILLS} kills, {} sales seen committed, all intact",
        traced.len()
    );
}

fn child(dir: &Path, seed: u64) {
    let options = SimulateOptions {
        sales: 1_000_000,
        seed,
        operator: "manager".into(),
        pin: PIN.into(),
        start: "2026-11-22T02:00:00Z".parse().unwrap(),
    };
    let data = DataDir::new(dir);
    let mut till = pos_core::till::Till::open(&data.till_path(), Default::default()).unwrap();
    simulate(&mut till, &options, |doc| {
        println!("sale {} {}", doc.sequence, doc.id)
    })
    .unwrap();
}

/// Runs a child until it has committed `wait_for_sales` more sales, waits a little more,
/// kills it and returns the sales it reported as committed.
fn run_child_and_kill(
    dir: &Path,
    seed: u64,
    wait_for_sales: usize,
    extra_delay: Duration,
) -> Vec<(u64, String)> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "crash::committed_sales_survive_sigkill_and_nothing_is_half_written",
            "--nocapture",
        ])
        .env(CHILD_ENV, dir)
        .env(SEED_ENV, seed.to_string())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("child.log")).unwrap())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("sale ") {
                let (seq, id) = rest.split_once(' ').unwrap();
                if tx
                    .send((seq.parse::<u64>().unwrap(), id.to_string()))
                    .is_err()
                {
                    break;
                }
            }
        }
    });
    let mut seen = Vec::new();
    while seen.len() < wait_for_sales {
        match rx.recv_timeout(CHILD_SILENCE_MAX) {
            Ok(sale) => seen.push(sale),
            Err(e) => {
                let log = std::fs::read_to_string(dir.join("child.log")).unwrap_or_default();
                panic!("the child stopped reporting sales ({e:?}); its log:\n{log}")
            }
        }
    }
    std::thread::sleep(extra_delay);
    child.kill().unwrap(); // SIGKILL: no destructor, no flush, no rollback.
    child.wait().unwrap();
    reader.join().unwrap();
    // Lines read after the kill were committed too (printed after the commit returned).
    seen.extend(rx.try_iter());
    seen
}

fn check_file(data: &DataDir, catalog: &CatalogImport, traced: &[(u64, String)]) {
    let store = Store::open(&data.till_path()).expect("the file always opens after a kill");
    assert_eq!(store.integrity_problems().unwrap(), Vec::<String>::new());
    let chain = store.verify_journal().unwrap();
    assert!(chain.chain_ok, "journal chain: {chain:?}");
    assert_eq!(chain.first_sequence_gap, None, "{chain:?}");
    assert_eq!(chain.documents, chain.last_sequence);

    for (sequence, id) in traced {
        let doc = store
            .document(*sequence)
            .unwrap()
            .unwrap_or_else(|| panic!("committed sale {sequence} lost"));
        assert_eq!(&doc.id.to_string(), id);
    }
    let documents = store.documents_after(0, None).unwrap();
    assert_eq!(
        store.outbox_stats().unwrap().waiting,
        documents.len() as u64,
        "every document has its outbox row"
    );
    check_effects(&store, catalog, &documents);
}

/// Stock and points the till shows must equal the import plus the effects of every stored
/// document: a document written without its stock or point rows would break this.
fn check_effects(store: &Store, catalog: &CatalogImport, documents: &[Document]) {
    let mut stock: BTreeMap<String, i64> = BTreeMap::new();
    for s in &catalog.stock {
        *stock.entry(s.sku.clone()).or_default() += s.quantity;
    }
    let mut points: BTreeMap<String, i64> = catalog
        .members
        .iter()
        .map(|m| (m.id.clone(), m.points_balance))
        .collect();
    let effects = effects_of_documents(documents).expect("a till's documents have effects");
    for fx in effects {
        for s in fx.stock {
            *stock.entry(s.sku).or_default() += s.quantity;
        }
        for p in fx.points {
            *points.entry(p.member_id).or_default() += p.points;
        }
    }
    for (sku, expected) in &stock {
        assert_eq!(store.stock(sku, None).unwrap(), *expected, "stock of {sku}");
    }
    for (member_id, expected) in &points {
        let shown = store
            .find_member(member_id)
            .unwrap()
            .map(|m| m.points_balance);
        assert_eq!(shown, Some(*expected), "points of {member_id}");
        assert!(*expected >= 0, "points never below zero at the till");
    }
}
