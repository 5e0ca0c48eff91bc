//! The domain of the chain's tills and head office, with no I/O.
//!
//! # Layout
//! - [`money`]: CNY amounts, rounding, VAT included in a price.
//! - [`catalog`]: products, lots, the expiry rule, GS1 check digits.
//! - [`hanzi`]: pinyin initials for search.
//! - [`member`], [`loyalty`]: members, tiers (and those reached by spend), loyalty
//!   settings and points; [`points_expiry`]: when points lapse; [`tier_progress`]: a member's way to the next tier;
//!   [`member_code`]: head office's member codes and the tills'
//!   provisional ones; [`personal_data`]: a registration's phone and name sealed, so
//!   they can be erased.
//! - [`promotion`], [`pricing`]: promotion rules as data and the pricing of a cart.
//! - [`cart`]: the cart being rung up; [`tender`]: payments and change.
//! - [`returns`]: what a return may refund and how.
//! - [`document`]: documents (sale, return, ...) and their canonical bytes;
//!   [`stock_document`]: goods receipts, write-offs and stocktakes;
//!   [`validate`]: does a document add up; [`transfer_order`]: what head office asks a
//!   store to send to another.
//! - [`effects`]: what a document does to stock, points and serials, for the till and
//!   head office alike.
//! - [`report`]: X and Z reports; [`operator`]: roles, PINs, approvals.
//! - [`organisation`]: organisations (机构客户), their qualifications, the class III rule.
//! - [`import`]: the catalog file, read and written.
//! - [`protocol`]: the wire types the till's sync agent and head office speak.
//!
//! # Architecture invariant
//! Nothing here reads a clock, a random source, a file or the network: time, salts and
//! ids come in as arguments, so every rule is a plain deterministic test. The crate
//! depends on no SQLite, async runtime, HTTP or random crate (`tests/it/purity.rs`).

pub mod cart;
pub mod catalog;
pub mod document;
pub mod effects;
pub mod hanzi;
pub mod import;
pub mod loyalty;
pub mod loyalty_rules;
pub mod member;
pub mod member_code;
pub mod money;
pub mod operator;
pub mod organisation;
pub mod personal_data;
pub mod points_expiry;
pub mod pricing;
pub mod promotion;
pub mod protocol;
pub mod report;
pub mod returns;
pub mod stock_document;
pub mod tender;
pub mod tier_labels;
pub mod tier_progress;
pub mod transfer_order;
pub mod validate;
