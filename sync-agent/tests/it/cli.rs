//! The `sync-agent` binary as an administrator runs it: help, status as JSON, `once`
//! against a real head office (PostgreSQL and HTTP on 127.0.0.1), its exit codes, and
//! the lock it shares with other processes.

use std::path::Path;
use std::process::{Command, Output};

use chrono::{TimeZone, Utc};
use head_office::server::AppState;
use head_office::testing::PgCluster;
use head_office::{auth, catalog, db, server};
use pos_core::data_dir::{DataDir, ServerConfig};
use pos_core::document::{DenominationCount, Tender, TenderKind};
use pos_core::operator::Role;
use pos_core::store::TillIdentity;
use pos_core::till::{ItemInput, NewOperator, Till};
use rust_decimal::Decimal;
use sync_agent::lock::SyncLock;

const PIN: &str = "2468";

fn sync_agent(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sync-agent"))
        .args(args)
        .env("RUST_LOG", "off")
        .output()
        .expect("run sync-agent")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A till with `sales` cash sales of the demo catalog's first product; `server` in its config.
fn till(dir: &Path, server: Option<ServerConfig>, sales: usize) -> DataDir {
    let data = DataDir::new(dir);
    let identity = TillIdentity {
        store_id: "S1".into(),
        terminal_id: "T1".into(),
    };
    let manager = NewOperator {
        id: "manager",
        name: "店长",
        role: Role::Manager,
        pin: PIN,
    };
    let mut till = Till::init(&data.till_path(), identity, manager, Default::default()).unwrap();
    let catalog =
        pos_core::import::parse_catalog_csv(pos_core::demo::demo_catalog_csv().as_bytes()).unwrap();
    till.store_mut().import_catalog(&catalog).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap();
    till.login("manager", PIN, now).unwrap();
    till.open_shift(
        vec![DenominationCount {
            denomination: Decimal::ONE_HUNDRED,
            count: 2,
        }],
        now,
    )
    .unwrap();
    let product = catalog
        .products
        .iter()
        .find(|p| p.tracking == pos_core::catalog::Tracking::None)
        .unwrap();
    for _ in 0..sales {
        till.scan(&ItemInput::code(product.sku.clone()), now)
            .unwrap();
        let total = till.priced(now).unwrap().total;
        till.pay(
            &[Tender {
                kind: TenderKind::Cash,
                amount: total,
                reference: None,
                points: 0,
            }],
            None,
            now,
        )
        .unwrap();
    }
    let mut config = data.load_config().unwrap();
    config.server = server;
    data.save_config(&config).unwrap();
    data
}

fn status_json(dir: &Path) -> serde_json::Value {
    let out = sync_agent(&["status", "--data-dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    serde_json::from_slice(&out.stdout).expect("status prints JSON")
}

#[test]
fn every_command_has_help() {
    for args in [
        &["--help"][..],
        &["run", "--help"],
        &["once", "--help"],
        &["status", "--help"],
    ] {
        let out = sync_agent(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        assert!(
            text(&out).contains("--data-dir") || args.len() == 1,
            "{args:?}: {}",
            text(&out)
        );
    }
    assert!(
        text(&sync_agent(&["once", "--help"])).contains("rejected"),
        "the exit codes are explained"
    );
}

#[test]
fn status_prints_what_waits_as_json() {
    let dir = tempfile::tempdir().unwrap();
    till(dir.path(), None, 3);
    let status = status_json(dir.path());
    assert_eq!(
        status["waiting"], 4,
        "a shift opening and three sales: {status}"
    );
    assert_eq!(status["rejected"], 0);
    assert_eq!(status["online"], false);
    assert_eq!(status["agent_running"], false);
    assert!(
        status["oldest_waiting"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-22"),
        "{status}"
    );
}

#[test]
fn once_without_a_server_says_how_to_configure_one() {
    let dir = tempfile::tempdir().unwrap();
    till(dir.path(), None, 0);
    let out = sync_agent(&["once", "--data-dir", dir.path().to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out).contains("pos init --server"), "{}", text(&out));
}

#[test]
fn once_fails_when_head_office_cannot_be_reached_and_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = ServerConfig {
        url: format!("http://127.0.0.1:{port}"),
        token: "ab".repeat(32),
    };
    till(dir.path(), Some(server), 2);
    let out = sync_agent(&[
        "once",
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--attempts",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("cannot reach head office"),
        "{}",
        text(&out)
    );
    let status = status_json(dir.path());
    assert_eq!(status["waiting"], 3);
    assert!(
        status["last_error"]
            .as_str()
            .unwrap()
            .contains("cannot reach head office"),
        "{status}"
    );
}

#[test]
fn once_waits_for_the_lock_another_process_holds_and_gives_up_after_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let data = till(
        dir.path(),
        Some(ServerConfig {
            url: "http://127.0.0.1:9".into(),
            token: "ab".repeat(32),
        }),
        1,
    );
    let held = SyncLock::try_acquire(&data.sync_lock_path()).unwrap();
    assert_eq!(status_json(dir.path())["agent_running"], true);
    let out = sync_agent(&[
        "once",
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--lock-wait-secs",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("another sync agent"), "{}", text(&out));
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_sends_everything_to_a_real_head_office_and_exits_0() {
    let url = PgCluster::shared().create_database().await.unwrap();
    let pool = db::pool(&url, 4, None).unwrap();
    db::migrate(&mut pool.get().await.unwrap()).await.unwrap();
    let catalog =
        pos_core::import::parse_catalog_csv(pos_core::demo::demo_catalog_csv().as_bytes()).unwrap();
    catalog::import_catalog(&mut pool.get().await.unwrap(), &catalog, Some("S1"))
        .await
        .unwrap();
    let token = auth::enroll(&pool.get().await.unwrap(), "S1", "T1")
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server::run(listener, AppState::new(pool.clone()), async {
        let _ = stopped.await;
    }));

    let dir = tempfile::tempdir().unwrap();
    // The config names no server: --server and --token are enough.
    till(dir.path(), None, 250);
    let dir_arg = dir.path().to_str().unwrap().to_owned();
    let (server_arg, token_arg) = (format!("http://{addr}"), token.clone());
    let out = tokio::task::spawn_blocking(move || {
        sync_agent(&[
            "once",
            "--data-dir",
            &dir_arg,
            "--server",
            &server_arg,
            "--token",
            &token_arg,
        ])
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("sent 251 documents (251 accepted"),
        "{}",
        text(&out)
    );

    let stored: i64 = pool
        .get()
        .await
        .unwrap()
        .query_one("SELECT count(*) FROM documents", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored, 251);
    let status = status_json(dir.path());
    assert_eq!(
        (status["waiting"].as_u64(), status["online"].as_bool()),
        (Some(0), Some(true)),
        "{status}"
    );
    assert!(
        status["last_push_ok"].is_string() && status["last_pull_ok"].is_string(),
        "{status}"
    );
    assert!(
        status["feed_cursor"].as_i64().unwrap() > 0,
        "the catalog came down: {status}"
    );
    let _ = stop.send(());
    serving.await.unwrap().unwrap();
}
