//! The stock documents a store writes besides sales (库存单据): goods received (收货入库),
//! units written off (报损), stock counted (盘点), and the two halves of a transfer
//! between stores (调拨): dispatched by one, received by the other. Like every document
//! they are hash-chained, numbered without gaps and sent to head office exactly once;
//! their moves are defined once, in `effects`, and checked once, in `validate`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Goods moved: a SKU, its lot and expiry, and for serial-tracked products one serial
/// per unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLine {
    pub sku: String,
    pub lot: Option<String>,
    pub expiry_date: Option<NaiveDate>,
    /// One per unit for a serial-tracked product (then as many as `quantity`); empty for
    /// any other.
    #[serde(default)]
    pub serials: Vec<String>,
    pub quantity: u32,
}

/// 收货入库: goods received from a supplier's delivery or a distribution centre's
/// shipment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoodsReceipt {
    /// The delivery note's or the shipment's number (送货单号).
    pub reference: String,
    /// Who delivered: the supplier or the distribution centre.
    pub supplier: String,
    pub lines: Vec<ReceiptLine>,
}

/// A line received, against what the delivery note said when there was one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    #[serde(flatten)]
    pub goods: StockLine,
    /// The quantity the delivery note or shipment announced; `None` when nothing was
    /// announced for this line (it is all excess then, see [`ReceiptLine::excess`]).
    pub expected: Option<u32>,
}

impl ReceiptLine {
    /// Units announced and not received (短缺).
    pub fn shortage(&self) -> u32 {
        self.expected
            .map_or(0, |e| e.saturating_sub(self.goods.quantity))
    }

    /// Units received beyond what was announced (溢收): all of them when nothing was.
    pub fn excess(&self) -> u32 {
        self.goods
            .quantity
            .saturating_sub(self.expected.unwrap_or(0))
    }
}

/// Why units leave the store's stock without a sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteOffReason {
    /// 过期
    Expired,
    /// 破损
    Damaged,
    /// 召回
    Recalled,
}

impl WriteOffReason {
    pub fn code(self) -> &'static str {
        match self {
            WriteOffReason::Expired => "expired",
            WriteOffReason::Damaged => "damaged",
            WriteOffReason::Recalled => "recalled",
        }
    }

    pub fn from_code(code: &str) -> Option<WriteOffReason> {
        [
            WriteOffReason::Expired,
            WriteOffReason::Damaged,
            WriteOffReason::Recalled,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }
}

/// 报损: units taken out of stock, with a reason and a manager's approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteOff {
    pub reason: WriteOffReason,
    /// What the manager wrote (the damage, the recall notice's number).
    pub note: String,
    pub lines: Vec<StockLine>,
}

/// 盘点: a count of some or all of a store's stock. Each line says what was counted and
/// what the till held at that moment; the difference is posted, so sales rung up after
/// the count apply on top of the counted quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stocktake {
    /// A full count sets every SKU and lot of the store; a partial one only those listed.
    pub full: bool,
    pub lines: Vec<CountLine>,
}

/// One SKU and lot counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountLine {
    pub sku: String,
    pub lot: Option<String>,
    pub counted: u32,
    /// What the till's stock said when the count was taken (may be negative: sales
    /// rung up before their goods were received).
    pub expected: i64,
    /// A serial-tracked SKU: the serials found, one per unit counted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub serials: Vec<String>,
    /// A serial-tracked SKU: the serials the till held and the count did not find. They
    /// leave the store's stock as a write-off does (盘亏), so they cannot be sold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_serials: Vec<String>,
}

impl CountLine {
    /// What the count changes: counted less expected (negative: units missing).
    pub fn variance(&self) -> i64 {
        i64::from(self.counted) - self.expected
    }
}

/// 调拨出库: goods leaving this store on transfer `transfer_id` to `to_store`. They are in
/// transit until the other store receives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferDispatch {
    /// The transfer's id, as head office gave it (or as the dispatching till made it).
    pub transfer_id: String,
    pub to_store: String,
    pub lines: Vec<StockLine>,
}

/// 调拨入库: goods of transfer `transfer_id` from `from_store` arriving here, each line
/// against what was dispatched (`expected`): the difference is the transfer's
/// discrepancy, for head office to settle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferReceipt {
    pub transfer_id: String,
    pub from_store: String,
    pub lines: Vec<ReceiptLine>,
}

/// Days before its expiry a lot received needs a manager's approval (近效期).
pub const NEAR_EXPIRY_DAYS: i64 = 90;

#[cfg(test)]
mod tests {
    use super::*;

    fn line(quantity: u32, expected: Option<u32>) -> ReceiptLine {
        ReceiptLine {
            goods: StockLine {
                sku: "A".into(),
                lot: None,
                expiry_date: None,
                serials: vec![],
                quantity,
            },
            expected,
        }
    }

    #[test]
    fn a_receipt_line_says_its_shortage_and_excess() {
        assert_eq!(
            (line(8, Some(10)).shortage(), line(8, Some(10)).excess()),
            (2, 0)
        );
        assert_eq!(
            (line(12, Some(10)).shortage(), line(12, Some(10)).excess()),
            (0, 2)
        );
        assert_eq!((line(5, None).shortage(), line(5, None).excess()), (0, 5));
    }

    #[test]
    fn a_count_posts_counted_less_expected() {
        let count = |counted, expected| CountLine {
            sku: "A".into(),
            lot: None,
            counted,
            expected,
            serials: vec![],
            missing_serials: vec![],
        };
        assert_eq!(count(7, 10).variance(), -3);
        assert_eq!(count(3, -2).variance(), 5);
    }

    #[test]
    fn reasons_read_back_from_their_codes() {
        for r in [
            WriteOffReason::Expired,
            WriteOffReason::Damaged,
            WriteOffReason::Recalled,
        ] {
            assert_eq!(WriteOffReason::from_code(r.code()), Some(r));
        }
        assert_eq!(WriteOffReason::from_code("lost"), None);
    }
}
