//! The receipt as the till hands it to the printer: already priced, already
//! translated. The printer lays it out; it computes no money.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One printed document: a sale (销售小票), a return (退货单), a reprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    /// Heading, e.g. "销售小票" or "退货单"; printed bold and double size.
    pub title: String,
    pub store_name: String,
    pub store_address: Option<String>,
    pub store_phone: Option<String>,
    pub terminal_id: String,
    pub operator: String,
    /// The document's sequence number (流水号).
    pub document_no: String,
    pub printed_at: NaiveDateTime,
    pub lines: Vec<ReceiptLine>,
    /// Sum of line gross amounts.
    pub subtotal: Decimal,
    /// Sum of all discounts; printed when not zero.
    pub discount_total: Decimal,
    pub total: Decimal,
    pub vat: Vec<ReceiptVat>,
    pub tenders: Vec<ReceiptTender>,
    /// Cash given back (找零); printed when not zero.
    pub change: Decimal,
    pub member: Option<ReceiptMember>,
    pub footer: Vec<String>,
    /// The sale id, printed as a QR code and as text under it (used for returns).
    pub qr_payload: Option<String>,
    /// Prints a "重打印 / REPRINT" mark under the header.
    pub reprint: bool,
}

/// One product on the receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceiptLine {
    pub name: String,
    pub sku: String,
    pub quantity: Decimal,
    /// Unit of sale, e.g. "台", "盒".
    pub unit: String,
    /// Tax-inclusive price of one unit.
    pub unit_price: Decimal,
    /// What the customer pays for the line after its promotions (net).
    pub amount: Decimal,
    pub lot: Option<String>,
    pub expiry_date: Option<NaiveDate>,
    pub serial: Option<String>,
    /// 注册证号 / 备案号 of the device.
    pub registration_no: Option<String>,
    /// Applied promotions: (name, amount saved). A saving of 10 prints as "-10.00".
    pub promotions: Vec<(String, Decimal)>,
}

/// VAT contained in the prices at one rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceiptVat {
    /// As a fraction: 0.13 for 13%.
    pub rate: Decimal,
    /// Tax-inclusive amount sold at this rate.
    pub gross: Decimal,
    pub vat: Decimal,
}

/// One payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceiptTender {
    /// Already translated, e.g. "微信支付".
    pub label: String,
    pub amount: Decimal,
    /// Payment reference (card slip number, WeChat transaction id).
    pub reference: Option<String>,
}

/// The loyalty member attached to the sale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReceiptMember {
    pub card_no: String,
    /// The phone as the receipt prints it, masked by the till with the domain's rule
    /// (138****5678); the printer never sees the full number. Empty: not printed.
    pub masked_phone: String,
    /// Already translated tier label, e.g. "金卡".
    pub tier: String,
    pub points_earned: i64,
    pub points_redeemed: i64,
    pub points_balance: i64,
    /// The soonest of the balance's points to lapse, printed so the customer knows
    /// before they do. `None`: nothing of the balance lapses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_expiring: Option<PointsExpiring>,
}

/// Points of the balance that lapse after `last_day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsExpiring {
    pub points: i64,
    pub last_day: NaiveDate,
}

/// Roll width of the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PaperWidth {
    /// 58 mm roll: 32 columns of font A.
    Mm58,
    /// 80 mm roll: 48 columns of font A.
    Mm80,
}

impl PaperWidth {
    /// Columns of the standard 12×24 font on this paper.
    pub fn columns(self) -> usize {
        match self {
            PaperWidth::Mm58 => 32,
            PaperWidth::Mm80 => 48,
        }
    }

    /// Reads "58" or "80" (as in `--width 58`), with or without "mm".
    pub fn from_mm(text: &str) -> Option<PaperWidth> {
        match text.trim().trim_end_matches("mm") {
            "58" => Some(PaperWidth::Mm58),
            "80" => Some(PaperWidth::Mm80),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_reads_millimetres() {
        assert_eq!(PaperWidth::from_mm("58"), Some(PaperWidth::Mm58));
        assert_eq!(PaperWidth::from_mm("80mm"), Some(PaperWidth::Mm80));
        assert_eq!(PaperWidth::from_mm("76"), None);
    }
}
