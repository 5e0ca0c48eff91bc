//! The crate's integration tests, in one binary so they link once.

mod common;
mod golden;
mod layout;
mod render_props;
mod report;
mod report_props;
mod status;
