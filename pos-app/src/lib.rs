//! The till program (`pos`): its window and its administrator commands.
//!
//! # Layout
//! - [`app`]: the till window (iced): screens, keys, scanner, printer.
//! - [`cli`]: `pos init | import | verify | report | simulate`, for administrators and tests.
//! - [`simulate`]: realistic random sales through the `Till`, as the UI would ring them.
//! - [`till_file`]: opening a data dir's till for the commands (no module above it).

pub mod app;
pub mod cli;
pub mod simulate;
pub mod till_file;
