//! Demo data: the hand-checked demo catalog of a medical-device store, and a generator
//! of catalogs of any size for benchmarks and load tests.

mod generate;
mod parts;
mod promotions;
mod rng;

use std::path::Path;

use chrono::NaiveDate;

use crate::import::CatalogImport;
use crate::operator::Role;
use crate::store::TillIdentity;
use crate::till::{NewOperator, Till, TillConfig, TillError};

/// PIN of the demo till's manager (operator `manager`).
pub const DEMO_MANAGER_PIN: &str = "123456";
/// PIN of the demo till's cashier (operator `cashier`).
pub const DEMO_CASHIER_PIN: &str = "1111";

/// A new till at `path` for demos, tests and benchmarks: store S001, terminal T01, the
/// manager and the cashier with the demo PINs, and `catalog` imported.
pub fn demo_till(
    path: &Path,
    config: TillConfig,
    catalog: &CatalogImport,
) -> Result<Till, TillError> {
    let identity = TillIdentity {
        store_id: "S001".into(),
        terminal_id: "T01".into(),
    };
    let manager = NewOperator {
        id: "manager",
        name: "店长",
        role: Role::Manager,
        pin: DEMO_MANAGER_PIN,
    };
    let mut till = Till::init(path, identity, manager, config)?;
    till.add_operator(NewOperator {
        id: "cashier",
        name: "收银员",
        role: Role::Cashier,
        pin: DEMO_CASHIER_PIN,
    })?;
    till.store_mut().import_catalog(catalog)?;
    Ok(till)
}

/// A catalog of `skus` products, the same for the same `seed` and `today`.
///
/// SKUs and barcodes (GTIN-13, prefix 69, right check digit) never repeat. Names are
/// brand + product + model in Chinese with pinyin initials filled in. About 30% of the
/// products are lot-tracked with 1 to 3 lots expiring around `today` (some already
/// expired), about 10% serial-tracked with 1 to 3 serials in stock; every product has
/// stock. Each tier gets `skus / 100` members, at least 10. The promotions are the demo
/// catalog's, pointed at generated products of the same categories.
pub fn generate_catalog(skus: usize, seed: u64, today: NaiveDate) -> CatalogImport {
    generate::generate(skus, seed, today)
}

/// The demo catalog file (`assets/demo/catalog.csv`): about 240 products, lots around the
/// business date 2026-11-22, serials, members in each tier and a promotion of each kind.
/// Read it with [`parse_catalog_csv`](crate::import::parse_catalog_csv).
pub fn demo_catalog_csv() -> &'static str {
    include_str!("../../assets/demo/catalog.csv")
}
