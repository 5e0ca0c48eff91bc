//! The demo catalog in assets/demo/ is what a new till shows first: it must read cleanly
//! and look like a real Chinese medical-device store on the business date 2026-11-22.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use pos_core::catalog::{DeviceClass, Product, Tracking, has_valid_gs1_check_digit};
use pos_core::demo::demo_catalog_csv;
use pos_core::import::{CatalogImport, parse_catalog_csv, write_catalog_csv};
use pos_core::member::Tier;
use pos_core::promotion::{PromotionKind, Target};
use rust_decimal_macros::dec;

fn demo() -> CatalogImport {
    parse_catalog_csv(demo_catalog_csv().as_bytes()).unwrap_or_else(|e| panic!("demo catalog: {e}"))
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn products_by_sku(catalog: &CatalogImport) -> HashMap<&str, &Product> {
    catalog
        .products
        .iter()
        .map(|p| (p.sku.as_str(), p))
        .collect()
}

#[test]
fn has_every_kind_of_record_in_the_promised_amounts() {
    let catalog = demo();
    assert!(
        catalog.products.len() >= 220,
        "{} products",
        catalog.products.len()
    );
    assert!(catalog.barcodes.len() >= catalog.products.len());
    assert!(catalog.lots.len() >= 50, "{} lots", catalog.lots.len());
    assert!(catalog.stock.len() >= catalog.products.len());
    assert!(
        catalog.serials.len() >= 24,
        "{} serials",
        catalog.serials.len()
    );
    for tier in Tier::ALL {
        let members = catalog.members.iter().filter(|m| m.tier == tier).count();
        assert!(members >= 12, "{members} members of tier {tier:?}");
    }
    assert!(catalog.promotions.len() >= 6);
}

#[test]
fn every_product_has_one_or_two_valid_chinese_gtin13s() {
    let catalog = demo();
    let mut per_product: HashMap<&str, usize> = HashMap::new();
    for (sku, barcode) in &catalog.barcodes {
        assert_eq!(barcode.len(), 13, "{barcode} is not a GTIN-13");
        assert!(
            barcode.starts_with("69"),
            "{barcode} lacks a 690-699 prefix"
        );
        assert!(
            has_valid_gs1_check_digit(barcode),
            "{barcode} has a wrong check digit"
        );
        *per_product.entry(sku).or_default() += 1;
    }
    for product in &catalog.products {
        let count = per_product.get(product.sku.as_str()).copied().unwrap_or(0);
        assert!(
            (1..=2).contains(&count),
            "{} has {count} barcodes",
            product.sku
        );
    }
    let unique: HashSet<&String> = catalog.barcodes.iter().map(|(_, b)| b).collect();
    assert_eq!(unique.len(), catalog.barcodes.len());
}

#[test]
fn lots_straddle_the_business_date() {
    let catalog = demo();
    let days_left = |expiry: NaiveDate| (expiry - today()).num_days();
    let expired = catalog
        .lots
        .iter()
        .filter(|l| days_left(l.expiry_date) < 0)
        .count();
    let near = catalog
        .lots
        .iter()
        .filter(|l| (0..=30).contains(&days_left(l.expiry_date)))
        .count();
    let later = catalog
        .lots
        .iter()
        .filter(|l| days_left(l.expiry_date) > 30)
        .count();
    assert!(expired >= 3, "{expired} expired lots");
    assert!(near >= 3, "{near} lots expiring within 30 days");
    assert!(later > expired + near, "most lots should be fine to sell");
    assert!(
        catalog.lots.iter().any(|l| days_left(l.expiry_date) == -1),
        "none expired yesterday"
    );
    assert!(
        catalog.lots.iter().any(|l| days_left(l.expiry_date) == 0),
        "none expire today"
    );
}

#[test]
fn tracking_fits_the_product_and_stock_fits_the_tracking() {
    let catalog = demo();
    let products = products_by_sku(&catalog);
    for product in &catalog.products {
        // "鱼跃上臂式电子血压计 YE660D": the product itself comes before the model.
        let base = product.name.split(' ').next().unwrap_or("");
        let ends_with_any = |words: &[&str]| words.iter().any(|word| base.ends_with(word));
        let expected =
            if ends_with_any(&["血压计", "血糖仪", "血氧仪", "制氧机", "雾化器", "助听器"])
            {
                Some(Tracking::Serial)
            } else if ends_with_any(&["试纸", "口罩", "棉签", "创可贴"]) {
                Some(Tracking::Lot)
            } else {
                None
            };
        if let Some(expected) = expected {
            assert_eq!(product.tracking, expected, "{}", product.name);
        }
    }
    let lot_skus: HashSet<&str> = catalog.lots.iter().map(|l| l.sku.as_str()).collect();
    for product in catalog
        .products
        .iter()
        .filter(|p| p.tracking == Tracking::Lot)
    {
        assert!(
            lot_skus.contains(product.sku.as_str()),
            "{} has no lot",
            product.sku
        );
    }
    let mut serials_per_sku: HashMap<&str, i64> = HashMap::new();
    for serial in &catalog.serials {
        assert_eq!(products[serial.sku.as_str()].tracking, Tracking::Serial);
        *serials_per_sku.entry(serial.sku.as_str()).or_default() += 1;
    }
    let stocked: HashSet<&str> = catalog.stock.iter().map(|s| s.sku.as_str()).collect();
    assert_eq!(
        stocked.len(),
        catalog.products.len(),
        "every product has a stock row"
    );
    for stock in &catalog.stock {
        assert!(stock.quantity >= 0);
        if products[stock.sku.as_str()].tracking == Tracking::Serial {
            let units = serials_per_sku
                .get(stock.sku.as_str())
                .copied()
                .unwrap_or(0);
            assert_eq!(
                stock.quantity, units,
                "stock of {} is its serials",
                stock.sku
            );
        }
    }
}

#[test]
fn registration_numbers_fit_the_device_class() {
    let catalog = demo();
    for product in &catalog.products {
        let reg = product.registration_no.as_deref().unwrap_or("");
        match product.device_class {
            None => assert_eq!(reg, "", "{} is no device", product.name),
            Some(DeviceClass::I) => {
                let digits = reg.trim_end_matches('号').rsplit('备').next().unwrap_or("");
                assert!(reg.contains("械备") && reg.ends_with('号'), "{reg}");
                assert_eq!(digits.len(), 8, "{reg}: year and number");
            }
            Some(class) => {
                let (issuer, digits) = reg.split_at(reg.len() - 11);
                assert!(
                    issuer.ends_with("械注准") || issuer.ends_with("械注进"),
                    "{reg}"
                );
                assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{reg}");
                let class_digit = if class == DeviceClass::II { "2" } else { "3" };
                assert_eq!(
                    &digits[4..5],
                    class_digit,
                    "{reg}: the digit after the year is the class"
                );
                if class == DeviceClass::III {
                    assert!(
                        issuer.starts_with("国械"),
                        "{reg}: class III is registered nationally"
                    );
                }
            }
        }
    }
    assert!(
        catalog
            .products
            .iter()
            .any(|p| p.device_class == Some(DeviceClass::III))
    );
}

#[test]
fn prices_units_and_vat_are_what_a_store_sells_with() {
    let catalog = demo();
    let units: HashSet<&str> = catalog.products.iter().map(|p| p.unit.as_str()).collect();
    for unit in ["台", "盒", "支", "个", "包", "瓶", "副"] {
        assert!(units.contains(unit), "no product sold by the {unit}");
    }
    for product in &catalog.products {
        assert!(
            product.price > dec!(0) && product.price < dec!(10000),
            "{}",
            product.name
        );
        assert!(
            [dec!(0), dec!(0.09), dec!(0.13)].contains(&product.vat_rate),
            "{}",
            product.name
        );
    }
    let standard = catalog
        .products
        .iter()
        .filter(|p| p.vat_rate == dec!(0.13))
        .count();
    assert!(
        standard * 10 > catalog.products.len() * 8,
        "most devices carry 13% VAT"
    );
    assert!(catalog.products.iter().any(|p| p.vat_rate == dec!(0)));
    assert!(catalog.products.iter().any(|p| p.vat_rate == dec!(0.09)));
}

#[test]
fn a_cashier_finds_blood_pressure_monitors_by_typing_xyj() {
    let catalog = demo();
    let found: Vec<&Product> = catalog
        .products
        .iter()
        .filter(|p| p.pinyin.contains("xyj"))
        .collect();
    assert!(found.len() >= 10, "only {} found", found.len());
    for product in catalog
        .products
        .iter()
        .filter(|p| p.name.contains("血压计"))
    {
        assert!(
            product.pinyin.contains("xyj"),
            "{} is not found by xyj",
            product.name
        );
    }
    assert!(catalog.products.iter().all(|p| !p.pinyin.is_empty()));
}

#[test]
fn members_have_chinese_names_and_mobile_numbers() {
    let catalog = demo();
    let phones: HashSet<&str> = catalog.members.iter().map(|m| m.phone.as_str()).collect();
    assert_eq!(phones.len(), catalog.members.len(), "phones are unique");
    for member in &catalog.members {
        assert_eq!(member.phone.len(), 11, "{}", member.phone);
        assert!(
            ["13", "15", "18"]
                .iter()
                .any(|p| member.phone.starts_with(p)),
            "{}",
            member.phone
        );
        assert!(!member.name.is_ascii(), "{}", member.name);
        assert!(member.points_balance >= 0);
    }
}

#[test]
fn promotions_cover_every_kind_run_through_2027_and_point_at_demo_products() {
    let catalog = demo();
    let products = products_by_sku(&catalog);
    let categories: HashSet<&str> = catalog
        .products
        .iter()
        .map(|p| p.category.as_str())
        .collect();
    let mut kinds = HashSet::new();
    let target_exists = |target: &Target| match target {
        Target::All => true,
        Target::Sku(sku) => products.contains_key(sku.as_str()),
        Target::Category(category) => categories.contains(category.as_str()),
    };
    for promotion in &catalog.promotions {
        let (kind, exists) = match &promotion.kind {
            PromotionKind::PercentOff { target, .. } => ("percent_off", target_exists(target)),
            PromotionKind::AmountOff { target, .. } => ("amount_off", target_exists(target)),
            PromotionKind::SpendSave { target, .. } => ("spend_save", target_exists(target)),
            PromotionKind::BuyGet { sku, .. } => ("buy_get", products.contains_key(sku.as_str())),
            PromotionKind::TierPrice { sku, .. } => {
                ("tier_price", products.contains_key(sku.as_str()))
            }
            PromotionKind::PointsMultiplier { target, .. } => {
                ("points_multiplier", target_exists(target))
            }
        };
        assert!(exists, "promotion {} points at nothing", promotion.id);
        kinds.insert(kind);
    }
    assert_eq!(kinds.len(), 6, "kinds present: {kinds:?}");
    let end_of_2027 = NaiveDate::from_ymd_opt(2027, 12, 31)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    let running = catalog
        .promotions
        .iter()
        .filter(|p| p.is_valid_at(end_of_2027))
        .count();
    assert!(
        running >= 6,
        "{running} promotions still run at the end of 2027"
    );
    let spend_save_repeats = catalog.promotions.iter().any(|p| {
        matches!(p.kind, PromotionKind::SpendSave { threshold, save, repeat: true, .. }
            if threshold == dec!(200) && save == dec!(20))
    });
    assert!(spend_save_repeats, "满200减20, repeating");
}

#[test]
fn reads_back_what_the_writer_makes_of_it() {
    let catalog = demo();
    let mut written = Vec::new();
    write_catalog_csv(&catalog, &mut written).unwrap();
    assert_eq!(parse_catalog_csv(written.as_slice()).unwrap(), catalog);
}
