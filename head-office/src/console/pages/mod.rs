//! One file per console page.

pub mod audit;
pub mod catalog;
pub mod catalog_barcodes;
pub mod catalog_code_forms;
pub mod catalog_codes;
pub mod catalog_list;
pub mod catalog_lots;
pub mod closes;
pub mod dashboard;
pub mod device_sales;
pub mod discrepancies;
pub mod language;
pub mod login;
pub mod loyalty;
pub mod member_ledger;
pub mod members;
pub mod promotion_list;
pub mod promotions;
pub mod replenishment;
pub mod reports;
pub mod stock;
pub mod tills;
pub mod tills_sections;
pub mod trace;
pub mod transfer_orders;
pub mod transfers;
