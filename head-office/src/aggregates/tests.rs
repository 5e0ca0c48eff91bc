//! What each kind of document adds to the figures.

use chrono::{NaiveDate, TimeZone, Utc};
use pos_domain::document::{
    Document, DocumentBody, LineDiscount, Return, ReturnLine, Sale, SaleLine, Void,
};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use uuid::Uuid;

use super::*;

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn doc(body: DocumentBody) -> Document {
    Document {
        id: Uuid::nil(),
        store_id: "S1".into(),
        terminal_id: "T1".into(),
        sequence: 1,
        business_date: date(),
        // 01:30 UTC is 09:30 in the chain.
        created_at: Utc.with_ymd_and_hms(2026, 11, 22, 1, 30, 0).unwrap(),
        operator_id: "op".into(),
        approvals: vec![],
        body,
    }
}

fn line(sku: &str, quantity: u32, net: Decimal, promotion: Option<(&str, Decimal)>) -> SaleLine {
    let discounts: Vec<LineDiscount> = promotion
        .map(|(id, amount)| LineDiscount {
            source: "promotion".into(),
            promotion_id: id.into(),
            name: String::new(),
            amount,
        })
        .into_iter()
        .collect();
    let discount: Decimal = discounts.iter().map(|d| d.amount).sum();
    SaleLine {
        line_no: 1,
        sku: sku.into(),
        name: String::new(),
        category: "bp".into(),
        unit: String::new(),
        quantity,
        lot: None,
        expiry_date: None,
        serial: None,
        registration_no: None,
        unit_price: net,
        gross: net + discount,
        discounts,
        net,
        vat_rate: Decimal::ZERO,
        points_multiplier: Decimal::ONE,
    }
}

fn sale() -> Sale {
    Sale {
        shift_id: Uuid::nil(),
        lines: vec![
            line("BP", 1, dec!(180), Some(("P1", dec!(20)))),
            line("STRIP", 2, dec!(50), None),
        ],
        subtotal: dec!(250),
        discount_total: dec!(20),
        total: dec!(230),
        vat: vec![],
        tenders: vec![],
        cash_rounding: Decimal::ZERO,
        change: Decimal::ZERO,
        member: None,
        points_earned: 0,
        points_redeemed: 0,
        organisation: None,
    }
}

fn store_day(t: &Tally) -> &StoreFigures {
    &t.store_days[&("S1".to_string(), date())]
}

/// A SKU's day row under `category` ("bp" for the test's sales, empty for returns).
fn sku_day<'a>(t: &'a Tally, scope: &str, sku: &str, category: &str) -> &'a SkuFigures {
    &t.sku_days[&(
        scope.to_string(),
        date(),
        sku.to_string(),
        category.to_string(),
    )]
}

#[test]
fn a_sale_counts_in_its_hour_day_month_skus_and_promotions_for_the_store_and_the_chain() {
    let mut t = Tally::default();
    t.add(&doc(DocumentBody::Sale(sale())), None).unwrap();

    let hour = &t.store_hours[&("S1".to_string(), date(), 9)];
    assert_eq!(
        (hour.sales_count, hour.sales_amount, hour.discount_amount),
        (1, dec!(230), dec!(20))
    );
    assert_eq!(store_day(&t), hour);
    for scope in ["S1", CHAIN] {
        let bp = sku_day(&t, scope, "BP", "bp");
        assert_eq!(
            (bp.quantity, bp.amount, bp.discount),
            (1, dec!(180), dec!(20))
        );
        assert_eq!(sku_day(&t, scope, "STRIP", "bp").quantity, 2);
        let month = &t.sku_months[&(
            scope.to_string(),
            first_of_month(date()),
            "STRIP".to_string(),
            "bp".to_string(),
        )];
        assert_eq!(month.amount, dec!(50));
        let p = &t.promotion_days[&(scope.to_string(), date(), "P1".to_string())];
        assert_eq!(
            (p.lines, p.quantity, p.discount, p.sales_amount),
            (1, 1, dec!(20), dec!(180))
        );
    }
    assert_eq!(
        t.promotion_days.len(),
        2,
        "a line without a promotion adds no promotion row"
    );
}

#[test]
fn a_void_takes_back_its_sales_lines_and_discount_and_counts_as_a_void() {
    let mut t = Tally::default();
    let sale = sale();
    t.add(&doc(DocumentBody::Sale(sale.clone())), None).unwrap();
    let void = doc(DocumentBody::Void(Void {
        shift_id: Uuid::nil(),
        sale_id: Uuid::nil(),
        sale_sequence: 1,
        total: dec!(230),
        reason: "wrong item".into(),
    }));
    t.add(&void, Some(&sale)).unwrap();

    let day = store_day(&t);
    assert_eq!(
        (day.sales_count, day.voids_count, day.voids_amount),
        (1, 1, dec!(230))
    );
    assert_eq!(day.discount_amount, Decimal::ZERO);
    let bp = sku_day(&t, CHAIN, "BP", "bp");
    assert_eq!(
        (bp.quantity, bp.amount, bp.discount),
        (0, Decimal::ZERO, Decimal::ZERO)
    );
    let p = &t.promotion_days[&("S1".to_string(), date(), "P1".to_string())];
    assert_eq!((p.lines, p.discount), (0, Decimal::ZERO));
}

#[test]
fn a_return_counts_apart_under_no_category_and_a_moved_product_under_each_of_its_categories() {
    let mut t = Tally::default();
    t.add(&doc(DocumentBody::Sale(sale())), None).unwrap();
    let ret = Return {
        shift_id: Uuid::nil(),
        original_sale_id: None,
        lines: vec![ReturnLine {
            original_line_no: None,
            sku: "BP".into(),
            name: String::new(),
            quantity: 1,
            lot: None,
            serial: None,
            refund: dec!(180),
            vat_rate: Decimal::ZERO,
        }],
        total: dec!(180),
        vat: vec![],
        tenders: vec![],
        cash_rounding: Decimal::ZERO,
        member: None,
        points_reversed: 0,
        points_refunded: 0,
        reason: "faulty".into(),
    };
    t.add(&doc(DocumentBody::Return(ret)), None).unwrap();

    let day = store_day(&t);
    assert_eq!((day.returns_count, day.returns_amount), (1, dec!(180)));
    let sold = sku_day(&t, "S1", "BP", "bp");
    let returned = sku_day(&t, "S1", "BP", "");
    assert_eq!((sold.quantity, sold.returned_quantity), (1, 0));
    assert_eq!(
        (
            returned.quantity,
            returned.returned_quantity,
            returned.returned_amount
        ),
        (0, 1, dec!(180))
    );

    // The merchandiser moves BP to another category: the next sale counts there, the
    // first stays where it was sold.
    let mut moved = sale();
    for line in &mut moved.lines {
        line.category = "monitors".into();
    }
    t.add(&doc(DocumentBody::Sale(moved)), None).unwrap();
    assert_eq!(sku_day(&t, "S1", "BP", "bp").quantity, 1);
    assert_eq!(sku_day(&t, "S1", "BP", "monitors").quantity, 1);

    let rows = t
        .sku_days
        .iter()
        .filter(|((scope, ..), _)| scope == "S1")
        .map(|((_, _, sku, category), figures)| read::SkuRow {
            sku: sku.clone(),
            category: category.clone(),
            figures: figures.clone(),
        })
        .collect();
    let bp = read::per_sku(rows)
        .unwrap()
        .into_iter()
        .find(|s| s.sku == "BP")
        .unwrap();
    assert_eq!(bp.categories, ["bp", "monitors"]);
    assert_eq!(
        (
            bp.figures.quantity,
            bp.figures.amount,
            bp.figures.returned_quantity
        ),
        (2, dec!(360), 1)
    );
}

#[test]
fn documents_that_are_not_sales_returns_or_voids_add_nothing() {
    let mut t = Tally::default();
    let z = pos_domain::document::CashMovement {
        shift_id: Uuid::nil(),
        amount: dec!(100),
        reason: "float".into(),
    };
    t.add(&doc(DocumentBody::PaidIn(z)), None).unwrap();
    assert!(t.is_empty());
}

#[test]
fn stock_documents_add_nothing_to_the_sales_figures() {
    use pos_domain::stock_document::{
        CountLine, GoodsReceipt, ReceiptLine, StockLine, Stocktake, WriteOff, WriteOffReason,
    };
    let goods = StockLine {
        sku: "STRIP".into(),
        lot: Some("L1".into()),
        expiry_date: None,
        serials: vec![],
        quantity: 10,
    };
    let receipt = GoodsReceipt {
        reference: "DN-1".into(),
        supplier: "鱼跃".into(),
        lines: vec![ReceiptLine {
            goods: goods.clone(),
            expected: Some(12),
        }],
    };
    let write_off = WriteOff {
        reason: WriteOffReason::Damaged,
        note: String::new(),
        lines: vec![goods],
    };
    let count = Stocktake {
        full: true,
        lines: vec![CountLine {
            sku: "STRIP".into(),
            lot: Some("L1".into()),
            counted: 3,
            expected: 5,
            serials: vec![],
            missing_serials: vec![],
        }],
    };
    let mut t = Tally::default();
    for body in [
        DocumentBody::GoodsReceipt(receipt),
        DocumentBody::WriteOff(write_off),
        DocumentBody::Stocktake(count),
    ] {
        t.add(&doc(body), None).unwrap();
    }
    assert_eq!(t, Tally::default());
}

#[test]
fn a_sum_past_the_largest_decimal_is_an_overflow_not_a_panic() {
    let mut t = Tally::default();
    let mut big = sale();
    big.total = Decimal::MAX;
    t.add(&doc(DocumentBody::Sale(big.clone())), None).unwrap();
    let err = t.add(&doc(DocumentBody::Sale(big)), None).unwrap_err();
    assert_eq!(err.what, "sales amount");
}

#[test]
fn a_count_traces_each_missing_serial_and_the_rest_by_lot() {
    use pos_domain::stock_document::{CountLine, Stocktake};
    let line = |counted, expected, missing: &[&str]| CountLine {
        sku: "BP".into(),
        lot: Some("L1".into()),
        counted,
        expected,
        serials: vec![],
        missing_serials: missing.iter().map(|s| s.to_string()).collect(),
    };
    let count = doc(DocumentBody::Stocktake(Stocktake {
        full: false,
        lines: vec![line(1, 3, &["SN2", "SN3"]), line(5, 2, &[])],
    }));
    let rows: Vec<(Option<String>, i64)> = trace::rows_of(&count, None)
        .into_iter()
        .map(|r| (r.serial, r.quantity))
        .collect();
    assert_eq!(
        rows,
        [
            (Some("SN2".into()), -1),
            (Some("SN3".into()), -1),
            (None, 3)
        ]
    );
}
