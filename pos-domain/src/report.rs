//! X and Z reports: adds up a terminal's documents for a shift or a business day.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use uuid::Uuid;

use crate::document::{
    DenominationCount, Document, DocumentBody, ReportTotals, Sale, Tender, TenderKind, TenderTotal,
    VatAmount, ZReport,
};

/// Adds up `documents` (one terminal's shift or business day) on top of the opening float.
///
/// - `sales_*` count every sale, including those later voided; `voids_*` count the voids
///   and `returns_*` the returns, so net sales = sales - voids - returns.
/// - A void reverses its sale's discounts, VAT, tenders and points. The voided sale must
///   be among `documents` (a void is only allowed before the close); a void whose sale is
///   missing counts in `voids_*` only, and a sale voided twice is reversed once.
/// - VAT, discounts, tender totals and points are net of voids and returns; cash is net of
///   change. A tender's `count` is the number of sale payments with it, less voided ones.
/// - expected_cash = float + cash kept from sales - cash refunds + paid in - paid out.
pub fn report_totals(documents: &[Document], float: Decimal) -> ReportTotals {
    let mut sum = Sums::default();
    let mut totals = ReportTotals {
        float,
        ..ReportTotals::default()
    };
    let mut voided: BTreeSet<Uuid> = BTreeSet::new();
    for document in documents {
        totals.first_sequence = Some(
            totals
                .first_sequence
                .map_or(document.sequence, |s| s.min(document.sequence)),
        );
        totals.last_sequence = Some(
            totals
                .last_sequence
                .map_or(document.sequence, |s| s.max(document.sequence)),
        );
        match &document.body {
            DocumentBody::Sale(sale) => {
                totals.sales_count += 1;
                totals.sales_total += sale.total;
                sum.sale(&mut totals, sale, Decimal::ONE);
            }
            DocumentBody::Return(ret) => {
                totals.returns_count += 1;
                totals.returns_total += ret.total;
                sum.vat(&ret.vat, -Decimal::ONE);
                sum.tenders(&ret.tenders, -Decimal::ONE, 0);
                totals.points_earned -= ret.points_reversed;
                totals.points_redeemed -= ret.points_refunded;
            }
            DocumentBody::Void(void) => {
                totals.voids_count += 1;
                totals.voids_total += void.total;
                if voided.insert(void.sale_id)
                    && let Some(sale) = find_sale(documents, void.sale_id)
                {
                    sum.sale(&mut totals, sale, -Decimal::ONE);
                }
            }
            DocumentBody::PaidIn(movement) => totals.paid_in += movement.amount,
            DocumentBody::PaidOut(movement) => totals.paid_out += movement.amount,
            DocumentBody::ShiftOpen(_)
            | DocumentBody::ShiftClose(_)
            | DocumentBody::ZReport(_)
            | DocumentBody::MemberRegistration(_)
            | DocumentBody::PointAdjustment(_)
            | DocumentBody::OperatorChange(_)
            // Stock documents move goods, not money: no report counts them.
            | DocumentBody::GoodsReceipt(_)
            | DocumentBody::WriteOff(_)
            | DocumentBody::Stocktake(_)
            | DocumentBody::TransferDispatch(_)
            | DocumentBody::TransferReceipt(_) => {}
        }
    }
    let cash = sum.tender_amount(TenderKind::Cash);
    totals.expected_cash = float + cash + totals.paid_in - totals.paid_out;
    totals.vat = sum.vat_totals();
    totals.tenders = sum.tender_totals();
    totals
}

/// Cash in the drawer from a count by denomination.
pub fn cash_counted(counted: &[DenominationCount]) -> Decimal {
    counted
        .iter()
        .map(|c| c.denomination * Decimal::from(c.count))
        .sum()
}

/// Closes the day: the counted cash against what the documents say should be there.
pub fn z_report(z_no: u64, totals: ReportTotals, counted: Vec<DenominationCount>) -> ZReport {
    let counted_cash = cash_counted(&counted);
    let variance = counted_cash - totals.expected_cash;
    ZReport {
        z_no,
        totals,
        counted,
        counted_cash,
        variance,
    }
}

fn find_sale(documents: &[Document], id: Uuid) -> Option<&Sale> {
    documents.iter().find_map(|d| match &d.body {
        DocumentBody::Sale(sale) if d.id == id => Some(sale),
        _ => None,
    })
}

#[derive(Default)]
struct Sums {
    vat_by_rate: BTreeMap<Decimal, (Decimal, Decimal)>,
    by_tender: BTreeMap<TenderKind, (Decimal, i64)>,
}

impl Sums {
    /// Adds a sale (`sign` 1) or takes a voided one back out (`sign` -1).
    fn sale(&mut self, totals: &mut ReportTotals, sale: &Sale, sign: Decimal) {
        let count_sign = if sign.is_sign_negative() { -1 } else { 1 };
        totals.discount_total += sign * sale.discount_total;
        self.vat(&sale.vat, sign);
        self.tenders(&sale.tenders, sign, count_sign);
        self.by_tender.entry(TenderKind::Cash).or_default().0 -= sign * sale.change;
        totals.points_earned += count_sign * sale.points_earned;
        totals.points_redeemed += count_sign * sale.points_redeemed;
    }

    fn vat(&mut self, vat: &[VatAmount], sign: Decimal) {
        for v in vat {
            let entry = self.vat_by_rate.entry(v.rate).or_default();
            entry.0 += sign * v.gross;
            entry.1 += sign * v.vat;
        }
    }

    fn tenders(&mut self, tenders: &[Tender], sign: Decimal, count: i64) {
        for t in tenders {
            let entry = self.by_tender.entry(t.kind).or_default();
            entry.0 += sign * t.amount;
            entry.1 += count;
        }
    }

    fn tender_amount(&self, kind: TenderKind) -> Decimal {
        self.by_tender.get(&kind).map_or(Decimal::ZERO, |e| e.0)
    }

    fn vat_totals(&self) -> Vec<VatAmount> {
        self.vat_by_rate
            .iter()
            .filter(|(_, (gross, vat))| !gross.is_zero() || !vat.is_zero())
            .map(|(rate, (gross, vat))| VatAmount {
                rate: *rate,
                gross: *gross,
                vat: *vat,
            })
            .collect()
    }

    fn tender_totals(&self) -> Vec<TenderTotal> {
        self.by_tender
            .iter()
            .filter(|(_, (amount, count))| !amount.is_zero() || *count != 0)
            .map(|(kind, (amount, count))| TenderTotal {
                kind: *kind,
                amount: *amount,
                count: u32::try_from(*count).unwrap_or(0),
            })
            .collect()
    }
}
