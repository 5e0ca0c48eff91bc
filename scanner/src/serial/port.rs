//! One open serial scanner: reads bytes, cuts them into codes, parses each.

use super::ScannerError;
use super::config::{Parity, SerialConfig};
use super::framer::{FRAME_BYTES_MAX, Frame, FrameEnd, Framer, PARTIAL_TIMEOUT_MS};
use crate::error::ParseError;
use crate::parse::{parse, parse_with_aim};
use crate::scan::Scan;
use std::collections::VecDeque;
use std::io::{ErrorKind, Read};
use std::time::{Duration, Instant};

/// One code read from a serial scanner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRead {
    /// The code as received (lossy UTF-8), with its AIM identifier, without the suffix.
    pub raw: String,
    /// The parsed code, or why it did not parse.
    pub result: Result<Scan, ParseError>,
}

/// Bytes taken from the port per read; a code may span several reads.
const READ_CHUNK_BYTES: usize = 512;

/// An open serial scanner.
pub struct SerialScanner {
    config: SerialConfig,
    port: Box<dyn serialport::SerialPort>,
    framer: Framer,
    ready: VecDeque<Frame>,
}

impl std::fmt::Debug for SerialScanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerialScanner")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl SerialScanner {
    /// Opens the port with the settings in `config` (exclusively: no other program can
    /// read the scanner at the same time).
    pub fn open(config: &SerialConfig) -> Result<Self, ScannerError> {
        config.validate()?;
        let data_bits = match config.data_bits {
            5 => serialport::DataBits::Five,
            6 => serialport::DataBits::Six,
            7 => serialport::DataBits::Seven,
            _ => serialport::DataBits::Eight,
        };
        let parity = match config.parity {
            Parity::None => serialport::Parity::None,
            Parity::Even => serialport::Parity::Even,
            Parity::Odd => serialport::Parity::Odd,
        };
        let port = serialport::new(config.port.as_str(), config.baud)
            .data_bits(data_bits)
            .parity(parity)
            .stop_bits(serialport::StopBits::One)
            .flow_control(serialport::FlowControl::None)
            .open()
            .map_err(|source| ScannerError::Open {
                port: config.port.clone(),
                source,
            })?;
        Ok(SerialScanner {
            config: config.clone(),
            port,
            framer: Framer::new(config.suffix),
            ready: VecDeque::new(),
        })
    }

    pub fn config(&self) -> &SerialConfig {
        &self.config
    }

    /// The next code, waiting at most `timeout`; `Ok(None)` when none came in time.
    ///
    /// A port that hangs up, reports an error or reaches end of file gives
    /// [`ScannerError::Disconnected`]; open it again to go on.
    pub fn next_scan(&mut self, timeout: Duration) -> Result<Option<ScanRead>, ScannerError> {
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; READ_CHUNK_BYTES];
        loop {
            if let Some(frame) = self.ready.pop_front() {
                return Ok(Some(self.decode(frame)));
            }
            let now = Instant::now();
            if let Some(frame) = self.framer.poll(now) {
                self.ready.push_back(frame);
                continue;
            }
            if now >= deadline {
                return Ok(None);
            }
            let wake = self.framer.deadline().map_or(deadline, |d| d.min(deadline));
            let wait = wake
                .saturating_duration_since(now)
                .max(Duration::from_millis(1));
            self.port
                .set_timeout(wait)
                .map_err(|e| self.disconnected(e.to_string()))?;
            match self.port.read(&mut buf) {
                Ok(0) => return Err(self.disconnected("the port reached end of file".into())),
                Ok(n) => {
                    let frames = self.framer.push(&buf[..n], Instant::now());
                    self.ready.extend(frames);
                }
                Err(e) if e.kind() == ErrorKind::TimedOut || e.kind() == ErrorKind::Interrupted => {
                }
                Err(e) => return Err(self.disconnected(e.to_string())),
            }
        }
    }

    fn disconnected(&self, reason: String) -> ScannerError {
        ScannerError::Disconnected {
            port: self.config.port.clone(),
            reason,
        }
    }

    fn decode(&self, frame: Frame) -> ScanRead {
        let raw = String::from_utf8_lossy(&frame.bytes).into_owned();
        let result = match frame.end {
            FrameEnd::Complete if self.config.aim_ids => parse(&raw),
            FrameEnd::Complete => parse_with_aim(None, &raw),
            FrameEnd::Overlong => Err(ParseError::TooLong {
                len: FRAME_BYTES_MAX,
                max: crate::parse::MAX_SCAN_CHARS,
            }),
            FrameEnd::MissingSuffix => Err(ParseError::MissingSuffix {
                suffix: self.config.suffix.label(),
                timeout_ms: PARTIAL_TIMEOUT_MS,
            }),
        };
        ScanRead { raw, result }
    }
}
