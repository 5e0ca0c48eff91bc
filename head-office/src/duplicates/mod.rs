//! Likely duplicates, proposed by head office and decided by a person: members (the
//! same person registered twice with a mistyped phone) and organisations (the same
//! customer entered twice under name variants, or under one credit code).
//!
//! - [`near`]: what makes two members likely one (pure): folded names, near phones.
//! - [`find`]: the search over every member, blocked by name.
//! - [`proposals`]: the open proposals with their evidence; dismissing one.
//! - [`merge`]: a merge in one transaction, its record, the tills' aliases and the
//!   integrations' event.
//! - [`org_names`]: what makes two organisations likely one (pure): folded names, the
//!   credit code.
//! - [`org_find`], [`org_proposals`], [`org_merge`]: the same for organisations.
//! - [`schedule`]: both searches in one run (`head-office duplicates`, and hourly
//!   inside `serve`).

pub mod find;
pub mod merge;
pub mod near;
pub mod org_find;
pub mod org_merge;
pub mod org_names;
pub mod org_proposals;
pub mod proposals;
pub mod schedule;
