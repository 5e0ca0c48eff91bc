//! What a member brings from head office besides its record, through the feed into the
//! till file: its RFM segment, which a promotion for that segment asks for when the
//! till prices a sale offline; and its spend in the tier window, to which the till adds
//! its own sales head office has not reflected yet, for the tier progress.

use pos_core::member::{LoyaltyRules, Member, Tier, TierRules, TierSpend};
use pos_core::promotion::{Promotion, PromotionKind, Target};
use pos_core::store::{Ack, AckStatus};
use pos_core::till::{ItemInput, Till, TillConfig};

use crate::common::*;

const SEGMENT: &str = "important_value";

fn member(id: &str, card: &str, segment: Option<&str>, tier_spend: Option<TierSpend>) -> Member {
    Member {
        id: id.into(),
        card_no: card.into(),
        phone: "*******0000".into(),
        name: "会**".into(),
        tier: Tier::Gold,
        points_balance: 0,
        phone_key: None,
        tier_spend,
        segment: segment.map(str::to_owned),
    }
}

fn segment_price() -> Promotion {
    Promotion {
        id: "P-SEG".into(),
        name: "重要价值客户 口罩八折".into(),
        kind: PromotionKind::PercentOff {
            target: Target::Sku("MK01".into()),
            percent: dec("20"),
        },
        priority: 10,
        stackable: true,
        valid_from: None,
        valid_to: None,
        segment: Some(SEGMENT.into()),
    }
}

/// The net of one box of masks and the promotions on it, for the member `card` (none
/// for `None`).
fn masks_for(till: &mut Till, card: Option<&str>) -> (String, Vec<String>) {
    if let Some(card) = card {
        till.attach_member(card, now())
            .expect("the member is known");
    }
    till.scan(&ItemInput::code(masks_barcode()), now()).unwrap();
    let priced = till.priced(now()).unwrap();
    till.clear_sale();
    let line = &priced.lines[0];
    let ids = line
        .discounts
        .iter()
        .map(|d| d.promotion_id.clone())
        .collect();
    (line.net.to_string(), ids)
}

#[test]
fn a_member_of_the_segment_gets_the_segment_price_offline_and_others_do_not() {
    let mut t = selling_till();
    let page = t.till.store_mut().begin_feed_page().unwrap();
    page.upsert_promotion(&segment_price()).unwrap();
    page.upsert_member(&member("H-IN", "C-IN", Some(SEGMENT), None))
        .unwrap();
    page.upsert_member(&member("H-OUT", "C-OUT", Some("general_value"), None))
        .unwrap();
    page.upsert_member(&member("H-NONE", "C-NONE", None, None))
        .unwrap();
    page.commit(4).unwrap();

    // The till file keeps the segment: a till opened again still knows it.
    let path = t.path();
    let TestTill { dir: _dir, till } = t;
    drop(till);
    let mut till = Till::open(&path, TillConfig::default()).unwrap();
    till.login("cashier", CASHIER_PIN, now()).unwrap();
    assert_eq!(
        till.store()
            .find_member("C-IN")
            .unwrap()
            .unwrap()
            .segment
            .as_deref(),
        Some(SEGMENT)
    );

    let seg = vec!["P-SEG".to_owned()];
    assert_eq!(masks_for(&mut till, Some("C-IN")), ("12.00".into(), seg));
    for card in [Some("C-OUT"), Some("C-NONE"), None] {
        assert_eq!(
            masks_for(&mut till, card),
            ("15.00".into(), vec![]),
            "{card:?}"
        );
    }
    // Detaching the member takes the segment off the sale.
    till.attach_member("C-IN", now()).unwrap();
    till.detach_member();
    assert_eq!(masks_for(&mut till, None), ("15.00".into(), vec![]));
}

#[test]
fn tier_progress_adds_the_tills_own_sales_until_head_office_reflects_them() {
    let mut t = selling_till();
    let as_of = now().date_naive();
    let rules = LoyaltyRules {
        tiers: TierRules {
            thresholds: [Some(dec("1000")), Some(dec("5000")), Some(dec("20000"))],
            ..TierRules::default()
        },
        ..LoyaltyRules::default()
    };
    let known = |amount: &str| {
        Some(TierSpend {
            amount: dec(amount),
            as_of,
        })
    };
    let page = t.till.store_mut().begin_feed_page().unwrap();
    page.set_loyalty_rules(&rules).unwrap();
    page.upsert_member(&member("H-1", "C-1", None, known("1234.00")))
        .unwrap();
    page.commit(2).unwrap();

    t.till.attach_member("C-1", now()).unwrap();
    let progress = t
        .till
        .tier_progress()
        .unwrap()
        .expect("tiers by spend are on");
    assert_eq!(progress.spend, dec("1234.00"));
    assert_eq!(progress.next, Some((Tier::Platinum, dec("3766.00"))));

    // Ten boxes of masks (150.00) sold here count at once.
    for _ in 0..10 {
        t.till
            .scan(&ItemInput::code(masks_barcode()), now())
            .unwrap();
    }
    let sale = t.till.pay(&[cash("150")], None, now()).unwrap();
    t.till.attach_member("C-1", now()).unwrap();
    let progress = t.till.tier_progress().unwrap().unwrap();
    assert_eq!(progress.next, Some((Tier::Platinum, dec("3616.00"))));

    // Head office takes the sale in and sends the member with it counted: once the
    // till has marked the sale reflected it is not counted twice.
    t.till
        .store_mut()
        .record_acks(
            &[Ack {
                sequence: sale.sequence,
                status: AckStatus::Accepted,
                reason: None,
            }],
            now(),
        )
        .unwrap();
    let watermark = t.till.store().acked_watermark().unwrap();
    let page = t.till.store_mut().begin_feed_page().unwrap();
    page.upsert_member(&member("H-1", "C-1", None, known("1384.00")))
        .unwrap();
    page.commit(3).unwrap();
    t.till.store().mark_reflected(watermark).unwrap();
    t.till.attach_member("C-1", now()).unwrap();
    let progress = t.till.tier_progress().unwrap().unwrap();
    assert_eq!(progress.spend, dec("1384.00"));
    assert_eq!(progress.next, Some((Tier::Platinum, dec("3616.00"))));

    // Tiers by spend off: no progress to show.
    let page = t.till.store_mut().begin_feed_page().unwrap();
    page.set_loyalty_rules(&LoyaltyRules::default()).unwrap();
    page.commit(4).unwrap();
    assert_eq!(t.till.tier_progress().unwrap(), None);
}
