//! `pos simulate`: the command-line face of `pos_core::simulate`.

use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Args;
use pos_core::data_dir::DataDir;
use pos_core::simulate::{SimulateOptions, simulate};

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// How many sales to ring up.
    #[arg(long, default_value_t = 100)]
    pub sales: u64,
    /// Seed of the random choices; the same seed rings up the same sales.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Operator to log in as.
    #[arg(long, default_value = "manager")]
    pub operator: String,
    #[arg(long)]
    pub pin: String,
    /// Simulated time of the first sale (RFC 3339); defaults to now.
    #[arg(long)]
    pub start: Option<DateTime<Utc>>,
    /// Print one line per committed sale (`sale SEQUENCE ID`).
    #[arg(long)]
    pub trace: bool,
}

pub fn run(data: &DataDir, a: SimulateArgs) -> anyhow::Result<()> {
    let mut till = crate::till_file::open_till(data)?;
    let options = SimulateOptions {
        sales: a.sales,
        seed: a.seed,
        operator: a.operator,
        pin: a.pin,
        start: a.start.unwrap_or_else(Utc::now),
    };
    let started = Instant::now();
    let summary = simulate(&mut till, &options, |doc| {
        if a.trace {
            println!("sale {} {}", doc.sequence, doc.id);
        }
    })
    .context("simulating sales")?;
    let mut line = serde_json::to_value(&summary)?;
    line["elapsed_ms"] = serde_json::json!(started.elapsed().as_millis());
    println!("{line}");
    Ok(())
}
