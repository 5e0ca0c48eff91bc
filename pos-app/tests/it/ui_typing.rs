//! Keys typed with no pause across screen changes: every key the window gets reaches the
//! box the screen has active, in order, whatever screen change is under way.
//!
//! The keys go through the real view (the key router at its root) in one pass, the way
//! the window hands over all the events waiting while it was busy: a command key and the
//! keys after it are handled by the view of the screen the command key is leaving. What
//! reached the till is read back from its SQLite file.
//!
//! Keys of one pass arrive at once, faster than any scanner. The sales keep the wedge's
//! usual timing, so their codes are scans; where a person types (PINs, a card number, a
//! reason) the wedge is set so that no run is long enough to be a scan, as when a person
//! types them.

use crate::ui_support::basket::{BASKET, TENDERED, assert_complete, documents, sales};
use crate::ui_support::*;
use iced::keyboard::key::Named;
use pos_app::app::Screen;
use pos_core::data_dir::DataDir;
use pos_core::document::DocumentBody;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

/// One customer: three scans, F12, F1 (cash), the amount, Enter.
fn sale_keys() -> Keys {
    BASKET
        .iter()
        .fold(Keys::new(), |keys, (code, _)| keys.scan(code))
        .key(Named::F12)
        .key(Named::F1)
        .text(TENDERED)
        .key(Named::Enter)
}

/// Logs the cashier in (the PIN box is active on the login screen) and opens the shift
/// with five 100-yuan notes; on a till where a person's typing is never a scan.
fn login_keys() -> Keys {
    Keys::new()
        .text(CASHIER_PIN)
        .key(Named::Enter)
        .text("5")
        .key(Named::Enter)
}

/// A demo till at the sale screen, logged in and with a float of five 100-yuan notes.
fn at_sale() -> (tempfile::TempDir, DataDir, Driver) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = demo_data_dir(dir.path(), None);
    let mut d = Driver::new(data.clone());
    d.log_in_and_open_shift(5);
    (dir, data, d)
}

/// A demo till at the login screen whose wedge takes no run of keys for a scan (a scan
/// needs 20 keys, more than anything typed here).
fn typed_by_a_person() -> (tempfile::TempDir, DataDir, Driver) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = demo_data_dir(dir.path(), None);
    let mut config = data.load_config().expect("the config");
    config.wedge.min_length = 20;
    data.save_config(&config).expect("config saved");
    let d = Driver::new(data.clone());
    (dir, data, d)
}

#[test]
fn twenty_sales_keyed_in_one_pass_are_all_on_disk() {
    let (_dir, data, mut d) = at_sale();
    let keys = (0..20).fold(Keys::new(), |keys, _| keys.then(sale_keys()));
    let published = d.window(keys);
    assert!(published > 0, "the view published the keys");
    assert!(matches!(d.app.screen(), Screen::Sale(_)), "{}", d.banner());
    assert_complete(&sales(&data), 20);
    assert_eq!(documents(&data, "shift_open").len(), 1);
}

#[test]
fn sales_keyed_in_passes_split_anywhere_are_all_on_disk() {
    let (_dir, data, mut d) = at_sale();
    let presses = (0..30)
        .fold(Keys::new(), |keys, _| keys.then(sale_keys()))
        .presses();
    // Passes of 1 to 40 keys, cut anywhere: before, inside and after each screen change.
    let mut rng = rand::rngs::StdRng::seed_from_u64(14);
    let mut at = 0;
    while at < presses.len() {
        let end = (at + rng.random_range(1..=40)).min(presses.len());
        let pass = presses[at..end]
            .iter()
            .cloned()
            .fold(Keys::new(), Keys::then);
        d.window(pass);
        at = end;
    }
    assert_complete(&sales(&data), 30);
}

#[test]
fn a_member_card_typed_right_after_f2_is_attached() {
    let (_dir, data, mut d) = typed_by_a_person();
    let keys = login_keys()
        .scan(BASKET[0].0)
        .key(Named::F2)
        .text("886000000002")
        .key(Named::Enter)
        .key(Named::F12)
        .key(Named::F1)
        .text(TENDERED)
        .key(Named::Enter);
    d.window(keys);
    let sales = sales(&data);
    assert_eq!(sales.len(), 1, "{}", d.banner());
    let member = sales[0].member.as_ref().expect("the member is on the sale");
    assert_eq!(member.card_no, "886000000002");
}

#[test]
fn a_return_typed_right_after_f4_is_recorded() {
    let (_dir, data, mut d) = typed_by_a_person();
    d.window(
        login_keys()
            .scan(BASKET[0].0)
            .key(Named::F12)
            .key(Named::F1)
            .text(TENDERED)
            .key(Named::Enter),
    );
    let sold = documents(&data, "sale");
    assert_eq!(sold.len(), 1, "{}", d.banner());
    // The sale's number, Enter, F1 (every line), F6 (cash), Tab past the quantity to
    // the reason, the reason, Enter.
    d.window(
        Keys::new()
            .key(Named::F4)
            .text(&sold[0].sequence.to_string())
            .key(Named::Enter)
            .key(Named::F1)
            .key(Named::F6)
            .key(Named::Tab)
            .key(Named::Tab)
            .text("broken")
            .key(Named::Enter),
    );
    let back = documents(&data, "return");
    assert_eq!(back.len(), 1, "{}", d.banner());
    let DocumentBody::Return(ret) = &back[0].body else {
        panic!("a return")
    };
    assert_eq!(ret.original_sale_id, Some(sold[0].id));
    assert_eq!(ret.lines.len(), 1);
    assert_eq!(ret.reason, "broken");
}

#[test]
fn a_paid_out_and_the_manager_pin_typed_right_after_f7_are_recorded() {
    let (_dir, data, mut d) = typed_by_a_person();
    d.window(
        login_keys()
            .key(Named::F7)
            .text("20")
            .key(Named::Tab)
            .text("tape")
            .key(Named::F2)
            .text(MANAGER_PIN)
            .key(Named::Enter),
    );
    let out = documents(&data, "paid_out");
    assert_eq!(out.len(), 1, "{}", d.banner());
    let DocumentBody::PaidOut(movement) = &out[0].body else {
        panic!("a paid-out")
    };
    assert_eq!(movement.amount, Decimal::from(20));
    assert_eq!(movement.reason, "tape");
    assert_eq!(out[0].approvals[0].manager_id, "manager");
}

#[test]
fn counts_typed_right_after_f9_and_after_the_z_are_recorded() {
    let (_dir, data, mut d) = typed_by_a_person();
    // Close: five 100s, Tab, one 50; Enter asks for the manager; the PIN, Enter; Enter
    // again starts a new shift, whose float is three 100s.
    d.window(
        login_keys()
            .key(Named::F9)
            .text("5")
            .key(Named::Tab)
            .text("1")
            .key(Named::Enter)
            .text(MANAGER_PIN)
            .key(Named::Enter)
            .key(Named::Enter)
            .text("3")
            .key(Named::Enter),
    );
    let closes = documents(&data, "z_report");
    assert_eq!(closes.len(), 1, "{}", d.banner());
    let DocumentBody::ZReport(z) = &closes[0].body else {
        panic!("a Z report")
    };
    assert_eq!(z.counted_cash, Decimal::from(550));
    let opens = documents(&data, "shift_open");
    assert_eq!(opens.len(), 2, "{}", d.banner());
    let DocumentBody::ShiftOpen(open) = &opens[1].body else {
        panic!("a shift opening")
    };
    assert_eq!(open.float, Decimal::from(300));
    assert!(matches!(d.app.screen(), Screen::Sale(_)), "{}", d.banner());
}

#[test]
fn plus_and_minus_on_an_empty_entry_box_step_the_quantity_and_leave_no_text() {
    let (_dir, _data, mut d) = at_sale();
    d.window(Keys::new().scan(BASKET[0].0).text("++-"));
    let lines = &d.till().cart().lines;
    assert_eq!(lines.len(), 1, "{}", d.banner());
    assert_eq!(lines[0].quantity, 2, "+ + - from 1");
    assert_eq!(
        d.app.sale().expect("the sale screen").entry,
        "",
        "the keys were commands, not text"
    );
}

#[test]
fn a_click_in_a_box_makes_typing_go_there() {
    use pos_app::app::screen::member;
    let (_dir, _data, mut d) = typed_by_a_person();
    d.window(login_keys().key(Named::F2));
    d.click_box(member::PHONE_INPUT);
    d.window(Keys::new().text("13912345678"));
    d.click_box(member::NAME_INPUT);
    d.window(Keys::new().text("Li").key(Named::Enter));
    let registered = d
        .till()
        .store()
        .find_member("13912345678")
        .expect("members read")
        .expect("the member typed in is registered");
    assert_eq!(registered.name, "Li");
}

#[test]
fn a_scan_on_the_payment_screen_is_taken_back_out_of_the_amount_box() {
    let (_dir, data, mut d) = at_sale();
    d.window(
        Keys::new()
            .scan(BASKET[0].0)
            .key(Named::F12)
            .scan(BASKET[1].0)
            .text(TENDERED)
            .key(Named::Enter),
    );
    let sales = sales(&data);
    assert_eq!(sales.len(), 1, "{}", d.banner());
    assert_eq!(
        sales[0].lines.len(),
        1,
        "the scan was not for the payment screen"
    );
    assert_eq!(
        sales[0].tenders[0].amount,
        TENDERED.parse::<Decimal>().unwrap(),
        "none of the scan's digits stayed in the amount box"
    );
}

#[test]
fn an_amount_of_four_digits_typed_in_a_burst_is_an_amount_not_a_scan() {
    // At the wedge's usual settings "1000" and Enter, arriving at once, look like a
    // scan; off the sale screen only a code as long as a barcode is taken for one.
    let (_dir, data, mut d) = at_sale();
    let keys = BASKET
        .iter()
        .fold(Keys::new(), |keys, (code, _)| keys.scan(code))
        .key(Named::F12)
        .key(Named::F1)
        .text("1000")
        .key(Named::Enter);
    d.window(keys);
    let sales = sales(&data);
    assert_eq!(sales.len(), 1, "{}", d.banner());
    let cash: Decimal = sales[0].tenders.iter().map(|t| t.amount).sum();
    assert_eq!(
        cash,
        Decimal::from(1000),
        "every digit of the tendered amount"
    );
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
}
