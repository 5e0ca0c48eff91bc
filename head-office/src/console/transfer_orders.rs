//! Making, approving and cancelling transfer orders (调拨单), for the console's pages
//! and the staff API: each change audited and, once ordered, sent down the feed to both
//! stores' tills in the same transaction. Who may do what:
//! - admins and merchandisers order a transfer between any two stores, approve a store
//!   manager's request, and cancel any order not yet dispatched;
//! - a store manager requests a transfer from or to one of their stores and may cancel
//!   their own request until it is approved;
//! - auditors read.

use chrono::{DateTime, Utc};
use pos_domain::transfer_order::{TransferOrderError, check_order};
use serde_json::json;
use tokio_postgres::types::Json;
use tokio_postgres::{GenericClient, Transaction};

use super::audit;
use super::users::{Role, User};
use crate::auth::HQ_STORE;
use crate::error::DbError;
use crate::feed;
use crate::transfer_orders::{OrderStatus, StoredOrder, feed_entries, find};

/// An order asked for, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub from_store: String,
    pub to_store: String,
    /// (SKU, lot or none for any, quantity) as typed.
    pub lines: Vec<(String, Option<String>, i64)>,
    pub note: String,
}

/// Why an order was not made or changed; nothing is stored then.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderRefusal {
    #[error(transparent)]
    Invalid(#[from] TransferOrderError),
    #[error("store {0} has no till registered at head office")]
    UnknownStore(String),
    #[error("line {line}: SKU {sku} is not in the catalog")]
    UnknownSku { line: usize, sku: String },
    #[error("line {line}: SKU {sku} has no lot {lot} in the catalog")]
    UnknownLot {
        line: usize,
        sku: String,
        lot: String,
    },
    #[error("{user} manages {stores}: a request must be from or to one of them")]
    NotYourStore { user: String, stores: String },
    #[error("{0} may not order or change transfers")]
    NotAllowed(String),
    #[error("transfer order {0} does not exist")]
    NotFound(String),
    #[error("transfer order {0} asks for the same between the same stores and is still open")]
    Duplicate(String),
    #[error("transfer order {id} is {status}, so it cannot be {what}")]
    WrongStatus {
        id: String,
        status: &'static str,
        what: &'static str,
    },
}

async fn known_store(client: &impl GenericClient, store: &str) -> Result<bool, DbError> {
    Ok(client
        .query_opt(
            "SELECT 1 FROM terminals WHERE store_id = $1 AND store_id <> $2 LIMIT 1",
            &[&store, &HQ_STORE],
        )
        .await?
        .is_some())
}

/// The next order number's id, `TO000001`, ...; a number a till already used for a
/// transfer agreed by hand is passed over (the id is the transfer's, at both tills).
async fn free_transfer_id(tx: &Transaction<'_>) -> Result<String, DbError> {
    loop {
        let number: i64 = tx
            .query_one("SELECT nextval('transfer_order_numbers')", &[])
            .await?
            .get(0);
        let id = format!("TO{number:06}");
        let used = tx
            .query_opt("SELECT 1 FROM transfers WHERE transfer_id = $1", &[&id])
            .await?;
        if used.is_none() {
            return Ok(id);
        }
    }
}

/// Makes an order: ordered at once (and sent to the tills) when an admin or a
/// merchandiser asks, a request when a store manager does. Audited in `tx`.
pub async fn create(
    tx: &Transaction<'_>,
    user: &User,
    new: &NewOrder,
    now: DateTime<Utc>,
) -> Result<Result<StoredOrder, OrderRefusal>, DbError> {
    let state = match user.role {
        Role::Admin | Role::Merchandiser => "ordered",
        Role::StoreManager => "requested",
        Role::Auditor => return Ok(Err(OrderRefusal::NotAllowed(user.name.clone()))),
    };
    let lines = match check_order(&new.from_store, &new.to_store, &new.lines, new.note.trim()) {
        Ok(lines) => lines,
        Err(e) => return Ok(Err(e.into())),
    };
    if user.role == Role::StoreManager
        && !user.sees_store(&new.from_store)
        && !user.sees_store(&new.to_store)
    {
        return Ok(Err(OrderRefusal::NotYourStore {
            user: user.name.clone(),
            stores: user.stores.join(", "),
        }));
    }
    for store in [&new.from_store, &new.to_store] {
        if !known_store(tx, store).await? {
            return Ok(Err(OrderRefusal::UnknownStore(store.clone())));
        }
    }
    let skus: Vec<&str> = lines.iter().map(|l| l.sku.as_str()).collect();
    let active: Vec<String> = tx
        .query("SELECT sku FROM products WHERE sku = ANY($1)", &[&skus])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if let Some((i, line)) = lines
        .iter()
        .enumerate()
        .find(|(_, l)| !active.contains(&l.sku))
    {
        return Ok(Err(OrderRefusal::UnknownSku {
            line: i + 1,
            sku: line.sku.clone(),
        }));
    }
    for (i, line) in lines.iter().enumerate() {
        let Some(lot) = &line.lot else { continue };
        let known = tx
            .query_opt(
                "SELECT 1 FROM lots WHERE sku = $1 AND lot_no = $2",
                &[&line.sku, lot],
            )
            .await?;
        if known.is_none() {
            return Ok(Err(OrderRefusal::UnknownLot {
                line: i + 1,
                sku: line.sku.clone(),
                lot: lot.clone(),
            }));
        }
    }
    // A second press of the same button (or a resent request) makes no second order:
    // an identical one between the same stores still open is named instead. The lock
    // makes two presses at once take turns.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('transfer-order:' || $1::text || '>' || $2::text))",
        &[&new.from_store, &new.to_store],
    )
    .await?;
    let same = tx
        .query_opt(
            "SELECT o.transfer_id FROM transfer_orders o
             WHERE o.from_store = $1 AND o.to_store = $2 AND o.lines = $3
               AND o.state IN ('requested', 'ordered')
               AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.transfer_id = o.transfer_id)
             LIMIT 1",
            &[&new.from_store, &new.to_store, &Json(&lines)],
        )
        .await?;
    if let Some(same) = same {
        return Ok(Err(OrderRefusal::Duplicate(same.get(0))));
    }
    let transfer_id = free_transfer_id(tx).await?;
    let decided = (state == "ordered").then_some((user.name.as_str(), now));
    tx.execute(
        "INSERT INTO transfer_orders (transfer_id, from_store, to_store, lines, note, state,
                                      requested_by, requested_at, decided_by, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &transfer_id,
            &new.from_store,
            &new.to_store,
            &Json(&lines),
            &new.note.trim(),
            &state,
            &user.name,
            &now,
            &decided.map(|d| d.0),
            &decided.map(|d| d.1),
        ],
    )
    .await?;
    let order = find(tx, &transfer_id, false)
        .await?
        .ok_or_else(|| DbError::Corrupt(format!("transfer order {transfer_id} just stored")))?;
    let action = if state == "ordered" {
        "transfer.order"
    } else {
        "transfer.request"
    };
    audit::record(
        tx,
        now,
        &user.name,
        action,
        &transfer_id,
        None,
        Some(json!(order)),
    )
    .await?;
    feed::publish(tx, feed_entries(&order)).await?;
    Ok(Ok(order))
}

/// What a person does to an existing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Cancel,
}

impl Decision {
    fn word(self) -> &'static str {
        match self {
            Decision::Approve => "approved",
            Decision::Cancel => "cancelled",
        }
    }
}

/// May `user` take `decision` on `order` as it stands?
fn allowed(user: &User, order: &StoredOrder, decision: Decision) -> Result<(), OrderRefusal> {
    let wrong = || OrderRefusal::WrongStatus {
        id: order.transfer_id.clone(),
        status: order.status.code(),
        what: decision.word(),
    };
    let head_office = matches!(user.role, Role::Admin | Role::Merchandiser);
    match (decision, order.status) {
        (Decision::Approve, OrderStatus::Requested) if head_office => Ok(()),
        (Decision::Cancel, OrderStatus::Requested | OrderStatus::Ordered) if head_office => Ok(()),
        // A store manager takes back their own request, nothing else.
        (Decision::Cancel, OrderStatus::Requested)
            if user.role == Role::StoreManager && order.requested_by == user.name =>
        {
            Ok(())
        }
        (_, OrderStatus::Requested) | (Decision::Cancel, OrderStatus::Ordered) => {
            Err(OrderRefusal::NotAllowed(user.name.clone()))
        }
        _ if user.role == Role::Auditor => Err(OrderRefusal::NotAllowed(user.name.clone())),
        _ => Err(wrong()),
    }
}

/// Approves or cancels `transfer_id`, audited and sent to the tills in `tx`.
pub async fn decide(
    tx: &Transaction<'_>,
    user: &User,
    transfer_id: &str,
    decision: Decision,
    now: DateTime<Utc>,
) -> Result<Result<StoredOrder, OrderRefusal>, DbError> {
    // The transfer's lock, as ingest takes it: a dispatch arriving now waits or is seen.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('transfer:' || $1::text))",
        &[&transfer_id],
    )
    .await?;
    let Some(before) = find(tx, transfer_id, true).await? else {
        return Ok(Err(OrderRefusal::NotFound(transfer_id.to_owned())));
    };
    if !user.sees_store(&before.from_store) && !user.sees_store(&before.to_store) {
        return Ok(Err(OrderRefusal::NotFound(transfer_id.to_owned())));
    }
    if let Err(refusal) = allowed(user, &before, decision) {
        return Ok(Err(refusal));
    }
    let (state, action) = match decision {
        Decision::Approve => ("ordered", "transfer.approve"),
        Decision::Cancel => ("cancelled", "transfer.cancel"),
    };
    tx.execute(
        "UPDATE transfer_orders SET state = $2, decided_by = $3, decided_at = $4
         WHERE transfer_id = $1",
        &[&transfer_id, &state, &user.name, &now],
    )
    .await?;
    let after = find(tx, transfer_id, false)
        .await?
        .ok_or_else(|| DbError::Corrupt(format!("transfer order {transfer_id} just changed")))?;
    audit::record(
        tx,
        now,
        &user.name,
        action,
        transfer_id,
        Some(json!(before)),
        Some(json!(after)),
    )
    .await?;
    // A request the tills never heard of needs no word when it is withdrawn.
    if before.status != OrderStatus::Requested || decision == Decision::Approve {
        feed::publish(tx, feed_entries(&after)).await?;
    }
    Ok(Ok(after))
}
