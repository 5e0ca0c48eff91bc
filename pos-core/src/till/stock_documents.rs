//! The store's stock documents at the till (库存单据): goods received (收货入库), units
//! written off (报损) and stock counted (盘点). Each first checks what only the till knows
//! — its catalog, stock and serials — with a typed reason, then commits one document the
//! domain checks too; its moves are the domain's `effects`, like a sale's.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};

use super::{Till, TillError};
use crate::catalog::{ExpiryCheck, Product, Tracking, check_expiry};
use crate::document::{Approval, Document, DocumentBody};
use crate::operator::ManagerAction;
use crate::stock_document::{
    CountLine, GoodsReceipt, NEAR_EXPIRY_DAYS, ReceiptLine, StockLine, Stocktake, WriteOff,
    WriteOffReason,
};

pub use super::stock_error::StockDocumentError;

/// A lot the store still holds whose expiry has passed: what a write-off proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiredHolding {
    pub sku: String,
    pub lot: String,
    pub expiry_date: NaiveDate,
    pub quantity: i64,
    /// The serials of the lot the store holds, for a serial-tracked product (empty for
    /// any other).
    pub serials: Vec<String>,
}

impl ExpiredHolding {
    /// The write-off line of the whole lot: its serials when it has some (one per
    /// unit), else every unit held.
    pub fn line(&self) -> StockLine {
        let quantity = if self.serials.is_empty() {
            u32::try_from(self.quantity.max(0)).unwrap_or(u32::MAX)
        } else {
            u32::try_from(self.serials.len()).unwrap_or(u32::MAX)
        };
        StockLine {
            sku: self.sku.clone(),
            lot: Some(self.lot.clone()),
            expiry_date: Some(self.expiry_date),
            serials: self.serials.clone(),
            quantity,
        }
    }
}

/// One SKU and lot counted: the units found, and for a serial-tracked product their
/// serials.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Counted {
    pub sku: String,
    pub lot: Option<String>,
    pub counted: u32,
    pub serials: Vec<String>,
}

impl Counted {
    /// `counted` units of a SKU and lot without serials.
    pub fn units(sku: impl Into<String>, lot: Option<String>, counted: u32) -> Counted {
        Counted {
            sku: sku.into(),
            lot,
            counted,
            serials: Vec::new(),
        }
    }
}

impl Till {
    /// 收货入库: goods of a delivery note or shipment `reference` from `supplier`. A lot
    /// the catalog does not list needs its expiry; a lot within the near-expiry window
    /// needs a manager (`approval`, unless a manager is logged in); an expired one is
    /// refused.
    pub fn receive_goods(
        &mut self,
        reference: &str,
        supplier: &str,
        mut lines: Vec<ReceiptLine>,
        approval: Option<&Approval>,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        self.logged_in()?;
        if lines.is_empty() {
            return Err(StockDocumentError::NoLines.into());
        }
        let today = self.business_date(now);
        let mut near_expiry = false;
        for line in &mut lines {
            self.incoming(&mut line.goods)?;
            // A UDI gives an expiry without a lot too (a serial device): checked alike.
            if let Some(expiry) = line.goods.expiry_date {
                match check_expiry(expiry, today, NEAR_EXPIRY_DAYS) {
                    ExpiryCheck::Expired => {
                        return Err(StockDocumentError::ExpiredLot {
                            sku: line.goods.sku.clone(),
                            lot: line.goods.lot.clone().unwrap_or_default(),
                            expiry,
                        }
                        .into());
                    }
                    ExpiryCheck::NearExpiry { .. } => near_expiry = true,
                    ExpiryCheck::Ok => {}
                }
            }
        }
        let approvals = if near_expiry {
            self.require(ManagerAction::NearExpiryReceipt, approval, now)?
        } else {
            Vec::new()
        };
        let receipt = GoodsReceipt {
            reference: reference.trim().to_owned(),
            supplier: supplier.trim().to_owned(),
            lines,
        };
        self.commit(now, approvals, |_, _, _| {
            Ok(DocumentBody::GoodsReceipt(receipt))
        })
    }

    /// 报损: units out of stock for `reason`, with a manager. Each lot and serial must be
    /// held; "expired" only for a lot whose expiry has come.
    pub fn write_off(
        &mut self,
        reason: WriteOffReason,
        note: &str,
        mut lines: Vec<StockLine>,
        approval: Option<&Approval>,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        self.logged_in()?;
        if lines.is_empty() {
            return Err(StockDocumentError::NoLines.into());
        }
        let today = self.business_date(now);
        let mut seen = BTreeSet::new();
        for line in &mut lines {
            let lot = self.outgoing(line, &mut seen)?;
            if reason == WriteOffReason::Expired
                && let Some(expiry) = line.expiry_date
                && expiry > today
            {
                return Err(StockDocumentError::NotExpired {
                    sku: line.sku.clone(),
                    lot,
                    expiry,
                }
                .into());
            }
            self.check_held(line)?;
        }
        let approvals = self.require(ManagerAction::WriteOff, approval, now)?;
        let write_off = WriteOff {
            reason,
            note: note.trim().to_owned(),
            lines,
        };
        self.commit(now, approvals, |_, _, _| {
            Ok(DocumentBody::WriteOff(write_off))
        })
    }

    /// 盘点: `counted` units of each (SKU, lot), with a manager. Each line records what the
    /// till held at this moment, so the variance is posted and sales rung up after the
    /// count apply on top. A full count (`full`) also sets to zero every SKU and lot the
    /// till holds that was not counted. A serial-tracked SKU's line lists the serials
    /// found (one per unit, each held here); the serials of that SKU and lot the till
    /// holds and the count did not find leave the stock, as a write-off does.
    pub fn count_stock(
        &mut self,
        full: bool,
        counted: Vec<Counted>,
        approval: Option<&Approval>,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        self.logged_in()?;
        if counted.is_empty() && !full {
            return Err(StockDocumentError::NoLines.into());
        }
        let mut lines = Vec::with_capacity(counted.len());
        let mut seen = BTreeSet::new();
        for Counted {
            sku,
            lot,
            counted: quantity,
            serials,
        } in counted
        {
            let product = self.stock_product(&sku)?;
            let lot = lot.filter(|l| !l.trim().is_empty());
            match (&product.tracking, &lot) {
                (Tracking::Lot, None) => {
                    return Err(StockDocumentError::LotRequired { sku }.into());
                }
                (Tracking::None, Some(_)) => {
                    return Err(StockDocumentError::NotTracked { sku }.into());
                }
                (_, Some(lot)) if self.store.lot(&sku, lot)?.is_none() => {
                    return Err(StockDocumentError::UnknownLot {
                        sku,
                        lot: lot.clone(),
                    }
                    .into());
                }
                _ => {}
            }
            if !seen.insert((sku.clone(), lot.clone())) {
                return Err(StockDocumentError::Repeated {
                    sku,
                    lot: lot.unwrap_or_default(),
                }
                .into());
            }
            let missing_serials = self.counted_serials(&product, &lot, quantity, &serials)?;
            let expected = self.store.stock(&sku, lot.as_deref())?;
            lines.push(CountLine {
                sku,
                lot,
                counted: quantity,
                expected,
                serials,
                missing_serials,
            });
        }
        if full {
            for (sku, lot, held) in self.store.stock_levels()? {
                if held != 0 && !seen.contains(&(sku.clone(), lot.clone())) {
                    let missing_serials = self.store.held_serials(&sku, lot.as_deref())?;
                    lines.push(CountLine {
                        sku,
                        lot,
                        counted: 0,
                        expected: held,
                        serials: Vec::new(),
                        missing_serials,
                    });
                }
            }
        }
        if lines.is_empty() {
            return Err(StockDocumentError::NoLines.into());
        }
        let approvals = self.require(ManagerAction::Stocktake, approval, now)?;
        self.commit(now, approvals, |_, _, _| {
            Ok(DocumentBody::Stocktake(Stocktake { full, lines }))
        })
    }

    /// The serials a count of `product` found, checked: one per unit and each held here
    /// for a serial-tracked product, none for any other. Returns the serials of that SKU
    /// and lot the till holds that were not found.
    fn counted_serials(
        &self,
        product: &Product,
        lot: &Option<String>,
        quantity: u32,
        found: &[String],
    ) -> Result<Vec<String>, TillError> {
        let sku = &product.sku;
        if product.tracking != Tracking::Serial {
            if !found.is_empty() {
                return Err(StockDocumentError::NotTracked { sku: sku.clone() }.into());
            }
            return Ok(Vec::new());
        }
        if found.len() != quantity as usize {
            return Err(StockDocumentError::SerialsRequired {
                sku: sku.clone(),
                quantity,
                given: found.len(),
            }
            .into());
        }
        let held = self.store.held_serials(sku, lot.as_deref())?;
        // A serial listed twice is the domain's to refuse, naming the line.
        let listed: BTreeSet<&str> = found.iter().map(String::as_str).collect();
        for serial in found {
            if !held.contains(serial) {
                return Err(StockDocumentError::SerialNotHeld {
                    sku: sku.clone(),
                    serial: serial.clone(),
                }
                .into());
            }
        }
        Ok(held
            .into_iter()
            .filter(|s| !listed.contains(s.as_str()))
            .collect())
    }

    /// Lots the store holds whose expiry has passed by `now`'s business date: what a
    /// write-off of expired goods proposes, oldest first.
    pub fn expired_holdings(&self, now: DateTime<Utc>) -> Result<Vec<ExpiredHolding>, TillError> {
        let yesterday = self.business_date(now).pred_opt().unwrap_or(NaiveDate::MIN);
        self.store
            .lots_expiring(yesterday)?
            .into_iter()
            .map(|(lot, quantity)| {
                Ok(ExpiredHolding {
                    serials: self.store.held_serials(&lot.sku, Some(&lot.lot_no))?,
                    sku: lot.sku,
                    lot: lot.lot_no,
                    expiry_date: lot.expiry_date,
                    quantity,
                })
            })
            .collect()
    }

    /// A line of goods arriving (received from a supplier or on a transfer): its product
    /// known, its lot's expiry filled in, and none of its serials already held here.
    pub(super) fn incoming(&self, line: &mut StockLine) -> Result<(), TillError> {
        let product = self.stock_product(&line.sku)?;
        self.fill_expiry(&product, line)?;
        for serial in &line.serials {
            if self.holds_serial(&line.sku, serial)? {
                return Err(StockDocumentError::SerialAlreadyHeld {
                    sku: line.sku.clone(),
                    serial: serial.clone(),
                }
                .into());
            }
        }
        Ok(())
    }

    /// A line of goods leaving the store (written off, sent on a transfer): its product
    /// known, its lot's expiry filled in, and no other line of the same SKU and lot.
    /// Returns its lot ('' for none).
    pub(super) fn outgoing(
        &self,
        line: &mut StockLine,
        seen: &mut BTreeSet<(String, String)>,
    ) -> Result<String, TillError> {
        let product = self.stock_product(&line.sku)?;
        self.fill_expiry(&product, line)?;
        let lot = line.lot.clone().unwrap_or_default();
        if !seen.insert((line.sku.clone(), lot.clone())) {
            return Err(StockDocumentError::Repeated {
                sku: line.sku.clone(),
                lot,
            }
            .into());
        }
        Ok(lot)
    }

    /// The store holds the line's units and each of its serials.
    pub(super) fn check_held(&self, line: &StockLine) -> Result<(), TillError> {
        let held = self.store.stock(&line.sku, line.lot.as_deref())?;
        if held < i64::from(line.quantity) {
            return Err(StockDocumentError::NotEnoughStock {
                sku: line.sku.clone(),
                lot: line.lot.clone().unwrap_or_default(),
                held,
                asked: line.quantity,
            }
            .into());
        }
        for serial in &line.serials {
            if !self.holds_serial(&line.sku, serial)? {
                return Err(StockDocumentError::SerialNotHeld {
                    sku: line.sku.clone(),
                    serial: serial.clone(),
                }
                .into());
            }
        }
        Ok(())
    }

    pub(super) fn stock_product(&self, sku: &str) -> Result<Product, TillError> {
        self.store.product(sku)?.ok_or_else(|| {
            StockDocumentError::UnknownSku {
                sku: sku.to_owned(),
            }
            .into()
        })
    }

    /// Checks a line against its product's tracking, and fills a known lot's expiry (a
    /// new lot must bring its own).
    pub(super) fn fill_expiry(
        &self,
        product: &Product,
        line: &mut StockLine,
    ) -> Result<(), TillError> {
        line.lot = line.lot.take().filter(|l| !l.trim().is_empty());
        let sku = || product.sku.clone();
        match product.tracking {
            Tracking::Lot if line.lot.is_none() => {
                return Err(StockDocumentError::LotRequired { sku: sku() }.into());
            }
            Tracking::Serial if line.serials.len() != line.quantity as usize => {
                return Err(StockDocumentError::SerialsRequired {
                    sku: sku(),
                    quantity: line.quantity,
                    given: line.serials.len(),
                }
                .into());
            }
            Tracking::None if line.lot.is_some() || !line.serials.is_empty() => {
                return Err(StockDocumentError::NotTracked { sku: sku() }.into());
            }
            _ => {}
        }
        let Some(lot) = &line.lot else {
            return Ok(());
        };
        match (self.store.lot(&product.sku, lot)?, line.expiry_date) {
            (Some(known), _) => line.expiry_date = Some(known.expiry_date),
            (None, Some(_)) => {}
            (None, None) => {
                return Err(StockDocumentError::ExpiryRequired {
                    sku: sku(),
                    lot: lot.clone(),
                }
                .into());
            }
        }
        Ok(())
    }

    /// Does the store hold this serial unit: head office lists it available (or this
    /// till received it) and no open sale of this till sold it?
    pub(super) fn holds_serial(&self, sku: &str, serial: &str) -> Result<bool, TillError> {
        Ok(
            self.store.serial_available_at_head_office(sku, serial)? == Some(true)
                && self.store.serial_sold_by(sku, serial)?.is_none(),
        )
    }
}
