//! Builders shared by the domain tests.
#![allow(dead_code)]

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use pos_domain::cart::{Cart, CartLine, LineProduct, ManualPrice};
use pos_domain::catalog::Tracking;
use pos_domain::document::{Document, DocumentBody, Sale, SaleLine, Tender, TenderKind};
use pos_domain::pricing::{PricedCart, PricingContext, price_cart};
use pos_domain::promotion::{Promotion, PromotionKind, Target};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use uuid::Uuid;

/// 2026-11-22 10:00 store time: when the tests ring their sales up.
pub fn at() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 22)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

pub fn product(sku: &str, category: &str, price: Decimal) -> LineProduct {
    LineProduct {
        sku: sku.to_owned(),
        name: format!("商品 {sku}"),
        category: category.to_owned(),
        unit: "盒".to_owned(),
        price,
        vat_rate: dec!(0.13),
        registration_no: None,
        tracking: Tracking::None,
    }
}

pub fn line(line_no: u32, sku: &str, category: &str, price: Decimal, quantity: u32) -> CartLine {
    CartLine {
        line_no,
        product: product(sku, category, price),
        quantity,
        lot: None,
        expiry_date: None,
        serial: None,
        manual: None,
    }
}

pub fn with_manual(mut line: CartLine, manual: ManualPrice) -> CartLine {
    line.manual = Some(manual);
    line
}

pub fn cart(lines: Vec<CartLine>) -> Cart {
    Cart {
        lines,
        member_tier: None,
        member_segment: None,
        order_discount: None,
    }
}

pub fn promo(id: &str, priority: i32, stackable: bool, kind: PromotionKind) -> Promotion {
    Promotion {
        id: id.to_owned(),
        name: format!("促销 {id}"),
        kind,
        priority,
        stackable,
        valid_from: None,
        valid_to: None,
        segment: None,
    }
}

pub fn price(cart: &Cart, promotions: &[Promotion]) -> PricedCart {
    price_cart(
        cart,
        &PricingContext {
            promotions,
            at: at(),
        },
    )
    .expect("cart prices")
}

pub fn tender(kind: TenderKind, amount: Decimal) -> Tender {
    Tender {
        kind,
        amount,
        reference: None,
        points: 0,
    }
}

pub fn cash(amount: Decimal) -> Tender {
    tender(TenderKind::Cash, amount)
}

pub fn card(amount: Decimal, reference: &str) -> Tender {
    Tender {
        kind: TenderKind::BankCard,
        amount,
        reference: Some(reference.to_owned()),
        points: 0,
    }
}

pub fn points(amount: Decimal, points: i64) -> Tender {
    Tender {
        kind: TenderKind::Points,
        amount,
        reference: None,
        points,
    }
}

/// A sale document body from a priced cart and how it was paid.
pub fn sale_of(priced: &PricedCart, tenders: Vec<Tender>, change: Decimal, earned: i64) -> Sale {
    let points_redeemed = tenders.iter().map(|t| t.points).sum();
    Sale {
        shift_id: Uuid::nil(),
        lines: priced.lines.clone(),
        subtotal: priced.subtotal,
        discount_total: priced.discount_total,
        total: priced.total,
        vat: priced.vat.clone(),
        tenders,
        cash_rounding: Decimal::ZERO,
        change,
        member: None,
        points_earned: earned,
        points_redeemed,
        organisation: None,
    }
}

/// A UUIDv7 (as documents carry) that is the same for the same sequence, so a test can
/// point one document at another.
pub fn document_id(sequence: u64) -> Uuid {
    let mut tail = [0u8; 10];
    tail[2..].copy_from_slice(&sequence.to_be_bytes());
    uuid::Builder::from_unix_timestamp_millis(1_795_000_000_000, &tail).into_uuid()
}

pub fn document(sequence: u64, body: DocumentBody) -> Document {
    Document {
        id: document_id(sequence),
        store_id: "S001".to_owned(),
        terminal_id: "T01".to_owned(),
        sequence,
        business_date: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        created_at: Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap(),
        operator_id: "op1".to_owned(),
        approvals: Vec::new(),
        body,
    }
}

/// Checks the rules every priced cart keeps, and returns each line's net.
pub fn nets(priced: &PricedCart) -> Vec<Decimal> {
    for l in &priced.lines {
        let taken: Decimal = l.discounts.iter().map(|d| d.amount).sum();
        assert_eq!(l.gross - taken, l.net, "line {} adds up", l.line_no);
        assert!(l.net >= Decimal::ZERO && l.discounts.iter().all(|d| d.amount > Decimal::ZERO));
    }
    assert_eq!(
        priced.lines.iter().map(|l| l.net).sum::<Decimal>(),
        priced.total
    );
    assert_eq!(priced.subtotal - priced.discount_total, priced.total);
    priced.lines.iter().map(|l| l.net).collect()
}

pub fn named(line: &SaleLine) -> Vec<(String, String, Decimal)> {
    line.discounts
        .iter()
        .map(|d| (d.source.clone(), d.name.clone(), d.amount))
        .collect()
}

pub fn sku(s: &str) -> Target {
    Target::Sku(s.to_owned())
}
