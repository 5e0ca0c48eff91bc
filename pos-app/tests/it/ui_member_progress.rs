//! The member panel of the sale screen shows the attached member's tier progress: the
//! tier, the spend over the window (head office's, as the feed brought it) and what is
//! left to the next tier, in zh-CN and in English; none while tiers by spend are off.

use crate::ui_support::*;
use pos_app::app::keys::Pressed;
use pos_app::app::{Message, screen::member};
use pos_core::data_dir::DataDir;
use pos_core::member::{LoyaltyRules, Tier, TierRules, TierSpend};
use pos_core::store::Store;

const CARD: &str = "886000000002";

/// A demo till whose member `CARD` is gold with 1,234.00 spent in the window, as a pull
/// brings them, and whose tiers by spend are on (`tiers_on`) at 1,000 / 5,000 / 20,000.
fn till_with_progress(dir: &std::path::Path, tiers_on: bool, language: &str) -> DataDir {
    let data = demo_data_dir(dir, None);
    let mut config = data.load_config().unwrap();
    config.language = language.into();
    data.save_config(&config).unwrap();
    let mut store = Store::open(&data.till_path()).unwrap();
    let mut m = store.find_member(CARD).unwrap().expect("a demo member");
    m.tier = Tier::Gold;
    m.tier_spend = Some(TierSpend {
        amount: "1234.00".parse().unwrap(),
        as_of: demo_now().date_naive(),
    });
    let money = |s: &str| Some(s.parse().unwrap());
    let rules = LoyaltyRules {
        tiers: TierRules {
            thresholds: if tiers_on {
                [money("1000"), money("5000"), money("20000")]
            } else {
                [None; 3]
            },
            ..TierRules::default()
        },
        ..LoyaltyRules::default()
    };
    let page = store.begin_feed_page().unwrap();
    page.set_loyalty_rules(&rules).unwrap();
    page.upsert_member(&m).unwrap();
    page.commit(1).unwrap();
    data
}

fn attach(d: &mut Driver) {
    d.key(Pressed::F(2));
    d.send(Message::Member(member::Message::Key(CARD.into())));
    d.key(Pressed::Enter);
    assert!(d.till().member().is_some(), "attached: {}", d.banner());
}

#[test]
fn the_member_panel_shows_the_spend_and_what_is_left_to_the_next_tier() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(till_with_progress(dir.path(), true, "zh-CN"));
    d.log_in_and_open_shift(2);
    let line = "金卡 · 近365天消费 ¥1,234.00 · 距铂金 ¥3,766.00";
    assert!(!d.shows(line), "no member, no progress");
    attach(&mut d);
    assert!(d.shows(line), "the member panel shows the progress");
    d.send(Message::Sale(
        pos_app::app::screen::sale::Message::DetachMember,
    ));
    assert!(!d.shows(line), "detached, gone");
}

#[test]
fn the_progress_line_is_in_english_on_an_english_till() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(till_with_progress(dir.path(), true, "en"));
    d.log_in_and_open_shift(2);
    attach(&mut d);
    let gold = d.t("tier.gold");
    let platinum = d.t("tier.platinum");
    let line = format!("{gold} · ¥1,234.00 spent in 365 days · ¥3,766.00 to {platinum}");
    assert!(d.shows(&line), "{line}");
}

#[test]
fn no_progress_line_while_tiers_do_not_change_by_spend() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(till_with_progress(dir.path(), false, "zh-CN"));
    d.log_in_and_open_shift(2);
    attach(&mut d);
    assert!(d.shows("金卡"), "the tier is shown");
    assert!(!d.shows("金卡 · 近365天消费 ¥1,234.00 · 距铂金 ¥3,766.00"));
}
