//! head-office
