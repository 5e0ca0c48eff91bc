//! Transfers between stores at the till (调拨): goods dispatched to another store leave
//! this one's stock (a manager signs), and goods of a transfer arriving here are received
//! against what was dispatched, once. What only the till knows is checked first, with a
//! typed reason; the domain checks the document itself.

use std::collections::{BTreeSet, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use super::{Till, TillError};
use crate::catalog::{ExpiryCheck, check_expiry};
use crate::document::{Approval, Document, DocumentBody};
use crate::operator::ManagerAction;
use crate::stock_document::{ReceiptLine, StockLine, TransferDispatch, TransferReceipt};
use crate::transfer_order::{TransferOrder, TransferOrderState};

/// Head office's orders this till has still to carry out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenTransferOrders {
    /// To dispatch from this store (调拨出库).
    pub to_dispatch: Vec<TransferOrder>,
    /// To receive into this store (调拨入库).
    pub to_receive: Vec<TransferOrder>,
}

use super::stock_error::StockDocumentError;

/// A lot the store holds that may still leave on a transfer: what a dispatch proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldLot {
    pub lot_no: String,
    pub expiry_date: NaiveDate,
    /// Units the till holds of it (head office's figure plus this till's documents).
    pub held: i64,
}

/// How far back the till looks for a transfer it already received: its recent documents.
const RECEIPTS_LOOKED_AT: usize = 10_000;

impl Till {
    /// 调拨出库: `lines` leave for `to_store` on transfer `transfer_id`. Each lot and
    /// serial must be held here and no lot may have expired (write it off instead).
    pub fn dispatch_transfer(
        &mut self,
        transfer_id: &str,
        to_store: &str,
        mut lines: Vec<StockLine>,
        approval: Option<&Approval>,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        self.logged_in()?;
        let to_store = to_store.trim();
        if to_store == self.identity.store_id {
            return Err(StockDocumentError::TransferToItself {
                store: to_store.to_owned(),
            }
            .into());
        }
        if lines.is_empty() {
            return Err(StockDocumentError::NoLines.into());
        }
        if let Some(order) = self.store.transfer_order(transfer_id.trim())? {
            self.check_order(&order, &self.identity.store_id, to_store)?;
            match order.state {
                TransferOrderState::Ordered => {}
                TransferOrderState::Cancelled => {
                    return Err(StockDocumentError::TransferOrderCancelled {
                        transfer_id: order.transfer_id,
                    }
                    .into());
                }
                // Another till of the store dispatched it (head office said so).
                done @ (TransferOrderState::Dispatched | TransferOrderState::Received) => {
                    return Err(StockDocumentError::TransferOrderDone {
                        transfer_id: order.transfer_id,
                        state: done.code(),
                    }
                    .into());
                }
            }
        }
        if let Some(sequence) = self.transfer_recorded("transfer_dispatch", transfer_id.trim())? {
            return Err(StockDocumentError::TransferAlreadyDispatched {
                transfer_id: transfer_id.trim().to_owned(),
                sequence,
            }
            .into());
        }
        let today = self.business_date(now);
        let mut seen = BTreeSet::new();
        for line in &mut lines {
            let lot = self.outgoing(line, &mut seen)?;
            if let Some(expiry) = line.expiry_date
                && check_expiry(expiry, today, 0) == ExpiryCheck::Expired
            {
                return Err(StockDocumentError::ExpiredLot {
                    sku: line.sku.clone(),
                    lot,
                    expiry,
                }
                .into());
            }
            self.check_held(line)?;
        }
        let approvals = self.require(ManagerAction::TransferDispatch, approval, now)?;
        let transfer = TransferDispatch {
            transfer_id: transfer_id.trim().to_owned(),
            to_store: to_store.to_owned(),
            lines,
        };
        self.commit(now, approvals, |_, _, _| {
            Ok(DocumentBody::TransferDispatch(transfer))
        })
    }

    /// The lots of `sku` the store holds that have not expired by `now`'s business date,
    /// earliest expiry first (first expiry, first out): the first is what a dispatch
    /// proposes when a SKU is scanned without its lot.
    pub fn lots_held_fefo(&self, sku: &str, now: DateTime<Utc>) -> Result<Vec<HeldLot>, TillError> {
        let today = self.business_date(now);
        let mut held = Vec::new();
        for lot in self.store.lots(sku)? {
            if check_expiry(lot.expiry_date, today, 0) == ExpiryCheck::Expired {
                continue;
            }
            let units = self.store.stock(sku, Some(&lot.lot_no))?;
            if units > 0 {
                held.push(HeldLot {
                    lot_no: lot.lot_no,
                    expiry_date: lot.expiry_date,
                    held: units,
                });
            }
        }
        held.sort_by(|a, b| (a.expiry_date, &a.lot_no).cmp(&(b.expiry_date, &b.lot_no)));
        Ok(held)
    }

    /// 调拨入库: the goods of transfer `transfer_id` from `from_store` that arrived, each
    /// line against what was dispatched (`expected`). A transfer is received once.
    pub fn receive_transfer(
        &mut self,
        transfer_id: &str,
        from_store: &str,
        mut lines: Vec<ReceiptLine>,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        self.logged_in()?;
        let transfer_id = transfer_id.trim();
        if let Some(sequence) = self.transfer_recorded("transfer_receipt", transfer_id)? {
            return Err(StockDocumentError::TransferAlreadyReceived {
                transfer_id: transfer_id.to_owned(),
                sequence,
            }
            .into());
        }
        if lines.is_empty() {
            return Err(StockDocumentError::NoLines.into());
        }
        // Goods in hand are received even if the order was cancelled: the sending till
        // may have dispatched them before it heard.
        if let Some(order) = self.store.transfer_order(transfer_id)? {
            self.check_order(&order, from_store.trim(), &self.identity.store_id)?;
            // Another till of the store received it (head office said so).
            if order.state == TransferOrderState::Received {
                return Err(StockDocumentError::TransferOrderDone {
                    transfer_id: order.transfer_id,
                    state: order.state.code(),
                }
                .into());
            }
        }
        for line in &mut lines {
            self.incoming(&mut line.goods)?;
        }
        let transfer = TransferReceipt {
            transfer_id: transfer_id.to_owned(),
            from_store: from_store.trim().to_owned(),
            lines,
        };
        self.commit(now, Vec::new(), |_, _, _| {
            Ok(DocumentBody::TransferReceipt(transfer))
        })
    }

    /// Head office's transfer orders still to be carried out here: those to dispatch
    /// from this store and those to receive into it, each until this till wrote its
    /// half.
    pub fn open_transfer_orders(&self) -> Result<OpenTransferOrders, TillError> {
        let dispatched = self.transfers_recorded("transfer_dispatch")?;
        let received = self.transfers_recorded("transfer_receipt")?;
        let here = self.identity.store_id.as_str();
        let mut open = OpenTransferOrders::default();
        for order in self.store.transfer_orders()? {
            use TransferOrderState::{Dispatched, Ordered};
            if order.from_store == here
                && order.state == Ordered
                && !dispatched.contains(&order.transfer_id)
            {
                open.to_dispatch.push(order);
            } else if order.to_store == here
                && matches!(order.state, Ordered | Dispatched)
                && !received.contains(&order.transfer_id)
            {
                open.to_receive.push(order);
            }
        }
        Ok(open)
    }

    /// An order of head office's must be carried out between its own two stores.
    fn check_order(&self, order: &TransferOrder, from: &str, to: &str) -> Result<(), TillError> {
        if (order.from_store.as_str(), order.to_store.as_str()) != (from, to) {
            return Err(StockDocumentError::TransferOrderElsewhere {
                transfer_id: order.transfer_id.clone(),
                from: order.from_store.clone(),
                to: order.to_store.clone(),
            }
            .into());
        }
        Ok(())
    }

    /// The transfer ids of this till's recent documents of `kind`.
    fn transfers_recorded(&self, kind: &str) -> Result<HashSet<String>, TillError> {
        Ok(self
            .store
            .recent_documents(kind, RECEIPTS_LOOKED_AT)?
            .into_iter()
            .filter_map(|d| match d.body {
                DocumentBody::TransferReceipt(t) => Some(t.transfer_id),
                DocumentBody::TransferDispatch(t) => Some(t.transfer_id),
                _ => None,
            })
            .collect())
    }

    /// The sequence of this till's document of `kind` (a dispatch or a receipt) for
    /// `transfer_id`, if it has one: each half of a transfer is written once.
    fn transfer_recorded(&self, kind: &str, transfer_id: &str) -> Result<Option<u64>, TillError> {
        Ok(self
            .store
            .recent_documents(kind, RECEIPTS_LOOKED_AT)?
            .into_iter()
            .find(|d| match &d.body {
                DocumentBody::TransferReceipt(t) => t.transfer_id == transfer_id,
                DocumentBody::TransferDispatch(t) => t.transfer_id == transfer_id,
                _ => false,
            })
            .map(|d| d.sequence))
    }
}
