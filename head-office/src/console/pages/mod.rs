//! One file per console page.

pub mod audit;
pub mod closes;
pub mod language;
pub mod login;
pub mod stock;
pub mod tills;
