//! head-office's integration tests, one binary (one link on two cores). Each test
//! starts its own PostgreSQL cluster through `head_office::testing`.

mod browser;
mod cards;
mod cli;
mod common;
mod connections;
mod console;
mod console_catalog;
mod console_catalog_codes;
mod console_closes;
mod console_dashboard;
mod console_lists;
mod console_members;
mod console_parts;
mod console_promotions;
mod console_promotions_races;
mod console_stock;
mod console_tables;
mod console_tills;
mod export;
mod feed;
mod fixtures;
mod health;
mod history;
mod housekeeping;
mod ingest;
mod ingest_fuzz;
mod ingest_limits;
mod members;
mod migration_cards_and_z;
mod openapi;
mod reports;
mod security;
mod stock_discrepancies;
mod stock_documents;
mod tls;
