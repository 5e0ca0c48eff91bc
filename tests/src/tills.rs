//! Real tills for a test: a data folder in a temporary directory with an initialised
//! till file and its config.toml, sales rung up through `pos_core::simulate` (the
//! `Till` facade, as the UI does), and what the till believes about stock and points.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use pos_core::data_dir::{DataDir, ServerConfig};
use pos_core::document::Document;
use pos_core::operator::Role;
use pos_core::simulate::{SimulateOptions, simulate};
use pos_core::store::{Store, TillIdentity};
use pos_core::till::{NewOperator, Till};
use tempfile::TempDir;

/// The manager's PIN on every test till.
pub const PIN: &str = "123456";

pub struct TestTill {
    _dir: TempDir,
    pub data: DataDir,
    pub store_id: String,
    pub terminal_id: String,
}

impl TestTill {
    /// A new till of `store`/`terminal`; `server` goes into its config.toml.
    pub fn init(store: &str, terminal: &str, server: Option<ServerConfig>) -> TestTill {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let data = DataDir::new(dir.path());
        let identity = TillIdentity {
            store_id: store.into(),
            terminal_id: terminal.into(),
        };
        let manager = NewOperator {
            id: "manager",
            name: "店长",
            role: Role::Manager,
            pin: PIN,
        };
        Till::init(&data.till_path(), identity, manager, Default::default()).expect("init a till");
        let mut config = data.load_config().expect("the default config");
        config.server = server;
        data.save_config(&config).expect("write config.toml");
        TestTill {
            _dir: dir,
            data,
            store_id: store.into(),
            terminal_id: terminal.into(),
        }
    }

    pub fn server(&self) -> ServerConfig {
        self.data
            .load_config()
            .expect("config.toml")
            .server
            .expect("a [server] section")
    }

    pub fn set_server(&self, server: ServerConfig) {
        let mut config = self.data.load_config().expect("config.toml");
        config.server = Some(server);
        self.data.save_config(&config).expect("write config.toml");
    }

    pub fn open(&self) -> Till {
        Till::open(&self.data.till_path(), Default::default()).expect("open the till")
    }

    pub fn store(&self) -> Store {
        Store::open_existing(&self.data.till_path()).expect("open the till file")
    }

    /// Loads a catalog straight into the till file (as `pos import` does).
    pub fn import_catalog(&self, catalog: &pos_core::import::CatalogImport) {
        self.store()
            .import_catalog(catalog)
            .expect("import a catalog");
    }

    /// Rings up `sales` sales (with returns, members and points) from `start`.
    pub fn sell(&self, sales: u64, seed: u64, start: DateTime<Utc>) {
        let options = SimulateOptions {
            sales,
            seed,
            operator: "manager".into(),
            pin: PIN.into(),
            start,
        };
        let mut till =
            Till::open(&self.data.till_path(), Default::default()).expect("open the till");
        simulate(&mut till, &options, |_| {}).expect("ring up sales");
    }

    /// Pushes and pulls with a fast agent until nothing waits either way (20 cycles and
    /// 30 s at most), and checks that it got there.
    pub async fn drain(&self) -> sync_agent::CycleReport {
        let mut agent = sync_agent::Agent::new(
            self.data.clone(),
            &self.server(),
            crate::fast_agent_config(),
        )
        .expect("an agent");
        let report = agent
            .drain(20, std::time::Duration::from_secs(30), &mut |_| {})
            .await
            .expect("sync runs");
        assert!(
            report.is_complete(),
            "{}/{}: {report:?}",
            self.store_id,
            self.terminal_id
        );
        report
    }

    /// Every document of this till, in sequence order.
    pub fn documents(&self) -> Vec<Document> {
        self.store()
            .documents_after(0, None)
            .expect("read documents")
    }

    /// The stock this till shows for each (sku, lot_no) key ('' = not lot-tracked).
    pub fn stock_view(
        &self,
        keys: impl IntoIterator<Item = (String, String)>,
    ) -> BTreeMap<(String, String), i64> {
        let store = self.store();
        keys.into_iter()
            .map(|(sku, lot)| {
                let quantity = store
                    .stock(&sku, (!lot.is_empty()).then_some(lot.as_str()))
                    .expect("read stock");
                ((sku, lot), quantity)
            })
            .collect()
    }

    /// The balance this till shows for each member it knows by one of `ids`.
    pub fn balance_view<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a String>,
    ) -> BTreeMap<String, i64> {
        let store = self.store();
        ids.into_iter()
            .filter_map(|id| {
                let member = store.find_member(id).expect("read a member")?;
                Some((member.id, member.points_balance))
            })
            .collect()
    }
}
