//! A stock document's slip on receipt paper (收货单, 调拨出库单, 调拨入库单, 盘点单,
//! 报损单): the till hands it over already translated and formatted; the printer only
//! lays it out (see `slip_layout`).

use serde::{Deserialize, Serialize};

/// One printed stock slip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockSlip {
    /// Heading, e.g. "收货单"; printed bold and double size.
    pub title: String,
    pub store_name: String,
    /// Labelled fields under the heading, in order: terminal, document number and time,
    /// the delivery note or transfer and the other store.
    pub fields: Vec<(String, String)>,
    /// The heading of the lines: what the left and the right column hold.
    pub columns: (String, String),
    pub lines: Vec<SlipLine>,
    /// Labelled lines after the goods: totals, the operator, the approving manager.
    pub footer: Vec<(String, String)>,
    /// Prints a "重打印 / REPRINT" mark under the heading.
    pub reprint: bool,
}

/// One line of goods: its name, then its SKU with the quantity at the right edge, then
/// its details (lot and expiry, serials, expected and shortage, variance), indented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipLine {
    pub name: String,
    pub sku: String,
    /// As printed: "+8", "-3", "10 → 8".
    pub quantity: String,
    pub details: Vec<String>,
}
