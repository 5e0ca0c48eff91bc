//! GS1 element strings (GS1-128, GS1 DataMatrix, GS1 QR): the AI table, the raw form
//! with GS separators and the human-readable form with parentheses.

pub(crate) mod ai_table;
pub(crate) mod date;
mod human_readable;
mod raw;
pub(crate) mod value;

use serde::{Deserialize, Serialize};

pub use ai_table::ai_title;
pub(crate) use human_readable::parse_human_readable;
pub(crate) use raw::parse_raw;

/// ASCII group separator: how scanners transmit FNC1 between elements.
pub const GS: char = '\u{1d}';

/// One GS1 element: an application identifier and its value, as read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Element {
    /// The AI, 2 to 4 digits (`"01"`, `"3103"`, `"7003"`).
    pub ai: String,
    /// The value, checked against the AI's format.
    pub value: String,
}
