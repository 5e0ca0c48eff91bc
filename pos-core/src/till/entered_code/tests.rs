use chrono::NaiveDate;
use tempfile::TempDir;

use super::*;
use crate::demo::{demo_catalog_csv, demo_till};
use crate::import::parse_catalog_csv;
use crate::till::TillConfig;

/// The demo catalog's blood pressure monitor (SKU 100024) and its EAN-13.
const BARCODE: &str = "6921345626875";
const SKU: &str = "100024";
/// A lot-tracked product of the demo catalog and one of its lots.
const LOT_BARCODE: &str = "6923652013089";
const LOT: &str = "25020104";
/// The first demo member's card and phone.
const CARD: &str = "886000000001";
const PHONE: &str = "18118139066";

fn till() -> (TempDir, Till) {
    let dir = TempDir::new().unwrap();
    let catalog = parse_catalog_csv(demo_catalog_csv().as_bytes()).unwrap();
    let till = demo_till(
        &dir.path().join("till.sqlite"),
        TillConfig::default(),
        &catalog,
    )
    .unwrap();
    (dir, till)
}

#[test]
fn a_barcode_or_sku_names_its_product() {
    let (_dir, till) = till();
    for code in [BARCODE, SKU, &format!("  {BARCODE} ")] {
        match till.classify(code, None).unwrap() {
            EnteredCode::Product(item) => {
                assert_eq!(item.product.sku, SKU, "{code}");
                assert_eq!(item.input, ItemInput::code(code.trim()));
            }
            other => panic!("{code}: {other:?}"),
        }
    }
}

#[test]
fn a_parsed_udi_with_a_lot_names_the_unit() {
    let (_dir, till) = till();
    let parsed = ItemInput {
        code: format!("0{LOT_BARCODE}"),
        lot: Some(LOT.into()),
        expiry_date: NaiveDate::from_ymd_opt(2027, 1, 31),
        serial: None,
        quantity: 1,
    };
    let text = format!("010{LOT_BARCODE}1727013110{LOT}");
    match till.classify(&text, Some(parsed.clone())).unwrap() {
        EnteredCode::Udi(item) => {
            assert_eq!(item.product.sku, "110007");
            assert_eq!(item.input, parsed, "the UDI's lot and expiry are kept");
        }
        other => panic!("{other:?}"),
    }
    // The same GTIN parsed without a lot is the product, not a unit.
    let plain = ItemInput::code(format!("0{LOT_BARCODE}"));
    assert!(matches!(
        till.classify(&format!("010{LOT_BARCODE}"), Some(plain))
            .unwrap(),
        EnteredCode::Product(_)
    ));
}

#[test]
fn a_uuid_is_a_receipt_and_a_card_or_phone_a_member() {
    let (_dir, till) = till();
    let id = Uuid::now_v7();
    assert_eq!(
        till.classify(&id.to_string(), None).unwrap(),
        EnteredCode::Receipt(id)
    );
    for key in [CARD, PHONE] {
        match till.classify(key, None).unwrap() {
            EnteredCode::Member(member) => assert_eq!(member.card_no, CARD, "{key}"),
            other => panic!("{key}: {other:?}"),
        }
    }
}

#[test]
fn anything_else_is_unknown_and_trimmed() {
    let (_dir, till) = till();
    for text in [" xyj ", "6900000000000", ""] {
        let code = till.classify(text, None).unwrap();
        assert_eq!(code, EnteredCode::Unknown(text.trim().to_string()));
        assert!(!code.is_known());
        assert!(code.item().is_none());
    }
}
