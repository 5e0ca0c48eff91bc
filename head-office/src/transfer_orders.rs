//! Transfer orders at head office (调拨单) as they are kept (`transfer_orders`) and told
//! to both stores' tills (`Change::TransferOrder`), with where each stands once the
//! tills' documents are counted: what the tills did is in `transfers` (ingest), and an
//! order whose dispatch head office holds is dispatched, whatever else was decided.
//! Making, approving and cancelling them is the console's
//! (`console::transfer_orders`), for its pages and the staff API alike.

use chrono::{DateTime, Utc};
use pos_domain::protocol::Change;
use pos_domain::transfer_order::{OrderLine, TransferOrder, TransferOrderState};
use serde::Serialize;
use tokio_postgres::GenericClient;
use tokio_postgres::types::Json;

use crate::error::DbError;
use crate::feed::FeedEntry;

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
    /// The receiving store's receipt is here, the sending store's dispatch not yet (its
    /// till was offline): the sending till is still to dispatch it.
    ReceivedAwaitingDispatch,
    Cancelled,
}

impl OrderStatus {
    pub fn code(self) -> &'static str {
        match self {
            OrderStatus::Requested => "requested",
            OrderStatus::Ordered => "ordered",
            OrderStatus::Dispatched => "dispatched",
            OrderStatus::Received => "received",
            OrderStatus::ReceivedAwaitingDispatch => "received_awaiting_dispatch",
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
            OrderStatus::ReceivedAwaitingDispatch => Some(TransferOrderState::Ordered),
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
    /// Goods moved on it while head office had not approved it (a request) or had
    /// cancelled it (a till that dispatched offline): accepted, and shown for a person
    /// to look into.
    pub moved_unapproved: bool,
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

const SELECT: &str = "SELECT o.transfer_id, o.from_store, o.to_store, o.lines, o.note, o.state,
            o.requested_by, o.requested_at, o.decided_by, o.decided_at,
            t.dispatch_document IS NOT NULL, t.receipt_document IS NOT NULL
     FROM transfer_orders o LEFT JOIN transfers t USING (transfer_id)";

fn from_row(r: &tokio_postgres::Row) -> Result<StoredOrder, DbError> {
    let state: String = r.get(5);
    let (dispatched, received): (bool, bool) = (r.get(10), r.get(11));
    // The tills' documents win over the order's own state: goods that moved, moved.
    let status = match (state.as_str(), dispatched, received) {
        (_, true, true) => OrderStatus::Received,
        (_, true, false) => OrderStatus::Dispatched,
        (_, false, true) => OrderStatus::ReceivedAwaitingDispatch,
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
    let moved_unapproved =
        (dispatched || received) && matches!(state.as_str(), "requested" | "cancelled");
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
        moved_unapproved,
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
