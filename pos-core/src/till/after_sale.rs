//! After the sale: voids (作废) before the close, and returns (退货) with or without the
//! original receipt.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{ItemInput, Till, TillError};
use crate::document::{
    Approval, Document, DocumentBody, Return, ReturnLine, Sale, SaleMember, Tender, TenderKind,
    Void,
};
use crate::operator::ManagerAction;
use crate::pricing::vat_of_amounts;
use crate::returns::{RefundTo, ReturnPlan, ReturnRequestLine, plan_return};

/// Items one return without a receipt takes at most; more are a second return.
pub const NO_RECEIPT_ITEMS_MAX: usize = 50;

/// What a return without a receipt would refund: its lines and their sum, in cash.
#[derive(Debug, Clone, PartialEq)]
pub struct NoReceiptPlan {
    pub lines: Vec<ReturnLine>,
    pub total: Decimal,
}

/// An item brought back without a receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnItem {
    pub item: ItemInput,
}

impl Till {
    /// A sale found by its id (the receipt's QR code) or its sequence number.
    pub fn find_sale(&self, key: &str) -> Result<(Document, Sale), TillError> {
        let key = key.trim();
        let doc = if let Ok(id) = key.parse::<Uuid>() {
            self.store.document_by_id(id)?
        } else if let Ok(sequence) = key.parse::<u64>() {
            self.store.document(sequence)?
        } else {
            None
        };
        match doc {
            Some(doc) => match &doc.body {
                DocumentBody::Sale(sale) => {
                    let sale = sale.clone();
                    Ok((doc, sale))
                }
                _ => Err(TillError::SaleNotFound {
                    id: key.to_string(),
                }),
            },
            None => Err(TillError::SaleNotFound {
                id: key.to_string(),
            }),
        }
    }

    /// Earlier returns of a sale, and whether it was voided.
    fn sale_history(&self, sale_id: Uuid, sequence: u64) -> Result<Vec<Return>, TillError> {
        let mut returns = Vec::new();
        for doc in self.store.documents_referring_to(sale_id)? {
            match doc.body {
                DocumentBody::Void(_) => return Err(TillError::ReturnOfVoided { sequence }),
                DocumentBody::Return(r) => returns.push(r),
                _ => {}
            }
        }
        Ok(returns)
    }

    /// Cancels a completed sale of the current business day (manager).
    pub fn void_sale(
        &mut self,
        sale_key: &str,
        reason: &str,
        approval: Option<&Approval>,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        if reason.trim().is_empty() {
            return Err(TillError::ReasonRequired);
        }
        let shift = self.store.open_shift()?.ok_or(TillError::NoOpenShift)?;
        let (doc, sale) = self.find_sale(sale_key)?;
        let (last_z, _) = self.store.last_z()?;
        if doc.sequence <= last_z {
            return Err(TillError::VoidAfterClose {
                sequence: doc.sequence,
            });
        }
        for later in self.store.documents_referring_to(doc.id)? {
            match later.body {
                DocumentBody::Void(_) => {
                    return Err(TillError::AlreadyVoided {
                        sequence: doc.sequence,
                    });
                }
                DocumentBody::Return(_) => {
                    return Err(TillError::VoidAfterReturn {
                        sequence: doc.sequence,
                    });
                }
                _ => {}
            }
        }
        let approvals = self.require(ManagerAction::Void, approval, now)?;
        let body = DocumentBody::Void(Void {
            shift_id: shift.id,
            sale_id: doc.id,
            sale_sequence: doc.sequence,
            total: sale.total,
            reason: reason.trim().to_string(),
        });
        self.commit(now, approvals, |_, _, _| Ok(body))
    }

    /// What returning these lines of a sale would refund, without recording anything.
    pub fn plan_return(
        &self,
        sale_key: &str,
        request: &[ReturnRequestLine],
        refund_to: RefundTo,
    ) -> Result<ReturnPlan, TillError> {
        let (doc, sale) = self.find_sale(sale_key)?;
        let earlier = self.sale_history(doc.id, doc.sequence)?;
        Ok(plan_return(&sale, &earlier, request, refund_to)?)
    }

    /// Takes back lines of a sale: refunds exactly what they were paid, reverses the
    /// points, restocks the same lots and frees the serials.
    pub fn return_from_sale(
        &mut self,
        sale_key: &str,
        request: &[ReturnRequestLine],
        refund_to: RefundTo,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        self.logged_in()?;
        let shift = self.store.open_shift()?.ok_or(TillError::NoOpenShift)?;
        let (doc, sale) = self.find_sale(sale_key)?;
        let earlier = self.sale_history(doc.id, doc.sequence)?;
        let plan = plan_return(&sale, &earlier, request, refund_to)?;
        let body = DocumentBody::Return(Return {
            shift_id: shift.id,
            original_sale_id: Some(doc.id),
            lines: plan.lines,
            total: plan.total,
            vat: plan.vat,
            tenders: plan.tenders,
            cash_rounding: plan.cash_rounding,
            member: sale.member.clone(),
            points_reversed: plan.points_reversed,
            points_refunded: plan.points_refunded,
            reason: reason.trim().to_string(),
        });
        self.commit(now, Vec::new(), |_, _, _| Ok(body))
    }

    /// What taking these items back without a receipt would refund (cash, at today's
    /// price), without recording anything; the same checks as the return itself.
    pub fn plan_return_without_receipt(
        &self,
        items: &[ReturnItem],
    ) -> Result<NoReceiptPlan, TillError> {
        if items.len() > NO_RECEIPT_ITEMS_MAX {
            return Err(TillError::TooManyItems {
                max: NO_RECEIPT_ITEMS_MAX,
            });
        }
        let mut lines = Vec::with_capacity(items.len());
        for ReturnItem { item } in items {
            if item.quantity == 0 {
                return Err(TillError::ZeroQuantity);
            }
            let product =
                self.store
                    .product_by_code(&item.code)?
                    .ok_or_else(|| TillError::UnknownCode {
                        code: item.code.clone(),
                    })?;
            if let Some(serial) = &item.serial {
                if item.quantity != 1 {
                    return Err(TillError::SerialQuantity {
                        serial: serial.clone(),
                    });
                }
                if lines
                    .iter()
                    .any(|l: &ReturnLine| l.sku == product.sku && l.serial.as_ref() == Some(serial))
                {
                    return Err(TillError::SerialInCart {
                        serial: serial.clone(),
                    });
                }
                if let Some(sequence) = self.store.serial_sold_by(&product.sku, serial)? {
                    return Err(TillError::SerialReturnOnOtherSale {
                        serial: serial.clone(),
                        sequence,
                    });
                }
            }
            lines.push(ReturnLine {
                original_line_no: None,
                sku: product.sku,
                name: product.name,
                quantity: item.quantity,
                lot: item.lot.clone(),
                serial: item.serial.clone(),
                refund: crate::money::round_cny(product.price * Decimal::from(item.quantity)),
                vat_rate: product.vat_rate,
            });
        }
        let total = lines.iter().map(|l| l.refund).sum();
        Ok(NoReceiptPlan { lines, total })
    }

    /// Takes back goods without the original sale (manager): refunded in cash at today's
    /// price. A serial this till sold must be returned against its sale instead.
    pub fn return_without_receipt(
        &mut self,
        items: &[ReturnItem],
        reason: &str,
        approval: Option<&Approval>,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        if reason.trim().is_empty() {
            return Err(TillError::ReasonRequired);
        }
        if items.is_empty() {
            return Err(TillError::EmptyCart);
        }
        let shift = self.store.open_shift()?.ok_or(TillError::NoOpenShift)?;
        let approvals = self.require(ManagerAction::RefundWithoutReceipt, approval, now)?;
        let NoReceiptPlan { lines, total } = self.plan_return_without_receipt(items)?;
        let body = DocumentBody::Return(Return {
            shift_id: shift.id,
            original_sale_id: None,
            vat: vat_of_amounts(lines.iter().map(|l| (l.vat_rate, l.refund))),
            tenders: vec![Tender {
                kind: TenderKind::Cash,
                amount: total,
                reference: None,
                points: 0,
            }],
            lines,
            total,
            cash_rounding: Decimal::ZERO,
            member: None::<SaleMember>,
            points_reversed: 0,
            points_refunded: 0,
            reason: reason.trim().to_string(),
        });
        self.commit(now, approvals, |_, _, _| Ok(body))
    }
}
