//! The one place a document becomes a printed receipt: sales and returns, first print
//! or reprint. The X and Z reports are built in [`super::screen::reports`].

use chrono::{DateTime, NaiveDateTime, Utc};
use pos_core::document::{Document, DocumentBody, Return, Sale, SaleMember};
use pos_core::till::Till;
use printer::{PointsExpiring, Receipt, ReceiptLine, ReceiptMember, ReceiptTender, ReceiptVat};
use rust_decimal::Decimal;

use super::i18n::I18n;
use super::screen::member::tier_label;
use super::screen::payment::tender_key;

/// What a receipt needs besides the document.
pub struct Header<'a> {
    pub store_name: &'a str,
    pub operator: String,
    pub printed_at: NaiveDateTime,
    pub i18n: I18n,
    pub reprint: bool,
}

impl<'a> Header<'a> {
    pub fn new(
        till: &Till,
        store_name: &'a str,
        now: chrono::DateTime<chrono::Utc>,
        i18n: I18n,
    ) -> Header<'a> {
        Header {
            store_name,
            operator: till.operator().map(|o| o.name.clone()).unwrap_or_default(),
            printed_at: till.local_time(now),
            i18n,
            reprint: false,
        }
    }
}

/// The receipt of a sale or return; `None` for documents that print none.
pub fn for_document(doc: &Document, till: &Till, header: &Header<'_>) -> Option<Receipt> {
    match &doc.body {
        DocumentBody::Sale(sale) => Some(sale_receipt(doc, sale, till, header)),
        DocumentBody::Return(ret) => Some(return_receipt(doc, ret, till, header)),
        _ => None,
    }
}

fn base(doc: &Document, title: &str, header: &Header<'_>) -> Receipt {
    Receipt {
        title: title.to_string(),
        store_name: header.store_name.to_string(),
        store_address: None,
        store_phone: None,
        terminal_id: doc.terminal_id.clone(),
        operator: header.operator.clone(),
        document_no: doc.sequence.to_string(),
        printed_at: header.printed_at,
        lines: Vec::new(),
        subtotal: Decimal::ZERO,
        discount_total: Decimal::ZERO,
        total: Decimal::ZERO,
        vat: Vec::new(),
        tenders: Vec::new(),
        change: Decimal::ZERO,
        member: None,
        footer: header
            .i18n
            .t("receipt.footer")
            .lines()
            .map(str::to_string)
            .collect(),
        qr_payload: Some(doc.id.to_string()),
        reprint: header.reprint,
    }
}

fn sale_receipt(doc: &Document, sale: &Sale, till: &Till, header: &Header<'_>) -> Receipt {
    let i18n = header.i18n;
    Receipt {
        lines: sale
            .lines
            .iter()
            .map(|l| ReceiptLine {
                name: l.name.clone(),
                sku: l.sku.clone(),
                quantity: Decimal::from(l.quantity),
                unit: l.unit.clone(),
                unit_price: l.unit_price,
                amount: l.net,
                lot: l.lot.clone(),
                expiry_date: l.expiry_date,
                serial: l.serial.clone(),
                registration_no: l.registration_no.clone(),
                promotions: l
                    .discounts
                    .iter()
                    .map(|d| (d.name.clone(), d.amount))
                    .collect(),
            })
            .collect(),
        subtotal: sale.subtotal,
        discount_total: sale.discount_total,
        total: sale.total + sale.cash_rounding,
        vat: receipt_vat(&sale.vat),
        tenders: receipt_tenders(&sale.tenders, i18n),
        change: sale.change,
        member: sale.member.as_ref().map(|m| {
            let points = (sale.points_earned, sale.points_redeemed);
            member(m, points, doc.created_at, till, i18n)
        }),
        ..base(doc, i18n.t("receipt.sale"), header)
    }
}

fn receipt_vat(vat: &[pos_core::document::VatAmount]) -> Vec<ReceiptVat> {
    vat.iter()
        .map(|v| ReceiptVat {
            rate: v.rate,
            gross: v.gross,
            vat: v.vat,
        })
        .collect()
}

fn receipt_tenders(tenders: &[pos_core::document::Tender], i18n: I18n) -> Vec<ReceiptTender> {
    tenders
        .iter()
        .map(|t| ReceiptTender {
            label: i18n.t(tender_key(t.kind)).to_string(),
            amount: t.amount,
            reference: t.reference.clone(),
        })
        .collect()
}

fn return_receipt(doc: &Document, ret: &Return, till: &Till, header: &Header<'_>) -> Receipt {
    let i18n = header.i18n;
    let original = ret
        .original_sale_id
        .and_then(|id| till.find_sale(&id.to_string()).ok())
        .map(|(_, sale)| sale);
    Receipt {
        lines: ret
            .lines
            .iter()
            .map(|l| {
                let sold = original.as_ref().and_then(|s| {
                    s.lines
                        .iter()
                        .find(|o| Some(o.line_no) == l.original_line_no)
                });
                ReceiptLine {
                    name: l.name.clone(),
                    sku: l.sku.clone(),
                    quantity: Decimal::from(l.quantity),
                    unit: sold.map(|s| s.unit.clone()).unwrap_or_default(),
                    // The price it was sold at; a return without receipt is at today's price.
                    unit_price: sold.map(|s| s.unit_price).unwrap_or(l.refund),
                    amount: l.refund,
                    lot: l.lot.clone(),
                    expiry_date: sold.and_then(|s| s.expiry_date),
                    serial: l.serial.clone(),
                    registration_no: sold.and_then(|s| s.registration_no.clone()),
                    promotions: Vec::new(),
                }
            })
            .collect(),
        subtotal: ret.total,
        // What goes back, as a sale's receipt shows what was paid: cash rounding included.
        total: ret.total + ret.cash_rounding,
        vat: receipt_vat(&ret.vat),
        tenders: receipt_tenders(&ret.tenders, i18n),
        member: ret.member.as_ref().map(|m| {
            let points = (-ret.points_reversed, -ret.points_refunded);
            member(m, points, doc.created_at, till, i18n)
        }),
        footer: vec![i18n.f("receipt.reason", &[("reason", &ret.reason)])],
        ..base(doc, i18n.t("receipt.return"), header)
    }
}

fn member(
    m: &SaleMember,
    (earned, redeemed): (i64, i64),
    at: DateTime<Utc>,
    till: &Till,
    i18n: I18n,
) -> ReceiptMember {
    // One lookup: the phone, and the balance and what lapses next as of the document's
    // own moment, so a receipt printed again prints the same expiry.
    let known = till.find_member_on(&m.member_id, at).ok().flatten();
    ReceiptMember {
        card_no: m.card_no.clone(),
        masked_phone: known
            .as_ref()
            .map(|(k, _)| pos_core::member::mask_phone(&k.phone))
            .unwrap_or_default(),
        tier: tier_label(till, m.tier, i18n),
        points_earned: earned,
        points_redeemed: redeemed,
        points_balance: known
            .as_ref()
            .map(|(k, _)| k.points_balance)
            .unwrap_or_default(),
        points_expiring: known.and_then(|(_, next)| next).map(|e| PointsExpiring {
            points: e.points,
            last_day: e.last_day,
        }),
    }
}
