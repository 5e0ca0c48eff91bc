//! One barcode or lot at a time, as the console edits them: the rows and feed changes
//! an import writes, in the caller's transaction (with its audit entry), or the reason
//! the change was refused.

use pos_domain::catalog::{Lot, Product};
use pos_domain::protocol::Change;
use tokio_postgres::types::Json;
use tokio_postgres::{GenericClient, Transaction};

use super::upsert_lots;
use crate::error::DbError;
use crate::feed::{self, FeedEntry};

/// Why a barcode or lot change was not made; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRefusal {
    /// The barcode already names another product.
    BarcodeTaken { holder: String },
    /// The product has no such barcode.
    NoSuchBarcode,
    /// The product already has a lot of that number.
    LotExists,
    /// The product has no such lot.
    NoSuchLot,
    /// Stock (or an available serial) of the lot is held at these stores.
    LotHeld { stores: Vec<String> },
}

/// The product, locked against deactivation until the transaction ends.
pub async fn product_locked(tx: &Transaction<'_>, sku: &str) -> Result<Option<Product>, DbError> {
    let row = tx
        .query_opt(
            "SELECT data FROM products WHERE sku = $1 FOR SHARE",
            &[&sku],
        )
        .await?;
    Ok(row.map(|r| r.get::<_, Json<Product>>(0).0))
}

/// A product's barcodes, in order.
pub async fn barcodes_of(client: &impl GenericClient, sku: &str) -> Result<Vec<String>, DbError> {
    let rows = client
        .query(
            "SELECT barcode FROM barcodes WHERE sku = $1 ORDER BY barcode",
            &[&sku],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// A product's lots, soonest expiry first.
pub async fn lots_of(client: &impl GenericClient, sku: &str) -> Result<Vec<Lot>, DbError> {
    let rows = client
        .query(
            "SELECT lot_no, expiry_date FROM lots WHERE sku = $1 ORDER BY expiry_date, lot_no",
            &[&sku],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Lot {
            sku: sku.to_owned(),
            lot_no: r.get(0),
            expiry_date: r.get(1),
        })
        .collect())
}

/// Gives `sku` the barcode, unless another product has it. `Ok(false)`: it already had it.
pub async fn add_barcode(
    tx: &Transaction<'_>,
    sku: &str,
    barcode: &str,
) -> Result<Result<bool, CodeRefusal>, DbError> {
    // The barcode's key settles a race: of two people giving it to two products, one
    // inserts and the other finds the holder.
    let inserted = tx
        .execute(
            "INSERT INTO barcodes (barcode, sku) VALUES ($1, $2) ON CONFLICT (barcode) DO NOTHING",
            &[&barcode, &sku],
        )
        .await?;
    if inserted == 0 {
        let holder: String = tx
            .query_one("SELECT sku FROM barcodes WHERE barcode = $1", &[&barcode])
            .await?
            .get(0);
        if holder == sku {
            return Ok(Ok(false));
        }
        return Ok(Err(CodeRefusal::BarcodeTaken { holder }));
    }
    let entry = FeedEntry::chain(Change::Barcode {
        sku: sku.to_owned(),
        barcode: barcode.to_owned(),
    });
    feed::publish(tx, vec![entry]).await?;
    Ok(Ok(true))
}

/// Takes a barcode off `sku`; tills forget it at their next pull.
pub async fn remove_barcode(
    tx: &Transaction<'_>,
    sku: &str,
    barcode: &str,
) -> Result<Result<(), CodeRefusal>, DbError> {
    let removed = tx
        .execute(
            "DELETE FROM barcodes WHERE barcode = $1 AND sku = $2",
            &[&barcode, &sku],
        )
        .await?;
    if removed == 0 {
        return Ok(Err(CodeRefusal::NoSuchBarcode));
    }
    let entry = FeedEntry::chain(Change::BarcodeDeleted {
        barcode: barcode.to_owned(),
    });
    feed::publish(tx, vec![entry]).await?;
    Ok(Ok(()))
}

/// The lot as stored, locked until the transaction ends.
async fn lot_locked(tx: &Transaction<'_>, sku: &str, lot_no: &str) -> Result<Option<Lot>, DbError> {
    let row = tx
        .query_opt(
            "SELECT expiry_date FROM lots WHERE sku = $1 AND lot_no = $2 FOR UPDATE",
            &[&sku, &lot_no],
        )
        .await?;
    Ok(row.map(|r| Lot {
        sku: sku.to_owned(),
        lot_no: lot_no.to_owned(),
        expiry_date: r.get(0),
    }))
}

/// Adds a new lot to its product.
pub async fn add_lot(tx: &Transaction<'_>, lot: &Lot) -> Result<Result<(), CodeRefusal>, DbError> {
    let inserted = tx
        .execute(
            "INSERT INTO lots (sku, lot_no, expiry_date) VALUES ($1, $2, $3)
             ON CONFLICT (sku, lot_no) DO NOTHING",
            &[&lot.sku, &lot.lot_no, &lot.expiry_date],
        )
        .await?;
    if inserted == 0 {
        return Ok(Err(CodeRefusal::LotExists));
    }
    feed::publish(tx, vec![FeedEntry::chain(Change::Lot(lot.clone()))]).await?;
    Ok(Ok(()))
}

/// Gives an existing lot a new expiry; returns the lot as it was.
pub async fn set_lot_expiry(
    tx: &Transaction<'_>,
    lot: &Lot,
) -> Result<Result<Lot, CodeRefusal>, DbError> {
    let Some(before) = lot_locked(tx, &lot.sku, &lot.lot_no).await? else {
        return Ok(Err(CodeRefusal::NoSuchLot));
    };
    if before != *lot {
        let entries = upsert_lots(tx, std::slice::from_ref(lot)).await?;
        feed::publish(tx, entries).await?;
    }
    Ok(Ok(before))
}

/// Removes a lot no store holds stock or serials of; returns it.
pub async fn remove_lot(
    tx: &Transaction<'_>,
    sku: &str,
    lot_no: &str,
) -> Result<Result<Lot, CodeRefusal>, DbError> {
    let Some(before) = lot_locked(tx, sku, lot_no).await? else {
        return Ok(Err(CodeRefusal::NoSuchLot));
    };
    let held = tx
        .query(
            "SELECT store_id FROM stock WHERE sku = $1 AND lot_no = $2
             UNION
             SELECT store_id FROM serials WHERE sku = $1 AND lot_no = $2 AND available
             ORDER BY 1",
            &[&sku, &lot_no],
        )
        .await?;
    if !held.is_empty() {
        let stores = held.iter().map(|r| r.get(0)).collect();
        return Ok(Err(CodeRefusal::LotHeld { stores }));
    }
    tx.execute(
        "DELETE FROM lots WHERE sku = $1 AND lot_no = $2",
        &[&sku, &lot_no],
    )
    .await?;
    let entry = FeedEntry::chain(Change::LotDeleted {
        sku: sku.to_owned(),
        lot_no: lot_no.to_owned(),
    });
    feed::publish(tx, vec![entry]).await?;
    Ok(Ok(before))
}
