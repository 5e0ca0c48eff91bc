//! Operators (操作员) and their failed-login state.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// An operator as stored; the `Till` turns it into the domain's `Operator`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRow {
    pub id: String,
    pub name: String,
    pub role: String,
    pub pin_hash: String,
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

impl Store {
    pub fn add_operator(
        &self,
        id: &str,
        name: &str,
        role: &str,
        pin_hash: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO operator (id, name, role, pin_hash) VALUES (?1, ?2, ?3, ?4)",
            params![id, name, role, pin_hash],
        )?;
        Ok(())
    }

    pub fn operators(&self) -> Result<Vec<OperatorRow>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, name, role, pin_hash, failures, locked_until FROM operator ORDER BY id",
        )?;
        let rows: Vec<(String, String, String, String, u32, Option<String>)> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter().map(row_to_operator).collect()
    }

    pub fn operator(&self, id: &str) -> Result<Option<OperatorRow>, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT id, name, role, pin_hash, failures, locked_until FROM operator WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        row.map(row_to_operator).transpose()
    }

    pub fn set_login_state(
        &self,
        id: &str,
        failures: u32,
        locked_until: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "UPDATE operator SET failures = ?2, locked_until = ?3 WHERE id = ?1",
            params![id, failures, locked_until.map(|t| t.to_rfc3339())],
        )?;
        Ok(())
    }
}

fn row_to_operator(
    (id, name, role, pin_hash, failures, locked): (
        String,
        String,
        String,
        String,
        u32,
        Option<String>,
    ),
) -> Result<OperatorRow, StoreError> {
    let locked_until = locked
        .map(|t| {
            DateTime::parse_from_rfc3339(&t)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| StoreError::corrupt("operator lock time", t))
        })
        .transpose()?;
    Ok(OperatorRow {
        id,
        name,
        role,
        pin_hash,
        failures,
        locked_until,
    })
}
