//! Points expiry (积分有效期) at head office; the rule is
//! [`pos_domain::points_expiry`], its length `LoyaltyRules::points_expiry_years`.
//!
//! - At ingest ([`crate::ingest::point_lots`]): the points each accepted document earns
//!   go into the member's lot for their last day, in ingest's transaction; every member
//!   the batch publishes is published with the points still to lapse.
//! - [`run::expire`]: the lots whose last day is before the day run for lose what is
//!   left of them (a ledger entry `expire` per member, balance lowered, tills and
//!   integrations told); daily inside `serve` ([`schedule`]) and by
//!   `head-office expire-points`, the day passed in.

pub mod run;
pub mod schedule;
