//! The crate's integration tests, in one binary so they link once.

mod cli;
mod pull;
