//! Opening the till file of a data dir, for the commands that work without the window.

use anyhow::Context;
use pos_core::data_dir::DataDir;
use pos_core::till::Till;

/// Opens the till of a data dir with its configured rules.
pub fn open_till(data: &DataDir) -> anyhow::Result<Till> {
    let config = data.load_config()?;
    Till::open(&data.till_path(), config.till)
        .with_context(|| format!("opening the till in {}", data.path().display()))
}
