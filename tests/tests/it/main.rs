//! The end-to-end tests, in one binary so they link once.

mod console_price;
mod effects_agree;
mod import_cycles;
mod integration_mirror;
mod member_cards;
mod member_erasure;
mod member_standing;
mod member_tiers;
mod organisation_merges_and_tier_names;
mod organisation_sales;
mod points_expiry;
mod stock_chain;
mod stock_transfers;
mod sync_end_to_end;
mod sync_faults;
mod tills_backlog;
