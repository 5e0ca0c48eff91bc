//! A connected printer: print bytes, read its status, kick the drawer.

use std::time::{Duration, Instant};

use escpos::utils::RealTimeStatusRequest;

use crate::commands::{DrawerPin, kick_drawer_bytes, status_query};
use crate::error::{Operation, PrintError};
use crate::receipt::{PaperWidth, Receipt};
use crate::render::{render_escpos, render_report_escpos, render_slip_escpos};
use crate::report::Report;
use crate::slip::StockSlip;
use crate::status::{DrawerSense, PrinterStatus, StatusReplies, is_status_reply, parse_status};
use crate::transport::{Link, LinkError, connect_tcp, open_file, open_serial};
use crate::uri::PrinterUri;

/// How long each step may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Opening the connection (TCP connect).
    pub connect_ms: u64,
    /// Sending one whole print job.
    pub write_ms: u64,
    /// Waiting for each of the three status replies.
    pub status_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect_ms: 3_000,
            write_ms: 10_000,
            status_ms: 1_000,
        }
    }
}

/// An open connection to a receipt printer.
pub struct Printer {
    uri: PrinterUri,
    link: Link,
    timeouts: Timeouts,
    drawer_sense: DrawerSense,
}

impl std::fmt::Debug for Printer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer")
            .field("uri", &self.uri.to_string())
            .finish_non_exhaustive()
    }
}

impl Printer {
    /// Opens the connection; fails within `timeouts.connect_ms` when nothing answers.
    pub fn open(uri: &PrinterUri, timeouts: Timeouts) -> Result<Printer, PrintError> {
        let connect = Duration::from_millis(timeouts.connect_ms);
        let link = match uri {
            PrinterUri::Tcp { host, port } => connect_tcp(host, *port, connect),
            PrinterUri::Serial { path, baud } => {
                open_serial(path, *baud, Duration::from_millis(timeouts.write_ms))
            }
            PrinterUri::File { path } => open_file(path),
        };
        let link = link.map_err(|e| match e {
            LinkError::TimedOut => PrintError::Timeout {
                uri: uri.to_string(),
                after_ms: timeouts.connect_ms,
                during: Operation::Connecting,
            },
            LinkError::Closed => PrintError::Connect {
                uri: uri.to_string(),
                source: std::io::ErrorKind::ConnectionAborted.into(),
            },
            LinkError::Io(source) => PrintError::Connect {
                uri: uri.to_string(),
                source,
            },
        })?;
        Ok(Printer {
            uri: uri.clone(),
            link,
            timeouts,
            drawer_sense: DrawerSense::default(),
        })
    }

    /// Parses `uri` (`tcp://HOST:9100`, `serial:///dev/ttyUSB0?baud=9600`,
    /// `file:///dev/usb/lp0`) and opens it.
    pub fn connect(uri: &str, timeouts: Timeouts) -> Result<Printer, PrintError> {
        Printer::open(&uri.parse()?, timeouts)
    }

    /// Sets which drawer switch level means "open" for [`Printer::status`].
    pub fn with_drawer_sense(mut self, sense: DrawerSense) -> Printer {
        self.drawer_sense = sense;
        self
    }

    pub fn uri(&self) -> &PrinterUri {
        &self.uri
    }

    /// Sends raw ESC/POS bytes, all within `timeouts.write_ms`.
    pub fn print(&mut self, bytes: &[u8]) -> Result<(), PrintError> {
        let deadline = Instant::now() + Duration::from_millis(self.timeouts.write_ms);
        self.link
            .write_all_by(bytes, deadline)
            .map_err(|e| self.error(e, Operation::Writing, self.timeouts.write_ms))
    }

    /// Renders and prints a receipt.
    pub fn print_receipt(
        &mut self,
        receipt: &Receipt,
        width: PaperWidth,
    ) -> Result<(), PrintError> {
        self.print(&render_escpos(receipt, width))
    }

    /// Renders and prints a report (X or Z), cut at the end.
    pub fn print_report(&mut self, report: &Report, width: PaperWidth) -> Result<(), PrintError> {
        self.print(&render_report_escpos(report, width))
    }

    /// Renders and prints a stock document's slip, cut at the end.
    pub fn print_slip(&mut self, slip: &StockSlip, width: PaperWidth) -> Result<(), PrintError> {
        self.print(&render_slip_escpos(slip, width))
    }

    /// Pulses the cash drawer through the printer (`ESC p`).
    pub fn kick_drawer(
        &mut self,
        pin: DrawerPin,
        pulse_on_ms: u16,
        pulse_off_ms: u16,
    ) -> Result<(), PrintError> {
        self.print(&kick_drawer_bytes(pin, pulse_on_ms, pulse_off_ms))
    }

    /// Asks `DLE EOT 1`, `2` and `4` and decodes the replies; each reply may take
    /// `timeouts.status_ms`. Bytes that are not status replies are skipped.
    ///
    /// A `file://` path that is not a character device (a plain file, a pipe) cannot
    /// answer: that is [`PrintError::StatusUnsupported`], and nothing is written.
    pub fn status(&mut self) -> Result<PrinterStatus, PrintError> {
        if let Some(why) = self.link.cannot_answer() {
            return Err(PrintError::StatusUnsupported {
                uri: self.uri.to_string(),
                why: why.to_string(),
            });
        }
        let wait_ms = self.timeouts.status_ms;
        self.link
            .drain_input()
            .map_err(|e| self.error(e, Operation::WaitingForStatus, wait_ms))?;
        let replies = StatusReplies {
            printer: self.ask(RealTimeStatusRequest::Printer)?,
            offline_cause: self.ask(RealTimeStatusRequest::OfflineCause)?,
            paper_sensor: self.ask(RealTimeStatusRequest::RollPaperSensor)?,
        };
        // ask() only returns bytes that pass is_status_reply, so this cannot fail.
        parse_status(replies, self.drawer_sense).map_err(|e| PrintError::Read {
            uri: self.uri.to_string(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        })
    }

    /// The status, or the error that stops printing: paper out, cover open, offline.
    pub fn ensure_ready(&mut self) -> Result<PrinterStatus, PrintError> {
        let status = self.status()?;
        let uri = self.uri.to_string();
        if status.paper_out {
            Err(PrintError::PaperOut { uri })
        } else if status.cover_open {
            Err(PrintError::CoverOpen { uri })
        } else if !status.online {
            Err(PrintError::Offline { uri })
        } else {
            Ok(status)
        }
    }

    fn ask(&mut self, request: RealTimeStatusRequest) -> Result<u8, PrintError> {
        let wait_ms = self.timeouts.status_ms;
        let deadline = Instant::now() + Duration::from_millis(wait_ms);
        let query = status_query(request);
        self.link
            .write_all_by(&query, deadline)
            .map_err(|e| self.error(e, Operation::WaitingForStatus, wait_ms))?;
        loop {
            let byte = self
                .link
                .read_byte_by(deadline)
                .map_err(|e| self.error(e, Operation::WaitingForStatus, wait_ms))?;
            if is_status_reply(byte) {
                return Ok(byte);
            }
        }
    }

    fn error(&self, e: LinkError, during: Operation, after_ms: u64) -> PrintError {
        let uri = self.uri.to_string();
        match (e, during) {
            (LinkError::TimedOut, _) => PrintError::Timeout {
                uri,
                after_ms,
                during,
            },
            (LinkError::Closed, Operation::WaitingForStatus) => PrintError::NoReply { uri },
            (LinkError::Closed, _) => PrintError::Write {
                uri,
                source: std::io::ErrorKind::BrokenPipe.into(),
            },
            (LinkError::Io(source), Operation::Writing) => PrintError::Write { uri, source },
            (LinkError::Io(source), _) => PrintError::Read { uri, source },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printer_can_move_to_a_print_thread() {
        fn assert_send<T: Send>() {}
        assert_send::<Printer>();
        assert_send::<PrintError>();
    }
}
