//! The `head-office` binary: every command has --help; migrate, enroll, import, export,
//! report and serve work against a real database; on SIGTERM serve ends within its grace
//! period whatever its clients do.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use head_office::testing::PgCluster;
use pos_domain::catalog::Tracking;
use pos_domain::import::{CatalogImport, StockRecord};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_head-office");
/// Bound on waiting for the server to start or stop.
const WAIT: Duration = Duration::from_secs(30);

fn run(database_url: &str, args: &[&str]) -> Output {
    let output = Command::new(BIN)
        .args(args)
        .env("DATABASE_URL", database_url)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "head-office {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn every_command_has_help() {
    for (command, flag) in [
        ("serve", "--listen"),
        ("enroll", "--terminal"),
        ("import", "--store"),
        ("export", "--out"),
        ("migrate", "--database-url"),
        ("report", "overdrafts"),
        ("review-overdraft", "--document"),
        ("user", "add"),
        ("rfm", "--as-of"),
        ("erase-member", "--reason"),
        ("check-documents", "--database-url"),
        ("tiers", "--as-of"),
        ("expire-points", "--as-of"),
    ] {
        let output = Command::new(BIN)
            .args([command, "--help"])
            .env_remove("DATABASE_URL")
            .output()
            .unwrap();
        assert!(output.status.success(), "{command} --help");
        assert!(
            stdout(&output).contains(flag),
            "{command} --help does not mention {flag}"
        );
    }
    let output = Command::new(BIN)
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("DATABASE_URL"));
}

#[tokio::test]
async fn migrate_enroll_import_export_report_and_serve() {
    let url = PgCluster::shared().create_database().await.unwrap();
    let every_version = head_office::db::versions();
    assert!(stdout(&run(&url, &["migrate"])).contains(&format!("applied now: {every_version:?}")));
    assert!(
        stdout(&run(&url, &["migrate"])).contains("applied now: []"),
        "migrating twice applies nothing"
    );

    let token = stdout(&run(&url, &["enroll", "--store", "S1", "--terminal", "T1"]))
        .trim()
        .to_owned();
    assert_eq!(token.len(), 64, "{token}");
    let bad = Command::new(BIN)
        .args(["enroll", "--store", "S 1", "--terminal", "T1"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!bad.status.success(), "a store id with a space is refused");

    let dir = tempfile::tempdir().unwrap();
    let catalog_file = dir.path().join("catalog.csv");
    let catalog = CatalogImport {
        products: vec![feed_product("MASK")],
        stock: vec![StockRecord {
            sku: "MASK".into(),
            lot_no: None,
            quantity: 120,
        }],
        ..CatalogImport::default()
    };
    pos_domain::import::write_catalog_csv(&catalog, std::fs::File::create(&catalog_file).unwrap())
        .unwrap();
    let without_store = Command::new(BIN)
        .args(["import", catalog_file.to_str().unwrap()])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!without_store.status.success(), "stock needs --store");
    run(
        &url,
        &["import", catalog_file.to_str().unwrap(), "--store", "S1"],
    );

    let stock_file = dir.path().join("stock.csv");
    run(
        &url,
        &["export", "stock", "--out", stock_file.to_str().unwrap()],
    );
    assert_eq!(
        std::fs::read_to_string(&stock_file).unwrap(),
        "store_id,sku,lot_no,quantity\nS1,MASK,,120\n"
    );
    let discrepancies_file = dir.path().join("discrepancies.csv");
    let out = discrepancies_file.to_str().unwrap();
    let args = [
        "export",
        "receipt-discrepancies",
        "--out",
        out,
        "--from",
        "2026-11-01",
    ];
    let exported = run(&url, &args);
    assert!(String::from_utf8_lossy(&exported.stderr).contains("0 rows written"));
    assert_eq!(
        std::fs::read_to_string(&discrepancies_file).unwrap(),
        format!(
            "{}\n",
            head_office::export::RECEIPT_DISCREPANCIES_HEADER.join(",")
        )
    );
    assert_eq!(stdout(&run(&url, &["report", "gaps"])).trim(), "[]");

    // serve on a port the OS picks; the log line says which.
    let (mut server, addr) = serve(&url, &[]).await;
    let response = reqwest::Client::new()
        .get(format!("http://{addr}/v1/feed?cursor=0"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    // The members' lookup key, the product and the store's stock.
    assert_eq!(body["changes"].as_array().unwrap().len(), 3, "{body}");
    let pid = server.id().unwrap().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let exit = tokio::time::timeout(WAIT, server.wait())
        .await
        .expect("serve stops on SIGTERM")
        .unwrap();
    assert!(exit.success(), "serve exits cleanly on SIGTERM: {exit:?}");
}

/// Starts `head-office serve` on a port the OS picks, with `extra` arguments; returns the
/// child and the address its log says it listens on. The log keeps being read, so the
/// server never blocks on a full pipe.
async fn serve(url: &str, extra: &[&str]) -> (tokio::process::Child, String) {
    let mut server = tokio::process::Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("DATABASE_URL", url)
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(server.stderr.take().unwrap()).lines();
    let listening = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(at) = line.find("addr=") {
                return line[at + 5..].split_whitespace().next().unwrap().to_owned();
            }
        }
        panic!("serve exited before listening");
    };
    let addr = tokio::time::timeout(WAIT, listening)
        .await
        .expect("serve listens");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (server, addr)
}

fn feed_product(sku: &str) -> pos_domain::catalog::Product {
    pos_domain::catalog::Product {
        sku: sku.into(),
        name: "口罩".into(),
        pinyin: "kz".into(),
        category: "masks".into(),
        unit: "盒".into(),
        price: "12.50".parse().unwrap(),
        vat_rate: crate::common::vat_13(),
        device_class: None,
        registration_no: None,
        tracking: Tracking::None,
        safety_stock: 10,
        model_spec: None,
        manufacturer: None,
        manufacturer_licence: None,
        warranty_months: None,
    }
}

/// With a half-sent and an idle connection open and a request in flight that never ends,
/// `serve` exits cleanly on SIGTERM within its `--shutdown-grace-secs`.
#[tokio::test]
async fn sigterm_ends_serve_within_the_grace_period_whatever_the_clients_do() {
    let url = PgCluster::shared().create_database().await.unwrap();
    let status = std::process::Command::new(BIN)
        .arg("migrate")
        .env("DATABASE_URL", &url)
        .status()
        .unwrap();
    assert!(status.success());
    let token = std::process::Command::new(BIN)
        .args(["enroll", "--store", "S1", "--terminal", "T1"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    let token = String::from_utf8(token.stdout).unwrap().trim().to_owned();
    let (mut server, addr) = serve(
        &url,
        &[
            "--shutdown-grace-secs",
            "1",
            "--header-read-timeout-secs",
            "600",
            "--idle-timeout-secs",
            "600",
        ],
    )
    .await;

    let mut half_sent = TcpStream::connect(&addr).await.unwrap();
    half_sent
        .write_all(b"GET /v1/health HTTP/1.1\r\nHost: ho")
        .await
        .unwrap();
    let mut idle = TcpStream::connect(&addr).await.unwrap();
    idle.write_all(b"GET /v1/health HTTP/1.1\r\nHost: ho\r\n\r\n")
        .await
        .unwrap();
    let mut answer = [0u8; 12];
    tokio::time::timeout(WAIT, idle.read_exact(&mut answer))
        .await
        .expect("an answer")
        .unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200");
    // A batch whose body never comes; `100 Continue` says its handler is reading it.
    let mut hanging = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /v1/batches HTTP/1.1\r\nHost: ho\r\nAuthorization: Bearer {token}\r\n\
         Expect: 100-continue\r\nContent-Length: 100\r\n\r\n"
    );
    hanging.write_all(head.as_bytes()).await.unwrap();
    let mut interim = [0u8; 12];
    tokio::time::timeout(WAIT, hanging.read_exact(&mut interim))
        .await
        .expect("100 Continue")
        .unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100");

    let pid = server.id().unwrap().to_string();
    let signalled = Instant::now();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let exit = tokio::time::timeout(WAIT, server.wait())
        .await
        .expect("serve stops on SIGTERM")
        .unwrap();
    let took = signalled.elapsed();
    assert!(exit.success(), "serve exits cleanly: {exit:?}");
    // The request in flight had its grace second; nothing waited longer.
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(10),
        "stopped {took:?} after SIGTERM with a 1 s grace period"
    );
}

/// `head-office user add` with the password on standard input.
fn add_user(url: &str, args: &[&str], password: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(["user", "add"])
        .args(args)
        .env("DATABASE_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn user_add_reads_the_password_from_standard_input_and_refuses_bad_people() {
    let url = PgCluster::shared().create_database().await.unwrap();
    let added = add_user(
        &url,
        &[
            "--name",
            "li",
            "--role",
            "store_manager",
            "--store",
            "S001",
            "--store",
            "S002",
        ],
        "a long enough password",
    );
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    assert!(String::from_utf8_lossy(&added.stderr).contains("store_manager of S001, S002"));
    for (args, password, reason) in [
        (
            vec!["--name", "li", "--role", "admin"],
            "a long enough password",
            "already exists",
        ),
        (
            vec!["--name", "x", "--role", "cashier"],
            "a long enough password",
            "role",
        ),
        (
            vec!["--name", "y", "--role", "store_manager"],
            "a long enough password",
            "store manager needs",
        ),
        (
            vec!["--name", "z", "--role", "auditor"],
            "short",
            "10 to 128",
        ),
    ] {
        let refused = add_user(&url, &args, password);
        assert!(!refused.status.success(), "{args:?} was taken");
        let stderr = String::from_utf8_lossy(&refused.stderr).to_string();
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
    }
    let pool = head_office::db::pool(&url, 1, None).unwrap();
    let client = pool.get().await.unwrap();
    let rows = client
        .query(
            "SELECT name, role, stores, password_hash FROM console_users",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "only the good one is stored");
    let hash: String = rows[0].get(3);
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("a long enough password"));
}

/// `head-office export` of the stock reports: each takes its flags, refuses a missing or
/// bad one with a message naming it (writing nothing), and writes the API's rows.
#[tokio::test]
async fn the_stock_report_exports_take_their_flags() {
    let url = PgCluster::shared().create_database().await.unwrap();
    run(&url, &["migrate"]);
    let dir = tempfile::tempdir().unwrap();
    let catalog_file = dir.path().join("catalog.csv");
    let mut mask = feed_product("MASK");
    mask.safety_stock = 500;
    let catalog = CatalogImport {
        products: vec![mask],
        stock: vec![StockRecord {
            sku: "MASK".into(),
            lot_no: None,
            quantity: 120,
        }],
        ..CatalogImport::default()
    };
    pos_domain::import::write_catalog_csv(&catalog, std::fs::File::create(&catalog_file).unwrap())
        .unwrap();
    run(
        &url,
        &["import", catalog_file.to_str().unwrap(), "--store", "S1"],
    );
    let out = dir.path().join("report.csv");
    let out = out.to_str().unwrap();
    let exported = run(&url, &["export", "low-stock", "--out", out]);
    assert!(String::from_utf8_lossy(&exported.stderr).contains("1 rows written"));
    assert_eq!(
        std::fs::read_to_string(out).unwrap(),
        format!(
            "{}\nS1,MASK,口罩,120,500,380\n",
            head_office::export::LOW_STOCK_HEADER.join(",")
        )
    );
    for (args, header) in [
        (
            vec!["device-sales", "--from", "2026-11-01"],
            head_office::export::DEVICE_SALES_HEADER,
        ),
        (
            vec!["recall", "--sku", "MASK", "--lot", "L1"],
            head_office::export::TRACE_HEADER,
        ),
        (
            vec!["serial-life", "--serial", "SN1"],
            head_office::export::TRACE_HEADER,
        ),
        (
            vec!["near-expiry", "--days", "90"],
            head_office::export::NEAR_EXPIRY_HEADER,
        ),
        (
            vec!["transfers", "--state", "in_transit"],
            head_office::export::TRANSFERS_HEADER,
        ),
    ] {
        let mut command = vec!["export"];
        command.extend(&args);
        command.extend(["--out", out]);
        run(&url, &command);
        assert_eq!(
            std::fs::read_to_string(out).unwrap(),
            format!("{}\n", header.join(",")),
            "{args:?}"
        );
    }
    for (args, said) in [
        (vec!["recall", "--lot", "L1"], "recall needs --sku"),
        (vec!["recall", "--sku", "MASK"], "recall needs --lot"),
        (vec!["serial-life"], "serial-life needs --serial"),
        (
            vec!["near-expiry", "--days", "4000"],
            "--days 4000 must be from 0 to 3650",
        ),
        (
            vec!["transfers", "--state", "lost"],
            "--state \"lost\" is none of",
        ),
    ] {
        let refused = dir.path().join("refused.csv");
        let mut command = vec!["export"];
        command.extend(&args);
        command.extend(["--out", refused.to_str().unwrap()]);
        let output = Command::new(BIN)
            .args(&command)
            .env("DATABASE_URL", &url)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        assert!(!refused.exists(), "{args:?} wrote no file");
    }
}

#[tokio::test]
async fn expire_points_takes_the_lapsed_points_off_as_of_the_day_given() {
    let url = PgCluster::shared().create_database().await.unwrap();
    run(&url, &["migrate"]);
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
        .batch_execute(
            "INSERT INTO members (id, card_no, phone, name, tier, points_balance)
                 VALUES ('M1', 'C1', '13812345678', '王五', 'standard', 150);
             INSERT INTO member_point_lots (member_id, last_day, points)
                 VALUES ('M1', '2026-12-31', 100), ('M1', '2027-12-31', 30);",
        )
        .await
        .unwrap();
    let early = stdout(&run(&url, &["expire-points", "--as-of", "2026-12-31"]));
    assert!(early.contains("0 points of 0 members"), "{early}");
    let ran = stdout(&run(&url, &["expire-points", "--as-of", "2027-01-01"]));
    assert!(ran.contains("100 points of 1 members"), "{ran}");
    let balance: i64 = client
        .query_one("SELECT points_balance FROM members WHERE id = 'M1'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(balance, 50, "the 20 in no lot and the 30 of 2027 stay");
}
