//! The till's domain and its durable store.
//!
//! # Layout
//! - [`money`]: CNY amounts, rounding, VAT included in a price.
//! - [`catalog`]: products, lots, the expiry rule, GS1 check digits.
//! - [`member`]: members, tiers, loyalty settings.
//! - [`promotion`]: promotion rules as data.
//! - [`cart`]: the cart being rung up.
//! - [`document`]: documents (sale, return, ...) and their canonical bytes.
//!
//! # Architecture invariant
//! Everything outside `store` and `till` is pure: no I/O, no clock. Time comes in as an
//! argument, so every money rule is a plain deterministic test.

pub mod cart;
pub mod catalog;
pub mod data_dir;
pub mod demo;
pub mod document;
pub mod hanzi;
pub mod import;
pub mod loyalty;
pub mod member;
pub mod money;
pub mod operator;
pub mod pricing;
pub mod promotion;
pub mod report;
pub mod returns;
pub mod simulate;
pub mod store;
pub mod tender;
pub mod till;
pub mod validate;
