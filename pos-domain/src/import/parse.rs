//! Reading a catalog file row by row.

use std::io::Read;

use csv::StringRecord;

use super::CatalogImport;
use super::checks::{RowLines, check_across_rows};
use super::error::ImportError;
use super::kind::RecordKind;
use super::records;
use super::row::Row;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const COMMENT: u8 = b'#';

pub(crate) fn parse<R: Read>(mut input: R) -> Result<CatalogImport, ImportError> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| ImportError::Csv {
            line: 1,
            message: e.to_string(),
        })?;
    // Excel writes a byte-order mark before "CSV UTF-8" files; the csv crate would read
    // it as part of the first field.
    let text = bytes.strip_prefix(UTF8_BOM).unwrap_or(&bytes);
    let mut lines = LineNumbers::new(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(COMMENT))
        .trim(csv::Trim::All)
        .from_reader(text);
    let mut record = StringRecord::new();
    let mut catalog = CatalogImport::default();
    let mut lines_of = RowLines::default();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => return Err(csv_error(&error, &mut lines)),
        }
        // Spreadsheets save blank rows as a line of commas.
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = lines.of_record_at(record.position().map_or(0, csv::Position::byte));
        add_row(&mut catalog, &mut lines_of, line, &record)?;
    }
    check_across_rows(&catalog, &lines_of)?;
    Ok(catalog)
}

fn add_row(
    catalog: &mut CatalogImport,
    lines_of: &mut RowLines,
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
            catalog.products.push(records::product(&row)?);
            lines_of.products.push(line);
        }
        RecordKind::Barcode => {
            catalog.barcodes.push(records::barcode(&row)?);
            lines_of.barcodes.push(line);
        }
        RecordKind::Lot => {
            catalog.lots.push(records::lot(&row)?);
            lines_of.lots.push(line);
        }
        RecordKind::Stock => {
            catalog.stock.push(records::stock(&row)?);
            lines_of.stock.push(line);
        }
        RecordKind::Serial => {
            catalog.serials.push(records::serial(&row)?);
            lines_of.serials.push(line);
        }
        RecordKind::Member => {
            catalog.members.push(records::member(&row)?);
            lines_of.members.push(line);
        }
        RecordKind::Promotion => {
            catalog.promotions.push(records::promotion(&row)?);
            lines_of.promotions.push(line);
        }
    }
    Ok(())
}

fn csv_error(error: &csv::Error, lines: &mut LineNumbers) -> ImportError {
    let line = lines.of_record_at(error.position().map_or(0, csv::Position::byte));
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => ImportError::NotUtf8 { line },
        _ => ImportError::Csv {
            line,
            message: error.to_string(),
        },
    }
}

/// Line numbers of records as a person counts them in an editor. The csv crate gives a
/// record's position as the end of the record before it, so comments and blank lines in
/// between would not count; this skips them the way the csv crate does.
struct LineNumbers<'a> {
    text: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl<'a> LineNumbers<'a> {
    fn new(text: &'a [u8]) -> Self {
        LineNumbers {
            text,
            counted_to: 0,
            line: 1,
        }
    }

    /// `after_previous` is the byte offset just past the previous record. Offsets only
    /// grow, so the whole file is counted once.
    fn of_record_at(&mut self, after_previous: u64) -> u64 {
        let mut start = usize::try_from(after_previous)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while let Some(&byte) = self.text.get(start) {
            match byte {
                b'\r' | b'\n' => start += 1,
                COMMENT => {
                    start = match self.text[start..].iter().position(|&b| b == b'\n') {
                        Some(newline) => start + newline + 1,
                        None => self.text.len(),
                    }
                }
                _ => break,
            }
        }
        if start > self.counted_to {
            let newlines = self.text[self.counted_to..start]
                .iter()
                .filter(|&&b| b == b'\n');
            self.line += newlines.count() as u64;
            self.counted_to = start;
        }
        self.line
    }
}
