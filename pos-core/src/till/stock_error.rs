//! Why the till refuses a goods receipt, a write-off or a count before it is written:
//! what only the till knows (its catalog, stock and serials). Nothing is changed.

use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StockDocumentError {
    #[error("there is nothing to record: no lines")]
    NoLines,
    #[error("no product has the SKU {sku}")]
    UnknownSku { sku: String },
    #[error("{sku} is tracked by lot: give the lot of each line")]
    LotRequired { sku: String },
    #[error("{sku} is not tracked by lot or serial: a line of it has no lot or serials")]
    NotTracked { sku: String },
    #[error("{sku} is tracked by serial: {given} serials for {quantity} units, one per unit")]
    SerialsRequired {
        sku: String,
        quantity: u32,
        given: usize,
    },
    #[error("lot {lot} of {sku} is new: give its expiry date")]
    ExpiryRequired { sku: String, lot: String },
    #[error("lot {lot} of {sku} is not in the catalog")]
    UnknownLot { sku: String, lot: String },
    #[error("lot {lot} of {sku} expired on {expiry}: an expired lot is not received")]
    ExpiredLot {
        sku: String,
        lot: String,
        expiry: NaiveDate,
    },
    #[error("lot {lot} of {sku} has not expired (it expires on {expiry})")]
    NotExpired {
        sku: String,
        lot: String,
        expiry: NaiveDate,
    },
    #[error("serial {serial} of {sku} is already in this store's stock")]
    SerialAlreadyHeld { sku: String, serial: String },
    #[error("serial {serial} of {sku} is not in this store's stock")]
    SerialNotHeld { sku: String, serial: String },
    #[error("{sku} lot {lot}: {asked} to write off, the store holds {held}")]
    NotEnoughStock {
        sku: String,
        lot: String,
        held: i64,
        asked: u32,
    },
    #[error("{sku} lot {lot} is on two lines: one line per SKU and lot")]
    Repeated { sku: String, lot: String },
    #[error("a transfer goes to another store; {store} is this one")]
    TransferToItself { store: String },
    #[error("transfer {transfer_id} was already dispatched here (document no. {sequence})")]
    TransferAlreadyDispatched { transfer_id: String, sequence: u64 },
    #[error("transfer {transfer_id} was already received here (document no. {sequence})")]
    TransferAlreadyReceived { transfer_id: String, sequence: u64 },
    #[error("head office's transfer order {transfer_id} goes from {from} to {to}")]
    TransferOrderElsewhere {
        transfer_id: String,
        from: String,
        to: String,
    },
    #[error("head office cancelled transfer order {transfer_id}; it is not to be dispatched")]
    TransferOrderCancelled { transfer_id: String },
    #[error("transfer order {transfer_id} is already {state} (by another till of this store)")]
    TransferOrderDone {
        transfer_id: String,
        state: &'static str,
    },
}
