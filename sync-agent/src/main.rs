//! `sync-agent`: the till's sync agent without the till app.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use pos_core::data_dir::{DataDir, ServerConfig};
use pos_core::store::Store;
use serde::Serialize;
use sync_agent::lock::is_held;
use sync_agent::status::load_status;
use sync_agent::{Agent, AgentConfig, Progress, SyncStatus};
use tokio::sync::Notify;

/// Sends a till's documents to head office and brings head office's changes down.
#[derive(Debug, Parser)]
#[command(name = "sync-agent", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sync every interval until stopped (Ctrl-C).
    Run(RunArgs),
    /// Push everything, pull everything, then exit: 0 when the outbox is empty and the
    /// feed drained, 1 when head office could not be reached or the sync failed, 2 when
    /// head office rejected documents (they stay at the till; see `status`).
    Once(OnceArgs),
    /// Print this till's sync status as JSON (reads local files only).
    Status(StatusArgs),
}

#[derive(Debug, Args)]
struct Target {
    /// The till's data folder (holds till.sqlite and config.toml).
    #[arg(long)]
    data_dir: PathBuf,
    /// Head office address, instead of config.toml's [server] url.
    #[arg(long)]
    server: Option<String>,
    /// This terminal's token, instead of config.toml's [server] token.
    #[arg(long, env = "SYNC_AGENT_TOKEN", hide_env_values = true)]
    token: Option<String>,
}

#[derive(Debug, Args)]
struct RunArgs {
    #[command(flatten)]
    target: Target,
    /// Seconds between syncs when nothing goes wrong.
    #[arg(long, default_value_t = 30)]
    interval_secs: u64,
}

#[derive(Debug, Args)]
struct OnceArgs {
    #[command(flatten)]
    target: Target,
    /// Tries at most, when head office or the line fails.
    #[arg(long, default_value_t = 5)]
    attempts: u32,
    /// Seconds to wait for another agent (e.g. the till app) to finish its sync.
    #[arg(long, default_value_t = 60)]
    lock_wait_secs: u64,
}

#[derive(Debug, Args)]
struct StatusArgs {
    /// The till's data folder.
    #[arg(long)]
    data_dir: PathBuf,
}

/// `sync-agent status`: the status bar's fields and a little more.
#[derive(Debug, Serialize)]
struct StatusReport {
    #[serde(flatten)]
    status: SyncStatus,
    feed_cursor: i64,
    /// Some agent holds this till's sync lock now.
    agent_running: bool,
}

/// Backlogs at least this long get a progress bar.
const PROGRESS_BAR_MIN: u64 = 200;

fn main() -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "sync_agent=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    // One worker fetches feed pages while the main thread applies them.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    match cli.command {
        Command::Run(a) => runtime.block_on(run(a)),
        Command::Once(a) => runtime.block_on(once(a)),
        Command::Status(a) => status(a),
    }
}

fn agent(target: &Target, config: AgentConfig) -> anyhow::Result<Agent> {
    let data = DataDir::new(&target.data_dir);
    let configured = data.load_config()?.server;
    let url = target
        .server
        .clone()
        .or_else(|| configured.as_ref().map(|s| s.url.clone()));
    let token = target
        .token
        .clone()
        .or_else(|| configured.as_ref().map(|s| s.token.clone()));
    let (Some(url), Some(token)) = (url, token) else {
        bail!(
            "no head office configured in {}: run `pos init --server URL --token T` or pass --server and --token",
            data.config_path().display()
        );
    };
    Ok(Agent::new(data, &ServerConfig { url, token }, config)?)
}

async fn run(a: RunArgs) -> anyhow::Result<ExitCode> {
    let config = AgentConfig {
        interval: Duration::from_secs(a.interval_secs.max(1)),
        ..AgentConfig::default()
    };
    let agent = agent(&a.target, config)?;
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("stopping");
    };
    let mut last: Option<SyncStatus> = None;
    sync_agent::run::run(agent, Arc::new(Notify::new()), shutdown, |status| {
        if last.as_ref() != Some(status) {
            tracing::info!(
                online = status.online,
                waiting = status.waiting,
                rejected = status.rejected,
                error = status.last_error.as_deref().unwrap_or(""),
                "sync status"
            );
            last = Some(status.clone());
        }
    })
    .await;
    Ok(ExitCode::SUCCESS)
}

async fn once(a: OnceArgs) -> anyhow::Result<ExitCode> {
    let mut agent = agent(&a.target, AgentConfig::default())?;
    let bar = ProgressBar::hidden();
    let mut progress = |p: Progress| match p {
        Progress::Pushing {
            delivered,
            rejected,
            waiting_at_start,
        } if waiting_at_start >= PROGRESS_BAR_MIN => {
            if bar.is_hidden() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template(
                        "{msg} [{bar:40}] {pos}/{len} documents ({per_sec}, {eta} left)",
                    )
                    .expect("a valid template")
                    .progress_chars("=> "),
                );
                bar.set_message("sending");
                bar.set_length(waiting_at_start);
            }
            bar.set_position(delivered + rejected);
        }
        Progress::Pulling { pages, changes } if pages > 1 => {
            if bar.is_hidden() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_style(ProgressStyle::with_template("{msg}").expect("a valid template"));
            bar.set_message(format!("receiving changes: {changes} in {pages} pages"));
            bar.tick();
        }
        _ => {}
    };
    let result = agent
        .drain(
            a.attempts.max(1),
            Duration::from_secs(a.lock_wait_secs),
            &mut progress,
        )
        .await;
    bar.finish_and_clear();
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            eprintln!("sync failed: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    if !report.is_complete() {
        eprintln!(
            "sync stopped with {} documents still waiting (the till keeps selling?); run it again",
            report.waiting_after_push
        );
        return Ok(ExitCode::from(1));
    }
    let status = agent.status();
    eprintln!(
        "sent {} documents ({} accepted, {} already there), {} rejected; received {} changes",
        report.push.delivered() + report.push.rejected,
        report.push.accepted,
        report.push.duplicate,
        report.push.rejected,
        report.pull.changes
    );
    if status.rejected > 0 {
        eprintln!(
            "{} documents rejected by head office stay at the till: see `sync-agent status` and the manager screen",
            status.rejected
        );
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

fn status(a: StatusArgs) -> anyhow::Result<ExitCode> {
    let data = DataDir::new(&a.data_dir);
    let store = Store::open_existing(&data.till_path())?;
    let stats = store.outbox_stats()?;
    let report = StatusReport {
        status: load_status(&data).with_outbox(stats),
        feed_cursor: store.feed_cursor()?,
        agent_running: is_held(&data.sync_lock_path()).context("checking the sync lock")?,
    };
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(ExitCode::SUCCESS)
}
