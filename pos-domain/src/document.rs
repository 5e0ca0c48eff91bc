//! Documents (单据): everything the till records and sends to head office. The same
//! types are the wire format, the journal's canonical bytes and head office's input,
//! so a field added here must stay readable by older readers (serde defaults).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::member::Tier;
use crate::organisation::QualificationProblem;
pub use crate::stock_document::{
    GoodsReceipt, Stocktake, TransferDispatch, TransferReceipt, WriteOff,
};

/// What a manager approved on a document (授权).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// What was approved: "price_override", "refund_without_receipt", "void",
    /// "points_redemption", "no_sale", "line_discount".
    pub action: String,
    pub manager_id: String,
    pub at: DateTime<Utc>,
}

/// A discount that made a line cheaper, named for the receipt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineDiscount {
    /// "promotion", "manual" or "order".
    pub source: String,
    /// Promotion id, or empty for manual and order discounts.
    pub promotion_id: String,
    /// What the receipt prints: the promotion name or the cashier's reason.
    pub name: String,
    /// Positive amount taken off this line.
    pub amount: Decimal,
}

/// One priced line of a sale (明细行).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleLine {
    pub line_no: u32,
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit: String,
    pub quantity: u32,
    pub lot: Option<String>,
    pub expiry_date: Option<NaiveDate>,
    pub serial: Option<String>,
    pub registration_no: Option<String>,
    /// List price per unit (or the override price, when overridden).
    pub unit_price: Decimal,
    /// unit_price * quantity.
    pub gross: Decimal,
    pub discounts: Vec<LineDiscount>,
    /// What the customer pays for this line: gross - sum(discounts). Never negative.
    pub net: Decimal,
    pub vat_rate: Decimal,
    /// Points multiplier from promotions on this line (1 when none).
    pub points_multiplier: Decimal,
}

/// VAT for one rate, computed from the sum of the nets at that rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VatAmount {
    pub rate: Decimal,
    /// Tax-inclusive amount at this rate.
    pub gross: Decimal,
    pub vat: Decimal,
}

/// 支付方式.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenderKind {
    Cash,
    BankCard,
    WechatPay,
    Alipay,
    Points,
}

impl TenderKind {
    pub const ALL: [TenderKind; 5] = [
        TenderKind::Cash,
        TenderKind::BankCard,
        TenderKind::WechatPay,
        TenderKind::Alipay,
        TenderKind::Points,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TenderKind::Cash => "cash",
            TenderKind::BankCard => "bank_card",
            TenderKind::WechatPay => "wechat_pay",
            TenderKind::Alipay => "alipay",
            TenderKind::Points => "points",
        }
    }

    pub fn from_code(code: &str) -> Option<TenderKind> {
        TenderKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            TenderKind::Cash => "现金",
            TenderKind::BankCard => "银行卡",
            TenderKind::WechatPay => "微信支付",
            TenderKind::Alipay => "支付宝",
            TenderKind::Points => "积分抵扣",
        }
    }
}

/// One payment on a sale, or one refund on a return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tender {
    pub kind: TenderKind,
    /// Money handed over (cash may exceed what is due; the difference is change).
    pub amount: Decimal,
    /// Terminal or wallet reference for non-cash tenders.
    pub reference: Option<String>,
    /// Points spent, for a points tender; 0 otherwise.
    pub points: i64,
}

/// The member attached to a sale, as the till knew them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleMember {
    pub member_id: String,
    pub card_no: String,
    pub tier: Tier,
}

/// 销售单.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sale {
    pub shift_id: Uuid,
    pub lines: Vec<SaleLine>,
    /// Sum of line gross.
    pub subtotal: Decimal,
    /// Sum of all line discounts.
    pub discount_total: Decimal,
    /// Sum of line nets: what is owed before cash rounding.
    pub total: Decimal,
    pub vat: Vec<VatAmount>,
    pub tenders: Vec<Tender>,
    /// Adjustment from cash rounding (抹零), negative when rounded down; 0 when none.
    pub cash_rounding: Decimal,
    /// Cash given back (找零); never negative.
    pub change: Decimal,
    pub member: Option<SaleMember>,
    pub points_earned: i64,
    pub points_redeemed: i64,
    /// The organisation (机构客户) buying, when the cashier named one. Not written when
    /// none, so sales written before the field keep their bytes and content hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<SaleOrganisation>,
}

/// The organisation a sale names, as the till knew it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleOrganisation {
    pub organisation_id: String,
    pub name: String,
    /// The department (科室) buying, when named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Set when the till's setting let a sale through that the qualification rule
    /// refuses (the cashier acknowledged the warning): what was wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sold_under_warning: Option<QualificationProblem>,
}

/// One line taken back on a return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnLine {
    /// The line of the original sale, when there is one.
    pub original_line_no: Option<u32>,
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    pub lot: Option<String>,
    pub serial: Option<String>,
    /// Money given back for this line: exactly what it was paid.
    pub refund: Decimal,
    pub vat_rate: Decimal,
}

/// 退货单.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Return {
    pub shift_id: Uuid,
    /// The sale's document id; `None` for a return without receipt (needs a manager).
    pub original_sale_id: Option<Uuid>,
    pub lines: Vec<ReturnLine>,
    /// Sum of line refunds.
    pub total: Decimal,
    pub vat: Vec<VatAmount>,
    /// How the money goes back; amounts are positive and add up to `total + cash_rounding`.
    pub tenders: Vec<Tender>,
    /// The original sale's cash rounding (抹零) settled by this return: a rounded cash
    /// sale took `total + cash_rounding`, so no return gives back more than it took and
    /// the return that completes the sale settles the rest. 0 (and not written, so older
    /// documents keep their bytes and content hash) for every other return.
    #[serde(default, skip_serializing_if = "Decimal::is_zero")]
    pub cash_rounding: Decimal,
    pub member: Option<SaleMember>,
    /// Points earned on the original sale that are taken back.
    pub points_reversed: i64,
    /// Points redeemed on the original sale that are given back.
    pub points_refunded: i64,
    pub reason: String,
}

/// 作废: cancels a completed sale before the close.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Void {
    pub shift_id: Uuid,
    pub sale_id: Uuid,
    pub sale_sequence: u64,
    pub total: Decimal,
    pub reason: String,
}

/// 入款 / 出款.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CashMovement {
    pub shift_id: Uuid,
    pub amount: Decimal,
    pub reason: String,
}

/// Cash counted by denomination (面额).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DenominationCount {
    /// Face value in yuan: 100, 50, 20, 10, 5, 1, 0.5, 0.1.
    pub denomination: Decimal,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftOpen {
    pub shift_id: Uuid,
    pub float: Decimal,
    pub counted: Vec<DenominationCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftClose {
    pub shift_id: Uuid,
    pub totals: ReportTotals,
    pub counted: Vec<DenominationCount>,
    pub counted_cash: Decimal,
    pub variance: Decimal,
}

/// Totals by tender for a report; refunds are subtracted, change is not counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenderTotal {
    pub kind: TenderKind,
    pub amount: Decimal,
    pub count: u32,
}

/// What an X or Z report adds up over a set of documents.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReportTotals {
    pub first_sequence: Option<u64>,
    pub last_sequence: Option<u64>,
    pub sales_count: u32,
    pub sales_total: Decimal,
    pub returns_count: u32,
    pub returns_total: Decimal,
    pub voids_count: u32,
    pub voids_total: Decimal,
    pub discount_total: Decimal,
    /// Net VAT by rate (sales minus returns and voids).
    pub vat: Vec<VatAmount>,
    pub tenders: Vec<TenderTotal>,
    pub points_earned: i64,
    pub points_redeemed: i64,
    pub float: Decimal,
    pub paid_in: Decimal,
    pub paid_out: Decimal,
    /// float + cash sales - change - cash refunds + paid_in - paid_out.
    pub expected_cash: Decimal,
}

/// Z 报表 / 日结: closes the business day of a terminal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZReport {
    /// Gapless per terminal, from 1.
    pub z_no: u64,
    pub totals: ReportTotals,
    pub counted: Vec<DenominationCount>,
    pub counted_cash: Decimal,
    /// counted_cash - expected_cash.
    pub variance: Decimal,
}

/// A member registered at the counter, possibly offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRegistration {
    /// The id the till gave the member (this document's id as text); head office may
    /// merge it into an existing member with the same phone.
    pub member_id: String,
    pub card_no: String,
    /// Empty once erased.
    pub phone: String,
    pub name: String,
    /// The digests the document's hash covers instead of phone and name (see
    /// [`crate::personal_data`]); absent on registrations written before sealing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<Seal>,
}

/// What a sealed registration's hash covers instead of its phone and name (made and
/// checked in [`crate::personal_data`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seal {
    /// SHA-256 of salt, field name and value, hex.
    pub phone_sha256: String,
    pub name_sha256: String,
    /// The salt, hex: kept with the values, dropped with them (and never hashed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
}

/// A manual change of a member's points, with a reason (manager).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointAdjustment {
    pub member_id: String,
    /// Positive adds, negative takes away.
    pub points: i64,
    pub reason: String,
}

/// What a manager did to an operator (操作员变更) at this till. Who did it is the
/// document's `operator_id`, when is its `created_at`. The PIN itself never leaves the
/// till.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperatorChange {
    /// The operator changed (工号).
    pub subject_id: String,
    pub subject_name: String,
    pub subject_role: crate::operator::Role,
    pub action: OperatorAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorAction {
    /// A new operator (新增).
    Added,
    /// A new PIN, which also ends a lock-out (重置密码).
    PinReset,
    /// Can no longer log in or approve (停用).
    Deactivated,
}

impl OperatorAction {
    pub fn code(self) -> &'static str {
        match self {
            OperatorAction::Added => "added",
            OperatorAction::PinReset => "pin_reset",
            OperatorAction::Deactivated => "deactivated",
        }
    }
}

/// The kind-specific content of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "body", rename_all = "snake_case")]
pub enum DocumentBody {
    Sale(Sale),
    Return(Return),
    Void(Void),
    PaidIn(CashMovement),
    PaidOut(CashMovement),
    ShiftOpen(ShiftOpen),
    ShiftClose(ShiftClose),
    ZReport(ZReport),
    MemberRegistration(MemberRegistration),
    PointAdjustment(PointAdjustment),
    OperatorChange(OperatorChange),
    GoodsReceipt(GoodsReceipt),
    WriteOff(WriteOff),
    Stocktake(Stocktake),
    TransferDispatch(TransferDispatch),
    TransferReceipt(TransferReceipt),
}

impl DocumentBody {
    /// Every kind's wire name, in the order of the variants: what `kind` answers.
    pub const KINDS: [&'static str; 16] = [
        "sale",
        "return",
        "void",
        "paid_in",
        "paid_out",
        "shift_open",
        "shift_close",
        "z_report",
        "member_registration",
        "point_adjustment",
        "operator_change",
        "goods_receipt",
        "write_off",
        "stocktake",
        "transfer_dispatch",
        "transfer_receipt",
    ];

    /// The kind's wire name, as in the `type` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            DocumentBody::Sale(_) => "sale",
            DocumentBody::Return(_) => "return",
            DocumentBody::Void(_) => "void",
            DocumentBody::PaidIn(_) => "paid_in",
            DocumentBody::PaidOut(_) => "paid_out",
            DocumentBody::ShiftOpen(_) => "shift_open",
            DocumentBody::ShiftClose(_) => "shift_close",
            DocumentBody::ZReport(_) => "z_report",
            DocumentBody::MemberRegistration(_) => "member_registration",
            DocumentBody::PointAdjustment(_) => "point_adjustment",
            DocumentBody::OperatorChange(_) => "operator_change",
            DocumentBody::GoodsReceipt(_) => "goods_receipt",
            DocumentBody::WriteOff(_) => "write_off",
            DocumentBody::Stocktake(_) => "stocktake",
            DocumentBody::TransferDispatch(_) => "transfer_dispatch",
            DocumentBody::TransferReceipt(_) => "transfer_receipt",
        }
    }
}

/// A document with its envelope: who, where, when and in what order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// UUIDv7 made at the till; head office's idempotency key.
    pub id: Uuid,
    pub store_id: String,
    pub terminal_id: String,
    /// Gapless per terminal, from 1.
    pub sequence: u64,
    pub business_date: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub operator_id: String,
    pub approvals: Vec<Approval>,
    #[serde(flatten)]
    pub body: DocumentBody,
}

impl Document {
    /// The bytes the journal hashes and head office stores: compact JSON in field
    /// declaration order. Nothing here uses a map, so the bytes are deterministic.
    /// A field added later must be left out when at its default (`skip_serializing_if`):
    /// the journal's chain and head office's duplicate check compare these bytes, and a
    /// document written before the field existed must keep them.
    ///
    /// A sealed registration is hashed without its phone, name and salt (only their
    /// digests), so erasing them leaves these bytes as they were.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let bytes = match &self.body {
            DocumentBody::MemberRegistration(r) if r.seal.is_some() => {
                serde_json::to_vec(&Document {
                    body: DocumentBody::MemberRegistration(r.hashed_form()),
                    ..self.clone()
                })
            }
            _ => serde_json::to_vec(self),
        };
        bytes.expect("documents hold only serialisable data")
    }

    /// SHA-256 of the canonical bytes, hex.
    pub fn content_hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A return written before `Return::cash_rounding` existed: read back and written
    /// again, it keeps its exact bytes, so its journal link and head office's duplicate
    /// check (which compares content hashes) still hold.
    #[test]
    fn a_document_written_before_a_later_field_keeps_its_bytes() {
        let written = include_str!("../tests/fixtures/return_v1.json").trim_end();
        let doc: Document = serde_json::from_str(written).expect("the fixture parses");
        let DocumentBody::Return(ret) = &doc.body else {
            panic!("the fixture is a return")
        };
        assert_eq!(ret.cash_rounding, Decimal::ZERO);
        assert_eq!(String::from_utf8(doc.canonical_bytes()).unwrap(), written);
    }
}
