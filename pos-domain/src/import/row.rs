//! One CSV row of a known kind, with typed access to its columns. Every failure names
//! the line, the kind and the column.

use chrono::{NaiveDate, NaiveDateTime};
use csv::StringRecord;
use rust_decimal::Decimal;

use super::error::ImportError;
use super::kind::RecordKind;
use crate::validate::{ID_CHARS_MAX, TEXT_CHARS_MAX};

/// Columns that hold ids and codes, bounded like ids on documents; every other text
/// column is bounded like names.
const ID_FIELDS: [&str; 7] = [
    "sku", "barcode", "lot_no", "serial", "id", "card_no", "phone",
];

/// Dates may come as 2026-11-22 or, after a round through Excel, 2026/11/22.
const DATE_FORMATS: [&str; 2] = ["%Y-%m-%d", "%Y/%m/%d"];
/// `%.f` also takes no fraction, so 2027-12-31T23:59:59 and ...:59.5 both read.
const DATE_TIME_FORMATS: [&str; 2] = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"];

pub(crate) struct Row<'a> {
    pub(crate) line: u64,
    pub(crate) kind: RecordKind,
    record: &'a StringRecord,
}

impl<'a> Row<'a> {
    /// Checks the column count. Extra columns are accepted only when empty: Excel pads
    /// short rows with commas up to the widest row of the sheet.
    pub(crate) fn new(
        line: u64,
        kind: RecordKind,
        record: &'a StringRecord,
    ) -> Result<Row<'a>, ImportError> {
        let expected = kind.column_count();
        let found = record.len();
        let padding_only = record.iter().skip(expected).all(str::is_empty);
        if found < kind.required_column_count() || !padding_only {
            return Err(ImportError::WrongFieldCount {
                line,
                kind: kind.code().to_owned(),
                expected,
                found,
            });
        }
        Ok(Row { line, kind, record })
    }

    /// The raw text of column `index` (0 = the first column after the kind).
    pub(crate) fn text(&self, index: usize) -> &'a str {
        self.record.get(index + 1).unwrap_or("")
    }

    pub(crate) fn field_error(&self, index: usize, why: impl Into<String>) -> ImportError {
        ImportError::Field {
            line: self.line,
            kind: self.kind.code().to_owned(),
            field: self.kind.fields()[index],
            value: self.text(index).to_owned(),
            why: why.into(),
        }
    }

    pub(crate) fn required(&self, index: usize) -> Result<String, ImportError> {
        match self.text(index) {
            "" => Err(self.field_error(index, "must not be empty")),
            text => self.fits_a_document(index, text).map(|()| text.to_owned()),
        }
    }

    pub(crate) fn optional(&self, index: usize) -> Result<Option<String>, ImportError> {
        match self.text(index) {
            "" => Ok(None),
            text => self
                .fits_a_document(index, text)
                .map(|()| Some(text.to_owned())),
        }
    }

    /// Text that ends up on documents (a SKU, a lot, a name) must pass the same bounds
    /// documents are validated with, or a sale of it could never be committed.
    fn fits_a_document(&self, index: usize, text: &str) -> Result<(), ImportError> {
        if text.chars().any(char::is_control) {
            return Err(self.field_error(index, "must not hold control characters"));
        }
        let field = self.kind.fields()[index];
        let max = if ID_FIELDS.contains(&field) {
            ID_CHARS_MAX
        } else {
            TEXT_CHARS_MAX
        };
        if text.chars().count() > max {
            return Err(self.field_error(index, format!("must be at most {max} characters")));
        }
        Ok(())
    }

    pub(crate) fn integer<T: std::str::FromStr>(&self, index: usize) -> Result<T, ImportError> {
        self.text(index)
            .parse()
            .map_err(|_| self.field_error(index, "must be a whole number such as 12"))
    }

    pub(crate) fn decimal(&self, index: usize) -> Result<Decimal, ImportError> {
        self.text(index)
            .parse()
            .map_err(|_| self.field_error(index, "must be a decimal number such as 199.00"))
    }

    pub(crate) fn boolean(&self, index: usize) -> Result<bool, ImportError> {
        match self.text(index) {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(self.field_error(index, "must be true or false")),
        }
    }

    pub(crate) fn date(&self, index: usize) -> Result<NaiveDate, ImportError> {
        let text = self.text(index);
        DATE_FORMATS
            .iter()
            .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
            .ok_or_else(|| self.field_error(index, "must be a real date written YYYY-MM-DD"))
    }

    pub(crate) fn optional_date_time(
        &self,
        index: usize,
    ) -> Result<Option<NaiveDateTime>, ImportError> {
        let text = self.text(index);
        if text.is_empty() {
            return Ok(None);
        }
        DATE_TIME_FORMATS
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
            .map(Some)
            .ok_or_else(|| {
                self.field_error(
                    index,
                    "must be empty or a real date and time written YYYY-MM-DDTHH:MM:SS",
                )
            })
    }
}
