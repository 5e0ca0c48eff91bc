//! A transfer order (调拨单): head office asks store A to send goods to store B. It is
//! created at head office (or requested by a store manager and approved there), reaches
//! both stores' tills through the feed, and is carried out by A's dispatch and B's
//! receipt under its transfer id (`stock_document::TransferDispatch`/`TransferReceipt`).
//! What each side actually moved is in those documents; the order says what was asked.

use serde::{Deserialize, Serialize};

use crate::validate::{ID_CHARS_MAX, LINE_QUANTITY_MAX, STOCK_LINES_MAX, TEXT_CHARS_MAX};

/// What an order asks for: units of a SKU, of one lot when head office chose it (for
/// example the earliest expiry), else of any lot the sending store picks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub sku: String,
    #[serde(default)]
    pub lot: Option<String>,
    pub quantity: u32,
}

/// Where an order stands, as the tills are told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferOrderState {
    /// To be dispatched by the sending store.
    Ordered,
    /// The sending store dispatched it; the receiving store is to receive it.
    Dispatched,
    /// Received: nothing is left to do at either till.
    Received,
    /// Called off before it was dispatched.
    Cancelled,
}

impl TransferOrderState {
    pub fn code(self) -> &'static str {
        match self {
            TransferOrderState::Ordered => "ordered",
            TransferOrderState::Dispatched => "dispatched",
            TransferOrderState::Received => "received",
            TransferOrderState::Cancelled => "cancelled",
        }
    }
}

/// A transfer order as head office sends it down the feed to both of its stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferOrder {
    pub transfer_id: String,
    pub from_store: String,
    pub to_store: String,
    pub lines: Vec<OrderLine>,
    /// Why, for the people at both ends (for example "补货建议").
    #[serde(default)]
    pub note: String,
    pub state: TransferOrderState,
}

/// Why an order cannot be made as asked. Each names the line (1-based) where one is at
/// fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransferOrderError {
    #[error("store id {0:?} must be 1 to {ID_CHARS_MAX} letters, digits, '-' or '_'")]
    BadStore(String),
    #[error("a transfer goes to another store: from and to are both {0}")]
    SameStore(String),
    #[error("a transfer order needs at least one line")]
    NoLines,
    #[error("a transfer order holds at most {STOCK_LINES_MAX} lines, not {0}")]
    TooManyLines(usize),
    #[error("line {line}: SKU {sku:?} must be 1 to {ID_CHARS_MAX} characters without spaces")]
    BadSku { line: usize, sku: String },
    #[error("line {line}: lot {lot:?} must be 1 to {ID_CHARS_MAX} characters without spaces")]
    BadLot { line: usize, lot: String },
    #[error("line {line}: quantity must be 1 to {LINE_QUANTITY_MAX}, not {quantity}")]
    BadQuantity { line: usize, quantity: i64 },
    #[error("line {line}: SKU {sku} lot {lot} is already on line {first}; add the quantities up")]
    RepeatedLine {
        line: usize,
        first: usize,
        sku: String,
        lot: String,
    },
    #[error("the note must be at most {TEXT_CHARS_MAX} characters without control characters")]
    BadNote,
}

fn is_code(text: &str) -> bool {
    !text.is_empty()
        && text.chars().count() <= ID_CHARS_MAX
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_store_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= ID_CHARS_MAX
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Checks an order before head office stores it: two real stores that differ, lines
/// of known shape, one line per SKU and lot. Whether the SKUs exist is the caller's
/// to check (it holds the catalog).
pub fn check_order(
    from_store: &str,
    to_store: &str,
    lines: &[(String, Option<String>, i64)],
    note: &str,
) -> Result<Vec<OrderLine>, TransferOrderError> {
    for store in [from_store, to_store] {
        if !is_store_id(store) {
            return Err(TransferOrderError::BadStore(store.to_owned()));
        }
    }
    if from_store == to_store {
        return Err(TransferOrderError::SameStore(from_store.to_owned()));
    }
    if lines.is_empty() {
        return Err(TransferOrderError::NoLines);
    }
    if lines.len() > STOCK_LINES_MAX {
        return Err(TransferOrderError::TooManyLines(lines.len()));
    }
    if note.chars().count() > TEXT_CHARS_MAX || note.chars().any(char::is_control) {
        return Err(TransferOrderError::BadNote);
    }
    let mut checked: Vec<OrderLine> = Vec::with_capacity(lines.len());
    for (i, (sku, lot, quantity)) in lines.iter().enumerate() {
        let line = i + 1;
        if !is_code(sku) {
            return Err(TransferOrderError::BadSku {
                line,
                sku: sku.clone(),
            });
        }
        if let Some(lot) = lot.as_deref().filter(|lot| !is_code(lot)) {
            return Err(TransferOrderError::BadLot {
                line,
                lot: lot.to_owned(),
            });
        }
        let quantity = u32::try_from(*quantity)
            .ok()
            .filter(|q| (1..=LINE_QUANTITY_MAX).contains(q))
            .ok_or(TransferOrderError::BadQuantity {
                line,
                quantity: *quantity,
            })?;
        if let Some(first) = checked.iter().position(|l| l.sku == *sku && l.lot == *lot) {
            return Err(TransferOrderError::RepeatedLine {
                line,
                first: first + 1,
                sku: sku.clone(),
                lot: lot.clone().unwrap_or_else(|| "(any)".into()),
            });
        }
        checked.push(OrderLine {
            sku: sku.clone(),
            lot: lot.clone(),
            quantity,
        });
    }
    Ok(checked)
}
