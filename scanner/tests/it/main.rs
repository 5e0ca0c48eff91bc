//! The crate's integration tests, in one binary so they link once.

mod common;
mod fuzz_props;
mod gs1_examples;
mod retail_codes;
mod serial_pty;
mod serial_reader;
mod udi_labels;
mod wedge;
