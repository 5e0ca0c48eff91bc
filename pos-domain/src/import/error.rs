//! What can be wrong with a catalog file, said so a person can find and fix it.

use super::kind::column_layout;

/// An import stops at the first bad row; nothing from the file is applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("line {line}: the file could not be read as CSV: {message}")]
    Csv { line: u64, message: String },

    #[error(
        "line {line}: the file is not UTF-8 text (Excel saves GBK by default); \
         save it as \"CSV UTF-8\" and import again"
    )]
    NotUtf8 { line: u64 },

    #[error("line {line}: {kind} field `{field}` is \"{value}\": {why}")]
    Field {
        line: u64,
        kind: String,
        field: &'static str,
        value: String,
        why: String,
    },

    #[error(
        "line {line}: unknown record kind \"{kind}\"; the first column must be one of \
         product, barcode, lot, stock, serial, member, promotion (or # for a comment)"
    )]
    UnknownKind { line: u64, kind: String },

    #[error(
        "line {line}: a {kind} row has {expected} columns ({layout}), this one has {found}; \
         a field with a comma in it must be in double quotes",
        layout = column_layout(kind)
    )]
    WrongFieldCount {
        line: u64,
        kind: String,
        expected: usize,
        found: usize,
    },

    #[error(
        "line {line}: {kind} field `{field}` is \"{value}\", which line {first_line} already has; \
         remove one of the two rows"
    )]
    Duplicate {
        line: u64,
        kind: String,
        field: &'static str,
        value: String,
        first_line: u64,
    },
}

impl ImportError {
    /// The line of the file the problem is on, counting from 1, comments included.
    pub fn line(&self) -> u64 {
        match self {
            ImportError::Csv { line, .. }
            | ImportError::NotUtf8 { line }
            | ImportError::Field { line, .. }
            | ImportError::UnknownKind { line, .. }
            | ImportError::WrongFieldCount { line, .. }
            | ImportError::Duplicate { line, .. } => *line,
        }
    }
}
