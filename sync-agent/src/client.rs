//! The HTTP client to head office: one `reqwest::Client` (its connection pool reused by
//! every request), with a connect timeout and a whole-request timeout, gzip bodies
//! out and in, and answers read within a size limit.

use std::io::Write;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;
use pos_core::data_dir::ServerConfig;
use reqwest::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use reqwest::{Response, StatusCode};
use serde::de::DeserializeOwned;

use crate::backoff::parse_retry_after;
use crate::error::SyncError;
use crate::protocol::{
    ApiError, BatchResponse, DailyClose, FeedPage, IncomingTransfersResponse, PENDING_HEADER,
    PENDING_MAX,
};

/// Largest answer read from head office (a full feed page is a few MB).
pub const RESPONSE_BYTES_MAX: usize = 64 * 1024 * 1024;

/// Timeouts of every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing the TCP (and TLS) connection.
    pub connect_timeout_ms: u64,
    /// The whole request: connect, send, wait and read the answer.
    pub request_timeout_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect_timeout_ms: 5_000,
            request_timeout_ms: 60_000,
        }
    }
}

/// Talks to one head office as one terminal.
#[derive(Debug, Clone)]
pub struct HeadOfficeClient {
    http: reqwest::Client,
    base_url: String,
    authorization: HeaderValue,
    timeouts: Timeouts,
}

impl HeadOfficeClient {
    pub fn new(server: &ServerConfig, timeouts: Timeouts) -> Result<HeadOfficeClient, SyncError> {
        let bad = |message: String| SyncError::BadServerUrl {
            url: server.url.clone(),
            message,
        };
        let url = reqwest::Url::parse(server.url.trim()).map_err(|e| bad(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad("only http:// and https:// are supported".into()));
        }
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", server.token.trim()))
            .map_err(|_| SyncError::BadServerUrl {
            url: server.url.clone(),
            message: "the token is not printable".into(),
        })?;
        authorization.set_sensitive(true);
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_millis(timeouts.connect_timeout_ms))
            .timeout(Duration::from_millis(timeouts.request_timeout_ms))
            .user_agent(concat!("sync-agent/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| bad(e.to_string()))?;
        let base_url = url.as_str().trim_end_matches('/').to_string();
        Ok(HeadOfficeClient {
            http,
            base_url,
            authorization,
            timeouts,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `POST /v1/batches` with a batch's JSON, sent gzip-compressed.
    pub async fn post_batch(&self, batch_json: &[u8]) -> Result<BatchResponse, SyncError> {
        let body = gzip(batch_json);
        let request = self
            .http
            .post(format!("{}/v1/batches", self.base_url))
            .header(AUTHORIZATION, self.authorization.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(CONTENT_ENCODING, "gzip")
            .body(body);
        let response = request.send().await.map_err(|e| self.transport(e))?;
        self.decode(response).await
    }

    /// `GET /v1/feed?cursor=C&limit=N`, saying the till's backlog (`pending`: documents
    /// head office has not accepted) in the `Pending-Documents` header when given. A
    /// head office older than the header ignores it.
    pub async fn feed_page(
        &self,
        cursor: i64,
        limit: u32,
        pending: Option<u64>,
    ) -> Result<FeedPage, SyncError> {
        let mut request = self
            .http
            .get(format!("{}/v1/feed", self.base_url))
            .query(&[("cursor", cursor.to_string()), ("limit", limit.to_string())])
            .header(AUTHORIZATION, self.authorization.clone());
        if let Some(pending) = pending {
            // Never more than head office takes: past that the count means "very many".
            request = request.header(PENDING_HEADER, pending.min(PENDING_MAX));
        }
        let response = request.send().await.map_err(|e| self.transport(e))?;
        self.decode(response).await
    }

    /// `GET /v1/stores/{store}/closes?business_date=D`: every terminal's Z report of the
    /// store's business day, for the manager's store review.
    pub async fn daily_close(
        &self,
        store_id: &str,
        business_date: NaiveDate,
    ) -> Result<DailyClose, SyncError> {
        let mut url = reqwest::Url::parse(&self.base_url)
            .map_err(|e| SyncError::Protocol(format!("base url: {e}")))?;
        url.path_segments_mut()
            .map_err(|()| SyncError::Protocol("base url cannot take a path".into()))?
            .extend(["v1", "stores", store_id, "closes"]);
        let request = self
            .http
            .get(url)
            .query(&[("business_date", business_date.to_string())])
            .header(AUTHORIZATION, self.authorization.clone());
        let response = request.send().await.map_err(|e| self.transport(e))?;
        self.decode(response).await
    }

    /// `GET /v1/transfers/incoming`: the transfers dispatched to this till's store and not
    /// received there yet, with what was dispatched.
    pub async fn incoming_transfers(&self) -> Result<IncomingTransfersResponse, SyncError> {
        let request = self
            .http
            .get(format!("{}/v1/transfers/incoming", self.base_url))
            .header(AUTHORIZATION, self.authorization.clone());
        let response = request.send().await.map_err(|e| self.transport(e))?;
        self.decode(response).await
    }

    /// A 2xx answer as `T`; anything else as [`SyncError::Http`] with head office's
    /// message and `Retry-After`.
    async fn decode<T: DeserializeOwned>(&self, response: Response) -> Result<T, SyncError> {
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, Utc::now()));
        let bytes = self.read_limited(response).await?;
        if !status.is_success() {
            return Err(http_error(status, &bytes, retry_after));
        }
        serde_json::from_slice(&bytes)
            .map_err(|e| SyncError::Protocol(format!("the answer is not the expected JSON: {e}")))
    }

    async fn read_limited(&self, mut response: Response) -> Result<Vec<u8>, SyncError> {
        let mut out = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.transport(e))? {
            if out.len() + chunk.len() > RESPONSE_BYTES_MAX {
                return Err(SyncError::Protocol(format!(
                    "the answer is larger than {RESPONSE_BYTES_MAX} bytes"
                )));
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    fn transport(&self, e: reqwest::Error) -> SyncError {
        if e.is_timeout() {
            return SyncError::Timeout {
                timeout_ms: self.timeouts.request_timeout_ms,
            };
        }
        SyncError::Unreachable(error_chain(&e))
    }
}

fn http_error(status: StatusCode, body: &[u8], retry_after: Option<Duration>) -> SyncError {
    let message = match serde_json::from_slice::<ApiError>(body) {
        Ok(api) => format!("{}: {}", api.error, api.message),
        Err(_) => String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
    };
    SyncError::Http {
        status: status.as_u16(),
        message,
        retry_after,
    }
}

/// reqwest's own message is terse ("error sending request"); the causes say why.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Fast compression: batch JSON shrinks about tenfold even at level 1, and the till's
/// CPU is better spent at the counter.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::fast());
    encoder
        .write_all(bytes)
        .expect("writing to a Vec cannot fail");
    encoder.finish().expect("writing to a Vec cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(url: &str) -> ServerConfig {
        ServerConfig {
            url: url.into(),
            token: "ab".repeat(32),
        }
    }

    #[test]
    fn accepts_http_and_https_and_drops_a_trailing_slash() {
        let c =
            HeadOfficeClient::new(&server("http://127.0.0.1:8080/"), Timeouts::default()).unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:8080");
        let c = HeadOfficeClient::new(&server("https://ho.example.cn/pos"), Timeouts::default())
            .unwrap();
        assert_eq!(c.base_url(), "https://ho.example.cn/pos");
    }

    #[test]
    fn refuses_other_schemes_and_garbage() {
        for url in ["ftp://ho", "ho.example.cn", ""] {
            let err = HeadOfficeClient::new(&server(url), Timeouts::default()).unwrap_err();
            assert!(
                matches!(err, SyncError::BadServerUrl { .. }),
                "{url}: {err}"
            );
        }
    }

    #[test]
    fn an_error_answer_carries_head_offices_message() {
        let body = br#"{"error":"forbidden","message":"this token belongs to store S1, not S2"}"#;
        let err = http_error(StatusCode::FORBIDDEN, body, None);
        assert_eq!(
            err.to_string(),
            "head office answered 403: forbidden: this token belongs to store S1, not S2"
        );
        let err = http_error(
            StatusCode::BAD_GATEWAY,
            b"<html>bad gateway</html>",
            Some(Duration::from_secs(2)),
        );
        assert_eq!(err.retry_after(), Some(Duration::from_secs(2)));
        assert!(err.to_string().contains("bad gateway"), "{err}");
    }

    /// Answers one request on 127.0.0.1 with an empty feed page; returns the request's
    /// head as received.
    async fn one_feed_request(pending: Option<u64>) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let served = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.ends_with(b"\r\n\r\n") {
                let n = stream.read(&mut buf).await.unwrap();
                assert!(n > 0, "the request ended early");
                head.extend_from_slice(&buf[..n]);
            }
            let body = br#"{"changes":[],"next_cursor":0,"more":false}"#;
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(answer.as_bytes()).await.unwrap();
            stream.write_all(body).await.unwrap();
            String::from_utf8(head).unwrap().to_ascii_lowercase()
        });
        let client = HeadOfficeClient::new(&server(&url), Timeouts::default()).unwrap();
        let page = client.feed_page(0, 10, pending).await.unwrap();
        assert!(!page.more);
        served.await.unwrap()
    }

    #[tokio::test]
    async fn a_pull_says_the_backlog_within_what_head_office_takes() {
        let head = one_feed_request(Some(12)).await;
        assert!(head.contains("\r\npending-documents: 12\r\n"), "{head}");
        let head = one_feed_request(Some(u64::MAX)).await;
        assert!(
            head.contains(&format!("\r\npending-documents: {PENDING_MAX}\r\n")),
            "{head}"
        );
        let head = one_feed_request(None).await;
        assert!(!head.contains("pending-documents"), "{head}");
    }

    #[test]
    fn gzip_round_trips() {
        let json = br#"{"store_id":"S1","terminal_id":"T1","documents":[]}"#.repeat(50);
        let packed = gzip(&json);
        assert!(
            packed.len() < json.len() / 5,
            "{} of {}",
            packed.len(),
            json.len()
        );
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&packed[..]), &mut out)
            .unwrap();
        assert_eq!(out, json);
    }
}
