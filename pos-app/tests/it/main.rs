//! Every integration test of `pos-app` in one test binary (one link instead of one per
//! file), a module per area.

mod cli;
mod cli_stock;
mod entered_codes;
mod ui_counter;
mod ui_faults;
mod ui_flow;
mod ui_i18n;
mod ui_lot_pick;
mod ui_member_progress;
mod ui_no_receipt;
mod ui_operators;
mod ui_organisation;
mod ui_points_expiry;
mod ui_printer;
mod ui_review;
mod ui_stock;
mod ui_support;
mod ui_sync;
mod ui_tier_labels;
mod ui_typing;
mod ui_wedge;
mod window_keys;
mod window_organisation;
