//! pos-core's integration tests, one binary (one link on two cores).

mod common;
mod crash;
mod import_demo_catalog;
mod import_generator;
mod till_lots;
mod till_manager;
mod till_member_erasure;
mod till_member_standing;
mod till_members_masked;
mod till_no_receipt;
mod till_operators;
mod till_organisations;
mod till_points_expiry;
mod till_sale;
mod till_stock_documents;
mod till_stock_serials;
mod till_store;
mod till_transfer_orders;
