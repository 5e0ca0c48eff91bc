//! Builders of documents that add up, for the head-office tests (re-exported by
//! `common`).
#![allow(dead_code)] // not every builder is used by a test today

use chrono::{NaiveDate, TimeZone, Utc};
use pos_domain::document::{
    Document, DocumentBody, MemberRegistration, ReportTotals, Return, ReturnLine, Sale, SaleLine,
    SaleMember, Tender, TenderKind, VatAmount, Void, ZReport,
};
use pos_domain::member::Tier;
use pos_domain::money::vat_included;
use pos_domain::protocol::{BatchRequest, BatchResponse};
use rust_decimal::Decimal;
use uuid::Uuid;

pub const STORE: &str = "S1";
pub const TERMINAL: &str = "T1";

pub fn business_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

pub fn document(store: &str, terminal: &str, sequence: u64, body: DocumentBody) -> Document {
    Document {
        id: Uuid::now_v7(),
        store_id: store.into(),
        terminal_id: terminal.into(),
        sequence,
        business_date: business_date(),
        created_at: Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap()
            + chrono::Duration::seconds(sequence as i64),
        operator_id: "cashier-1".into(),
        approvals: vec![],
        body,
    }
}

pub fn batch(store: &str, terminal: &str, documents: Vec<Document>) -> BatchRequest {
    BatchRequest {
        store_id: store.into(),
        terminal_id: terminal.into(),
        documents,
    }
}

/// A line to sell: sku, quantity, unit price, lot, serial.
#[derive(Clone)]
pub struct Item {
    pub sku: &'static str,
    pub quantity: u32,
    pub unit_price: Decimal,
    pub lot: Option<&'static str>,
    pub serial: Option<&'static str>,
}

pub fn item(sku: &'static str, quantity: u32, unit_price: &str) -> Item {
    Item {
        sku,
        quantity,
        unit_price: unit_price.parse().unwrap(),
        lot: None,
        serial: None,
    }
}

pub fn vat_13() -> Decimal {
    Decimal::new(13, 2)
}

fn vat_lines(amounts: &[Decimal]) -> Vec<VatAmount> {
    let gross: Decimal = amounts.iter().copied().sum();
    vec![VatAmount {
        rate: vat_13(),
        gross,
        vat: vat_included(gross, vat_13()),
    }]
}

/// A sale that adds up, paid in cash, except `points_redeemed` points (100 = 1 yuan).
pub fn sale(
    items: &[Item],
    member: Option<&str>,
    points_earned: i64,
    points_redeemed: i64,
) -> Sale {
    let lines: Vec<SaleLine> = items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let gross = it.unit_price * Decimal::from(it.quantity);
            SaleLine {
                line_no: i as u32 + 1,
                sku: it.sku.into(),
                name: format!("product {}", it.sku),
                category: "devices".into(),
                unit: "台".into(),
                quantity: it.quantity,
                lot: it.lot.map(Into::into),
                expiry_date: it
                    .lot
                    .map(|_| NaiveDate::from_ymd_opt(2028, 1, 31).unwrap()),
                serial: it.serial.map(Into::into),
                registration_no: None,
                unit_price: it.unit_price,
                gross,
                discounts: vec![],
                net: gross,
                vat_rate: vat_13(),
                points_multiplier: Decimal::ONE,
            }
        })
        .collect();
    let total: Decimal = lines.iter().map(|l| l.net).sum();
    let by_points = Decimal::new(points_redeemed, 2);
    let mut tenders = vec![Tender {
        kind: TenderKind::Cash,
        amount: total - by_points,
        reference: None,
        points: 0,
    }];
    if points_redeemed > 0 {
        tenders.push(Tender {
            kind: TenderKind::Points,
            amount: by_points,
            reference: None,
            points: points_redeemed,
        });
    }
    Sale {
        shift_id: Uuid::now_v7(),
        vat: vat_lines(&lines.iter().map(|l| l.net).collect::<Vec<_>>()),
        subtotal: total,
        discount_total: Decimal::ZERO,
        total,
        lines,
        tenders,
        cash_rounding: Decimal::ZERO,
        change: Decimal::ZERO,
        member: member.map(|id| SaleMember {
            member_id: id.into(),
            card_no: format!("card-{id}"),
            tier: Tier::Standard,
        }),
        points_earned,
        points_redeemed,
        organisation: None,
    }
}

/// A return of `items` in cash, taking back `points_reversed` points.
pub fn return_of(
    original: Option<Uuid>,
    items: &[Item],
    member: Option<&str>,
    points_reversed: i64,
) -> Return {
    let lines: Vec<ReturnLine> = items
        .iter()
        .enumerate()
        .map(|(i, it)| ReturnLine {
            original_line_no: Some(i as u32 + 1),
            sku: it.sku.into(),
            name: format!("product {}", it.sku),
            quantity: it.quantity,
            lot: it.lot.map(Into::into),
            serial: it.serial.map(Into::into),
            refund: it.unit_price * Decimal::from(it.quantity),
            vat_rate: vat_13(),
        })
        .collect();
    let total: Decimal = lines.iter().map(|l| l.refund).sum();
    Return {
        shift_id: Uuid::now_v7(),
        original_sale_id: original,
        vat: vat_lines(&lines.iter().map(|l| l.refund).collect::<Vec<_>>()),
        total,
        lines,
        tenders: vec![Tender {
            kind: TenderKind::Cash,
            amount: total,
            reference: None,
            points: 0,
        }],
        cash_rounding: Decimal::ZERO,
        member: member.map(|id| SaleMember {
            member_id: id.into(),
            card_no: format!("card-{id}"),
            tier: Tier::Standard,
        }),
        points_reversed,
        points_refunded: 0,
        reason: "faulty".into(),
    }
}

pub fn void_of(sale: &Document) -> Void {
    let DocumentBody::Sale(s) = &sale.body else {
        panic!("not a sale")
    };
    Void {
        shift_id: s.shift_id,
        sale_id: sale.id,
        sale_sequence: sale.sequence,
        total: s.total,
        reason: "wrong item".into(),
    }
}

/// A registration as tills write it: phone and name sealed (a fixed salt).
pub fn registration(member_id: &str, phone: &str) -> MemberRegistration {
    MemberRegistration::sealed(
        member_id.into(),
        format!("card-{member_id}"),
        phone.into(),
        "张三".into(),
        [7; pos_domain::personal_data::SALT_BYTES],
    )
}

/// A Z report with `cash_sales` taken in cash, counted `counted`.
pub fn z_report(z_no: u64, cash_sales: &str, counted: &str) -> ZReport {
    let cash: Decimal = cash_sales.parse().unwrap();
    let counted: Decimal = counted.parse().unwrap();
    let totals = ReportTotals {
        first_sequence: Some(1),
        last_sequence: Some(9),
        sales_count: 3,
        sales_total: cash,
        tenders: vec![pos_domain::document::TenderTotal {
            kind: TenderKind::Cash,
            amount: cash,
            count: 3,
        }],
        expected_cash: cash,
        ..ReportTotals::default()
    };
    ZReport {
        z_no,
        totals,
        counted: vec![],
        counted_cash: counted,
        variance: counted - cash,
    }
}

/// Asserts head office accepted every document of a batch.
pub fn all_accepted(response: &BatchResponse) {
    assert!(
        response
            .results
            .iter()
            .all(|r| r.status == pos_domain::protocol::DocumentStatus::Accepted),
        "{:?}",
        response.results
    );
}
