//! Points expiry at the till, offline: head office sent what of a member's balance
//! lapses when; on the day after, the till's balance is without them, with no pull; the
//! till's own redemptions are spent oldest first, as head office will spend them; once
//! head office's own run arrives, nothing is taken twice.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use pos_core::member::Member;
use pos_core::points_expiry::ExpiringPoints;
use pos_core::store::{Ack, AckStatus};
use pos_core::till::ItemInput;

use crate::common::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// `hour` o'clock in Beijing on the day.
fn at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(hour, 0, 0).unwrap()) - chrono::Duration::hours(8)
}

fn lot(last_day: NaiveDate, points: i64) -> ExpiringPoints {
    ExpiringPoints { last_day, points }
}

#[test]
fn points_lapse_at_the_till_on_their_day_offline_oldest_spent_first_and_never_twice() {
    let mut t = selling_till();
    // Member M1 holds 5,000 points: 1,000 from before expiry (never lapse), 3,000 that
    // lapse after 2026-12-31 and 1,000 after 2027-12-31.
    let page = t.till.store_mut().begin_feed_page().unwrap();
    page.set_points_expiring(
        "M1",
        &[lot(day(2027, 12, 31), 1_000), lot(day(2026, 12, 31), 3_000)],
    )
    .unwrap();
    page.commit(1).unwrap();

    let last_day = at(day(2026, 12, 31), 20);
    let member = t.till.attach_member("8800001", last_day).unwrap();
    assert_eq!(member.points_balance, 5_000, "the last day is still theirs");
    assert_eq!(
        t.till.member_points_expiring(),
        Some(lot(day(2026, 12, 31), 3_000)),
        "shown before they lapse"
    );
    // 1,500 redeemed on the last day: the 1,000 of no lot first, then 500 of the 2026 lot.
    t.till
        .scan(&ItemInput::code(masks_barcode()), last_day)
        .unwrap();
    t.till
        .scan(&ItemInput::code(masks_barcode()), last_day)
        .unwrap();
    let points = t.till.points_tender(1_500).unwrap();
    let sold = t.till.pay(&[points, cash("15")], None, last_day).unwrap();

    let next_day = at(day(2027, 1, 1), 9);
    let member = t.till.attach_member("8800001", next_day).unwrap();
    assert_eq!(
        member.points_balance, 1_018,
        "5,000 - 1,500 redeemed + 18 earned (gold) - the 2,500 left of the 2026 lot, offline"
    );
    assert_eq!(
        t.till.member_points_expiring(),
        Some(lot(day(2027, 12, 31), 1_000))
    );
    let limits = t.till.redemption_limits(next_day).unwrap();
    assert_eq!(limits.available, 1_018, "lapsed points cannot be redeemed");
    let shown = t.till.member_points("M1", next_day).unwrap().unwrap();
    assert_eq!(
        (shown.balance, shown.next_expiring),
        (1_018, Some(lot(day(2027, 12, 31), 1_000)))
    );
    t.till.detach_member();

    // Head office counted the sale and ran its expiry: its balance and list arrive.
    let ack = Ack {
        sequence: sold.sequence,
        status: AckStatus::Accepted,
        reason: None,
    };
    t.till.store_mut().record_acks(&[ack], next_day).unwrap();
    let watermark = t.till.store().acked_watermark().unwrap();
    let page = t.till.store_mut().begin_feed_page().unwrap();
    page.upsert_member(&Member {
        id: "M1".into(),
        card_no: "8800001".into(),
        phone: "*******5678".into(),
        name: "王*".into(),
        tier: pos_core::member::Tier::Gold,
        points_balance: 1_018,
        phone_key: None,
        tier_spend: None,
        segment: None,
    })
    .unwrap();
    page.set_points_expiring("M1", &[lot(day(2027, 12, 31), 1_018)])
        .unwrap();
    page.mark_reflected(watermark).unwrap();
    page.commit(2).unwrap();
    let member = t.till.attach_member("8800001", next_day).unwrap();
    assert_eq!(member.points_balance, 1_018, "nothing taken twice");

    // An empty list: nothing of the member lapses any more.
    let page = t.till.store_mut().begin_feed_page().unwrap();
    page.set_points_expiring("M1", &[]).unwrap();
    page.commit(3).unwrap();
    let member = t
        .till
        .attach_member("8800001", at(day(2028, 1, 1), 9))
        .unwrap();
    assert_eq!(member.points_balance, 1_018);
    assert_eq!(t.till.member_points_expiring(), None);
}
