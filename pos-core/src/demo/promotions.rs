//! The demo catalog's promotions, pointed at products of a generated catalog.

use std::collections::HashMap;

use crate::catalog::Product;
use crate::import::parse_catalog_csv;
use crate::money::round_cny;
use crate::promotion::{Promotion, PromotionKind, Target};

use super::demo_catalog_csv;

/// Each rule on a demo SKU moves to the first generated product of the same category; a
/// member price keeps its ratio to the shelf price. Rules on categories or on everything
/// stay as they are. A rule with no product to stand in is left out.
pub(crate) fn demo_promotions_for(products: &[Product]) -> Vec<Promotion> {
    let demo = parse_catalog_csv(demo_catalog_csv().as_bytes())
        .expect("assets/demo/catalog.csv is compiled in and a test parses it");
    let demo_products: HashMap<&str, &Product> =
        demo.products.iter().map(|p| (p.sku.as_str(), p)).collect();
    let mut first_in_category: HashMap<&str, &Product> = HashMap::new();
    for product in products {
        first_in_category
            .entry(product.category.as_str())
            .or_insert(product);
    }
    let stand_in = |demo_sku: &str| -> Option<(&Product, &Product)> {
        let demo_product = *demo_products.get(demo_sku)?;
        let product = *first_in_category.get(demo_product.category.as_str())?;
        Some((demo_product, product))
    };
    demo.promotions
        .into_iter()
        .filter_map(|promotion| retarget(promotion, &stand_in))
        .collect()
}

fn retarget<'a>(
    mut promotion: Promotion,
    stand_in: &impl Fn(&str) -> Option<(&'a Product, &'a Product)>,
) -> Option<Promotion> {
    match &mut promotion.kind {
        PromotionKind::PercentOff { target, .. }
        | PromotionKind::AmountOff { target, .. }
        | PromotionKind::SpendSave { target, .. }
        | PromotionKind::PointsMultiplier { target, .. } => {
            if let Target::Sku(sku) = target {
                *sku = stand_in(sku)?.1.sku.clone();
            }
        }
        PromotionKind::BuyGet { sku, .. } => *sku = stand_in(sku)?.1.sku.clone(),
        PromotionKind::TierPrice { sku, price, .. } => {
            let (demo_product, product) = stand_in(sku)?;
            if !demo_product.price.is_zero() {
                *price = round_cny(product.price * *price / demo_product.price);
            }
            *sku = product.sku.clone();
        }
    }
    Some(promotion)
}
