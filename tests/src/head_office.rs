//! A real head office for a test: a fresh database in this test binary's throwaway
//! PostgreSQL cluster, served over HTTP on 127.0.0.1, and the queries tests check it with.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use deadpool_postgres::Pool;
use head_office::server::AppState;
use head_office::testing::PgCluster;
use head_office::{auth, catalog, db, server};
use pos_core::data_dir::ServerConfig;
use pos_core::import::CatalogImport;

use crate::tills::TestTill;
use tokio::sync::oneshot;
use uuid::Uuid;

/// Connections head office may hold; the cluster allows 200 across parallel tests.
const POOL_SIZE_MAX: usize = 8;

pub struct TestHeadOffice {
    pub addr: SocketAddr,
    pub pool: Pool,
    /// The database's connection string (for the benchmark's COPY).
    pub database_url: String,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestHeadOffice {
    /// Migrates a new database and serves it on `127.0.0.1:0`.
    pub async fn start() -> TestHeadOffice {
        let database_url = PgCluster::shared()
            .create_database()
            .await
            .expect("create a database");
        let pool = db::pool(
            &database_url,
            POOL_SIZE_MAX,
            Some(db::REQUEST_STATEMENT_TIMEOUT),
        )
        .expect("a pool");
        db::migrate(&mut pool.get().await.expect("connect"))
            .await
            .expect("migrate");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("a local address");
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(server::run(listener, AppState::new(pool.clone()), async {
            let _ = stopped.await;
        }));
        TestHeadOffice {
            addr,
            pool,
            database_url,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// A head office with the demo catalog for the chain and its stock in each of
    /// `stores`. A serial unit belongs to one store: only the first gets them.
    pub async fn start_with_demo_catalog(stores: &[&str]) -> TestHeadOffice {
        let ho = TestHeadOffice::start().await;
        let catalog = crate::demo_catalog();
        for (i, store) in stores.iter().enumerate() {
            let catalog = if i == 0 {
                catalog.clone()
            } else {
                CatalogImport {
                    serials: vec![],
                    ..catalog.clone()
                }
            };
            ho.import(&catalog, Some(store)).await;
        }
        ho
    }

    /// A till enrolled here for `store` and `terminal`, reaching head office at `url`
    /// (this server's, or a proxy's in front of it).
    pub async fn enrolled_till(&self, store: &str, terminal: &str, url: String) -> TestTill {
        let token = self.enroll(store, terminal).await;
        TestTill::init(store, terminal, Some(ServerConfig { url, token }))
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("the server task")
                .expect("the server ran");
        }
    }

    pub async fn enroll(&self, store: &str, terminal: &str) -> String {
        auth::enroll(&**self.client().await, store, terminal)
            .await
            .expect("enrol a terminal")
    }

    /// Head office's import: catalog and members for the chain, stock for `store`.
    pub async fn import(&self, catalog: &CatalogImport, store: Option<&str>) {
        catalog::import_catalog(&mut **self.client().await, catalog, store)
            .await
            .expect("import a catalog");
    }

    pub async fn client(&self) -> deadpool_postgres::Object {
        self.pool.get().await.expect("a database connection")
    }

    /// (sequence, id) of every document of one terminal, in sequence order.
    pub async fn documents(&self, store: &str, terminal: &str) -> Vec<(u64, Uuid)> {
        let rows = self
            .client()
            .await
            .query(
                "SELECT sequence, id FROM documents WHERE store_id = $1 AND terminal_id = $2 ORDER BY sequence",
                &[&store, &terminal],
            )
            .await
            .expect("query documents");
        rows.iter()
            .map(|r| (r.get::<_, i64>(0) as u64, r.get(1)))
            .collect()
    }

    pub async fn document_count(&self) -> i64 {
        self.client()
            .await
            .query_one("SELECT count(*) FROM documents", &[])
            .await
            .expect("count")
            .get(0)
    }

    /// A store's stock by (sku, lot_no), lot_no '' where not lot-tracked.
    pub async fn stock(&self, store: &str) -> BTreeMap<(String, String), i64> {
        let rows = self
            .client()
            .await
            .query(
                "SELECT sku, lot_no, quantity FROM stock WHERE store_id = $1",
                &[&store],
            )
            .await
            .expect("query stock");
        rows.iter()
            .map(|r| ((r.get(0), r.get(1)), r.get(2)))
            .collect()
    }

    /// Every member's balance.
    pub async fn balances(&self) -> BTreeMap<String, i64> {
        let rows = self
            .client()
            .await
            .query("SELECT id, points_balance FROM members", &[])
            .await
            .expect("query members");
        rows.iter().map(|r| (r.get(0), r.get(1))).collect()
    }

    /// A till's member id that head office merged into another member -> that member.
    pub async fn aliases(&self) -> BTreeMap<String, String> {
        let rows = self
            .client()
            .await
            .query("SELECT alias_id, member_id FROM member_aliases", &[])
            .await
            .expect("query aliases");
        rows.iter().map(|r| (r.get(0), r.get(1))).collect()
    }

    /// Open sequence gaps, all stores.
    pub async fn open_gap_count(&self) -> usize {
        head_office::reports::open_gaps(&**self.client().await, None)
            .await
            .expect("query gaps")
            .len()
    }
}
