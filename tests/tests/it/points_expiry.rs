//! Points expire on their date at head office and at the till: a till sells to a member
//! in 2025 under a one-year expiry and syncs; on 2026-12-31 the till still shows the
//! points and that they lapse that day; on 2027-01-01, with no pull, the till no longer
//! counts them; head office's run takes them off the same day; after the next pull the
//! till agrees with head office, nothing taken twice.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use pos_core::catalog::Tracking;
use pos_core::document::{DocumentBody, Tender, TenderKind};
use pos_core::member::LoyaltyRules;
use pos_core::points_expiry::ExpiringPoints;
use pos_core::till::{ItemInput, Till};
use tests::head_office::TestHeadOffice;
use tests::tills::PIN;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// `hour` o'clock in Beijing on the day.
fn at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(hour, 0, 0).unwrap()) - chrono::Duration::hours(8)
}

fn logged_in(till: &mut Till, now: DateTime<Utc>) {
    till.login("manager", PIN, now).unwrap();
    if !till.has_open_shift().unwrap() {
        till.open_shift(vec![], now).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn points_expire_on_their_date_at_head_office_and_at_the_till() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S1"]).await;
    let catalog = tests::demo_catalog();
    let member = catalog.members[0].clone();
    let sku = catalog
        .products
        .iter()
        .find(|p| p.tracking == Tracking::None)
        .expect("a product sold without lot or serial")
        .sku
        .clone();
    let rules = LoyaltyRules {
        points_expiry_years: 1,
        ..LoyaltyRules::default()
    };
    head_office::catalog::set_loyalty_rules(&mut *ho.client().await, &rules)
        .await
        .unwrap();
    let store = ho.enrolled_till("S1", "T01", ho.url()).await;
    store.drain().await;

    let sold_at = at(day(2025, 6, 1), 10);
    let mut till = store.open();
    logged_in(&mut till, sold_at);
    till.attach_member(&member.card_no, sold_at).unwrap();
    till.scan(&ItemInput::code(sku), sold_at).unwrap();
    let total = till.priced(sold_at).unwrap().total;
    let cash = Tender {
        kind: TenderKind::Cash,
        amount: total,
        reference: None,
        points: 0,
    };
    let sold = till.pay(&[cash], None, sold_at).unwrap();
    let DocumentBody::Sale(sale) = &sold.body else {
        panic!("a sale")
    };
    let earned = sale.points_earned;
    assert!(earned > 0, "the sale earns points");
    drop(till);
    store.drain().await;
    let opening = member.points_balance;
    assert_eq!(
        ho.balances().await.get(&member.id).copied(),
        Some(opening + earned)
    );

    let lapse = ExpiringPoints {
        last_day: day(2026, 12, 31),
        points: earned,
    };
    let mut till = store.open();
    let last_day = at(day(2026, 12, 31), 21);
    logged_in(&mut till, last_day);
    let shown = till.member_points(&member.id, last_day).unwrap().unwrap();
    assert_eq!(
        (shown.balance, shown.next_expiring),
        (opening + earned, Some(lapse)),
        "shown before they lapse"
    );
    // The next morning, offline (no pull since): the till no longer counts them.
    let next_day = at(day(2027, 1, 1), 8);
    let attached = till.attach_member(&member.card_no, next_day).unwrap();
    assert_eq!(
        attached.points_balance, opening,
        "lapsed at the till, offline"
    );
    assert_eq!(till.redemption_limits(next_day).unwrap().available, opening);
    till.detach_member();
    drop(till);

    let mut client = ho.client().await;
    let run =
        head_office::points_expiry::run::expire(&mut client, next_day, day(2027, 1, 1), "test")
            .await
            .unwrap();
    assert_eq!((run.members, run.points), (1, earned));
    assert_eq!(ho.balances().await.get(&member.id).copied(), Some(opening));

    store.drain().await;
    let mut till = store.open();
    logged_in(&mut till, next_day);
    let attached = till.attach_member(&member.card_no, next_day).unwrap();
    assert_eq!(
        attached.points_balance, opening,
        "nothing taken twice after the pull"
    );
    assert_eq!(till.member_points_expiring(), None);
    ho.stop().await;
}
