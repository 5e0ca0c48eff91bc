//! The files `pos stock` reads: a delivery note to receive, units to write off, a count.
//! UTF-8 CSV with a header naming the columns (any order; a byte-order mark is fine).
//! `code` is a SKU, a barcode or a scanned GS1 UDI, which fills lot, expiry and serial
//! as a scan does; `serials` holds several serials separated by `;`. Rows of the same SKU
//! and lot are one line (a file of one scanned unit per row): their quantities, expected
//! quantities and serials add up.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use pos_core::till::Till;

use crate::app::scanning::parsed;

/// One row of a stock file, its code resolved to a SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLine {
    /// The file's line number (the header is line 1).
    pub line: u64,
    pub sku: String,
    pub lot: Option<String>,
    pub expiry_date: Option<NaiveDate>,
    pub serials: Vec<String>,
    /// `quantity` (or `counted` in a count); a UDI with a serial is one unit.
    pub quantity: Option<u32>,
    pub expected: Option<u32>,
}

/// Reads `path`, which may have only the `allowed` columns and must have `code`.
pub fn read(path: &Path, allowed: &[&str], till: &Till) -> anyhow::Result<Vec<FileLine>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let text =
        std::str::from_utf8(&bytes).with_context(|| format!("{} is not UTF-8", path.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .context("the header row")?
        .iter()
        .map(str::to_owned)
        .collect();
    if let Some(unknown) = header.iter().find(|h| !allowed.contains(&h.as_str())) {
        bail!(
            "{}: column `{unknown}` is not one of {}",
            path.display(),
            allowed.join(", ")
        );
    }
    let column: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    if !column.contains_key("code") {
        bail!("{}: the header has no `code` column", path.display());
    }
    let mut lines = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = record.with_context(|| format!("line {line}"))?;
        let cell = |name: &str| {
            column
                .get(name)
                .and_then(|&i| record.get(i))
                .filter(|v| !v.is_empty())
        };
        let parsed_line = row(till, line, &cell).with_context(|| format!("line {line}"))?;
        lines.push(parsed_line);
    }
    merged(lines)
}

/// Rows of one SKU and lot as one line, in the order each first appears.
fn merged(rows: Vec<FileLine>) -> anyhow::Result<Vec<FileLine>> {
    let mut lines: Vec<FileLine> = Vec::new();
    for row in rows {
        let Some(first) = lines
            .iter_mut()
            .find(|l| l.sku == row.sku && l.lot == row.lot)
        else {
            lines.push(row);
            continue;
        };
        let add = |a: Option<u32>, b: Option<u32>| match (a, b) {
            (Some(a), Some(b)) => a.checked_add(b).map(Some),
            (a, b) => Some(a.or(b)),
        };
        first.quantity = add(first.quantity, row.quantity)
            .with_context(|| format!("line {}: the quantities add up past a count", row.line))?;
        first.expected = add(first.expected, row.expected)
            .with_context(|| format!("line {}: the expected add up past a count", row.line))?;
        first.expiry_date = first.expiry_date.or(row.expiry_date);
        first.serials.extend(row.serials);
    }
    Ok(lines)
}

fn row<'a>(
    till: &Till,
    line: u64,
    cell: &dyn Fn(&str) -> Option<&'a str>,
) -> anyhow::Result<FileLine> {
    let code = cell("code").context("`code` is empty")?;
    let scan = parsed(code);
    let looked_up = scan.as_ref().map_or(code, |s| s.code.as_str());
    let product = match till.store().product(looked_up)? {
        Some(p) => p,
        None => till
            .store()
            .product_by_code(looked_up)?
            .with_context(|| format!("no product has the code {code}"))?,
    };
    let number = |name: &str| -> anyhow::Result<Option<u32>> {
        cell(name)
            .map(|v| {
                v.parse::<u32>()
                    .with_context(|| format!("`{name}` {v:?} is not a whole number"))
            })
            .transpose()
    };
    let expiry_date = match cell("expiry_date") {
        Some(v) => Some(
            v.parse::<NaiveDate>()
                .with_context(|| format!("`expiry_date` {v:?} is not YYYY-MM-DD"))?,
        ),
        None => scan.as_ref().and_then(|s| s.expiry_date),
    };
    let mut serials: Vec<String> = cell("serials")
        .map(|v| {
            v.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if let Some(serial) = scan.as_ref().and_then(|s| s.serial.clone()) {
        serials.push(serial);
    }
    let quantity = number("quantity")?.or(number("counted")?);
    Ok(FileLine {
        line,
        sku: product.sku,
        lot: cell("lot")
            .map(str::to_owned)
            .or_else(|| scan.as_ref().and_then(|s| s.lot.clone())),
        expiry_date,
        // A UDI with a serial names one unit.
        quantity: quantity.or((!serials.is_empty()).then_some(serials.len() as u32)),
        serials,
        expected: number("expected")?,
    })
}
