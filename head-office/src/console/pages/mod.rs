//! One file per console page.

pub mod audit;
pub mod catalog;
pub mod language;
pub mod login;
pub mod members;
pub mod tills;
