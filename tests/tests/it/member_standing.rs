//! Tier progress and a promotion for an RFM segment across two stores, real sync: a
//! member buys at store A; head office takes the sale in, an RFM run puts the member in
//! a segment and publishes them; store B's till, after its pull, prices the segment's
//! promotion for that member only (offline pricing from what it pulled) and shows the
//! member's spend in the tier window and what is left to the next tier.

use chrono::NaiveDate;
use pos_core::document::{Tender, TenderKind};
use pos_core::member::{LoyaltyRules, TIER_DAYS_MAX, Tier, TierRules};
use pos_core::promotion::{Promotion, PromotionKind, Target};
use pos_core::till::{ItemInput, Till};
use rust_decimal::Decimal;
use tests::first_sale_at;
use tests::head_office::TestHeadOffice;
use tests::tills::PIN;

/// Whether `card`'s member gets promotion `id` on one `sku` at `till`, and the
/// member's tier progress there.
fn at_till(
    till: &mut Till,
    card: &str,
    sku: &str,
) -> (bool, Option<pos_core::tier_progress::TierProgress>) {
    let now = first_sale_at();
    till.attach_member(card, now).expect("the member is known");
    let progress = till.tier_progress().unwrap();
    till.scan(&ItemInput::code(sku), now).expect("scan");
    let priced = till.priced(now).expect("priced");
    till.clear_sale();
    let got = priced.lines[0]
        .discounts
        .iter()
        .any(|d| d.promotion_id == "P-SEG");
    (got, progress)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_segment_promotion_and_tier_progress_reach_another_stores_till() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S1", "S2"]).await;
    let catalog = tests::demo_catalog();
    let sku = catalog
        .products
        .iter()
        .find(|p| p.tracking == pos_core::catalog::Tracking::None)
        .expect("a product sold without lot or serial")
        .sku
        .clone();
    let standard: Vec<_> = catalog
        .members
        .iter()
        .filter(|m| m.tier == Tier::Standard)
        .take(2)
        .cloned()
        .collect();
    let (buyer, other) = (&standard[0], &standard[1]);
    let rules = LoyaltyRules {
        tiers: TierRules {
            // The whole history counts, whatever day the test runs on.
            window_days: TIER_DAYS_MAX,
            thresholds: [Some(Decimal::from(100_000)), None, None],
            ..TierRules::default()
        },
        ..LoyaltyRules::default()
    };
    head_office::catalog::set_loyalty_rules(&mut *ho.client().await, &rules)
        .await
        .unwrap();
    let promotion = Promotion {
        id: "P-SEG".into(),
        name: "重要价值客户九折".into(),
        kind: PromotionKind::PercentOff {
            target: Target::Sku(sku.clone()),
            percent: Decimal::TEN,
        },
        priority: 100,
        stackable: true,
        valid_from: None,
        valid_to: None,
        segment: Some("important_value".into()),
    };
    ho.import(
        &pos_core::import::CatalogImport {
            promotions: vec![promotion],
            ..Default::default()
        },
        None,
    )
    .await;
    let store_a = ho.enrolled_till("S1", "T01", ho.url()).await;
    let store_b = ho.enrolled_till("S2", "T01", ho.url()).await;
    store_a.drain().await;
    store_b.drain().await;

    let now = first_sale_at();
    let mut a = store_a.open();
    a.login("manager", PIN, now).unwrap();
    if !a.has_open_shift().unwrap() {
        a.open_shift(vec![], now).unwrap();
    }
    let (got, _) = at_till(&mut a, &buyer.card_no, &sku);
    assert!(!got, "no segment yet, no segment price");
    a.attach_member(&buyer.card_no, now).unwrap();
    a.scan(&ItemInput::code(sku.clone()), now).unwrap();
    let paid = a.priced(now).unwrap().total;
    a.pay(
        &[Tender {
            kind: TenderKind::Cash,
            amount: paid,
            reference: None,
            points: 0,
        }],
        None,
        now,
    )
    .unwrap();
    drop(a);
    store_a.drain().await;

    let business_date: NaiveDate = now
        .with_timezone(&head_office::chain_time::offset())
        .date_naive();
    head_office::aggregates::fold(&mut *ho.client().await)
        .await
        .unwrap();
    head_office::rfm::run(&mut *ho.client().await, now, business_date, 365)
        .await
        .unwrap();
    let segment: Option<String> = ho
        .client()
        .await
        .query_one(
            "SELECT segment_code FROM member_rfm WHERE member_id = $1",
            &[&buyer.id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        segment.as_deref(),
        Some("important_value"),
        "the only buyer"
    );

    store_b.drain().await;
    let mut b = store_b.open();
    b.login("manager", PIN, now).unwrap();
    if !b.has_open_shift().unwrap() {
        b.open_shift(vec![], now).unwrap();
    }
    let (got, progress) = at_till(&mut b, &buyer.card_no, &sku);
    assert!(got, "store B prices the segment's promotion for the buyer");
    let progress = progress.expect("tiers by spend are on");
    assert_eq!(progress.spend, paid, "head office's spend, pulled");
    assert_eq!(
        progress.next,
        Some((Tier::Gold, Decimal::from(100_000) - paid))
    );
    let (got, _) = at_till(&mut b, &other.card_no, &sku);
    assert!(!got, "a member outside the segment does not get it");
    drop(b);
    ho.stop().await;
}
