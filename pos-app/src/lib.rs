//! The till program (`pos`): its window and its administrator commands.
//!
//! # Layout
//! - [`cli`]: `pos init | import | verify | report | simulate`, for administrators and tests.
//! - [`simulate`]: realistic random sales through the `Till`, as the UI would ring them.

pub mod cli;
pub mod simulate;
