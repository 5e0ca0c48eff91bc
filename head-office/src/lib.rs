//! Head office (总部): receives every till's documents exactly once, keeps the member
//! ledger, stock and catalog on PostgreSQL, and sends changes down as a feed.
//!
//! # Layout
//! - [`server`]: routes, [`server::run`] and [`server::run_tls`] on a given listener.
//! - [`state`]: [`state::AppState`], what every handler shares (also `server::AppState`).
//! - [`connection`]: one client connection: HTTP/1.1, its time limits, shutdown.
//! - [`api`]: the request handlers.
//! - [`console`]: the back-office web console (server-rendered pages under `/`).
//! - [`auth`]: terminal tokens (enrolment, hashing, the bearer extractor).
//! - [`staff`]: console sessions on the JSON API (`/v1/stock/...`), with their roles;
//!   [`stock_api`]: that API's handlers.
//! - [`body`]: request bodies within limits, gzip.
//! - [`ingest`]: a batch of documents in one transaction: duplicates, gaps, effects.
//! - [`audit`]: the append-only log of every change made through the console (and an
//!   erasure from the command line).
//! - [`feed`]: the change feed: publishing with cursors, reading pages;
//!   [`member_standing`]: the tier spend and RFM segment a member carries to the tills;
//!   [`promotion_segments`]: a promotion's segment must be a defined one.
//! - [`integrations`]: keys of the shop, CRM and ERP, customers by channel, the
//!   outbound event feed, CSV import and export, and the reference consumer.
//! - [`catalog`]: products, barcodes, lots, promotions, stock, members from an import.
//! - [`aggregates`]: sales figures per store, hour, day, SKU and promotion, kept at ingest
//!   for the dashboard and the reports.
//! - [`chain_time`]: the chain's clock (UTC+8) for business days and hours.
//! - [`tiers`]: member tiers by spend: raised at ingest, lowered by the daily review.
//! - [`reports`]: daily close, sequence gaps, overdrafts for review.
//! - [`replenishment`]: replenishment suggestions per store and SKU, covered from
//!   stores with stock to spare (FEFO) or bought; [`replenishment_api`]: them as JSON.
//! - [`stock_reports`]: goods receipts' shortages and excesses.
//! - [`masking`]: a member's card, name and phone as non-admins see them.
//! - [`document_check`]: every stored document rehashed against its recorded hash.
//! - [`member_erasure`]: a member's personal data erased on request, at head office,
//!   every till (the feed) and every integration (an event).
//! - [`member_codes`]: the member codes head office issues.
//! - [`duplicates`]: likely duplicate members proposed, merged or dismissed by a person.
//! - [`organisations`]: organisations (机构客户), their departments, contacts and
//!   qualifications, sent to the tills without contacts.
//! - [`device_sales`]: the sales record of class II/III devices (医疗器械销售记录).
//! - [`trace_reports`]: a lot's recall list and a serial's life, from the lot trace.
//! - [`stock_lists`]: near-expiry lots, low stock and transfers, for the API and exports.
//! - [`stock_history`]: when a store's stock history began (its one opening balance).
//! - [`transfer_api`]: transfer orders on the staff API.
//! - [`transfer_orders`]: transfers head office orders (or store managers request), as
//!   kept and sent down the feed to both stores' tills; made and decided in
//!   `console::transfer_orders`.
//! - [`export`]: CSV files for an ERP.
//! - [`history`]: a chain's sales history for the page-speed benchmark, through ingest.
//! - [`housekeeping`]: hourly pruning of rows nobody needs any more (`serve`).
//! - [`db`]: the pool and the versioned migrations in `migrations/`.
//! - [`tls`]: HTTPS through rustls.
//! - [`error`]: [`error::DbError`], [`error::HttpError`].
//! - `testing` (feature `testing`): a throwaway PostgreSQL cluster.
//!
//! # Architecture invariant
//! A document's effects are applied only by the transaction that inserted it, so its
//! id's primary key is what makes every effect happen once. A store's stock is the sum
//! of its documents on top of one opening balance, taken before any document moved it.

pub mod aggregates;
pub mod api;
pub mod audit;
pub mod auth;
pub mod body;
pub mod catalog;
pub mod chain_time;
pub mod connection;
pub mod console;
pub mod db;
pub mod device_sales;
pub mod document_check;
pub mod duplicates;
pub mod error;
pub mod export;
pub mod feed;
pub mod history;
pub mod housekeeping;
pub mod ingest;
pub mod integrations;
pub mod masking;
pub mod member_codes;
pub mod member_data;
pub mod member_erasure;
pub mod member_standing;
pub mod organisations;
pub mod point_reviews;
pub mod points_expiry;
pub mod promotion_segments;
pub mod replenishment;
pub mod replenishment_api;
pub mod reports;
pub mod rfm;
pub mod rfm_api;
pub mod server;
pub mod staff;
pub mod state;
pub mod stock_api;
pub mod stock_history;
pub mod stock_lists;
pub mod stock_reports;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tiers;
pub mod tls;
pub mod trace_reports;
pub mod transfer_api;
pub mod transfer_orders;
pub mod velocity_rules;
