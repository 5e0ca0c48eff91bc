//! Demo data: the hand-checked demo catalog of a medical-device store, and a generator
//! of catalogs of any size for benchmarks and load tests.

mod generate;
mod parts;
mod promotions;
mod rng;

use chrono::NaiveDate;

use crate::import::CatalogImport;

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
