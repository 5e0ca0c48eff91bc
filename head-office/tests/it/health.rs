//! `GET /v1/health` says whether the database answers: 200 while it does, 503 naming
//! what is down once it is stopped or stops answering.

use std::time::Duration;

use head_office::api::HEALTH_DATABASE_TIMEOUT;
use head_office::db;
use head_office::server::{self, AppState};
use head_office::testing::PgCluster;
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// Bound on an answer, above the health check's own database timeout.
const BOUND: Duration = Duration::from_secs(10);

/// Serves `pool` on 127.0.0.1; returns the base URL and the stop switch.
async fn serve(pool: deadpool_postgres::Pool) -> (String, oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server::run(listener, AppState::new(pool), async {
        let _ = stopped.await;
    }));
    (base, stop)
}

async fn health(base: &str) -> (u16, Option<String>, Value) {
    let response = tokio::time::timeout(BOUND, reqwest::get(format!("{base}/v1/health")))
        .await
        .expect("health answers within the bound")
        .unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry_after, response.json().await.unwrap())
}

#[tokio::test]
async fn health_is_ok_while_the_database_answers_and_503_once_it_is_stopped() {
    // A cluster of this test's own, so stopping it takes nothing from the others.
    let cluster = PgCluster::start().unwrap();
    let url = cluster.create_database().await.unwrap();
    let pool = db::pool(&url, 2, Some(db::REQUEST_STATEMENT_TIMEOUT)).unwrap();
    let (base, stop) = serve(pool).await;
    let (status, _, body) = health(&base).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "status": "ok", "database": "ok" }));

    drop(cluster);
    let (status, retry_after, body) = health(&base).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(retry_after.as_deref(), Some("5"));
    assert_eq!(
        body,
        json!({ "status": "degraded", "database": "unreachable" })
    );
    stop.send(()).unwrap();
}

#[tokio::test]
async fn health_is_503_when_the_database_does_not_answer_in_time() {
    // Something that takes connections on the database's port and never says a word.
    let mute = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = mute.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut connections = Vec::new();
        while let Ok((stream, _)) = mute.accept().await {
            connections.push(stream);
        }
    });
    let url = format!("host=127.0.0.1 port={port} user=postgres dbname=nothing");
    let pool = db::pool(&url, 2, Some(db::REQUEST_STATEMENT_TIMEOUT)).unwrap();
    let (base, stop) = serve(pool).await;
    let asked = tokio::time::Instant::now();
    let (status, _, body) = health(&base).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body, json!({ "status": "degraded", "database": "timeout" }));
    assert!(asked.elapsed() >= HEALTH_DATABASE_TIMEOUT);
    stop.send(()).unwrap();
    held.abort();
}
