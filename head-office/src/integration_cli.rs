//! The integration commands of `head-office`: integrations and their keys, customers'
//! CSV import and export, and the reference consumer (`mirror`).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Subcommand;
use head_office::integrations::{customer_csv, keys, mirror};

#[derive(Subcommand)]
pub enum IntegrationAction {
    /// Add an integration and print its key once (only its hash is stored).
    Add {
        #[arg(long)]
        name: String,
        /// Its channel: shop, crm, erp or another lowercase word.
        #[arg(long)]
        channel: String,
        /// What it may do (repeat): customers:read, customers:write, events:read.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
    /// List the integrations (never their keys).
    List,
    /// Revoke an integration's key: it answers 401 from now on.
    Revoke {
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
pub enum CustomersAction {
    /// Upsert a channel's customers from CSV (external_id,phone,name): all or nothing.
    Import {
        #[arg(long)]
        channel: String,
        file: PathBuf,
    },
    /// Write a channel's customers as CSV (external_id,phone,name).
    Export {
        #[arg(long)]
        channel: String,
        #[arg(long)]
        out: PathBuf,
    },
}

/// Who the command line acts as, in the integrations' records.
const OPERATOR: &str = "command line";

pub async fn integration(
    client: &tokio_postgres::Client,
    action: IntegrationAction,
) -> anyhow::Result<()> {
    match action {
        IntegrationAction::Add {
            name,
            channel,
            scopes,
        } => {
            let scopes = keys::parse_scopes(&scopes)?;
            let key = keys::add(client, &name, &channel, &scopes, OPERATOR).await?;
            eprintln!("integration {name} ({channel}) added; its key is shown once:");
            println!("{key}");
        }
        IntegrationAction::List => {
            for i in keys::list(client).await? {
                let scopes: Vec<&str> = i.scopes.iter().map(|s| s.as_str()).collect();
                let state = match i.revoked_at {
                    Some(at) => format!("revoked {}", at.to_rfc3339()),
                    None => "active".into(),
                };
                println!("{}\t{}\t{}\t{state}", i.name, i.channel, scopes.join(","));
            }
        }
        IntegrationAction::Revoke { name } => {
            keys::revoke(client, &name, OPERATOR).await?;
            eprintln!("integration {name}'s key is revoked");
        }
    }
    Ok(())
}

pub async fn customers(
    client: &mut tokio_postgres::Client,
    action: CustomersAction,
) -> anyhow::Result<()> {
    match action {
        CustomersAction::Import { channel, file } => {
            let reader =
                std::fs::File::open(&file).with_context(|| format!("open {}", file.display()))?;
            let rows = customer_csv::parse(std::io::BufReader::new(reader))
                .with_context(|| format!("read {}", file.display()))?;
            let summary = customer_csv::import(client, &channel, &rows)
                .await
                .with_context(|| format!("import {}", file.display()))?;
            println!("{summary:?}");
        }
        CustomersAction::Export { channel, out } => {
            let file =
                std::fs::File::create(&out).with_context(|| format!("create {}", out.display()))?;
            let rows =
                customer_csv::export(&*client, &channel, std::io::BufWriter::new(file)).await?;
            eprintln!("{rows} customers written to {}", out.display());
        }
    }
    Ok(())
}

/// Follows the feed into `out` (forever, or until caught up with `until_caught_up`).
pub async fn mirror(
    url: String,
    key: String,
    out: &Path,
    wait_secs: u64,
    until_caught_up: bool,
) -> anyhow::Result<()> {
    if key.is_empty() {
        bail!("no key: set HEAD_OFFICE_INTEGRATION_KEY or pass --key");
    }
    let mut file = mirror::MirrorFile::open(out)?;
    eprintln!(
        "mirroring into {} after cursor {}",
        out.display(),
        file.cursor()
    );
    let source = mirror::Source {
        base_url: url,
        key,
        limit: head_office::integrations::events::EVENTS_LIMIT_DEFAULT,
        wait_secs: if until_caught_up { 0 } else { wait_secs },
        retry_pause: Duration::from_secs(1),
        request_timeout: Duration::from_secs(30),
    };
    let http = reqwest::Client::new();
    let added = mirror::follow(&http, &source, &mut file, |_, caught_up| {
        until_caught_up && caught_up
    })
    .await?;
    eprintln!("{added} events added; cursor {}", file.cursor());
    Ok(())
}
