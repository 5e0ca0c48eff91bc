//! Transfer orders at head office (调拨单): made, approved and cancelled by the console's
//! people (and the staff API), each change audited and, once ordered, sent down the feed
//! to both stores' tills in the same transaction. Who may do what:
//! - admins and merchandisers order a transfer between any two stores, approve a store
//!   manager's request, and cancel any order not yet dispatched;
//! - a store manager requests a transfer from or to one of their stores and may cancel
//!   their own request until it is approved;
//! - auditors read.
//!
//! What the tills did is in `transfers` (ingest): an order whose dispatch head office
//! holds is dispatched, and can no longer be cancelled.

use chrono::{DateTime, Utc};
use pos_domain::protocol::Change;
use pos_domain::transfer_order::{
    OrderLine, TransferOrder, TransferOrderError, TransferOrderState, check_order,
};
use serde::Serialize;
use serde_json::json;
use tokio_postgres::types::Json;
use tokio_postgres::{GenericClient, Transaction};

use crate::console::audit;
use crate::console::users::{Role, User};
use crate::error::DbError;
use crate::feed::{self, FeedEntry};

/// Where an order stands at head office, its tills' documents included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// A store manager asked; head office has not approved it yet.
    Requested,
    /// Approved; the sending store has not dispatched it (as far as head office knows).
    Ordered,
    /// Dispatched, not received yet: in transit.
    Dispatched,
    Received,
    Cancelled,
}

impl OrderStatus {
    pub fn code(self) -> &'static str {
        match self {
            OrderStatus::Requested => "requested",
            OrderStatus::Ordered => "ordered",
            OrderStatus::Dispatched => "dispatched",
            OrderStatus::Received => "received",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// What the tills are told; a request is not sent at all.
    fn for_tills(self) -> Option<TransferOrderState> {
        match self {
            OrderStatus::Requested => None,
            OrderStatus::Ordered => Some(TransferOrderState::Ordered),
            OrderStatus::Dispatched => Some(TransferOrderState::Dispatched),
            OrderStatus::Received => Some(TransferOrderState::Received),
            OrderStatus::Cancelled => Some(TransferOrderState::Cancelled),
        }
    }
}

/// An order as head office keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredOrder {
    pub transfer_id: String,
    pub from_store: String,
    pub to_store: String,
    pub lines: Vec<OrderLine>,
    pub note: String,
    pub status: OrderStatus,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

impl StoredOrder {
    fn for_tills(&self) -> Option<TransferOrder> {
        Some(TransferOrder {
            transfer_id: self.transfer_id.clone(),
            from_store: self.from_store.clone(),
            to_store: self.to_store.clone(),
            lines: self.lines.clone(),
            note: self.note.clone(),
            state: self.status.for_tills()?,
        })
    }
}

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
    #[error("{user} manages {stores}: a request must be from or to one of them")]
    NotYourStore { user: String, stores: String },
    #[error("{0} may not order or change transfers")]
    NotAllowed(String),
    #[error("transfer order {0} does not exist")]
    NotFound(String),
    #[error("transfer order {id} is {status}, so it cannot be {what}")]
    WrongStatus {
        id: String,
        status: &'static str,
        what: &'static str,
    },
}

const SELECT: &str = "SELECT o.transfer_id, o.from_store, o.to_store, o.lines, o.note, o.state,
            o.requested_by, o.requested_at, o.decided_by, o.decided_at,
            t.dispatch_document IS NOT NULL, t.receipt_document IS NOT NULL
     FROM transfer_orders o LEFT JOIN transfers t USING (transfer_id)";

fn from_row(r: &tokio_postgres::Row) -> Result<StoredOrder, DbError> {
    let state: String = r.get(5);
    let (dispatched, received): (bool, bool) = (r.get(10), r.get(11));
    // The tills' documents win over the order's own state: goods that moved, moved.
    let status = match (state.as_str(), dispatched, received) {
        (_, _, true) => OrderStatus::Received,
        (_, true, false) => OrderStatus::Dispatched,
        ("requested", ..) => OrderStatus::Requested,
        ("ordered", ..) => OrderStatus::Ordered,
        ("cancelled", ..) => OrderStatus::Cancelled,
        (other, ..) => {
            return Err(DbError::Corrupt(format!(
                "transfer order {} has state {other:?}",
                r.get::<_, String>(0)
            )));
        }
    };
    let Json(lines): Json<Vec<OrderLine>> = r.get(3);
    Ok(StoredOrder {
        transfer_id: r.get(0),
        from_store: r.get(1),
        to_store: r.get(2),
        lines,
        note: r.get(4),
        status,
        requested_by: r.get(6),
        requested_at: r.get(7),
        decided_by: r.get(8),
        decided_at: r.get(9),
    })
}

/// Orders from or to `stores` (`None`: all), newest first.
pub async fn list(
    client: &impl GenericClient,
    stores: Option<&[String]>,
) -> Result<Vec<StoredOrder>, DbError> {
    let sql = format!(
        "{SELECT} WHERE $1::text[] IS NULL OR o.from_store = ANY($1) OR o.to_store = ANY($1)
         ORDER BY o.requested_at DESC, o.transfer_id DESC"
    );
    client
        .query(&sql, &[&stores])
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// One order, locked for a change when `for_update`.
pub async fn find(
    client: &impl GenericClient,
    transfer_id: &str,
    for_update: bool,
) -> Result<Option<StoredOrder>, DbError> {
    let lock = if for_update { " FOR UPDATE OF o" } else { "" };
    let sql = format!("{SELECT} WHERE o.transfer_id = $1{lock}");
    client
        .query_opt(&sql, &[&transfer_id])
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The feed entries telling both stores' tills where `order` stands.
pub fn feed_entries(order: &StoredOrder) -> Vec<FeedEntry> {
    let Some(sent) = order.for_tills() else {
        return Vec::new();
    };
    vec![
        FeedEntry::store(&order.from_store, Change::TransferOrder(sent.clone())),
        FeedEntry::store(&order.to_store, Change::TransferOrder(sent)),
    ]
}

async fn known_store(client: &impl GenericClient, store: &str) -> Result<bool, DbError> {
    Ok(client
        .query_opt(
            "SELECT 1 FROM terminals WHERE store_id = $1 LIMIT 1",
            &[&store],
        )
        .await?
        .is_some())
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
    let number: i64 = tx
        .query_one("SELECT nextval('transfer_order_numbers')", &[])
        .await?
        .get(0);
    let transfer_id = format!("TO{number:06}");
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
