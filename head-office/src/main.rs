//! `head-office`: parses arguments and calls the library.

mod integration_cli;
mod member_cli;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use head_office::export::{DateRange, ExportKind, StockReport};
use head_office::history::{self, HistorySpec};
use head_office::server::{AppState, ConnectionLimits};
use head_office::{
    aggregates, auth, catalog, chain_time, connection, console, db, export, housekeeping,
    integrations, points_expiry, reports, rfm, server, stock_lists, tiers, tls,
};

#[derive(Parser)]
#[command(
    name = "head-office",
    version,
    about = "Head office (总部): receives till documents, owns catalog, stock and members"
)]
struct Cli {
    /// PostgreSQL connection: a postgres:// URL or a `host=... dbname=...` string.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (applies pending migrations first).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// PEM certificate chain; with --tls-key, serve HTTPS.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// PEM private key for --tls-cert.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Most database connections.
        #[arg(long, default_value_t = 16)]
        pool_size_max: usize,
        /// Seconds a client may take to send a request's headers (and a TLS handshake).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
        header_read_timeout_secs: u64,
        /// Seconds a connection may stay open with no request and no traffic.
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
        idle_timeout_secs: u64,
        /// Most client connections open at once; more wait in the listen backlog.
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
        connections_max: u64,
        /// Seconds requests in flight get to finish on SIGTERM before connections close.
        #[arg(long, default_value_t = 10)]
        shutdown_grace_secs: u64,
        /// The hour of the chain's day (UTC+8, 0–23) the members' RFM scores are
        /// recomputed and their tiers reviewed at, once a day.
        #[arg(long, default_value_t = rfm::schedule::HOUR_DEFAULT,
              value_parser = clap::value_parser!(u32).range(0..24))]
        rfm_hour: u32,
        /// Days of sales the daily RFM run looks at.
        #[arg(long, default_value_t = rfm::WINDOW_DAYS_DEFAULT,
              value_parser = clap::value_parser!(i64).range(1..=rfm::WINDOW_DAYS_MAX))]
        rfm_window_days: i64,
    },
    /// Enrol a terminal and print its token once (only its hash is stored).
    Enroll {
        #[arg(long)]
        store: String,
        #[arg(long)]
        terminal: String,
    },
    /// Import a catalog CSV (products, barcodes, lots, stock, serials, members, promotions).
    Import {
        /// The CSV file (format: pos-domain's catalog file).
        file: PathBuf,
        /// Store the file's stock and serial rows belong to.
        #[arg(long)]
        store: Option<String>,
    },
    /// Export CSV for an ERP.
    Export {
        kind: ExportArg,
        /// File to write.
        #[arg(long)]
        out: PathBuf,
        /// First business date (sales, returns, closes, receipt-discrepancies,
        /// device-sales).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Last business date (sales, returns, closes, receipt-discrepancies,
        /// device-sales).
        #[arg(long)]
        to: Option<NaiveDate>,
        /// The product (recall: required; serial-life: optional).
        #[arg(long)]
        sku: Option<String>,
        /// The lot (recall).
        #[arg(long)]
        lot: Option<String>,
        /// The serial unit (serial-life).
        #[arg(long)]
        serial: Option<String>,
        /// Lots expiring within this many days of today (near-expiry; default 30).
        #[arg(long)]
        days: Option<i64>,
        /// in_transit, received or dispatch_awaited (transfers; default all).
        #[arg(long)]
        state: Option<String>,
    },
    /// Apply pending schema migrations.
    Migrate,
    /// People who sign in to the console.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Mark a flagged point overdraft reviewed, once it has been settled with the member.
    ReviewOverdraft {
        /// The redeeming document's id, as `report overdrafts` prints it.
        #[arg(long)]
        document: uuid::Uuid,
    },
    /// Erase a member's personal data on request (phone, name) at head office, at every
    /// till through the feed and in every integration; id, card and points stay.
    EraseMember {
        #[arg(long)]
        member: String,
        /// Who does it, kept in the audit log with the reason (who asked; no personal data).
        #[arg(long)]
        by: String,
        #[arg(long)]
        reason: String,
    },
    /// Rehash every stored document against the hash it arrived with; fails on a mismatch.
    CheckDocuments,
    /// Recompute the console's sales aggregates from the stored documents.
    RebuildAggregates,
    /// Recompute every member's RFM scores and segment now; prints the members per
    /// segment and how long it took.
    Rfm {
        /// The business day the scores are taken as of (default: the chain's today).
        #[arg(long)]
        as_of: Option<NaiveDate>,
        /// Days of sales looked at, ending on --as-of.
        #[arg(long, default_value_t = rfm::WINDOW_DAYS_DEFAULT,
              value_parser = clap::value_parser!(i64).range(1..=rfm::WINDOW_DAYS_MAX))]
        window_days: i64,
    },
    /// Review member tiers now: a member whose review date has come and whose spend no
    /// longer reaches their tier is lowered (and sent to the tills).
    Tiers {
        /// The business day reviewed as of (default: the chain's today).
        #[arg(long)]
        as_of: Option<NaiveDate>,
    },
    /// Expire lapsed points now: what is left of the points whose last day is before
    /// --as-of is taken off their members' balances (and sent to the tills).
    ExpirePoints {
        /// The first day the lapsed points are gone (default: the chain's today).
        #[arg(long)]
        as_of: Option<NaiveDate>,
    },
    /// Search every member for likely duplicates (the same name, phones one digit apart
    /// or with two neighbouring digits swapped) and every organisation (the same credit
    /// code, or the same name written differently) and propose the new pairs in the
    /// console (`/member-duplicates`, `/organisation-duplicates`); `serve` does it hourly.
    Duplicates,
    /// Fill an empty head office with a chain's sales history, through ingest, for the
    /// console's page-speed benchmark (BENCHMARKS.md). Seeded: the same flags give the
    /// same history.
    GenerateHistory {
        #[arg(long, default_value_t = 50)]
        stores: u32,
        #[arg(long, default_value_t = 365)]
        days: u32,
        #[arg(long, default_value_t = 220)]
        sales_per_store_day: u32,
        /// The last business day (default: the chain's today).
        #[arg(long)]
        last_day: Option<NaiveDate>,
    },
    /// Integrations (shop, CRM, ERP) and their keys.
    Integration {
        #[command(subcommand)]
        action: integration_cli::IntegrationAction,
    },
    /// A channel's customers as CSV: import (all or nothing) and export.
    Customers {
        #[command(subcommand)]
        action: integration_cli::CustomersAction,
    },
    /// The reference consumer: follow the integration event feed into a CSV file,
    /// keeping its cursor next to it (`<out>.cursor`). Needs no database.
    Mirror {
        /// Head office's base URL.
        #[arg(long)]
        url: String,
        /// The integration's key (events:read).
        #[arg(
            long,
            env = "HEAD_OFFICE_INTEGRATION_KEY",
            hide_env_values = true,
            default_value = ""
        )]
        key: String,
        /// The CSV file to append to.
        #[arg(long)]
        out: PathBuf,
        /// Seconds each empty request waits for an event (the real-time mode).
        #[arg(long, default_value_t = 30)]
        wait: u64,
        /// Stop once every event is mirrored (the scheduled mode, from cron).
        #[arg(long)]
        until_caught_up: bool,
    },
    /// Print a report as JSON: open sequence gaps, or overdrafts awaiting review.
    Report {
        kind: ReportArg,
        /// Only this store (gaps).
        #[arg(long)]
        store: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportArg {
    Sales,
    Returns,
    Closes,
    Members,
    Stock,
    /// Goods receipts' lines short of or beyond their delivery notes.
    ReceiptDiscrepancies,
    /// The sales record of class II and III devices (医疗器械销售记录).
    DeviceSales,
    /// A lot's recall list (--sku, --lot), members masked.
    Recall,
    /// A serial unit's whole life (--serial, optionally --sku), members masked.
    SerialLife,
    /// Lots held that expire within --days (default 30), expired ones included.
    NearExpiry,
    /// SKUs a store holds fewer of than the product's safety stock.
    LowStock,
    /// Transfers between stores (--state to choose one state).
    Transfers,
}

#[derive(Subcommand)]
enum UserAction {
    /// Add a person; the password is read from standard input (one line).
    Add {
        #[arg(long)]
        name: String,
        /// admin, merchandiser, store_manager or auditor.
        #[arg(long)]
        role: String,
        /// A store a store manager is given (repeat for several).
        #[arg(long = "store")]
        stores: Vec<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportArg {
    Gaps,
    Overdrafts,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if let Command::Mirror {
        url,
        key,
        out,
        wait,
        until_caught_up,
    } = cli.command
    {
        return integration_cli::mirror(url, key, &out, wait, until_caught_up).await;
    }
    let Some(url) = cli.database_url else {
        bail!("no database: pass --database-url or set DATABASE_URL");
    };
    let (pool_size, statement_timeout) = match &cli.command {
        Command::Serve {
            pool_size_max,
            connections_max,
            ..
        } => {
            connection::warn_if_descriptors_run_out_first(*connections_max);
            (*pool_size_max, Some(db::REQUEST_STATEMENT_TIMEOUT))
        }
        _ => (2, None),
    };
    let pool = db::pool(&url, pool_size, statement_timeout).context("database settings")?;
    let mut client = pool.get().await.context("connect to the database")?;
    match cli.command {
        Command::User {
            action: UserAction::Add { name, role, stores },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_line(&mut password)
                .context("read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            db::migrate(&mut client).await?;
            let user = console::users::add_user(&**client, &name, &role, &stores, password).await?;
            eprintln!(
                "user {} added as {}{}",
                user.name,
                user.role.as_str(),
                if user.stores.is_empty() {
                    String::new()
                } else {
                    format!(" of {}", user.stores.join(", "))
                }
            );
        }
        Command::Migrate => {
            let applied = db::migrate(&mut client).await?;
            println!(
                "schema at version {} (applied now: {applied:?})",
                db::latest_version()
            );
        }
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
            header_read_timeout_secs,
            idle_timeout_secs,
            connections_max,
            shutdown_grace_secs,
            rfm_hour,
            rfm_window_days,
            ..
        } => {
            let applied = db::migrate(&mut client).await?;
            tracing::info!(?applied, version = db::latest_version(), "schema ready");
            drop(client);
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("listen on {listen}"))?;
            tokio::spawn(aggregates::keep_folding(pool.clone()));
            tokio::spawn(integrations::ingest_events::keep_folding(pool.clone()));
            tokio::spawn(housekeeping::keep_pruning(pool.clone()));
            tokio::spawn(tiers::schedule::keep_reviewing(pool.clone(), rfm_hour));
            tokio::spawn(points_expiry::schedule::keep_expiring(
                pool.clone(),
                rfm_hour,
            ));
            tokio::spawn(head_office::duplicates::schedule::keep_searching(
                pool.clone(),
            ));
            tokio::spawn(rfm::schedule::keep_scoring(
                pool.clone(),
                rfm_hour,
                rfm_window_days,
            ));
            let state = AppState::new(pool);
            let limits = ConnectionLimits {
                header_read_timeout: Duration::from_secs(header_read_timeout_secs),
                idle_timeout: Duration::from_secs(idle_timeout_secs),
                connections_max: usize::try_from(connections_max)
                    .context("--connections-max is too large")?,
                shutdown_grace: Duration::from_secs(shutdown_grace_secs),
            };
            match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => {
                    let config = tls::server_config(&cert, &key)?;
                    server::run_tls_with_limits(listener, state, config, limits, shutdown_signal())
                        .await?;
                }
                _ => server::run_with_limits(listener, state, limits, shutdown_signal()).await?,
            }
        }
        Command::Enroll { store, terminal } => {
            let token = auth::enroll(&client, &store, &terminal).await?;
            eprintln!("terminal {store}/{terminal} enrolled; the token is shown once:");
            println!("{token}");
        }
        Command::Import { file, store } => {
            let reader =
                std::fs::File::open(&file).with_context(|| format!("open {}", file.display()))?;
            let parsed = pos_domain::import::parse_catalog_csv(std::io::BufReader::new(reader))
                .with_context(|| format!("read {}", file.display()))?;
            let summary = catalog::import_catalog(&mut client, &parsed, store.as_deref()).await?;
            println!("{summary:?}");
        }
        Command::Export {
            kind,
            out,
            from,
            to,
            sku,
            lot,
            serial,
            days,
            state,
        } => {
            let report = stock_report(kind, sku, lot, serial, days, state)?;
            let file =
                std::fs::File::create(&out).with_context(|| format!("create {}", out.display()))?;
            let file = std::io::BufWriter::new(file);
            let rows = match report {
                Some(report) => export::export_report(&client, &report, file).await?,
                None => export_kind(&client, kind, DateRange { from, to }, file).await?,
            };
            eprintln!("{rows} rows written to {}", out.display());
        }
        Command::ReviewOverdraft { document } => {
            member_cli::review_overdraft(&client, document).await?
        }
        Command::EraseMember { member, by, reason } => {
            member_cli::erase(&mut client, &member, &by, &reason).await?
        }
        Command::CheckDocuments => member_cli::check_documents(&client).await?,
        Command::RebuildAggregates => {
            db::migrate(&mut client).await?;
            let tx = client.transaction().await?;
            let documents = aggregates::rebuild(&tx).await?;
            tx.commit().await?;
            eprintln!("sales aggregates rebuilt from {documents} documents");
        }
        Command::Duplicates => {
            db::migrate(&mut client).await?;
            let summary = head_office::duplicates::schedule::search_all(&**client).await?;
            println!("{summary}");
        }
        Command::Rfm { as_of, window_days } => {
            db::migrate(&mut client).await?;
            member_cli::rfm(&mut client, as_of, window_days).await?;
        }
        Command::Tiers { as_of } => {
            db::migrate(&mut client).await?;
            member_cli::tiers(&mut client, as_of).await?;
        }
        Command::ExpirePoints { as_of } => member_cli::expire_points(&mut client, as_of).await?,
        Command::GenerateHistory {
            stores,
            days,
            sales_per_store_day,
            last_day,
        } => {
            db::migrate(&mut client).await?;
            let last_day = last_day.unwrap_or_else(|| chain_time::today(chrono::Utc::now()));
            let spec = HistorySpec {
                stores,
                days,
                sales_per_store_day,
                ..HistorySpec::chain_year(last_day)
            };
            let mut second = pool.get().await.context("a second connection")?;
            let started = std::time::Instant::now();
            let summary = history::generate(
                &mut [&mut **client, &mut **second],
                &spec,
                &|date, so_far| {
                    eprintln!(
                        "{date}: {} documents, {} sale lines, {:.0} s",
                        so_far.documents,
                        so_far.sale_lines,
                        started.elapsed().as_secs_f64()
                    )
                },
            )
            .await?;
            println!("{summary:?}");
        }
        Command::Integration { action } => {
            db::migrate(&mut client).await?;
            integration_cli::integration(&client, action).await?;
        }
        Command::Customers { action } => {
            db::migrate(&mut client).await?;
            integration_cli::customers(&mut client, action).await?;
        }
        Command::Mirror { .. } => bail!("the mirror needs no database; it ran above"),
        Command::Report { kind, store } => {
            let json = match kind {
                ReportArg::Gaps => serde_json::to_string_pretty(
                    &reports::open_gaps(&**client, store.as_deref()).await?,
                )?,
                ReportArg::Overdrafts => {
                    serde_json::to_string_pretty(&reports::overdrafts(&**client).await?)?
                }
            };
            println!("{json}");
        }
    }
    Ok(())
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("install a SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!("shutting down");
}

/// One of the document exports, to `out`.
async fn export_kind(
    client: &tokio_postgres::Client,
    kind: ExportArg,
    dates: DateRange,
    out: impl std::io::Write,
) -> anyhow::Result<u64> {
    let kind = match kind {
        ExportArg::Sales => ExportKind::Sales,
        ExportArg::Returns => ExportKind::Returns,
        ExportArg::Closes => ExportKind::Closes,
        ExportArg::Members => ExportKind::Members,
        ExportArg::Stock => ExportKind::Stock,
        ExportArg::ReceiptDiscrepancies => ExportKind::ReceiptDiscrepancies,
        ExportArg::DeviceSales => ExportKind::DeviceSales,
        other => bail!(
            "{:?} is a stock report, not a document export",
            other.name()
        ),
    };
    Ok(export::export(client, kind, dates, out).await?)
}

/// The stock report `kind` asks for with its flags, `None` for a document export.
fn stock_report(
    kind: ExportArg,
    sku: Option<String>,
    lot: Option<String>,
    serial: Option<String>,
    days: Option<i64>,
    state: Option<String>,
) -> anyhow::Result<Option<StockReport>> {
    let needed = |value: Option<String>, flag: &str| {
        value
            .filter(|v| !v.trim().is_empty())
            .with_context(|| format!("{} needs --{flag}", kind.name()))
    };
    Ok(Some(match kind {
        ExportArg::Recall => StockReport::Recall {
            sku: needed(sku, "sku")?,
            lot: needed(lot, "lot")?,
        },
        ExportArg::SerialLife => StockReport::SerialLife {
            sku,
            serial: needed(serial, "serial")?,
        },
        ExportArg::NearExpiry => {
            let days = days.unwrap_or(head_office::stock_api::NEAR_EXPIRY_DAYS);
            if !(0..=stock_lists::EXPIRING_DAYS_MAX).contains(&days) {
                bail!(
                    "--days {days} must be from 0 to {}",
                    stock_lists::EXPIRING_DAYS_MAX
                );
            }
            StockReport::NearExpiry {
                today: chain_time::today(chrono::Utc::now()),
                days,
            }
        }
        ExportArg::LowStock => StockReport::LowStock,
        ExportArg::Transfers => StockReport::Transfers {
            state: state
                .map(|s| {
                    stock_lists::TransferState::from_key(&s).with_context(|| {
                        format!("--state {s:?} is none of in_transit, received, dispatch_awaited")
                    })
                })
                .transpose()?,
        },
        _ => return Ok(None),
    }))
}

impl ExportArg {
    /// The subcommand's name, as typed.
    fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default()
    }
}
