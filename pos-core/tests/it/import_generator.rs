//! The large-catalog generator behind the benchmarks and load tests.

use std::collections::HashSet;

use chrono::NaiveDate;
use pos_core::catalog::{Tracking, has_valid_gs1_check_digit};
use pos_core::demo::generate_catalog;
use pos_core::hanzi::pinyin_initials;
use pos_core::import::{CatalogImport, parse_catalog_csv, write_catalog_csv};
use pos_core::member::Tier;
use pos_core::promotion::{PromotionKind, Target};

const SKUS: usize = 20_000;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn assert_all_unique<'a>(what: &str, values: impl Iterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for value in values {
        assert!(seen.insert(value), "{what} {value} repeats");
    }
}

fn share(count: usize, of: usize) -> f64 {
    count as f64 / of as f64
}

#[test]
fn a_large_catalog_is_unique_and_valid() {
    let catalog = generate_catalog(SKUS, 42, today());
    assert_eq!(catalog.products.len(), SKUS);
    assert_all_unique("sku", catalog.products.iter().map(|p| p.sku.as_str()));
    assert_all_unique("barcode", catalog.barcodes.iter().map(|(_, b)| b.as_str()));
    assert_all_unique("serial", catalog.serials.iter().map(|s| s.serial.as_str()));
    assert!(catalog.barcodes.len() >= SKUS);
    for (_, barcode) in &catalog.barcodes {
        assert!(
            barcode.len() == 13 && barcode.starts_with("69"),
            "{barcode}"
        );
        assert!(has_valid_gs1_check_digit(barcode), "{barcode}");
    }
    for product in &catalog.products {
        assert_eq!(
            product.pinyin,
            pinyin_initials(&product.name),
            "{}",
            product.name
        );
        assert!(!product.name.is_ascii(), "{}", product.name);
        assert!(product.price.scale() <= 2 && product.price.is_sign_positive());
    }
    let lot_tracked = catalog
        .products
        .iter()
        .filter(|p| p.tracking == Tracking::Lot)
        .count();
    let serial_tracked = catalog
        .products
        .iter()
        .filter(|p| p.tracking == Tracking::Serial)
        .count();
    assert!(
        (0.27..0.33).contains(&share(lot_tracked, SKUS)),
        "{lot_tracked} lot-tracked"
    );
    assert!(
        (0.08..0.12).contains(&share(serial_tracked, SKUS)),
        "{serial_tracked} serial-tracked"
    );
    let lots_per_product = share(catalog.lots.len(), lot_tracked);
    assert!(
        (1.8..2.2).contains(&lots_per_product),
        "{lots_per_product} lots per product"
    );
    let stocked: HashSet<&str> = catalog.stock.iter().map(|s| s.sku.as_str()).collect();
    assert_eq!(stocked.len(), SKUS, "every product has stock");
}

#[test]
fn lots_expire_around_today() {
    let catalog = generate_catalog(SKUS, 42, today());
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
    assert!(
        expired > 100 && near > 100,
        "{expired} expired, {near} near expiry"
    );
    assert!(
        expired + near < catalog.lots.len() / 4,
        "most lots are fine to sell"
    );
}

#[test]
fn each_tier_gets_a_member_per_hundred_skus_and_at_least_ten() {
    for (skus, per_tier) in [(SKUS, SKUS / 100), (300, 10), (0, 10)] {
        let catalog = generate_catalog(skus, 7, today());
        for tier in Tier::ALL {
            let members = catalog.members.iter().filter(|m| m.tier == tier).count();
            assert_eq!(members, per_tier, "{skus} SKUs, tier {tier:?}");
        }
        assert_all_unique("member id", catalog.members.iter().map(|m| m.id.as_str()));
        assert_all_unique("card", catalog.members.iter().map(|m| m.card_no.as_str()));
        assert_all_unique("phone", catalog.members.iter().map(|m| m.phone.as_str()));
        for member in &catalog.members {
            assert_eq!(member.phone.len(), 11, "{}", member.phone);
            assert!(
                ["13", "15", "18"]
                    .iter()
                    .any(|p| member.phone.starts_with(p))
            );
        }
    }
}

#[test]
fn carries_the_demo_promotions_pointed_at_its_own_products() {
    let catalog = generate_catalog(2_000, 3, today());
    let skus: HashSet<&str> = catalog.products.iter().map(|p| p.sku.as_str()).collect();
    let categories: HashSet<&str> = catalog
        .products
        .iter()
        .map(|p| p.category.as_str())
        .collect();
    assert!(catalog.promotions.len() >= 6);
    for promotion in &catalog.promotions {
        let points_at_something = match &promotion.kind {
            PromotionKind::BuyGet { sku, .. } | PromotionKind::TierPrice { sku, .. } => {
                skus.contains(sku.as_str())
            }
            PromotionKind::PercentOff { target, .. }
            | PromotionKind::AmountOff { target, .. }
            | PromotionKind::SpendSave { target, .. }
            | PromotionKind::PointsMultiplier { target, .. } => match target {
                Target::All => true,
                Target::Sku(sku) => skus.contains(sku.as_str()),
                Target::Category(category) => categories.contains(category.as_str()),
            },
        };
        assert!(
            points_at_something,
            "promotion {} points at nothing",
            promotion.id
        );
    }
    let tier_price_below_shelf = catalog.promotions.iter().any(|p| match &p.kind {
        PromotionKind::TierPrice { sku, price, .. } => catalog
            .products
            .iter()
            .any(|product| &product.sku == sku && *price < product.price),
        _ => false,
    });
    assert!(tier_price_below_shelf, "a member price is a discount");
}

#[test]
fn the_same_seed_makes_the_same_catalog() {
    assert_eq!(
        generate_catalog(500, 9, today()),
        generate_catalog(500, 9, today())
    );
    assert_ne!(
        generate_catalog(500, 9, today()),
        generate_catalog(500, 10, today())
    );
}

#[test]
fn what_it_makes_round_trips_through_the_file_format() {
    let catalog = generate_catalog(SKUS, 42, today());
    let mut written = Vec::new();
    write_catalog_csv(&catalog, &mut written).unwrap();
    let read: CatalogImport = parse_catalog_csv(written.as_slice()).unwrap();
    assert_eq!(read, catalog);
}
