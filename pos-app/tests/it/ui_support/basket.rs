//! The counter's everyday sale, for the tests that key many of them: three products,
//! paid with 200 in cash, and the check that every one reached the till's file whole.

use pos_core::data_dir::DataDir;
use pos_core::document::{Document, DocumentBody, Sale, TenderKind};
use pos_core::store::Store;
use rust_decimal::Decimal;

/// The three products of a sale (49.00 + 19.90 + 49.00 = 117.90), by barcode and SKU.
pub const BASKET: [(&str, &str); 3] = [
    ("6921345626875", "100024"),
    ("6921345628442", "120001"),
    ("6926271825460", "120003"),
];
/// The cash handed over for each sale.
pub const TENDERED: &str = "200";

/// The documents of one kind in the till's file, read through a connection of its own.
pub fn documents(data: &DataDir, kind: &str) -> Vec<Document> {
    let store = Store::open_existing(&data.till_path()).expect("the till file opens");
    store
        .documents_after(0, Some(kind))
        .expect("documents read")
}

pub fn sales(data: &DataDir) -> Vec<Sale> {
    documents(data, "sale")
        .into_iter()
        .map(|doc| match doc.body {
            DocumentBody::Sale(sale) => sale,
            other => panic!("a sale, not {other:?}"),
        })
        .collect()
}

/// Every sale has its three lines and was paid with exactly 200 in cash: a sale, a line
/// or a digit of the amount lost fails.
pub fn assert_complete(sales: &[Sale], expected: usize) {
    assert_eq!(sales.len(), expected, "every sale is on disk");
    let tendered: Decimal = TENDERED.parse().expect("a number");
    let basket: Vec<&str> = BASKET.iter().map(|(_, sku)| *sku).collect();
    for (n, sale) in sales.iter().enumerate() {
        let skus: Vec<&str> = sale.lines.iter().map(|l| l.sku.as_str()).collect();
        assert_eq!(skus, basket, "sale {n}: every line");
        assert!(sale.lines.iter().all(|l| l.quantity == 1), "sale {n}");
        assert_eq!(sale.tenders.len(), 1, "sale {n}: one tender");
        assert_eq!(sale.tenders[0].kind, TenderKind::Cash, "sale {n}");
        assert_eq!(sale.tenders[0].amount, tendered, "sale {n}: every digit");
        assert_eq!(
            sale.change,
            tendered - sale.total - sale.cash_rounding,
            "sale {n}: the change"
        );
    }
}
