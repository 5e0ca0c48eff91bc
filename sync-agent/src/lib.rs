//! Store-and-forward sync between a till and head office.
//!
//! # Layout
//! - [`protocol`]: the wire types both sides speak.

pub mod protocol;
