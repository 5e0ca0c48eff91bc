//! Helpers the test modules share.

pub mod pty;
pub mod summary;
