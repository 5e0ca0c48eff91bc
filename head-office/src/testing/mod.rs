//! A throwaway PostgreSQL cluster for tests and benchmarks (feature `testing`).
//!
//! [`PgCluster::start`] runs Debian's `initdb` into a temporary folder and starts
//! `postgres` listening only on a unix socket in that folder, so clusters of parallel
//! test binaries never fight over a port. [`PgCluster::shared`] gives one cluster per
//! test binary; [`PgCluster::create_database`] a fresh database per test.
//!
//! initdb refuses to run as root, so as root the cluster runs as the `postgres` system
//! user. The server is started through `setpriv --pdeathsig`, so it stops when the
//! process that started it ends, even when a `static` cluster is never dropped; folders
//! such a run leaves behind are swept by the next start.

mod console_visitor;
mod table_scan;
pub use console_visitor::{Answer, Visitor};
pub use table_scan::tables_holding;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The port number only names the socket file; nothing listens on TCP.
const PORT: u16 = 5432;
const SUPERUSER: &str = "postgres";
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(20);
const DIR_PREFIX: &str = "head-office-pg-";

#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error("no PostgreSQL found under /usr/lib/postgresql/*/bin (apt-get install postgresql)")]
    NotInstalled,
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error("{command} failed: {output}")]
    Command { command: String, output: String },
    #[error("PostgreSQL did not accept connections within {0:?}: {1}")]
    NotReady(Duration, String),
    #[error("database: {0}")]
    Postgres(#[from] tokio_postgres::Error),
}

fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> ClusterError {
    let what = what.into();
    move |source| ClusterError::Io { what, source }
}

/// A running cluster; stopped and deleted on drop.
pub struct PgCluster {
    dir: PathBuf,
    socket_dir: PathBuf,
    next_database: AtomicU32,
    stop: Option<mpsc::Sender<()>>,
    keeper: Option<JoinHandle<()>>,
}

impl PgCluster {
    /// One cluster for the whole test binary, started on first use.
    ///
    /// # Panics
    /// When the cluster cannot start: every test that needs it would fail anyway.
    pub fn shared() -> &'static PgCluster {
        static SHARED: OnceLock<PgCluster> = OnceLock::new();
        SHARED.get_or_init(|| PgCluster::start().expect("start a throwaway PostgreSQL cluster"))
    }

    /// initdb into a new temporary folder and start the server; returns once it
    /// accepts connections.
    pub fn start() -> Result<PgCluster, ClusterError> {
        let bin = find_bin_dir()?;
        sweep_abandoned_dirs();
        let dir = std::env::temp_dir().join(format!(
            "{DIR_PREFIX}{}-{}",
            std::process::id(),
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::create_dir(&dir).map_err(io(format!("create {}", dir.display())))?;
        let socket_dir = dir.join("socket");
        std::fs::create_dir(&socket_dir).map_err(io("create the socket folder"))?;
        let owner = run_as_owner()?;
        if let Some((uid, gid)) = owner {
            for path in [&dir, &socket_dir] {
                std::os::unix::fs::chown(path, Some(uid), Some(gid))
                    .map_err(io(format!("chown {}", path.display())))?;
            }
        }
        let data = dir.join("data");
        let mut initdb = as_owner(owner.is_some(), &bin.join("initdb"));
        initdb.args([
            "--no-sync",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "-U",
            SUPERUSER,
            "-D",
        ]);
        initdb.arg(&data);
        run(initdb)?;

        let log =
            std::fs::File::create(dir.join("postgres.log")).map_err(io("create the server log"))?;
        let mut postgres = as_owner(owner.is_some(), &bin.join("postgres"));
        postgres
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(&socket_dir)
            .args(["-p", &PORT.to_string(), "-c", "listen_addresses="])
            // A throwaway cluster need not survive a power cut; this makes tests fast.
            .args([
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ])
            .args(["-c", "max_connections=200"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(io("clone the log handle"))?)
            .stderr(log);
        let (stop, keeper) = keep(postgres)?;
        let cluster = PgCluster {
            dir,
            socket_dir,
            next_database: AtomicU32::new(0),
            stop: Some(stop),
            keeper: Some(keeper),
        };
        cluster.wait_ready()?;
        Ok(cluster)
    }

    /// A `key=value` connection string for `database`.
    pub fn connection_string(&self, database: &str) -> String {
        format!(
            "host={} port={PORT} user={SUPERUSER} dbname={database}",
            self.socket_dir.display()
        )
    }

    /// Creates a new empty database and returns its connection string.
    pub async fn create_database(&self) -> Result<String, ClusterError> {
        let n = self.next_database.fetch_add(1, Ordering::Relaxed);
        let name = format!("test_{n}");
        let (client, connection) =
            tokio_postgres::connect(&self.connection_string("postgres"), tokio_postgres::NoTls)
                .await?;
        let connection = tokio::spawn(connection);
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await?;
        drop(client);
        let _ = connection.await;
        Ok(self.connection_string(&name))
    }

    /// Polls a connection until the server answers, bounded by [`READY_TIMEOUT`]. Runs
    /// on its own thread: callers are often inside a runtime already.
    fn wait_ready(&self) -> Result<(), ClusterError> {
        let conn = self.connection_string("postgres");
        let log_path = self.dir.join("postgres.log");
        std::thread::scope(|scope| {
            scope
                .spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(io("start a runtime"))?;
                    runtime.block_on(poll_until_ready(&conn, &log_path))
                })
                .join()
                .unwrap_or_else(|_| {
                    Err(ClusterError::NotReady(
                        READY_TIMEOUT,
                        "poller panicked".into(),
                    ))
                })
        })
    }
}

async fn poll_until_ready(conn: &str, log_path: &Path) -> Result<(), ClusterError> {
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        match tokio_postgres::connect(conn, tokio_postgres::NoTls).await {
            Ok(_) => return Ok(()),
            Err(e) if Instant::now() >= deadline => {
                let log = std::fs::read_to_string(log_path).unwrap_or_default();
                return Err(ClusterError::NotReady(
                    READY_TIMEOUT,
                    format!("{e}; log: {log}"),
                ));
            }
            // The socket appears only once the server is up; poll briefly.
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(keeper) = self.keeper.take() {
            let _ = keeper.join();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts the server from a thread that lives until told to stop: the server's
/// parent-death signal follows the thread that spawned it.
fn keep(mut postgres: Command) -> Result<(mpsc::Sender<()>, JoinHandle<()>), ClusterError> {
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let (started_tx, started_rx) = mpsc::channel::<std::io::Result<()>>();
    let keeper = std::thread::Builder::new()
        .name("pg-cluster".into())
        .spawn(move || {
            let child = match postgres.spawn() {
                Ok(child) => {
                    let _ = started_tx.send(Ok(()));
                    child
                }
                Err(e) => {
                    let _ = started_tx.send(Err(e));
                    return;
                }
            };
            // Blocks until the sender is dropped.
            let _ = stop_rx.recv();
            stop_server(child);
        })
        .map_err(io("start the keeper thread"))?;
    started_rx
        .recv()
        .map_err(|_| ClusterError::Command {
            command: "postgres".into(),
            output: "keeper thread died".into(),
        })?
        .map_err(io("start postgres"))?;
    Ok((stop_tx, keeper))
}

/// Fast shutdown (SIGINT), then a kill if it takes longer than [`STOP_TIMEOUT`].
fn stop_server(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + STOP_TIMEOUT;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn find_bin_dir() -> Result<PathBuf, ClusterError> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| ClusterError::NotInstalled)?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or(ClusterError::NotInstalled)
}

/// As root: the `postgres` user's uid and gid, which the cluster runs as.
fn run_as_owner() -> Result<Option<(u32, u32)>, ClusterError> {
    let out = Command::new("id")
        .arg("-u")
        .output()
        .map_err(io("run id -u"))?;
    if String::from_utf8_lossy(&out.stdout).trim() != "0" {
        return Ok(None);
    }
    let passwd = std::fs::read_to_string("/etc/passwd").map_err(io("read /etc/passwd"))?;
    let ids = passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.first() == Some(&SUPERUSER) && fields.len() > 3)
            .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
            .flatten()
    });
    ids.map(Some).ok_or_else(|| ClusterError::Command {
        command: "initdb".into(),
        output: "running as root, but there is no `postgres` user to run the cluster as".into(),
    })
}

/// `program` run through setpriv: as `postgres` when we are root, and with a
/// parent-death signal either way so an abandoned server shuts itself down.
fn as_owner(switch_user: bool, program: &Path) -> Command {
    let mut cmd = Command::new("setpriv");
    if switch_user {
        cmd.args(["--reuid", SUPERUSER, "--regid", SUPERUSER, "--init-groups"]);
    }
    cmd.args(["--pdeathsig", "INT", "--"]).arg(program);
    cmd
}

fn run(mut cmd: Command) -> Result<(), ClusterError> {
    let command = format!("{cmd:?}");
    let out = cmd.output().map_err(io(command.clone()))?;
    if out.status.success() {
        return Ok(());
    }
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Err(ClusterError::Command { command, output })
}

/// Deletes cluster folders whose creating process is gone (a test binary's `static`
/// cluster is never dropped).
fn sweep_abandoned_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(DIR_PREFIX)) else {
            continue;
        };
        let Some(pid) = rest.split('-').next() else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
