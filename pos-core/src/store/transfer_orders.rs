//! Transfer orders as head office last sent them (see `004_transfer_orders.sql`).

use rusqlite::OptionalExtension;

use super::{Store, StoreError};
use crate::transfer_order::TransferOrder;

fn parse(transfer_id: &str, body: &str) -> Result<TransferOrder, StoreError> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt {
        what: "transfer order",
        value: format!("{transfer_id}: {e}"),
    })
}

impl Store {
    /// Every transfer order this till was sent, oldest id first.
    pub fn transfer_orders(&self) -> Result<Vec<TransferOrder>, StoreError> {
        let mut statement = self
            .conn()
            .prepare_cached("SELECT transfer_id, body FROM transfer_order ORDER BY transfer_id")?;
        let rows =
            statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.map(|row| {
            let (id, body) = row?;
            parse(&id, &body)
        })
        .collect()
    }

    /// The order of `transfer_id`, if head office sent one.
    pub fn transfer_order(&self, transfer_id: &str) -> Result<Option<TransferOrder>, StoreError> {
        let body: Option<String> = self
            .conn()
            .query_row(
                "SELECT body FROM transfer_order WHERE transfer_id = ?1",
                [transfer_id],
                |r| r.get(0),
            )
            .optional()?;
        body.map(|body| parse(transfer_id, &body)).transpose()
    }
}
