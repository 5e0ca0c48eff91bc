//! Barcode scanners for the till: serial scanners, keyboard-wedge scanners, and the
//! parsing of what they read (EAN/UPC and GS1 element strings for medical-device UDI).
//!
//! # Layout
//! - [`symbology`]: [`Symbology`], the kind of barcode.
//! - [`parse`](mod@parse): [`parse()`] and [`parse_with_aim()`], scanned text to a [`Scan`].
//! - `aim` (private): AIM symbology identifiers (`]E0`, `]C1`, `]d2`, `]Q3` ...).
//! - `retail` (private): EAN-13, EAN-8, UPC-A, UPC-E; [`expand_upc_e`].
//! - [`gs1`]: GS1 element strings: [`Element`], the AI table, raw (GS-separated) and
//!   human-readable (`(01)...`) forms, YYMMDD dates.
//! - [`check_digit`]: GS1 modulo-10 check digits and [`normalize_gtin14`].
//! - [`scan`]: [`Scan`], the parsed result.
//! - [`error`]: [`ParseError`], one variant per thing that can be wrong.
//! - [`wedge`]: [`WedgeClassifier`], a pure classifier that tells a keyboard-wedge
//!   scanner's keystroke burst from a person typing.
//! - [`serial`]: [`SerialScanner`] (one port, one code per read) and [`spawn_reader`]
//!   (a named thread that reopens a lost port and sends [`ScannerEvent`]s).
//!
//! # Examples
//! ```
//! // A UDI from a GS1 DataMatrix, as a scanner with AIM identifiers sends it.
//! let scan = scanner::parse("]d2010084458800328817141120107654321D\u{1d}2110987654d321")?;
//! assert_eq!(scan.symbology, scanner::Symbology::Gs1DataMatrix);
//! assert_eq!(scan.gtin.as_deref(), Some("00844588003288"));
//! assert_eq!(scan.lot.as_deref(), Some("7654321D"));
//! assert_eq!(scan.expiry_date.map(|d| d.to_string()).as_deref(), Some("2014-11-20"));
//!
//! // A wrong check digit says what it should be.
//! let err = scanner::parse("6901234567893").unwrap_err();
//! assert_eq!(err.to_string(), "check digit of 6901234567893 should be 2");
//!
//! // Keyboard wedge: keys 5 ms apart ending in Enter are a scan.
//! use scanner::{WedgeClassifier, WedgeEvent};
//! use std::time::{Duration, Instant};
//! let mut wedge = WedgeClassifier::default();
//! let t0 = Instant::now();
//! for (i, ch) in "96385074".chars().enumerate() {
//!     assert_eq!(wedge.key(ch, t0 + Duration::from_millis(5 * i as u64)), WedgeEvent::Pending);
//! }
//! let event = wedge.enter(t0 + Duration::from_millis(40));
//! assert_eq!(event, WedgeEvent::Scan("96385074".into()));
//! # Ok::<(), scanner::ParseError>(())
//! ```
//!
//! # Architecture invariant
//! Parsing and the wedge classifier are pure: no I/O, no clock (time comes in as an
//! `Instant` argument). Only [`serial`] touches a device and reads the clock.
//!
//! # Decisions
//! - **GTIN**: `Scan::gtin` is the code's own GTIN: GTIN-13 for EAN-13, GTIN-8 for
//!   EAN-8, GTIN-12 for UPC-A and for UPC-E (expanded to UPC-A), and the 14 digits of AI
//!   (01), else (02), for GS1. [`Scan::gtin14`] pads any of them to 14 digits for look-ups.
//!   A 13-digit code with a leading 0 is a UPC-A (the same symbol) and is reported so.
//! - **Dates**: YYMMDD is read as 20YY (GS1's sliding century window simplified; no
//!   clock needed). DD = 00 means the last day of the month for end dates (17 expiry,
//!   12, 15, 16) and the first day for start dates (11 production, 13 packaging).
//!   `expiry_date` is AI (17), else the date of AI (7003) (YYMMDDhhmm, see
//!   [`Scan::expiry_time`]).
//! - **Separators**: a variable-length AI needs a GS after it unless it is last; a
//!   fixed-length AI is taken by its length, with or without a GS after it. Repeated AIs
//!   with different values are an error.
//! - **Symbology without AIM**: a GS1 element string read without an AIM identifier is
//!   [`Symbology::Unknown`] (GS1-128 and GS1 DataMatrix send the same bytes);
//!   [`Scan::is_gs1`] says it is GS1. 8 digits without AIM are tried as EAN-8, then UPC-E.
//! - **Plain codes** (a store's own Code 128, a QR URL, any text that is not EAN/UPC or
//!   GS1) parse to a [`Scan`] with only `symbology` and `raw`; the till can look `raw` up.
//! - **Serial ports**: stop bits 1, no flow control (what scanners use). The reader
//!   thread reports a lost port once per outage (`Disconnected`), retries with a backoff
//!   doubling from 100 ms to 5 s, and reports `Reconnected` when a read port is back; it
//!   stops when asked or when the receiver is dropped.
//! - **Hand-written**: everything here but the port itself (`serialport`): GS1 AI
//!   table, check digits, UPC-E expansion, framing by suffix or idle time.

pub(crate) mod aim;
pub mod check_digit;
pub mod error;
pub mod gs1;
pub mod parse;
pub(crate) mod retail;
pub mod scan;
pub mod serial;
pub mod symbology;
pub mod wedge;

pub use check_digit::{gs1_check_digit, has_valid_gs1_check_digit, normalize_gtin14};
pub use error::ParseError;
pub use gs1::{GS, ai_title};
pub use parse::{MAX_SCAN_CHARS, parse, parse_with_aim};
pub use retail::expand_upc_e;
pub use scan::{Element, Scan};
pub use serial::{
    Parity, ReaderHandle, ReaderOptions, ScanRead, ScannerError, ScannerEvent, SerialConfig,
    SerialScanner, Suffix, spawn_reader,
};
pub use symbology::Symbology;
pub use wedge::{WedgeClassifier, WedgeConfig, WedgeEvent};
