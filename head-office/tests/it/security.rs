//! Tokens, stores, limits and bad input: each gets a clear JSON error and changes nothing.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use crate::common::*;
use pos_domain::document::DocumentBody;
use serde_json::Value;

fn assert_error(status: u16, body: &Value, expected_status: u16, code: &str) {
    assert_eq!(status, expected_status, "{body}");
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

fn one_sale(store: &str, terminal: &str) -> pos_domain::protocol::BatchRequest {
    let doc = document(
        store,
        terminal,
        1,
        DocumentBody::Sale(sale(&[item("BP-1", 1, "10.00")], None, 0, 0)),
    );
    batch(store, terminal, vec![doc])
}

#[tokio::test]
async fn no_token_or_an_unknown_token_is_401() {
    let ho = HeadOffice::start().await;
    ho.enroll(STORE, TERMINAL).await;
    let body = serde_json::to_vec(&one_sale(STORE, TERMINAL)).unwrap();
    let response = ho
        .http
        .post(format!("{}/v1/batches", ho.base_url))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let status = response.status().as_u16();
    assert_error(status, &response.json().await.unwrap(), 401, "unauthorized");

    let unknown = head_office::auth::new_token();
    let (status, body) = ho.post_batch(&unknown, &one_sale(STORE, TERMINAL)).await;
    assert_error(status, &body, 401, "unauthorized");
    let (status, body) = ho.post_batch("not-hex", &one_sale(STORE, TERMINAL)).await;
    assert_error(status, &body, 401, "unauthorized");
    let (status, body) = ho.get(Some(&unknown), "/v1/feed").await;
    assert_error(status, &body, 401, "unauthorized");
    let (status, body) = ho.get(None, "/v1/gaps").await;
    assert_error(status, &body, 401, "unauthorized");
    assert_eq!(ho.count("documents").await, 0);
    ho.stop().await;
}

#[tokio::test]
async fn re_enrolling_replaces_the_token() {
    let ho = HeadOffice::start().await;
    let old = ho.enroll(STORE, TERMINAL).await;
    let new = ho.enroll(STORE, TERMINAL).await;
    assert_ne!(old, new);
    assert_eq!(new.len(), 64);
    let (status, _) = ho.get(Some(&old), "/v1/feed").await;
    assert_eq!(status, 401);
    let (status, _) = ho.get(Some(&new), "/v1/feed").await;
    assert_eq!(status, 200);
    let stored: Vec<u8> = ho
        .client()
        .await
        .query_one("SELECT token_sha256 FROM terminals", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        stored,
        head_office::auth::token_sha256(&new).to_vec(),
        "only the hash is stored"
    );
    ho.stop().await;
}

#[tokio::test]
async fn a_token_of_store_a_cannot_submit_or_read_for_store_b() {
    let ho = HeadOffice::start().await;
    let token_a = ho.enroll("A", "T1").await;
    let token_b = ho.enroll("B", "T1").await;
    let before = ho.snapshot().await;

    let (status, body) = ho.post_batch(&token_a, &one_sale("B", "T1")).await;
    assert_error(status, &body, 403, "forbidden");
    let (status, body) = ho.post_batch(&token_a, &one_sale("A", "T2")).await;
    assert_error(status, &body, 403, "forbidden");
    // The envelope says A, a document inside says B.
    let mut mixed = one_sale("A", "T1");
    mixed.documents[0].store_id = "B".into();
    let (status, body) = ho.post_batch(&token_a, &mixed).await;
    assert_error(status, &body, 403, "forbidden");
    assert_eq!(
        ho.snapshot().await,
        before,
        "a refused batch changed something"
    );

    let (status, body) = ho
        .get(
            Some(&token_a),
            "/v1/stores/B/closes?business_date=2026-11-22",
        )
        .await;
    assert_error(status, &body, 403, "forbidden");
    let (status, _) = ho
        .get(
            Some(&token_b),
            "/v1/stores/B/closes?business_date=2026-11-22",
        )
        .await;
    assert_eq!(status, 200);

    // B's stock moves; A's feed never shows it.
    ho.submit(&token_b, &one_sale("B", "T1")).await;
    let (status, feed) = ho.get(Some(&token_a), "/v1/feed?cursor=0").await;
    assert_eq!(status, 200);
    let entities: Vec<&str> = feed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["entity"].as_str().unwrap())
        .collect();
    assert_eq!(
        entities,
        ["member_lookup_key"],
        "store A sees store B's stock"
    );
    let (_, feed) = ho.get(Some(&token_b), "/v1/feed?cursor=0").await;
    assert_eq!(feed["changes"][1]["entity"], "stock");
    ho.stop().await;
}

#[tokio::test]
async fn malformed_unknown_fields_and_bad_encodings_are_400_or_415_and_change_nothing() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let before = ho.snapshot().await;

    let (status, body) = ho.post_raw(&token, b"{\"store_id\": ".to_vec(), None).await;
    assert_error(status, &body, 400, "malformed");

    let mut with_extra = serde_json::to_value(one_sale(STORE, TERMINAL)).unwrap();
    with_extra["priority"] = serde_json::json!("high");
    let (status, body) = ho
        .post_raw(&token, serde_json::to_vec(&with_extra).unwrap(), None)
        .await;
    assert_error(status, &body, 400, "malformed");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("unknown field `priority`"),
        "{body}"
    );

    let mut wrong_type = serde_json::to_value(one_sale(STORE, TERMINAL)).unwrap();
    wrong_type["documents"][0]["sequence"] = serde_json::json!("one");
    let (status, body) = ho
        .post_raw(&token, serde_json::to_vec(&wrong_type).unwrap(), None)
        .await;
    assert_error(status, &body, 400, "malformed");

    let json = serde_json::to_vec(&one_sale(STORE, TERMINAL)).unwrap();
    let (status, body) = ho.post_raw(&token, json.clone(), Some("br")).await;
    assert_error(status, &body, 415, "unsupported_encoding");
    let (status, body) = ho.post_raw(&token, json, Some("gzip")).await;
    assert_error(status, &body, 400, "malformed");

    let (status, body) = ho.get(Some(&token), "/v1/feed?cursor=abc").await;
    assert_error(status, &body, 400, "bad_request");
    let (status, body) = ho
        .get(Some(&token), "/v1/stores/S1/closes?business_date=yesterday")
        .await;
    assert_error(status, &body, 400, "bad_request");
    let (status, body) = ho.get(Some(&token), "/v1/nothing-here").await;
    assert_error(status, &body, 404, "not_found");
    assert_eq!(ho.snapshot().await, before);
    ho.stop().await;
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn gzip_bodies_are_accepted_and_huge_bodies_are_413() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let (status, body) = ho
        .post_raw(
            &token,
            gzip(&serde_json::to_vec(&one_sale(STORE, TERMINAL)).unwrap()),
            Some("gzip"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"][0]["status"], "accepted");
    let before = ho.snapshot().await;

    // 9 MiB on the wire.
    let (status, body) = ho.post_raw(&token, vec![b' '; 9 * 1024 * 1024], None).await;
    assert_error(status, &body, 413, "body_too_large");
    // 40 MiB of spaces gzip to a few kilobytes: too large once decompressed.
    let bomb = gzip(&vec![b' '; 40 * 1024 * 1024]);
    assert!(bomb.len() < 1024 * 1024);
    let (status, body) = ho.post_raw(&token, bomb, Some("gzip")).await;
    assert_error(status, &body, 413, "body_too_large");

    let docs: Vec<_> = (1..=501)
        .map(|seq| {
            document(
                STORE,
                TERMINAL,
                seq,
                DocumentBody::Sale(sale(&[item("A", 1, "1.00")], None, 0, 0)),
            )
        })
        .collect();
    let (status, body) = ho.post_batch(&token, &batch(STORE, TERMINAL, docs)).await;
    assert_error(status, &body, 413, "too_many_documents");
    assert_eq!(ho.snapshot().await, before);
    ho.stop().await;
}

#[tokio::test]
async fn a_gzip_body_of_two_members_is_read_whole_within_the_decoded_limit() {
    let limits = head_office::body::BodyLimits {
        decoded_bytes_max: 64 * 1024,
        ..Default::default()
    };
    let ho = HeadOffice::start_with(limits).await;
    let token = ho.enroll(STORE, TERMINAL).await;
    // RFC 1952 allows members back to back; the JSON is cut between the two.
    let json = serde_json::to_vec(&one_sale(STORE, TERMINAL)).unwrap();
    let (head, tail) = json.split_at(json.len() / 2);
    let two_members = [gzip(head), gzip(tail)].concat();
    let (status, body) = ho.post_raw(&token, two_members, Some("gzip")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"][0]["status"], "accepted");
    // The limit counts every member: the second one pushes the body past it.
    let padding = vec![b' '; 40 * 1024];
    let over = [gzip(&json), gzip(&padding), gzip(&padding)].concat();
    let (status, body) = ho.post_raw(&token, over, Some("gzip")).await;
    assert_error(status, &body, 413, "body_too_large");
    ho.stop().await;
}

#[tokio::test]
async fn a_body_that_stalls_is_408_once_the_read_timeout_runs_out() {
    let limits = head_office::body::BodyLimits {
        read_timeout: std::time::Duration::from_millis(300),
        ..Default::default()
    };
    let ho = HeadOffice::start_with(limits).await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let (status, body) = ho.post_stalled(&token).await;
    assert_error(status, &body, 408, "timeout");
    assert_eq!(ho.count("documents").await, 0);
    ho.stop().await;
}

/// Everything logged in this test binary.
fn captured_logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        tracing_subscriber::fmt()
            .with_env_filter("trace,tokio_postgres=info,hyper=info,reqwest=info")
            .with_writer(move || LogSink(sink.clone()))
            .init();
        logs
    })
}

struct LogSink(Arc<Mutex<Vec<u8>>>);

impl Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_hold_neither_phone_numbers_nor_tokens() {
    let logs = captured_logs();
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let phone = "13912345678";
    let docs = vec![
        document(
            STORE,
            TERMINAL,
            1,
            DocumentBody::MemberRegistration(registration("m-log", phone)),
        ),
        document(
            STORE,
            TERMINAL,
            3,
            DocumentBody::Sale(sale(&[item("A", 1, "20.00")], Some("m-log"), 11, 900)),
        ),
    ];
    let response = ho.submit(&token, &batch(STORE, TERMINAL, docs)).await;
    assert!(
        response
            .results
            .iter()
            .all(|r| r.status == pos_domain::protocol::DocumentStatus::Accepted)
    );
    let (status, _) = ho.get(Some(&token), "/v1/feed").await;
    assert_eq!(status, 200);
    let (status, _) = ho
        .post_raw(&token, b"{\"phone\": \"13912345678\"}".to_vec(), None)
        .await;
    assert_eq!(status, 400);
    ho.stop().await;
    let text = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("batch ingested"),
        "the test saw no logs at all: {text}"
    );
    assert!(text.contains("flagged for review"), "{text}");
    assert!(!text.contains(phone), "a phone number reached the logs");
    assert!(!text.contains(&token), "a token reached the logs");
}
