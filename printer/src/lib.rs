//! Receipt printing for the till: receipt and report models, their layout for
//! 58 mm and 80 mm paper, ESC/POS encoding (Chinese GB18030 text, QR code, cut, drawer
//! kick), real-time status, and the transports (TCP 9100, serial, device file).
//!
//! Architecture invariant: rendering is pure (`Receipt` or `Report` in, bytes or
//! text out); only [`Printer`] does I/O, and every read and write it does has a
//! deadline.
//!
//! # Layout
//! - `receipt`: the [`Receipt`] model (a member's phone comes masked), [`PaperWidth`].
//! - `width`: columns on paper ([`display_width`]: non-ASCII counts 2), wrapping
//!   that never cuts a character, sanitizing of control characters.
//! - `report`: the [`Report`] model (X and Z reports): heading fields, then
//!   sections of label/value rows ([`ReportSection`], [`ReportRow`]).
//! - `layout`: the receipt as lines that fit the paper; both renderers draw it.
//! - `report_layout`: the report as lines, with the same helpers.
//! - `slip`: the [`StockSlip`] model of a stock document (收货单, 调拨出库单, 调拨入库单,
//!   盘点单, 报损单): heading fields, lines of goods with their details, signatures.
//! - `slip_layout`: the slip as lines, with the same helpers.
//! - `render`: [`render_escpos`] / [`render_report_escpos`] (bytes) and
//!   [`render_text`] / [`render_report_text`] (screen preview).
//! - `commands`: ESC/POS byte sequences. Plain ones are the `escpos` crate's
//!   constants; written by hand because escpos lacks them: `FS &` / `FS .`
//!   Chinese mode, `ESC p` with pulse times, the `GS ( k` QR data store and the
//!   `DLE EOT n` queries as bytes (escpos only builds commands inside its own
//!   buffered `Printer`, and its "partial cut" is `GS V A 1`, a full cut).
//! - `status`: [`PrinterStatus`] from the `DLE EOT 1/2/4` replies, decoded with
//!   escpos' `RealTimeStatusResponse` bit tables.
//! - `uri`: [`PrinterUri`], parsed from `tcp://`, `serial://`, `file://`.
//! - `transport`: TCP, serial (`serialport`) and device-file pipes, each read and
//!   write bounded by a deadline; by hand because escpos' drivers have no
//!   connect timeout for host names and fold errors into strings.
//! - `device`: [`Printer`]: open, print a receipt or a report, status, kick the drawer.
//! - `error`: [`PrintError`], worded for the cashier ([`PrintError::hint_zh`]).
//! - `sample`: the installer's test receipt ([`sample_receipt`]) and a Z report
//!   ([`sample_z_report`]).
//! - `testing` (feature `testing`, Unix): fake printers on real sockets and
//!   pseudo-terminals for tests.
//!
//! Text is GB18030 via `encoding_rs`. Characters GB18030 encodes in four bytes
//! (rare CJK extensions, emoji) need a printer with the GB18030 font.
//!
//! ```
//! use printer::{PaperWidth, render_text, sample_receipt};
//! let at = chrono::NaiveDate::from_ymd_opt(2024, 5, 17)
//!     .and_then(|d| d.and_hms_opt(14, 30, 0))
//!     .expect("valid date");
//! let preview = render_text(&sample_receipt(at), PaperWidth::Mm58);
//! assert!(preview.lines().all(|l| printer::display_width(l) <= 32));
//!
//! let report = printer::render_report_text(&printer::sample_z_report(at), PaperWidth::Mm58);
//! assert!(report.contains("应有现金"));
//! ```

mod commands;
mod device;
mod error;
mod layout;
mod receipt;
mod render;
mod report;
mod report_layout;
mod sample;
mod slip;
mod slip_layout;
mod status;
#[cfg(all(unix, feature = "testing"))]
pub mod testing;
mod transport;
mod uri;
mod width;

pub use commands::{
    CHINESE_MODE_OFF, CHINESE_MODE_ON, DrawerPin, QR_PAYLOAD_MAX_BYTES, kick_drawer_bytes,
};
pub use device::{Printer, Timeouts};
pub use error::{Operation, PrintError};
pub use layout::format_money;
pub use receipt::{
    PaperWidth, PointsExpiring, Receipt, ReceiptLine, ReceiptMember, ReceiptTender, ReceiptVat,
};
pub use render::{
    render_escpos, render_report_escpos, render_report_text, render_slip_escpos, render_slip_text,
    render_text,
};
pub use report::{Report, ReportLabels, ReportRow, ReportSection, ReportValue};
pub use sample::{SAMPLE_SALE_ID, sample_receipt, sample_z_report};
pub use slip::{SlipLine, StockSlip};
pub use status::{DrawerSense, NotAStatusReply, PrinterStatus, StatusReplies, parse_status};
pub use uri::{DEFAULT_BAUD, DEFAULT_TCP_PORT, PrinterUri};
pub use width::{display_width, wrap};
