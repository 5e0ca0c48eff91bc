//! Choosing a line's lot by hand: the lots the till knows for a line's product, and
//! changing the lot of a line already in the sale. The same expiry rule as a scan holds:
//! an expired lot is refused, a near-expiry lot warns.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{ScanOutcome, Till, TillError};
use crate::catalog::{ExpiryCheck, Tracking, check_expiry};

/// One lot of a product as the till knows it, to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotChoice {
    pub lot_no: String,
    pub expiry_date: NaiveDate,
    /// Head office's last figure plus this till's documents it has not reflected yet.
    pub stock: i64,
    /// What the expiry rule says about selling this lot today.
    pub expiry: ExpiryCheck,
}

impl Till {
    /// The lots a line's product has, earliest expiry first (first expiry, first out),
    /// expired ones included so the cashier sees why a package cannot be sold.
    pub fn lot_choices(
        &self,
        line_no: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<LotChoice>, TillError> {
        let line = self.line(line_no)?;
        if line.product.tracking != Tracking::Lot {
            return Err(TillError::NotLotTracked {
                sku: line.product.sku.clone(),
                name: line.product.name.clone(),
            });
        }
        let today = self.business_date(now);
        let warn_days = self.config.near_expiry_warn_days;
        self.store
            .lots(&line.product.sku)?
            .into_iter()
            .map(|lot| {
                Ok(LotChoice {
                    stock: self.store.stock(&lot.sku, Some(&lot.lot_no))?,
                    expiry: check_expiry(lot.expiry_date, today, warn_days),
                    lot_no: lot.lot_no,
                    expiry_date: lot.expiry_date,
                })
            })
            .collect()
    }

    /// Puts a line on another lot of its product. The lot must be one the till knows and
    /// not expired; a line with a serial stays on the lot head office lists that unit
    /// under. Nothing changes when the till refuses.
    pub fn set_line_lot(
        &mut self,
        line_no: u32,
        lot_no: &str,
        now: DateTime<Utc>,
    ) -> Result<ScanOutcome, TillError> {
        self.logged_in()?;
        let line = self.line(line_no)?;
        let (sku, name) = (line.product.sku.clone(), line.product.name.clone());
        if line.product.tracking != Tracking::Lot {
            return Err(TillError::NotLotTracked { sku, name });
        }
        let lot_no = lot_no.trim();
        let lot = self
            .store
            .lot(&sku, lot_no)?
            .ok_or_else(|| TillError::UnknownLot {
                sku: sku.clone(),
                lot_no: lot_no.to_string(),
            })?;
        if let Some(serial) = &line.serial
            && let Some(unit_lot) = self.store.serial_lot(&sku, serial)?
            && unit_lot != lot.lot_no
        {
            return Err(TillError::SerialLotFixed {
                serial: serial.clone(),
                lot_no: unit_lot,
            });
        }
        let today = self.business_date(now);
        let near_expiry =
            self.expiry_rule(&sku, &name, Some(&lot.lot_no), Some(lot.expiry_date), today)?;
        let line = self.line_mut(line_no)?;
        line.lot = Some(lot.lot_no);
        line.expiry_date = Some(lot.expiry_date);
        Ok(ScanOutcome {
            line_no,
            name,
            near_expiry,
        })
    }
}
