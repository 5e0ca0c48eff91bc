//! The real-browser harness: Debian's `chromedriver` on a free 127.0.0.1 port and
//! headless `chromium` driven through it with fantoccini. Both come from
//! `bash scripts/setup.sh`; without them a test fails at once with
//! [`BrowserError::NotInstalled`], never hangs.
//!
//! Also compiled into `examples/console_screenshots.rs`, so it needs nothing of the
//! test binary.
#![allow(dead_code)] // the tests and the screenshot example use different parts

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use fantoccini::error::{CmdError, NewSessionError};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;

/// Where Debian's packages put the two programs.
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The browser and its driver to run.
#[derive(Debug, Clone)]
pub struct Programs {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

impl Programs {
    /// Debian's chromium and chromium-driver, as `scripts/setup.sh` installs them.
    pub fn debian() -> Programs {
        Programs {
            chromium: CHROMIUM.into(),
            chromedriver: CHROMEDRIVER.into(),
        }
    }
}
/// Longest chromedriver may take to answer its status request after it starts.
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(10);
/// How often its status is asked while it starts.
const DRIVER_POLL: Duration = Duration::from_millis(50);
/// Longest a page may take to show what a test waits for.
pub const PAGE_TIMEOUT: Duration = Duration::from_secs(10);
/// The window: the smallest screen the console must be usable on.
pub const WINDOW: (u32, u32) = (1366, 768);

#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    #[error(
        "{program} is not installed at {path}: run `bash scripts/setup.sh` \
         (installs Debian's chromium and chromium-driver)"
    )]
    NotInstalled { program: &'static str, path: String },
    #[error("{what}: {source}")]
    Io {
        what: &'static str,
        source: std::io::Error,
    },
    #[error("chromedriver exited ({status}) before it answered; its log:\n{log}")]
    DriverExited { status: ExitStatus, log: String },
    #[error("chromedriver did not answer on 127.0.0.1:{port} within {timeout:?}; its log:\n{log}")]
    DriverNotReady {
        port: u16,
        timeout: Duration,
        log: String,
    },
    #[error("chromium did not start a WebDriver session: {0}")]
    Session(#[from] NewSessionError),
}

/// Why [`Browser::sign_in`] did not get past the sign-in page.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("the console refused the sign-in: {0}")]
    Refused(String),
    #[error("the browser: {0}")]
    Browser(#[from] CmdError),
}

fn io(what: &'static str) -> impl FnOnce(std::io::Error) -> BrowserError {
    move |source| BrowserError::Io { what, source }
}

/// A running chromedriver, in a process group of its own so that the chromium it starts
/// goes with it: the whole group is killed on drop.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group this harness made for chromedriver (process_group(0) below), by id.
        let group = format!("-{}", self.child.id());
        let killed = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !matches!(killed, Ok(status) if status.success()) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A free port on 127.0.0.1, as the kernel hands one out.
fn free_port() -> Result<u16, BrowserError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(io("find a free port"))?;
    Ok(listener
        .local_addr()
        .map_err(io("find a free port"))?
        .port())
}

fn log_of(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| format!("(no log: {e})"))
}

impl Driver {
    /// A port found free may be taken by another test before chromedriver binds it;
    /// chromedriver then exits at once, and another port is tried.
    async fn start_on_a_free_port(program: &Path, dir: &Path) -> Result<Driver, BrowserError> {
        let mut tries = 3;
        loop {
            tries -= 1;
            match Driver::start(program, dir).await {
                Err(BrowserError::DriverExited { .. }) if tries > 0 => continue,
                started => return started,
            }
        }
    }

    /// Starts chromedriver and waits (bounded) until it says it is ready.
    async fn start(program: &Path, dir: &Path) -> Result<Driver, BrowserError> {
        use std::os::unix::process::CommandExt;
        let port = free_port()?;
        let log_path = dir.join("chromedriver.log");
        let log = std::fs::File::create(&log_path).map_err(io("create chromedriver's log"))?;
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(io("create chromedriver's log"))?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .map_err(io("start chromedriver"))?;
        let mut driver = Driver { child, port };
        let status_url = format!("http://127.0.0.1:{port}/status");
        let http = reqwest::Client::new();
        let deadline = Instant::now() + DRIVER_READY_TIMEOUT;
        loop {
            if let Some(status) = driver.child.try_wait().map_err(io("watch chromedriver"))? {
                return Err(BrowserError::DriverExited {
                    status,
                    log: log_of(&log_path),
                });
            }
            let answer = http
                .get(&status_url)
                .timeout(Duration::from_secs(1))
                .send()
                .await;
            if let Ok(answer) = answer
                && let Ok(status) = answer.json::<serde_json::Value>().await
                && status["value"]["ready"] == true
            {
                return Ok(driver);
            }
            if Instant::now() >= deadline {
                return Err(BrowserError::DriverNotReady {
                    port,
                    timeout: DRIVER_READY_TIMEOUT,
                    log: log_of(&log_path),
                });
            }
            tokio::time::sleep(DRIVER_POLL).await;
        }
    }
}

/// Headless chromium in a fresh profile, driven through its own chromedriver.
/// Fields drop in order: the session, then chromedriver's group, then the profile.
pub struct Browser {
    pub client: Client,
    driver: Driver,
    profile: TempDir,
}

impl Browser {
    /// Debian's chromium through Debian's chromedriver.
    pub async fn start() -> Result<Browser, BrowserError> {
        Browser::start_with(&Programs::debian()).await
    }

    pub async fn start_with(programs: &Programs) -> Result<Browser, BrowserError> {
        for (program, path) in [
            ("chromium", &programs.chromium),
            ("chromedriver", &programs.chromedriver),
        ] {
            if !path.is_file() {
                return Err(BrowserError::NotInstalled {
                    program,
                    path: path.display().to_string(),
                });
            }
        }
        let profile = tempfile::Builder::new()
            .prefix("head-office-browser-")
            .tempdir()
            .map_err(io("create a browser profile folder"))?;
        let driver = Driver::start_on_a_free_port(&programs.chromedriver, profile.path()).await?;
        let user_data = profile.path().join("profile");
        // As the machine notes say: as root, no sandbox; and no background connections,
        // which a closed network refuses (many at a time).
        let args = [
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            format!("--window-size={},{}", WINDOW.0, WINDOW.1),
            format!("--user-data-dir={}", user_data.display()),
        ];
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": programs.chromium, "args": args },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal");
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await?;
        Ok(Browser {
            client,
            driver,
            profile,
        })
    }

    /// Ends the WebDriver session (chromium quits); chromedriver goes on drop.
    pub async fn close(self) -> Result<(), CmdError> {
        self.client.clone().close().await
    }

    /// Waits (bounded) for an element matching `css`.
    pub async fn wait_for(&self, css: &str) -> Result<fantoccini::elements::Element, CmdError> {
        self.client
            .wait()
            .at_most(PAGE_TIMEOUT)
            .for_element(Locator::Css(css))
            .await
    }

    /// Waits (bounded) until the page's path is `path`.
    pub async fn wait_for_path(&self, path: &str) -> Result<(), CmdError> {
        let deadline = Instant::now() + PAGE_TIMEOUT;
        loop {
            let url = self.client.current_url().await?;
            if url.path() == path {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(CmdError::WaitTimeout);
            }
            tokio::time::sleep(DRIVER_POLL).await;
        }
    }

    /// The console's sign-in, as a person does it: the form's two fields and its button.
    /// Returns once the browser has left `/login`, or the page's reason for staying.
    pub async fn sign_in(
        &self,
        base_url: &str,
        name: &str,
        password: &str,
    ) -> Result<(), SignInError> {
        self.client.goto(&format!("{base_url}/login")).await?;
        self.wait_for("input[name=username]")
            .await?
            .send_keys(name)
            .await?;
        self.wait_for("input[name=password]")
            .await?
            .send_keys(password)
            .await?;
        self.wait_for("form[action='/login'] button[type=submit]")
            .await?
            .click()
            .await?;
        let deadline = Instant::now() + PAGE_TIMEOUT;
        while self.client.current_url().await?.path() == "/login" {
            // The form came back with its reason (a wrong password, a lock-out).
            if let Some(problem) = self
                .client
                .find_all(Locator::Css("p.problem[role=alert]"))
                .await?
                .first()
            {
                return Err(SignInError::Refused(problem.text().await?));
            }
            if Instant::now() >= deadline {
                return Err(SignInError::Browser(CmdError::WaitTimeout));
            }
            tokio::time::sleep(DRIVER_POLL).await;
        }
        Ok(())
    }

    /// The texts of the cells of each row of the table matching `css` (its body only).
    pub async fn table(&self, css: &str) -> Result<Vec<Vec<String>>, CmdError> {
        let mut rows = Vec::new();
        for row in self
            .client
            .find_all(Locator::Css(&format!("{css} tbody tr")))
            .await?
        {
            let mut cells = Vec::new();
            for cell in row.find_all(Locator::Css("td")).await? {
                cells.push(cell.text().await?);
            }
            rows.push(cells);
        }
        Ok(rows)
    }
}
