//! The `head-office serve` binary on SIGTERM: with a half-sent and an idle connection
//! open and a request in flight that never ends, it exits cleanly within its
//! `--shutdown-grace-secs`.

use std::process::Stdio;
use std::time::Duration;

use head_office::testing::PgCluster;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_head-office");
/// Bound on the server starting, and on it stopping past its grace period.
const WAIT: Duration = Duration::from_secs(30);

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
    let mut server = tokio::process::Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--shutdown-grace-secs",
            "1",
        ])
        .args([
            "--header-read-timeout-secs",
            "600",
            "--idle-timeout-secs",
            "600",
        ])
        .env("DATABASE_URL", &url)
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
    // Keep reading the log so the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

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
