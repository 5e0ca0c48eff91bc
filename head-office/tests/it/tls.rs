//! HTTPS through rustls with a self-signed certificate made here.

use head_office::server::{self, AppState};
use head_office::testing::PgCluster;
use head_office::{db, tls};

#[tokio::test]
async fn serves_https_with_the_configured_certificate_and_nothing_in_clear() {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, certified.cert.pem()).unwrap();
    std::fs::write(&key_path, certified.signing_key.serialize_pem()).unwrap();
    let config = tls::server_config(&cert_path, &key_path).unwrap();

    let url = PgCluster::shared().create_database().await.unwrap();
    let pool = db::pool(&url, 2, Some(db::REQUEST_STATEMENT_TIMEOUT)).unwrap();
    db::migrate(&mut pool.get().await.unwrap()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::run_tls(
        listener,
        AppState::new(pool),
        config,
        async {
            let _ = stopped.await;
        },
    ));

    let trusting = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(certified.cert.pem().as_bytes()).unwrap(),
        )
        .resolve("localhost", addr)
        .build()
        .unwrap();
    let response = trusting
        .get(format!("https://localhost:{}/v1/health", addr.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<serde_json::Value>().await.unwrap()["status"],
        "ok"
    );
    let response = trusting
        .get(format!("https://localhost:{}/v1/feed", addr.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "errors come back over TLS too");

    // A client that does not trust the certificate, and one speaking plain HTTP, fail.
    let untrusting = reqwest::Client::builder()
        .resolve("localhost", addr)
        .build()
        .unwrap();
    assert!(
        untrusting
            .get(format!("https://localhost:{}/v1/health", addr.port()))
            .send()
            .await
            .is_err()
    );
    assert!(
        reqwest::get(format!("http://{addr}/v1/health"))
            .await
            .is_err()
    );

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[test]
fn a_missing_or_empty_certificate_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "").unwrap();
    let err = tls::server_config(&empty, &empty).unwrap_err().to_string();
    assert!(err.contains("empty.pem"), "{err}");
    let err = tls::server_config(&dir.path().join("nope.pem"), &empty)
        .unwrap_err()
        .to_string();
    assert!(err.contains("nope.pem"), "{err}");
}
