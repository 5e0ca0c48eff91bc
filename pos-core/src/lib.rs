//! The till: its durable SQLite store and the `Till` facade every caller uses.
//!
//! # Layout
//! - [`store`]: the till's SQLite file: the one write path for documents, the journal,
//!   the outbox, the print queue, the feed.
//! - [`till`]: the `Till` facade: sales, returns, drawer, operators, members, lots.
//! - [`data_dir`]: the data folder and its `config.toml`.
//! - [`demo`], [`simulate`]: demo data and the simulator.
//!
//! The domain lives in `pos-domain`; its modules are re-exported here under their old
//! paths (`pos_core::document`, ...) so callers of the till need one dependency.

pub use pos_domain::{
    cart, catalog, document, effects, hanzi, import, loyalty, member, member_code, money, operator,
    organisation, points_expiry, pricing, promotion, report, returns, stock_document, tender,
    tier_progress, transfer_order, validate,
};

pub mod data_dir;
pub mod demo;
pub mod simulate;
pub mod store;
pub mod till;
