//! Likely duplicate members (the same person registered twice with a mistyped phone),
//! proposed by head office and decided by a person.
//!
//! - [`near`]: what makes two members likely one (pure): folded names, near phones.
//! - [`find`]: the search over every member, blocked by name (`head-office
//!   duplicates`, and hourly inside `serve`).
//! - [`proposals`]: the open proposals with their evidence; dismissing one.
//! - [`merge`]: a merge in one transaction, its record, the tills' aliases and the
//!   integrations' event.

pub mod find;
pub mod merge;
pub mod near;
pub mod proposals;
