//! The cash drawer's documents: shifts with their float, paid in and out, X and Z.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::{Till, TillError};
use crate::document::{
    Approval, CashMovement, DenominationCount, Document, DocumentBody, ReportTotals, ShiftClose,
    ShiftOpen,
};
use crate::operator::ManagerAction;
use crate::report::{cash_counted, report_totals, z_report};

impl Till {
    /// Opens a shift with the float counted by denomination (备用金).
    pub fn open_shift(
        &mut self,
        counted: Vec<DenominationCount>,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        self.logged_in()?;
        if self.store.open_shift()?.is_some() {
            return Err(TillError::ShiftAlreadyOpen);
        }
        let float = cash_counted(&counted);
        let shift_id = super::new_document_id(now);
        self.commit(now, Vec::new(), |_, _, _| {
            Ok(DocumentBody::ShiftOpen(ShiftOpen {
                shift_id,
                float,
                counted,
            }))
        })
    }

    pub fn has_open_shift(&self) -> Result<bool, TillError> {
        Ok(self.store.open_shift()?.is_some())
    }

    /// Closes the shift: its totals, the cash counted and the variance.
    pub fn close_shift(
        &mut self,
        counted: Vec<DenominationCount>,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        self.logged_in()?;
        let shift = self.store.open_shift()?.ok_or(TillError::NoOpenShift)?;
        let totals = report_totals(&self.store.shift_documents(shift.id)?, shift.float);
        let counted_cash = cash_counted(&counted);
        let variance = counted_cash - totals.expected_cash;
        self.commit(now, Vec::new(), |_, _, _| {
            Ok(DocumentBody::ShiftClose(ShiftClose {
                shift_id: shift.id,
                totals,
                counted,
                counted_cash,
                variance,
            }))
        })
    }

    pub fn paid_in(
        &mut self,
        amount: Decimal,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        self.cash_movement(amount, reason, None, now, false)
    }

    /// Cash taken out of the drawer (出款) needs a manager.
    pub fn paid_out(
        &mut self,
        amount: Decimal,
        reason: &str,
        approval: Option<&Approval>,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        self.cash_movement(amount, reason, approval, now, true)
    }

    fn cash_movement(
        &mut self,
        amount: Decimal,
        reason: &str,
        approval: Option<&Approval>,
        now: DateTime<Utc>,
        out: bool,
    ) -> Result<Document, TillError> {
        if amount <= Decimal::ZERO || amount.scale() > 2 && amount.normalize().scale() > 2 {
            return Err(TillError::NonPositiveAmount { amount });
        }
        if reason.trim().is_empty() {
            return Err(TillError::ReasonRequired);
        }
        let shift = self.store.open_shift()?.ok_or(TillError::NoOpenShift)?;
        let approvals = if out {
            self.require(ManagerAction::PaidOut, approval, now)?
        } else {
            Vec::new()
        };
        let movement = CashMovement {
            shift_id: shift.id,
            amount,
            reason: reason.trim().to_string(),
        };
        self.commit(now, approvals, |_, _, _| {
            Ok(if out {
                DocumentBody::PaidOut(movement)
            } else {
                DocumentBody::PaidIn(movement)
            })
        })
    }

    /// Opening the drawer without a sale (开钱箱) needs a manager; the approval is the record.
    pub fn no_sale(
        &self,
        approval: Option<&Approval>,
        now: DateTime<Utc>,
    ) -> Result<Approval, TillError> {
        let mut approvals = self.require(ManagerAction::NoSale, approval, now)?;
        Ok(approvals.remove(0))
    }

    /// X report (交班报表): the business day so far, since the last Z. Changes nothing.
    pub fn x_report(&self) -> Result<ReportTotals, TillError> {
        let (last_z, _) = self.store.last_z()?;
        let docs = self.store.documents_after(last_z, None)?;
        Ok(report_totals(&docs, self.store.floats_after(last_z)?))
    }

    /// Z report (日结): closes the business day of this till. An open shift is closed first
    /// with the same count. Z numbers are gapless: the next is the count so far plus one,
    /// decided inside the transaction that writes it.
    pub fn z_report(
        &mut self,
        counted: Vec<DenominationCount>,
        approval: Option<&Approval>,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        // One Z per terminal and business day: head office refuses a second one for good.
        let business_date = self.business_date(now);
        if let Some(last) = self.store.recent_documents("z_report", 1)?.first()
            && last.business_date == business_date
            && let DocumentBody::ZReport(z) = &last.body
        {
            return Err(TillError::DayAlreadyClosed {
                business_date,
                z_no: z.z_no,
            });
        }
        let approvals = self.require(ManagerAction::DailyClose, approval, now)?;
        if self.store.open_shift()?.is_some() {
            self.close_shift(counted.clone(), now)?;
        }
        let (last_z, z_count) = self.store.last_z()?;
        let docs = self.store.documents_after(last_z, None)?;
        let totals = report_totals(&docs, self.store.floats_after(last_z)?);
        let z = z_report(z_count + 1, totals, counted);
        self.commit(now, approvals, |_, _, _| Ok(DocumentBody::ZReport(z)))
    }
}
