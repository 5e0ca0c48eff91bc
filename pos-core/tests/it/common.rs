//! A small, exact catalog and a till on a real SQLite file in a temp dir.
#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use pos_core::catalog::{Lot, Product, Tracking, gs1_check_digit};
use pos_core::document::{Approval, DenominationCount, Tender, TenderKind};
use pos_core::import::{CatalogImport, SerialRecord, StockRecord};
use pos_core::member::{Member, Tier};
use pos_core::operator::ManagerAction;
use pos_core::till::{Till, TillConfig};
use rust_decimal::Decimal;
use tempfile::TempDir;

pub const MANAGER_PIN: &str = pos_core::demo::DEMO_MANAGER_PIN;
pub const CASHIER_PIN: &str = pos_core::demo::DEMO_CASHIER_PIN;

/// 10:00 in Beijing on 2026-11-22.
pub fn now() -> DateTime<Utc> {
    "2026-11-22T02:00:00Z".parse().unwrap()
}

pub fn ean13(body12: &str) -> String {
    format!("{body12}{}", gs1_check_digit(body12).unwrap())
}

pub fn monitor_barcode() -> String {
    ean13("690123456001")
}
pub fn strips_barcode() -> String {
    ean13("690123456002")
}
pub fn masks_barcode() -> String {
    ean13("690123456003")
}

pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn product(sku: &str, name: &str, price: &str, tracking: Tracking) -> Product {
    Product {
        sku: sku.into(),
        name: name.into(),
        pinyin: pos_core::hanzi::pinyin_initials(name),
        category: "家用器械".into(),
        unit: "个".into(),
        price: dec(price),
        vat_rate: dec("0.13"),
        device_class: None,
        registration_no: Some("苏械注准20172200456".into()),
        tracking,
        safety_stock: 2,
        model_spec: None,
        manufacturer: None,
        manufacturer_licence: None,
        warranty_months: None,
    }
}

pub fn catalog() -> CatalogImport {
    let lot = |no: &str, d: &str| Lot {
        sku: "ST01".into(),
        lot_no: no.into(),
        expiry_date: d.parse().unwrap(),
    };
    CatalogImport {
        products: vec![
            product("BP01", "电子血压计", "299.00", Tracking::Serial),
            product("ST01", "血糖试纸50片", "89.00", Tracking::Lot),
            product("MK01", "医用外科口罩", "15.00", Tracking::None),
        ],
        barcodes: vec![
            ("BP01".into(), monitor_barcode()),
            ("ST01".into(), strips_barcode()),
            ("MK01".into(), masks_barcode()),
        ],
        lots: vec![
            lot("L-EXP", "2026-11-01"),
            lot("L-NEAR", "2026-12-01"),
            lot("L-OK", "2027-06-30"),
        ],
        stock: vec![
            StockRecord {
                sku: "BP01".into(),
                lot_no: None,
                quantity: 3,
            },
            StockRecord {
                sku: "ST01".into(),
                lot_no: Some("L-EXP".into()),
                quantity: 5,
            },
            StockRecord {
                sku: "ST01".into(),
                lot_no: Some("L-NEAR".into()),
                quantity: 10,
            },
            StockRecord {
                sku: "ST01".into(),
                lot_no: Some("L-OK".into()),
                quantity: 20,
            },
            StockRecord {
                sku: "MK01".into(),
                lot_no: None,
                quantity: 100,
            },
        ],
        serials: ["SN001", "SN002", "SN003"]
            .iter()
            .map(|s| SerialRecord {
                sku: "BP01".into(),
                serial: (*s).into(),
                lot_no: None,
            })
            .collect(),
        members: vec![Member {
            id: "M1".into(),
            card_no: "8800001".into(),
            phone: "13812345678".into(),
            name: "王芳".into(),
            tier: Tier::Gold,
            points_balance: 5_000,
            phone_key: None,
            tier_spend: None,
            segment: None,
        }],
        promotions: vec![],
    }
}

pub struct TestTill {
    pub dir: TempDir,
    pub till: Till,
}

impl TestTill {
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("till.sqlite")
    }

    /// The manager's PIN typed for `action`, now.
    pub fn manager_approves(&mut self, action: ManagerAction) -> Approval {
        self.till
            .approve("manager", MANAGER_PIN, action, now())
            .expect("the manager's PIN is right")
    }
}

/// A till with the catalog, a manager and a cashier; nobody logged in.
pub fn new_till() -> TestTill {
    let dir = tempfile::tempdir().unwrap();
    let till = pos_core::demo::demo_till(
        &dir.path().join("till.sqlite"),
        TillConfig::default(),
        &catalog(),
    )
    .unwrap();
    TestTill { dir, till }
}

/// A till with the cashier logged in and a shift open with a 500.00 float.
pub fn selling_till() -> TestTill {
    let mut t = new_till();
    t.till.login("cashier", CASHIER_PIN, now()).unwrap();
    t.till
        .open_shift(
            vec![DenominationCount {
                denomination: dec("100"),
                count: 5,
            }],
            now(),
        )
        .unwrap();
    t
}

pub fn cash(amount: &str) -> Tender {
    Tender {
        kind: TenderKind::Cash,
        amount: dec(amount),
        reference: None,
        points: 0,
    }
}

pub fn wechat(amount: &str) -> Tender {
    Tender {
        kind: TenderKind::WechatPay,
        amount: dec(amount),
        reference: Some("4200001234".into()),
        points: 0,
    }
}
