//! pos-domain's integration tests, one binary (one link on two cores).

mod effects;
mod fixtures;
mod import_format;
mod import_round_trip;
mod loyalty;
mod operator;
mod pricing;
mod promotions;
mod properties;
mod purity;
mod report;
mod returns;
mod stock_documents;
mod support;
mod tender;
mod tender_change;
