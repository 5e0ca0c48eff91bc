//! How a serial scanner is set up: the port and what the scanner sends.

use crate::serial::ScannerError;
use serde::{Deserialize, Serialize};

/// Parity bit setting of the port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parity {
    None,
    Even,
    Odd,
}

/// What the scanner sends after each code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suffix {
    /// Carriage return (0x0D), the usual factory setting.
    Cr,
    /// Line feed (0x0A).
    Lf,
    /// CR then LF.
    CrLf,
    /// Nothing: a code ends when no byte has arrived for `idle_ms`.
    None { idle_ms: u64 },
}

impl Suffix {
    /// The bytes that end a code; empty for [`Suffix::None`].
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Suffix::Cr => b"\r",
            Suffix::Lf => b"\n",
            Suffix::CrLf => b"\r\n",
            Suffix::None { .. } => b"",
        }
    }

    /// The name installers see in the scanner's manual.
    pub fn label(self) -> &'static str {
        match self {
            Suffix::Cr => "CR",
            Suffix::Lf => "LF",
            Suffix::CrLf => "CR LF",
            Suffix::None { .. } => "no",
        }
    }
}

/// A serial scanner's settings. Stop bits are 1 and flow control is off, as on every
/// retail scanner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SerialConfig {
    /// Device path (`/dev/ttyUSB0`, `/dev/serial/by-id/...`) or `COM3`.
    pub port: String,
    pub baud: u32,
    /// 5 to 8.
    pub data_bits: u8,
    pub parity: Parity,
    pub suffix: Suffix,
    /// The scanner sends AIM symbology identifiers (`]E0` ...) before each code.
    pub aim_ids: bool,
}

/// The longest idle time accepted for [`Suffix::None`]; scanners send a code in one burst.
pub const IDLE_MS_MAX: u64 = 5_000;

impl SerialConfig {
    /// 9600 baud, 8 data bits, no parity, CR suffix, no AIM identifiers: the factory
    /// setting of most scanners.
    pub fn new(port: impl Into<String>) -> Self {
        SerialConfig {
            port: port.into(),
            baud: 9600,
            data_bits: 8,
            parity: Parity::None,
            suffix: Suffix::Cr,
            aim_ids: false,
        }
    }

    /// Rejects settings no port can take, with a message saying which.
    pub fn validate(&self) -> Result<(), ScannerError> {
        let invalid = |msg: String| Err(ScannerError::InvalidConfig(msg));
        if self.port.trim().is_empty() {
            return invalid("the port path is empty".into());
        }
        if !(5..=8).contains(&self.data_bits) {
            return invalid(format!("data bits must be 5 to 8, not {}", self.data_bits));
        }
        if !(50..=4_000_000).contains(&self.baud) {
            return invalid(format!("baud rate {} is outside 50 to 4000000", self.baud));
        }
        if let Suffix::None { idle_ms } = self.suffix
            && !(1..=IDLE_MS_MAX).contains(&idle_ms)
        {
            return invalid(format!(
                "idle time {idle_ms} ms for a scanner without suffix must be 1 to {IDLE_MS_MAX} ms"
            ));
        }
        Ok(())
    }
}
