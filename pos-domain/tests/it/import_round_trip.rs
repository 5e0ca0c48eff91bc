//! Whatever a catalog holds, the writer's file reads back as the same catalog.

use chrono::{NaiveDate, NaiveDateTime};
use pos_domain::catalog::{DeviceClass, Lot, Product, Tracking};
use pos_domain::import::{
    CatalogImport, SerialRecord, StockRecord, parse_catalog_csv, write_catalog_csv,
};
use pos_domain::member::{Member, Tier};
use pos_domain::promotion::{Promotion, PromotionKind, Target};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Text a field may hold: commas, quotes, '#', CJK and inner spaces; the reader trims
/// the ends, so a value starts and ends with something visible. No line breaks or other
/// control characters: documents refuse them, so the import does too.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9血压计试纸#,\"'/%（）+][a-zA-Z0-9血压计试纸#,\"'/%（）+ ]{0,10}[a-zA-Z0-9血压计,\"#]"
}

fn key() -> impl Strategy<Value = String> {
    "[A-Z0-9]{1,10}"
}

fn money() -> impl Strategy<Value = Decimal> {
    (0i64..10_000_000).prop_map(|fen| Decimal::new(fen, 2))
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..20_000).prop_map(|days| {
        NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(days as u64)
    })
}

fn date_time() -> impl Strategy<Value = NaiveDateTime> {
    (date(), 0u32..86_400).prop_map(|(d, s)| d.and_hms_opt(s / 3600, s / 60 % 60, s % 60).unwrap())
}

fn product() -> impl Strategy<Value = Product> {
    let class = prop_oneof![
        Just(None),
        Just(Some(DeviceClass::I)),
        Just(Some(DeviceClass::II)),
        Just(Some(DeviceClass::III))
    ];
    let tracking = prop_oneof![
        Just(Tracking::None),
        Just(Tracking::Lot),
        Just(Tracking::Serial)
    ];
    let makers = (
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(1u32..=1200),
    );
    (
        (
            key(),
            text(),
            "[a-z0-9]{1,8}",
            text(),
            text(),
            money(),
            0i64..100,
            class,
            proptest::option::of(text()),
            tracking,
            0i64..1000,
        ),
        makers,
    )
        .prop_map(
            |(
                (
                    sku,
                    name,
                    pinyin,
                    category,
                    unit,
                    price,
                    vat,
                    device_class,
                    registration_no,
                    tracking,
                    safety_stock,
                ),
                (model_spec, manufacturer, manufacturer_licence, warranty_months),
            )| Product {
                sku,
                name,
                pinyin,
                category,
                unit,
                price,
                vat_rate: Decimal::new(vat, 2),
                device_class,
                registration_no,
                tracking,
                safety_stock,
                model_spec,
                manufacturer,
                manufacturer_licence,
                warranty_months,
            },
        )
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        Just(Target::All),
        key().prop_map(Target::Sku),
        text().prop_map(Target::Category)
    ]
}

fn promotion_kind() -> impl Strategy<Value = PromotionKind> {
    prop_oneof![
        (target(), 1i64..=100).prop_map(|(target, p)| PromotionKind::PercentOff {
            target,
            percent: Decimal::from(p)
        }),
        (target(), money())
            .prop_map(|(target, amount)| PromotionKind::AmountOff { target, amount }),
        (target(), 1i64..100_000, any::<bool>()).prop_map(|(target, t, repeat)| {
            PromotionKind::SpendSave {
                target,
                threshold: Decimal::new(t * 2, 2),
                save: Decimal::new(t, 2),
                repeat,
            }
        }),
        (key(), 1u32..10, 1u32..10).prop_map(|(sku, buy, get)| PromotionKind::BuyGet {
            sku,
            buy,
            get
        }),
        (key(), 0usize..4, money()).prop_map(|(sku, t, price)| PromotionKind::TierPrice {
            sku,
            tier: Tier::ALL[t],
            price
        }),
        (target(), 1i64..50).prop_map(|(target, m)| PromotionKind::PointsMultiplier {
            target,
            multiplier: Decimal::new(m, 1)
        }),
    ]
}

fn promotion() -> impl Strategy<Value = Promotion> {
    (
        key(),
        text(),
        promotion_kind(),
        any::<i32>(),
        any::<bool>(),
        proptest::option::of(date_time()),
    )
        .prop_map(
            |(id, name, kind, priority, stackable, valid_from)| Promotion {
                id,
                name,
                kind,
                priority,
                stackable,
                valid_to: valid_from.map(|from| from + chrono::Duration::days(30)),
                segment: None,
                valid_from,
            },
        )
}

fn member() -> impl Strategy<Value = Member> {
    (
        key(),
        "[0-9]{12}",
        "1[0-9]{10}",
        text(),
        0usize..4,
        any::<i64>(),
    )
        .prop_map(|(id, card_no, phone, name, tier, points_balance)| Member {
            id,
            card_no,
            phone,
            name,
            tier: Tier::ALL[tier],
            points_balance,
            phone_key: None,
            tier_spend: None,
            segment: None,
        })
}

/// Keys are made unique by position, as a valid file needs; rows refer to SKUs the file
/// does not define, so the tracking checks leave them alone.
fn catalog() -> impl Strategy<Value = CatalogImport> {
    (
        proptest::collection::vec(product(), 0..6),
        proptest::collection::vec((key(), date()), 0..6),
        proptest::collection::vec((key(), proptest::option::of(key()), any::<i64>()), 0..6),
        proptest::collection::vec((key(), proptest::option::of(key())), 0..6),
        proptest::collection::vec(member(), 0..6),
        proptest::collection::vec(promotion(), 0..6),
    )
        .prop_map(
            |(products, lots, stock, serials, members, promotions)| CatalogImport {
                barcodes: (0..products.len())
                    .map(|i| (format!("P{i}"), gtin13(i)))
                    .collect(),
                products: products
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| Product {
                        sku: format!("P{i}-{}", p.sku),
                        ..p
                    })
                    .collect(),
                lots: lots
                    .into_iter()
                    .enumerate()
                    .map(|(i, (lot_no, expiry_date))| Lot {
                        sku: format!("X{i}"),
                        lot_no,
                        expiry_date,
                    })
                    .collect(),
                stock: stock
                    .into_iter()
                    .enumerate()
                    .map(|(i, (_, lot_no, quantity))| StockRecord {
                        sku: format!("X{i}"),
                        lot_no,
                        quantity,
                    })
                    .collect(),
                serials: serials
                    .into_iter()
                    .enumerate()
                    .map(|(i, (serial, lot_no))| SerialRecord {
                        sku: format!("X{i}"),
                        serial,
                        lot_no,
                    })
                    .collect(),
                members: members
                    .into_iter()
                    .enumerate()
                    .map(|(i, m)| Member {
                        id: format!("M{i}"),
                        card_no: format!("{}{i}", m.card_no),
                        ..m
                    })
                    .collect(),
                promotions: promotions
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| Promotion {
                        id: format!("R{i}"),
                        ..p
                    })
                    .collect(),
            },
        )
}

/// A different valid GTIN-13 for each `i` below 1000.
fn gtin13(i: usize) -> String {
    let body = format!("690123456{i:03}");
    let check = pos_domain::catalog::gs1_check_digit(&body).unwrap();
    format!("{body}{check}")
}

proptest! {
    #[test]
    fn parse_of_write_is_the_catalog(catalog in catalog()) {
        let mut written = Vec::new();
        write_catalog_csv(&catalog, &mut written).unwrap();
        let read = parse_catalog_csv(written.as_slice());
        prop_assert_eq!(read, Ok(catalog), "file:\n{}", String::from_utf8_lossy(&written));
    }
}
