//! Shifts (班次) and the documents a report adds up.

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::catalog::decimal;
use super::{Store, StoreError};
use crate::document::Document;
use rust_decimal::Decimal;

/// The open shift of this till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenShift {
    pub id: Uuid,
    pub operator_id: String,
    pub open_sequence: u64,
    pub float: Decimal,
}

impl Store {
    pub fn open_shift(&self) -> Result<Option<OpenShift>, StoreError> {
        let row: Option<(String, String, i64, String)> = self
            .conn()
            .query_row(
                "SELECT id, operator_id, open_sequence, float FROM shift WHERE close_sequence IS NULL
                 ORDER BY open_sequence DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        row.map(|(id, operator_id, seq, float)| {
            Ok(OpenShift {
                id: id
                    .parse()
                    .map_err(|_| StoreError::corrupt("shift id", id))?,
                operator_id,
                open_sequence: seq as u64,
                float: decimal(float, "shift float")?,
            })
        })
        .transpose()
    }

    /// Documents of one shift, in order.
    pub fn shift_documents(&self, shift_id: Uuid) -> Result<Vec<Document>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT body FROM document WHERE shift_id = ?1 ORDER BY sequence")?;
        let rows = stmt.query_map(params![shift_id.to_string()], |r| r.get::<_, Vec<u8>>(0))?;
        rows.map(|r| super::stored::parse_body(&r?)).collect()
    }

    /// The floats of shifts opened after `after_sequence` (for a Z over several shifts).
    pub fn floats_after(&self, after_sequence: u64) -> Result<Decimal, StoreError> {
        let mut stmt = self
            .conn()
            .prepare("SELECT float FROM shift WHERE open_sequence > ?1")?;
        let floats: Vec<String> = stmt
            .query_map([after_sequence as i64], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        floats
            .into_iter()
            .try_fold(Decimal::ZERO, |sum, f| Ok(sum + decimal(f, "shift float")?))
    }

    /// Sequence of the last Z report, 0 before the first; and how many there were.
    pub fn last_z(&self) -> Result<(u64, u64), StoreError> {
        let (seq, count): (i64, i64) = self.conn().query_row(
            "SELECT COALESCE(MAX(sequence), 0), COUNT(*) FROM document WHERE kind = 'z_report'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((seq as u64, count as u64))
    }
}
