//! Integrations: the online shop, the CRM and the ERP as channels of one customer record.
//!
//! - [`keys`]: an integration's key (shown once, kept as SHA-256), its channel and
//!   scopes; added and revoked by an admin (`head-office integration`, `/integrations`).
//! - [`fields`]: the customer field mapping (`external_id`, `phone`, `name`).
//! - [`customers`]: upsert by (channel, external id): update, link by phone, or a new
//!   member sent to every till.
//! - [`events`]: the outbound event feed by cursor, written in the transactions of what
//!   it reports; [`ingest_events`]: those of a till's batch; [`import_events`]: those
//!   of the catalog import's members.
//! - [`api`]: `/v1/integrations/...` (real time: long poll; scheduled: plain polling).
//! - [`customer_csv`]: the manual mode, CSV import and export with the same mapping.
//! - [`mirror`]: the reference consumer, the feed mirrored into a CSV file.

pub mod api;
pub mod customer_csv;
pub mod customers;
pub mod events;
pub mod fields;
pub mod import_events;
pub mod ingest_events;
pub mod keys;
pub mod mirror;
