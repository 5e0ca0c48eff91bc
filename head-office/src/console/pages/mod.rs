//! One file per console page.

pub mod audit;
pub mod catalog;
pub mod catalog_barcodes;
pub mod catalog_codes;
pub mod catalog_list;
pub mod catalog_lots;
pub mod closes;
pub mod language;
pub mod login;
pub mod members;
pub mod stock;
pub mod tills;
