//! Serial scanners: settings, one open port ([`SerialScanner`]), and a reader thread
//! that survives unplugging ([`spawn_reader`]).

mod backoff;
mod config;
mod framer;
mod port;
mod reader;
mod stop;

pub use config::{IDLE_MS_MAX, Parity, SerialConfig, Suffix};
pub use port::{ScanRead, SerialScanner};
pub use reader::{ReaderHandle, ReaderOptions, ScannerEvent, spawn_reader};

use thiserror::Error;

/// What went wrong with a serial scanner.
#[derive(Debug, Error)]
pub enum ScannerError {
    #[error("invalid scanner setting: {0}")]
    InvalidConfig(String),

    #[error("cannot open scanner port {port}: {source}")]
    Open {
        port: String,
        #[source]
        source: serialport::Error,
    },

    #[error("scanner port {port} disconnected: {reason}")]
    Disconnected { port: String, reason: String },

    #[error("cannot start the scanner reader thread: {0}")]
    Spawn(#[source] std::io::Error),
}
