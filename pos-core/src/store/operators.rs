//! Operators (操作员) and their failed-login state. Operators are never deleted: a
//! deactivated one keeps their row, so documents keep their name.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

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
    /// False once a manager deactivated the operator (停用).
    pub active: bool,
}

const COLUMNS: &str = "id, name, role, pin_hash, failures, locked_until, active";

type RawRow = (String, String, String, String, u32, Option<String>, bool);

fn raw(r: &Row<'_>) -> rusqlite::Result<RawRow> {
    r.try_into()
}

impl Store {
    pub fn add_operator(
        &self,
        id: &str,
        name: &str,
        role: &str,
        pin_hash: &str,
    ) -> Result<(), StoreError> {
        insert(self.conn(), id, name, role, pin_hash)
    }

    /// Every operator, deactivated ones included, by id.
    pub fn operators(&self) -> Result<Vec<OperatorRow>, StoreError> {
        let mut stmt = self
            .conn()
            .prepare(&format!("SELECT {COLUMNS} FROM operator ORDER BY id"))?;
        let rows: Vec<RawRow> = stmt.query_map([], raw)?.collect::<Result<_, _>>()?;
        rows.into_iter().map(row_to_operator).collect()
    }

    pub fn operator(&self, id: &str) -> Result<Option<OperatorRow>, StoreError> {
        let row = self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM operator WHERE id = ?1"),
                [id],
                raw,
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

    /// Active operators with the manager role.
    pub fn active_managers(&self) -> Result<usize, StoreError> {
        let n: i64 = self.conn().query_row(
            "SELECT count(*) FROM operator WHERE role = 'manager' AND active = 1",
            [],
            |r| r.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}

/// The writes behind a manager's operator changes, on the transaction of the
/// `operator_change` document that records them.
pub(crate) fn insert(
    conn: &Connection,
    id: &str,
    name: &str,
    role: &str,
    pin_hash: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO operator (id, name, role, pin_hash) VALUES (?1, ?2, ?3, ?4)",
        params![id, name, role, pin_hash],
    )?;
    Ok(())
}

/// A new PIN hash; it also clears wrong PINs counted and any lock-out.
pub(crate) fn set_pin_hash(conn: &Connection, id: &str, pin_hash: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE operator SET pin_hash = ?2, failures = 0, locked_until = NULL WHERE id = ?1",
        params![id, pin_hash],
    )?;
    Ok(())
}

/// Marks the operator deactivated; the row stays for the documents that name them.
pub(crate) fn deactivate(conn: &Connection, id: &str) -> Result<(), StoreError> {
    conn.execute("UPDATE operator SET active = 0 WHERE id = ?1", [id])?;
    Ok(())
}

fn row_to_operator(
    (id, name, role, pin_hash, failures, locked, active): RawRow,
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
        active,
    })
}
