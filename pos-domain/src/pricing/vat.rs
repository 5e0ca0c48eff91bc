//! VAT per rate for receipts and reports.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::document::{SaleLine, VatAmount};
use crate::money::vat_included;

/// VAT of a sale's lines, one entry per rate, sorted by rate. The VAT is computed once on
/// the sum of the nets at each rate, not per line, so it matches what the receipt shows.
pub fn vat_by_rate(lines: &[SaleLine]) -> Vec<VatAmount> {
    vat_of_amounts(lines.iter().map(|l| (l.vat_rate, l.net)))
}

/// Same as [`vat_by_rate`] for any `(rate, tax-inclusive amount)` pairs (return lines).
pub fn vat_of_amounts(amounts: impl IntoIterator<Item = (Decimal, Decimal)>) -> Vec<VatAmount> {
    let mut gross_by_rate: BTreeMap<Decimal, Decimal> = BTreeMap::new();
    for (rate, amount) in amounts {
        *gross_by_rate.entry(rate).or_default() += amount;
    }
    gross_by_rate
        .into_iter()
        .map(|(rate, gross)| VatAmount {
            rate,
            gross,
            vat: vat_included(gross, rate),
        })
        .collect()
}
