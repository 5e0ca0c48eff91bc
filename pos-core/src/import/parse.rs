//! Reading a catalog file row by row.

use std::io::{BufRead, BufReader, Read};

use csv::StringRecord;

use super::CatalogImport;
use super::checks::SeenInFile;
use super::error::ImportError;
use super::kind::RecordKind;
use super::records;
use super::row::Row;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

pub(crate) fn parse<R: Read>(input: R) -> Result<CatalogImport, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(without_bom(input)?);
    let mut record = StringRecord::new();
    let mut catalog = CatalogImport::default();
    let mut seen = SeenInFile::default();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => return Err(csv_error(&error, reader.position().line())),
        }
        // Spreadsheets save blank rows as a line of commas.
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = record.position().map_or(0, csv::Position::line);
        add_row(&mut catalog, &mut seen, line, &record)?;
    }
    seen.check_references(&catalog)?;
    Ok(catalog)
}

fn add_row(
    catalog: &mut CatalogImport,
    seen: &mut SeenInFile,
    line: u64,
    record: &StringRecord,
) -> Result<(), ImportError> {
    let kind_text = record.get(0).unwrap_or("");
    let kind = RecordKind::from_code(kind_text).ok_or_else(|| ImportError::UnknownKind {
        line,
        kind: kind_text.to_owned(),
    })?;
    let row = Row::new(line, kind, record)?;
    match kind {
        RecordKind::Product => {
            let product = records::product(&row)?;
            seen.product(line, &product)?;
            catalog.products.push(product);
        }
        RecordKind::Barcode => {
            let (sku, barcode) = records::barcode(&row)?;
            seen.barcode(line, &barcode)?;
            catalog.barcodes.push((sku, barcode));
        }
        RecordKind::Lot => {
            let lot = records::lot(&row)?;
            seen.lot(line, &lot)?;
            catalog.lots.push(lot);
        }
        RecordKind::Stock => {
            let stock = records::stock(&row)?;
            seen.stock(line, &stock)?;
            catalog.stock.push(stock);
        }
        RecordKind::Serial => {
            let serial = records::serial(&row)?;
            seen.serial(line, &serial)?;
            catalog.serials.push(serial);
        }
        RecordKind::Member => {
            let member = records::member(&row)?;
            seen.member(line, &member)?;
            catalog.members.push(member);
        }
        RecordKind::Promotion => {
            let promotion = records::promotion(&row)?;
            seen.promotion(line, &promotion)?;
            catalog.promotions.push(promotion);
        }
    }
    Ok(())
}

/// Excel writes a byte-order mark before "CSV UTF-8" files; the csv crate would read it
/// as part of the first field.
fn without_bom<R: Read>(input: R) -> Result<BufReader<R>, ImportError> {
    let mut input = BufReader::new(input);
    let start = input.fill_buf().map_err(|e| ImportError::Csv {
        line: 1,
        message: e.to_string(),
    })?;
    if start.starts_with(UTF8_BOM) {
        input.consume(UTF8_BOM.len());
    }
    Ok(input)
}

fn csv_error(error: &csv::Error, line_reached: u64) -> ImportError {
    match error.kind() {
        csv::ErrorKind::Utf8 { pos, .. } => ImportError::NotUtf8 {
            line: pos.as_ref().map_or(line_reached, csv::Position::line),
        },
        _ => ImportError::Csv {
            line: error.position().map_or(line_reached, csv::Position::line),
            message: error.to_string(),
        },
    }
}
