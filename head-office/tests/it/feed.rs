//! The change feed over HTTP: everything from zero, only changes later, paging by
//! cursor, the latest state per key, and changes caused by ingest.

use std::collections::BTreeMap;

use crate::common::*;
use head_office::catalog;
use pos_domain::catalog::{Lot, Product, Tracking};
use pos_domain::document::DocumentBody;
use pos_domain::import::{CatalogImport, SerialRecord, StockRecord};
use pos_domain::member::{Member, Tier};
use pos_domain::promotion::{Promotion, PromotionKind, Target};
use pos_domain::protocol::{Change, FeedPage};
use rust_decimal::Decimal;

pub fn product(sku: &str, price: &str, tracking: Tracking) -> Product {
    Product {
        sku: sku.into(),
        name: format!("血压计 {sku}"),
        pinyin: "xyj".into(),
        category: "bp".into(),
        unit: "台".into(),
        price: price.parse().unwrap(),
        vat_rate: vat_13(),
        device_class: None,
        registration_no: Some("国械注准20202070001".into()),
        tracking,
        safety_stock: 2,
        model_spec: None,
        manufacturer: None,
        manufacturer_licence: None,
        warranty_months: None,
    }
}

fn sample_catalog() -> CatalogImport {
    CatalogImport {
        products: vec![
            product("BP-1", "299.00", Tracking::Serial),
            product("STRIP-50", "89.50", Tracking::Lot),
            product("MASK", "1.00", Tracking::None),
        ],
        barcodes: vec![
            ("BP-1".into(), "6901234567892".into()),
            ("MASK".into(), "96385074".into()),
        ],
        lots: vec![Lot {
            sku: "STRIP-50".into(),
            lot_no: "L1".into(),
            expiry_date: business_date(),
        }],
        stock: vec![
            StockRecord {
                sku: "STRIP-50".into(),
                lot_no: Some("L1".into()),
                quantity: 40,
            },
            StockRecord {
                sku: "MASK".into(),
                lot_no: None,
                quantity: 500,
            },
        ],
        serials: vec![SerialRecord {
            sku: "BP-1".into(),
            serial: "SN-1".into(),
            lot_no: None,
        }],
        members: vec![Member {
            id: "M-1".into(),
            card_no: "C-1".into(),
            phone: "13800000000".into(),
            name: "李四".into(),
            tier: Tier::Gold,
            points_balance: 1_000,
            phone_key: None,
            tier_spend: None,
            segment: None,
        }],
        promotions: vec![Promotion {
            id: "P-1".into(),
            name: "九折".into(),
            kind: PromotionKind::PercentOff {
                target: Target::All,
                percent: Decimal::TEN,
            },
            priority: 1,
            stackable: true,
            valid_from: None,
            valid_to: None,
            segment: None,
        }],
    }
}

async fn page(ho: &HeadOffice, token: &str, cursor: i64, limit: u32) -> FeedPage {
    let (status, body) = ho
        .get(
            Some(token),
            &format!("/v1/feed?cursor={cursor}&limit={limit}"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body).expect("a FeedPage")
}

/// Reads every page after `cursor`; returns the changes and the final cursor.
async fn drain(ho: &HeadOffice, token: &str, mut cursor: i64, limit: u32) -> (Vec<Change>, i64) {
    let mut changes = Vec::new();
    for _ in 0..1_000 {
        let page = page(ho, token, cursor, limit).await;
        assert!(page.changes.len() <= limit as usize);
        for c in &page.changes {
            assert!(c.cursor > cursor, "cursors go up");
            cursor = c.cursor;
        }
        assert_eq!(page.next_cursor, cursor);
        changes.extend(page.changes.into_iter().map(|c| c.change));
        if !page.more {
            return (changes, cursor);
        }
    }
    panic!("the feed never ended");
}

fn entities(changes: &[Change]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for c in changes {
        let json = serde_json::to_value(c).unwrap();
        *counts
            .entry(json["entity"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    counts
}

#[tokio::test]
async fn a_till_from_zero_gets_everything_then_only_changes() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let other_store = ho.enroll("S2", "T1").await;
    catalog::import_catalog(&mut *ho.client().await, &sample_catalog(), Some(STORE))
        .await
        .unwrap();
    catalog::set_loyalty_rules(&mut *ho.client().await, &Default::default())
        .await
        .unwrap();

    let (everything, cursor) = drain(&ho, &token, 0, 1_000).await;
    let expected: BTreeMap<String, usize> = [
        ("product", 3),
        ("barcode", 2),
        ("lot", 1),
        ("stock", 2),
        ("serial", 1),
        ("member", 1),
        ("member_lookup_key", 1),
        ("promotion", 1),
        ("loyalty_rules", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(entities(&everything), expected);
    // The member comes down masked, found by the phone's key under the chain's key.
    let key = everything
        .iter()
        .find_map(|c| match c {
            Change::MemberLookupKey { key } => Some(key.clone()),
            _ => None,
        })
        .unwrap();
    let member = everything
        .iter()
        .find_map(|c| match c {
            Change::Member(m) => Some(m.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        (member.phone.as_str(), member.name.as_str()),
        ("*******0000", "李*")
    );
    assert_eq!(
        member.phone_key,
        Some(pos_domain::member::phone_key(&key, "13800000000"))
    );
    assert!(everything.contains(&Change::Stock {
        sku: "MASK".into(),
        lot_no: None,
        quantity: 500
    }));
    // Another store gets the chain's catalog but not this store's stock.
    let (theirs, _) = drain(&ho, &other_store, 0, 1_000).await;
    assert_eq!(entities(&theirs).get("stock"), None);
    assert_eq!(entities(&theirs).get("product"), Some(&3));

    // Paging by three gives the same changes in the same order.
    let (paged, paged_cursor) = drain(&ho, &token, 0, 3).await;
    assert_eq!(paged, everything);
    assert_eq!(paged_cursor, cursor);
    assert_eq!(
        drain(&ho, &token, cursor, 100).await.0,
        vec![],
        "nothing new yet"
    );

    // A sale to the member: the store's stock and the member's balance come down.
    let sold = sale(
        &[Item {
            lot: Some("L1"),
            ..item("STRIP-50", 2, "89.50")
        }],
        Some("M-1"),
        179,
        0,
    );
    ho.submit(
        &token,
        &batch(
            STORE,
            TERMINAL,
            vec![document(STORE, TERMINAL, 1, DocumentBody::Sale(sold))],
        ),
    )
    .await;
    let (changes, cursor) = drain(&ho, &token, cursor, 100).await;
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(changes.contains(&Change::Stock {
        sku: "STRIP-50".into(),
        lot_no: Some("L1".into()),
        quantity: 38
    }));
    assert!(
        changes
            .iter()
            .any(|c| matches!(c, Change::Member(m) if m.id == "M-1" && m.points_balance == 1_179))
    );

    // A deleted product replaces its row; a till from zero sees only the deletion.
    catalog::delete_product(&mut *ho.client().await, "MASK")
        .await
        .unwrap();
    let (changes, _) = drain(&ho, &token, cursor, 100).await;
    assert_eq!(
        changes,
        vec![
            Change::ProductDeleted { sku: "MASK".into() },
            Change::BarcodeDeleted {
                barcode: "96385074".into()
            }
        ]
    );
    let (fresh, _) = drain(&ho, &token, 0, 1_000).await;
    assert_eq!(entities(&fresh).get("product"), Some(&2));
    assert!(fresh.contains(&Change::ProductDeleted { sku: "MASK".into() }));
    assert_eq!(
        fresh.len(),
        everything.len(),
        "one row per key, not one per change"
    );
    ho.stop().await;
}

#[tokio::test]
async fn limit_is_bounded_and_a_negative_cursor_is_refused() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let (status, body) = ho.get(Some(&token), "/v1/feed?cursor=-1").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "bad_request");
    // Past the documented maximum is refused, naming it, not silently cut.
    let (status, body) = ho.get(Some(&token), "/v1/feed?limit=999999&cursor=0").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "bad_request");
    assert!(body["message"].as_str().unwrap().contains("5000"), "{body}");
    let (status, body) = ho.get(Some(&token), "/v1/feed?limit=5000&cursor=0").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["next_cursor"], 1,
        "only the members' lookup key: {body}"
    );
    assert_eq!(body["more"], false);
    assert_eq!(body["changes"][0]["entity"], "member_lookup_key");
    ho.stop().await;
}
