//! Held sales (挂单): carts parked to be resumed. Kept in the file so a restart keeps them.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldSale {
    pub id: String,
    pub held_at: String,
    pub operator_id: String,
    /// What the cashier sees in the list: first product and item count.
    pub label: String,
    pub cart_json: String,
}

/// A till may park only so many carts; beyond it the cashier must finish one.
pub const HELD_SALES_MAX: usize = 20;

const HELD_COLUMNS: &str = "id, held_at, operator_id, label, cart_json";

fn held_sale(r: &rusqlite::Row<'_>) -> rusqlite::Result<HeldSale> {
    Ok(HeldSale {
        id: r.get(0)?,
        held_at: r.get(1)?,
        operator_id: r.get(2)?,
        label: r.get(3)?,
        cart_json: r.get(4)?,
    })
}

impl Store {
    pub fn hold_sale(
        &self,
        id: &str,
        operator_id: &str,
        label: &str,
        cart_json: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO held_sale (id, held_at, operator_id, label, cart_json) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, at.to_rfc3339(), operator_id, label, cart_json],
        )?;
        Ok(())
    }

    pub fn held_sales(&self) -> Result<Vec<HeldSale>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {HELD_COLUMNS} FROM held_sale ORDER BY held_at, id"
        ))?;
        let rows = stmt.query_map([], held_sale)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Removes and returns a held sale, or `None` if another till session took it.
    pub fn take_held_sale(&mut self, id: &str) -> Result<Option<HeldSale>, StoreError> {
        let tx = self.conn_mut().transaction()?;
        let held = tx
            .query_row(
                &format!("SELECT {HELD_COLUMNS} FROM held_sale WHERE id = ?1"),
                [id],
                held_sale,
            )
            .optional()?;
        tx.execute("DELETE FROM held_sale WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(held)
    }
}
