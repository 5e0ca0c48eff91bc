//! A member upgraded by spend at one store gets the new tier's price at another store
//! after its next pull: store A's till sells to a standard member past the gold
//! threshold, head office raises the member at ingest, and store B's till, once it has
//! pulled, prices the demo catalog's gold member price (会员价) for them.

use pos_core::document::{DocumentBody, Tender, TenderKind};
use pos_core::member::{LoyaltyRules, Tier, TierRules};
use pos_core::promotion::PromotionKind;
use pos_core::till::{ItemInput, Till};
use rust_decimal::Decimal;
use tests::first_sale_at;
use tests::head_office::TestHeadOffice;
use tests::tills::PIN;

/// The promotion ids the cart's lines are discounted by, at `till` for member `card`.
fn member_price_at(till: &mut Till, card: &str, sku: &str) -> (Tier, Vec<String>, Decimal) {
    let now = first_sale_at();
    let member = till.attach_member(card, now).expect("the member is known");
    till.scan(&ItemInput::code(sku), now).expect("scan");
    let priced = till.priced(now).expect("priced");
    let promotions = priced.lines[0]
        .discounts
        .iter()
        .map(|d| d.promotion_id.clone())
        .collect();
    till.clear_sale();
    (member.tier, promotions, priced.lines[0].net)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_upgraded_by_spend_at_store_a_gets_the_tier_price_at_store_b_after_its_pull() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S1", "S2"]).await;
    let catalog = tests::demo_catalog();
    let (promotion, sku, price) = catalog
        .promotions
        .iter()
        .find_map(|p| match &p.kind {
            PromotionKind::TierPrice { sku, tier, price } if *tier == Tier::Gold => {
                Some((p.id.clone(), sku.clone(), *price))
            }
            _ => None,
        })
        .expect("the demo catalog has a gold member price");
    let member = catalog
        .members
        .iter()
        .find(|m| m.tier == Tier::Standard)
        .expect("a standard member")
        .clone();
    let threshold = Decimal::from(50);
    let rules = LoyaltyRules {
        tiers: TierRules {
            thresholds: [Some(threshold), None, None],
            ..TierRules::default()
        },
        ..LoyaltyRules::default()
    };
    head_office::catalog::set_loyalty_rules(&mut *ho.client().await, &rules)
        .await
        .unwrap();
    let store_a = ho.enrolled_till("S1", "T01", ho.url()).await;
    let store_b = ho.enrolled_till("S2", "T01", ho.url()).await;
    store_a.drain().await;
    store_b.drain().await;

    let now = first_sale_at();
    let mut b = store_b.open();
    b.login("manager", PIN, now).unwrap();
    if !b.has_open_shift().unwrap() {
        b.open_shift(vec![], now).unwrap();
    }
    let (tier, promotions, net) = member_price_at(&mut b, &member.card_no, &sku);
    assert_eq!(tier, Tier::Standard);
    assert!(!promotions.contains(&promotion), "{promotions:?}");
    assert!(net > price, "{net}: no member price for a standard member");
    drop(b);

    let mut a = store_a.open();
    a.login("manager", PIN, now).unwrap();
    if !a.has_open_shift().unwrap() {
        a.open_shift(vec![], now).unwrap();
    }
    a.attach_member(&member.card_no, now).unwrap();
    a.scan(
        &ItemInput {
            quantity: 2,
            ..ItemInput::code(sku.clone())
        },
        now,
    )
    .unwrap();
    let total = a.priced(now).unwrap().total;
    assert!(total >= threshold, "{total} reaches the gold threshold");
    let sold = a
        .pay(
            &[Tender {
                kind: TenderKind::Cash,
                amount: total,
                reference: None,
                points: 0,
            }],
            None,
            now,
        )
        .unwrap();
    assert!(matches!(sold.body, DocumentBody::Sale(_)));
    drop(a);
    store_a.drain().await;
    let at_head_office: String = ho
        .client()
        .await
        .query_one("SELECT tier FROM members WHERE id = $1", &[&member.id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(at_head_office, "gold", "raised at ingest");

    store_b.drain().await;
    let mut b = store_b.open();
    b.login("manager", PIN, now).unwrap();
    let (tier, promotions, net) = member_price_at(&mut b, &member.card_no, &sku);
    assert_eq!(tier, Tier::Gold, "store B's till has the new tier");
    assert!(promotions.contains(&promotion), "{promotions:?}");
    assert!(net <= price, "{net} at most the member price {price}");
    ho.stop().await;
}
