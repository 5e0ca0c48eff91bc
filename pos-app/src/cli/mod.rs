//! Command line of `pos`. Each subcommand has `--help`.

mod admin;
mod report;
mod stock;
mod stock_file;

use std::path::PathBuf;

use chrono::Utc;
use clap::{Parser, Subcommand};
use pos_core::data_dir::DataDir;

use crate::till_file::open_till;

#[derive(Debug, Parser)]
#[command(
    name = "pos",
    version,
    about = "Medical-device store till (医疗器械门店收银)"
)]
pub struct Args {
    /// The till's data directory (till.sqlite and config.toml).
    #[arg(long, global = true, default_value = "data/demo", env = "POS_DATA_DIR")]
    pub data_dir: PathBuf,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a till data dir for a store and terminal, with its first manager.
    Init(admin::InitArgs),
    /// Load products, barcodes, lots, stock, members and promotions from a catalog CSV.
    Import(admin::ImportArgs),
    /// Check SQLite integrity, the journal chain and the sequence; one JSON line; non-zero on any fault.
    Verify,
    /// Print the X report (so far) or take the Z report (daily close).
    Report(report::ReportArgs),
    /// Ring up N realistic random sales through the till, as the UI would.
    Simulate(crate::simulate::SimulateArgs),
    /// Receive goods, write off units, count stock (a manager's documents).
    Stock(stock::StockArgs),
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let data = DataDir::new(&args.data_dir);
    match args.command {
        Some(Command::Init(a)) => admin::init(&data, a),
        Some(Command::Import(a)) => admin::import(&data, a),
        Some(Command::Verify) => admin::verify(&data),
        Some(Command::Report(a)) => report::run(&data, a),
        Some(Command::Simulate(a)) => crate::simulate::run(&data, a),
        Some(Command::Stock(a)) => stock::run(&data, a),
        None => {
            // The summary goes to the terminal (logs); the window tells the cashier the rest.
            if data.till_path().exists() {
                let _ = summary(&data);
            }
            crate::app::run(&data).map_err(|e| anyhow::anyhow!("the till window failed: {e}"))
        }
    }
}

/// Without the window, show that the till works: who it is and what it holds.
fn summary(data: &DataDir) -> anyhow::Result<()> {
    let till = open_till(data)?;
    let id = till.identity();
    let stats = till.outbox_stats()?;
    println!("store {} terminal {}", id.store_id, id.terminal_id);
    println!("products: {}", till.product_count()?);
    println!(
        "documents: {} (waiting for head office: {})",
        till.last_sequence()?,
        stats.waiting
    );
    println!("business date: {}", till.business_date(Utc::now()));
    println!("run `pos --help` for the commands");
    Ok(())
}
