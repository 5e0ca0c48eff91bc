//! A head office on a fresh database of this test binary's own PostgreSQL cluster,
//! served over real HTTP on 127.0.0.1; the builders of documents (`builders`) come with it.
#![allow(dead_code)] // not every helper is used by a test today

use std::collections::BTreeMap;

use deadpool_postgres::Pool;
use head_office::body::BodyLimits;
use head_office::server::AppState;
use head_office::testing::PgCluster;
use head_office::{auth, db, server};
use pos_domain::member::Tier;
use pos_domain::protocol::{BatchRequest, BatchResponse};
use serde_json::Value;
use tokio::sync::oneshot;

pub struct HeadOffice {
    pub base_url: String,
    /// The database's connection string, for the command-line tests.
    pub database_url: String,
    pub pool: Pool,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

/// The password of every console user the tests add.
pub const CONSOLE_PASSWORD: &str = "correct horse 7";

impl HeadOffice {
    /// Adds a console user with `role` (and `stores`, for a store manager).
    pub async fn add_console_user(&self, name: &str, role: &str, stores: &[String]) {
        head_office::console::users::add_user(
            &**self.client().await,
            name,
            role,
            stores,
            CONSOLE_PASSWORD,
        )
        .await
        .expect("add a console user");
    }

    /// A browser signed in as `name` through the sign-in form.
    pub async fn signed_in(&self, name: &str) -> head_office::testing::Visitor {
        let mut browser = head_office::testing::Visitor::new(&self.base_url);
        let answer = browser.sign_in(name, CONSOLE_PASSWORD).await;
        assert_eq!(answer.status, 303, "{}", answer.body);
        browser
    }

    /// The console's staff of the tests: wang (admin), li (store manager of S001), zhao
    /// (auditor), qian (merchandiser).
    pub async fn add_console_staff(&self) {
        for (name, role, stores) in [
            ("wang", "admin", vec![]),
            ("li", "store_manager", vec!["S001".to_owned()]),
            ("zhao", "auditor", vec![]),
            ("qian", "merchandiser", vec![]),
        ] {
            self.add_console_user(name, role, &stores).await;
        }
    }

    /// A console user added and signed in.
    pub async fn console_user(
        &self,
        name: &str,
        role: &str,
        stores: &[String],
    ) -> head_office::testing::Visitor {
        self.add_console_user(name, role, stores).await;
        self.signed_in(name).await
    }

    /// The session token of a console user added with `role` (and `stores`) and signed
    /// in: what head-office staff send to the `/v1/stock` API as a bearer token.
    pub async fn staff_token(&self, name: &str, role: &str, stores: &[&str]) -> String {
        let stores: Vec<String> = stores.iter().map(|s| s.to_string()).collect();
        let browser = self.console_user(name, role, &stores).await;
        browser
            .cookie(head_office::console::session::COOKIE_NAME)
            .expect("a session cookie")
            .to_owned()
    }

    /// Imports one member (card `C-{id}`, name 王五) as head office's catalog import does.
    pub async fn import_member(&self, id: &str, phone: &str, points: i64) {
        let member = pos_domain::member::Member {
            id: id.into(),
            card_no: format!("C-{id}"),
            phone: phone.into(),
            name: "王五".into(),
            tier: Tier::Standard,
            points_balance: points,
            phone_key: None,
            tier_spend: None,
            segment: None,
        };
        let file = pos_domain::import::CatalogImport {
            members: vec![member],
            ..Default::default()
        };
        head_office::catalog::import_catalog(&mut *self.client().await, &file, None)
            .await
            .unwrap();
    }

    pub async fn start() -> HeadOffice {
        HeadOffice::start_with(BodyLimits::default()).await
    }

    pub async fn start_with(body_limits: BodyLimits) -> HeadOffice {
        HeadOffice::launch(body_limits, db::REQUEST_STATEMENT_TIMEOUT).await
    }

    /// A head office whose statements are cancelled after `timeout`.
    pub async fn start_with_statement_timeout(timeout: std::time::Duration) -> HeadOffice {
        HeadOffice::launch(BodyLimits::default(), timeout).await
    }

    async fn launch(body_limits: BodyLimits, statement_timeout: std::time::Duration) -> HeadOffice {
        let url = PgCluster::shared()
            .create_database()
            .await
            .expect("create a database");
        let pool = db::pool(&url, 8, Some(statement_timeout)).expect("pool");
        db::migrate(&mut pool.get().await.expect("connect"))
            .await
            .expect("migrate");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let state = AppState {
            body_limits,
            ..AppState::new(pool.clone())
        };
        let server = tokio::spawn(server::run(listener, state, async {
            let _ = stopped.await;
        }));
        HeadOffice {
            base_url,
            database_url: url,
            pool,
            http: reqwest::Client::new(),
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server ran");
        }
    }

    pub async fn enroll(&self, store: &str, terminal: &str) -> String {
        auth::enroll(&self.pool.get().await.unwrap(), store, terminal)
            .await
            .expect("enroll")
    }

    pub async fn client(&self) -> deadpool_postgres::Object {
        self.pool.get().await.expect("connect")
    }

    /// Posts a batch as JSON; returns the status and the JSON answer.
    pub async fn post_batch(&self, token: &str, batch: &BatchRequest) -> (u16, Value) {
        let body = serde_json::to_vec(batch).unwrap();
        self.post_raw(token, body, None).await
    }

    pub async fn post_raw(
        &self,
        token: &str,
        body: Vec<u8>,
        encoding: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}/v1/batches", self.base_url))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body);
        if let Some(encoding) = encoding {
            request = request.header("content-encoding", encoding);
        }
        let response = request.send().await.expect("send");
        let status = response.status().as_u16();
        (status, response.json().await.expect("every answer is JSON"))
    }

    /// Posts a batch that must be answered 200 and returns the answer.
    pub async fn submit(&self, token: &str, batch: &BatchRequest) -> BatchResponse {
        let (status, body) = self.post_batch(token, batch).await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_value(body).expect("a BatchResponse")
    }

    /// Sends a batch's headers and the first byte of a 100-byte body, then nothing more;
    /// returns the answer the server gives when its read timeout runs out.
    pub async fn post_stalled(&self, token: &str) -> (u16, Value) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let addr = self.base_url.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let head = format!(
            "POST /v1/batches HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
        );
        stream.write_all(head.as_bytes()).await.expect("send");
        let mut answer = Vec::new();
        let read = tokio::time::timeout(std::time::Duration::from_secs(30), async {
            let mut buf = [0u8; 4096];
            loop {
                let n = stream.read(&mut buf).await.expect("read");
                answer.extend_from_slice(&buf[..n]);
                if n == 0 || complete_response(&answer) {
                    return;
                }
            }
        });
        read.await.expect("the server answers a stalled body");
        let text = String::from_utf8(answer).expect("UTF-8 answer");
        let (head, body) = text.split_once("\r\n\r\n").expect("headers and body");
        let status = head
            .split_whitespace()
            .nth(1)
            .expect("status")
            .parse()
            .expect("number");
        (status, serde_json::from_str(body).expect("a JSON body"))
    }

    /// Posts `body` as JSON to `path`, with `token` as the bearer when there is one.
    pub async fn post_json(&self, token: Option<&str>, path: &str, body: &Value) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base_url))
            .json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("send");
        let status = response.status().as_u16();
        (status, response.json().await.expect("every answer is JSON"))
    }

    pub async fn get(&self, token: Option<&str>, path_and_query: &str) -> (u16, Value) {
        let mut request = self.http.get(format!("{}{path_and_query}", self.base_url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("send");
        let status = response.status().as_u16();
        (status, response.json().await.expect("every answer is JSON"))
    }

    pub async fn count(&self, table: &str) -> i64 {
        self.client()
            .await
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await
            .unwrap()
            .get(0)
    }

    /// Rows of the audit log that record a change (an admin's reading of a member's
    /// personal data is logged there too).
    pub async fn changes_audited(&self) -> i64 {
        self.client()
            .await
            .query_one(
                "SELECT count(*) FROM audit_log WHERE action <> 'member.personal_data_read'",
                &[],
            )
            .await
            .unwrap()
            .get(0)
    }

    pub async fn stock(&self, store: &str, sku: &str, lot: &str) -> Option<i64> {
        self.client()
            .await
            .query_opt(
                "SELECT quantity FROM stock WHERE store_id = $1 AND sku = $2 AND lot_no = $3",
                &[&store, &sku, &lot],
            )
            .await
            .unwrap()
            .map(|r| r.get(0))
    }

    pub async fn balance(&self, member_id: &str) -> Option<i64> {
        self.client()
            .await
            .query_opt(
                "SELECT points_balance FROM members WHERE id = $1",
                &[&member_id],
            )
            .await
            .unwrap()
            .map(|r| r.get(0))
    }

    /// A snapshot of everything ingest writes, to show that something changed nothing.
    /// Every stored row a request could change (a terminal's last contact and pull, in
    /// `terminal_contacts`, are not: a refused request is still a contact).
    pub async fn snapshot(&self) -> BTreeMap<&'static str, String> {
        let mut snapshot = BTreeMap::new();
        for (table, order) in [
            ("documents", "id"),
            ("stock", "store_id, sku, lot_no"),
            ("serials", "sku, serial"),
            ("members", "id"),
            ("member_aliases", "alias_id"),
            ("point_ledger", "document_id, entry"),
            ("overdraft_reviews", "document_id"),
            ("sequence_gaps", "id"),
            ("feed", "cursor"),
            ("terminals", "store_id, terminal_id"),
        ] {
            let rows = self
                .client()
                .await
                .query(&format!("SELECT coalesce(string_agg(t::text, '\n' ORDER BY {order}), '') FROM {table} t"), &[])
                .await
                .unwrap();
            snapshot.insert(table, rows[0].get::<_, String>(0));
        }
        snapshot
    }
}

/// True once `bytes` hold a whole HTTP response with a Content-Length body.
fn complete_response(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_owned())
        })
        .and_then(|v| v.parse::<usize>().ok());
    length.is_some_and(|n| body.len() >= n)
}

pub use crate::builders::*;
