//! Head office's transfer orders on the stock work menu: each order this till has
//! still to dispatch or receive is one line, numbered 1–9; its number (or a click)
//! opens the dispatch with the order's lines filled in (lots earliest expiry first where
//! head office named none), or the receipt with its transfer and sending store.

use pos_core::stock_document::StockLine;
use pos_core::till::OpenTransferOrders;
use pos_core::transfer_order::TransferOrder;

use super::{Kind, Start, State};
use crate::app::screen::{Ctx, Event};

/// Orders the menu numbers at most (keys 1 to 9).
pub const LISTED_MAX: usize = 9;

/// One order on the menu: which side this till does, and the order.
pub fn listed(orders: &OpenTransferOrders) -> impl Iterator<Item = (Kind, &TransferOrder)> {
    let dispatch = orders.to_dispatch.iter().map(|o| (Kind::Dispatch, o));
    let receive = orders.to_receive.iter().map(|o| (Kind::TransferReceipt, o));
    dispatch.chain(receive).take(LISTED_MAX)
}

/// What opening `order` for `kind` fills in.
fn start(kind: Kind, order: &TransferOrder) -> Start {
    match kind {
        Kind::Dispatch => Start::dispatch(
            &order.transfer_id,
            &order.to_store,
            order
                .lines
                .iter()
                .map(|l| StockLine {
                    sku: l.sku.clone(),
                    lot: l.lot.clone(),
                    expiry_date: None,
                    serials: Vec::new(),
                    quantity: l.quantity,
                })
                .collect(),
        ),
        // What arrives is scanned: the order says what was asked, not what was sent.
        _ => Start {
            kind: Kind::TransferReceipt,
            reference: order.transfer_id.clone(),
            party: order.from_store.clone(),
            lines: Vec::new(),
        },
    }
}

impl State {
    /// Reads the open orders again (the menu shows them).
    pub(super) fn refresh_orders(&mut self, ctx: &Ctx<'_>) -> Option<Event> {
        match ctx.till.open_transfer_orders() {
            Ok(orders) => {
                self.orders = orders;
                None
            }
            Err(e) => Some(Event::Error(e)),
        }
    }

    /// Opens the `n`th order of the menu (from 0).
    pub(super) fn open_order(&mut self, n: usize, ctx: &mut Ctx<'_>) -> Option<Event> {
        let (kind, order) = listed(&self.orders).nth(n)?;
        let start = start(kind, order);
        self.start(start, ctx)
    }
}
