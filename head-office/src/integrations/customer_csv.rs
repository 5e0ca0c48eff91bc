//! The manual mode: a channel's customers as CSV, with the API's field mapping
//! (`external_id,phone,name`; an empty cell leaves the member's field as it is).
//! An import is all or nothing: a bad row is refused with its line, and nothing is
//! written; the good file is upserted in one transaction, as the API would one by one.

use std::collections::HashMap;
use std::io::{Read, Write};

use tokio_postgres::GenericClient;
use uuid::Uuid;

use super::customers::{self, Outcome, Pending, UpsertError};
use super::fields::{CustomerFields, FieldError, check_external_id};
use super::keys::is_valid_channel;
use crate::error::DbError;

/// The columns, in order.
pub const HEADER: [&str; 3] = ["external_id", "phone", "name"];

/// A row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRow {
    /// The file's line the row starts on (the header is line 1).
    pub line: u64,
    pub external_id: String,
    pub fields: CustomerFields,
}

#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("channel {0:?} must be 1 to 32 lowercase letters, digits, '-' or '_'")]
    BadChannel(String),
    #[error("line 1: the header must be {expected}, not {found}", expected = HEADER.join(","))]
    BadHeader { found: String },
    #[error("line {line}: {problem}. Nothing was imported")]
    BadRow { line: u64, problem: String },
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("write the file: {0}")]
    Io(#[from] std::io::Error),
}

impl From<tokio_postgres::Error> for CsvError {
    fn from(e: tokio_postgres::Error) -> Self {
        CsvError::Db(e.into())
    }
}

/// Reads and checks every row; the first bad one is refused with its line.
pub fn parse(reader: impl Read) -> Result<Vec<CustomerRow>, CsvError> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(reader);
    let header = csv
        .headers()
        .map_err(|e| CsvError::BadRow {
            line: 1,
            problem: e.to_string(),
        })?
        .clone();
    if header.iter().map(str::trim).ne(HEADER) {
        return Err(CsvError::BadHeader {
            found: header.iter().collect::<Vec<_>>().join(","),
        });
    }
    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in csv.records() {
        let record = record.map_err(|e| CsvError::BadRow {
            line: e.position().map_or(0, |p| p.line()),
            problem: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let bad = |e: FieldError| CsvError::BadRow {
            line,
            problem: e.to_string(),
        };
        let cell = |i: usize| Some(record[i].to_owned()).filter(|c| !c.is_empty());
        let external_id = record[0].to_owned();
        check_external_id(&external_id).map_err(bad)?;
        let fields = CustomerFields {
            phone: cell(1),
            name: cell(2),
        };
        fields.check().map_err(bad)?;
        if let Some(first) = seen.insert(external_id.clone(), line) {
            return Err(CsvError::BadRow {
                line,
                problem: format!("external_id {external_id:?} is already on line {first}"),
            });
        }
        rows.push(CustomerRow {
            line,
            external_id,
            fields,
        });
    }
    Ok(rows)
}

/// How many rows of each outcome an import had.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub created: usize,
    pub linked: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Upserts `rows` for `channel` in one transaction: all of them, or (a phone another
/// member holds, a database failure) none.
pub async fn import(
    client: &mut tokio_postgres::Client,
    channel: &str,
    rows: &[CustomerRow],
) -> Result<ImportSummary, CsvError> {
    if !is_valid_channel(channel) {
        return Err(CsvError::BadChannel(channel.into()));
    }
    let tx = client.transaction().await?;
    let mut pending = Pending::default();
    let mut summary = ImportSummary::default();
    for row in rows {
        let done = customers::upsert_in(
            &tx,
            channel,
            &row.external_id,
            &row.fields,
            Uuid::now_v7(),
            &mut pending,
        )
        .await
        .map_err(|e| match e {
            UpsertError::PhoneTaken { .. } => CsvError::BadRow {
                line: row.line,
                problem: e.to_string(),
            },
            UpsertError::Db(e) => CsvError::Db(e),
        })?;
        match done.outcome {
            Outcome::Created => summary.created += 1,
            Outcome::Linked => summary.linked += 1,
            Outcome::Updated => summary.updated += 1,
            Outcome::Unchanged => summary.unchanged += 1,
        }
    }
    customers::publish(&tx, pending).await?;
    tx.commit().await?;
    Ok(summary)
}

/// Writes `channel`'s customers, by external id, with their members' current fields;
/// returns the rows written.
pub async fn export(
    client: &impl GenericClient,
    channel: &str,
    out: impl Write,
) -> Result<u64, CsvError> {
    let rows = client
        .query(
            "SELECT c.external_id, coalesce(m.phone, ''), m.name
             FROM channel_customers c JOIN members m ON m.id = c.member_id
             WHERE c.channel = $1 ORDER BY c.external_id",
            &[&channel],
        )
        .await?;
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(HEADER).map_err(std::io::Error::from)?;
    for row in &rows {
        let (id, phone, name): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        csv.write_record([id, phone, name])
            .map_err(std::io::Error::from)?;
    }
    csv.flush()?;
    Ok(rows.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_row_is_refused_with_its_line() {
        let file = "external_id,phone,name\nA1,13800138000,张三\nA2,138-0013,李四\n";
        match parse(file.as_bytes()) {
            Err(CsvError::BadRow { line: 3, problem }) => {
                assert!(problem.starts_with("phone:"), "{problem}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_id_twice_and_a_wrong_header_are_refused() {
        let twice = "external_id,phone,name\nA1,,张三\nA1,,李四\n";
        assert!(matches!(
            parse(twice.as_bytes()),
            Err(CsvError::BadRow { line: 3, .. })
        ));
        assert!(matches!(
            parse("id,phone,name\n".as_bytes()),
            Err(CsvError::BadHeader { .. })
        ));
    }

    #[test]
    fn empty_cells_leave_fields_out() {
        let rows = parse("external_id,phone,name\nA1,,张三\n".as_bytes()).unwrap();
        assert_eq!(
            rows,
            vec![CustomerRow {
                line: 2,
                external_id: "A1".into(),
                fields: CustomerFields {
                    phone: None,
                    name: Some("张三".into())
                },
            }]
        );
    }
}
