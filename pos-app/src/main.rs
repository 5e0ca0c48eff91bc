//! `pos`: the till. Without a subcommand it opens the till window on the data dir.

use clap::Parser;

fn main() -> anyhow::Result<()> {
    let args = pos_app::cli::Args::parse();
    pos_app::cli::run(args)
}
