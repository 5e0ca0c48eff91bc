//! Choosing a lot by hand on the sale screen, through the real update and view: F1 (or
//! the button) lists the line's lots earliest expiry first with expiry and stock; arrows
//! or a number and Enter choose; an expired lot is refused as a scan is; a near-expiry
//! lot warns; Esc cancels; the sale is recorded with the chosen lot.

use crate::ui_support::*;
use pos_app::app::keys::{KeyPress, Pressed};
use pos_app::app::screen::payment;
use pos_app::app::{Level, Message, Screen};
use pos_core::document::DocumentBody;

/// 鱼跃血糖试纸 710 100片: lots L2410D15 (expired 2026-10-02, 2 in stock), L2411B12
/// (2026-11-24, near expiry, 22) and L2606B08 (2028-06-24, 14).
const STRIPS: &str = "6921345628145";
/// A blood-pressure cuff, not lot-tracked.
const CUFF: &str = "6921345626875";

/// A digit typed by a person: it goes into the entry box, and the picker takes it.
fn press_digit(d: &mut Driver, c: char) {
    d.key(Pressed::Char(c));
}

fn strips_lot(d: &Driver) -> Option<String> {
    d.till().cart().lines[0].lot.clone()
}

#[test]
fn choose_a_lot_by_keys_and_sell_it() {
    let (_dir, mut d) = at_sale_screen(2);
    d.scan(STRIPS);
    assert_eq!(
        strips_lot(&d).as_deref(),
        Some("L2411B12"),
        "first expiry first out"
    );

    d.key(Pressed::F(1));
    let pick = d
        .app
        .sale()
        .expect("the sale screen")
        .lot_pick()
        .expect("F1 opens the lot picker");
    let lots: Vec<_> = pick
        .choices
        .iter()
        .map(|c| (c.lot_no.as_str(), c.stock))
        .collect();
    assert_eq!(
        lots,
        [("L2410D15", 2), ("L2411B12", 22), ("L2606B08", 14)],
        "earliest expiry first, expired included, with the till's stock"
    );
    for shown in [
        "L2410D15",
        "2026-10-02",
        "2028-06-24",
        "14",
        &d.t("lot_pick.expired"),
        &d.app.i18n().f("lot_pick.near", &[("days", &2)]),
    ] {
        assert!(d.shows(shown), "the picker shows {shown}");
    }

    // The cursor starts on the line's lot; one down is the long-dated lot.
    d.key(Pressed::Down);
    d.key(Pressed::Enter);
    assert!(
        d.app.sale().expect("the sale screen").lot_pick().is_none(),
        "chosen: the picker closes"
    );
    assert_eq!(strips_lot(&d).as_deref(), Some("L2606B08"));
    assert_eq!(
        d.till().cart().lines[0].expiry_date,
        Some("2028-06-24".parse().unwrap())
    );
    assert_eq!(d.app.banner().map(|b| b.level), Some(Level::Info));
    let details = format!(
        "{}  {}",
        d.app.i18n().f("sale.lot", &[("lot", &"L2606B08")]),
        d.app.i18n().f("sale.expiry", &[("date", &"2028-06-24")])
    );
    assert!(d.shows(&details), "the line shows its new lot: {details}");

    // Pay in cash: the sale carries the chosen lot and its stock moves.
    d.key(Pressed::F(12));
    d.key(Pressed::F(1));
    d.send(Message::Payment(payment::Message::Amount("200".into())));
    d.key(Pressed::Enter);
    assert!(matches!(d.app.screen(), Screen::Sale(_)), "paid");
    let doc = d
        .till()
        .store()
        .recent_documents("sale", 1)
        .unwrap()
        .remove(0);
    let DocumentBody::Sale(sold) = &doc.body else {
        panic!("a sale")
    };
    assert_eq!(sold.lines[0].lot.as_deref(), Some("L2606B08"));
    let sku = &sold.lines[0].sku;
    assert_eq!(d.till().store().stock(sku, Some("L2606B08")).unwrap(), 13);
    assert_eq!(d.till().store().stock(sku, Some("L2411B12")).unwrap(), 22);
}

#[test]
fn an_expired_lot_is_refused_and_a_near_expiry_lot_warns() {
    let (_dir, mut d) = at_sale_screen(2);
    d.scan(STRIPS);
    d.key(Pressed::F(1));
    d.key(Pressed::Down);
    d.key(Pressed::Enter);
    assert_eq!(strips_lot(&d).as_deref(), Some("L2606B08"));

    // The button opens the picker too; number 1 is the expired lot.
    d.click(&d.t("lot_pick.button"));
    assert!(d.app.sale().expect("the sale screen").lot_pick().is_some());
    press_digit(&mut d, '1');
    let refusal = d.app.banner().cloned().expect("a refusal");
    assert_eq!(refusal.level, Level::Error);
    let scan_message = d.app.i18n().f(
        "error.expired_lot",
        &[
            ("name", &d.till().cart().lines[0].product.name),
            ("lot", &"L2410D15"),
            ("expiry", &"2026-10-02"),
        ],
    );
    assert_eq!(refusal.text, scan_message, "the same message as a scan");
    assert_eq!(
        strips_lot(&d).as_deref(),
        Some("L2606B08"),
        "the line kept its lot"
    );
    assert!(
        d.app.sale().expect("the sale screen").lot_pick().is_some(),
        "the picker stays open for another choice"
    );
    assert_eq!(
        d.app.sale().expect("the sale screen").entry,
        "",
        "the digit was a pick, not text"
    );

    // Number 2 expires in two days: chosen, with the scan's near-expiry warning.
    press_digit(&mut d, '2');
    let warning = d.app.banner().cloned().expect("a near-expiry warning");
    assert_eq!(warning.level, Level::Warning);
    assert!(
        warning.text.contains("L2411B12") && warning.text.contains("2026-11-24"),
        "{}",
        warning.text
    );
    assert_eq!(strips_lot(&d).as_deref(), Some("L2411B12"));

    // Esc cancels without changing anything.
    d.key(Pressed::F(1));
    d.key(Pressed::Up);
    d.key(Pressed::Escape);
    assert!(d.app.sale().expect("the sale screen").lot_pick().is_none());
    assert_eq!(strips_lot(&d).as_deref(), Some("L2411B12"));
}

#[test]
fn a_line_without_lots_says_so() {
    let (_dir, mut d) = at_sale_screen(2);
    d.key(Pressed::F(1));
    assert_eq!(d.banner(), d.t("lot_pick.select_line"));
    d.scan(CUFF);
    d.send(Message::Key(KeyPress::new(Pressed::F(1), d.at)));
    assert!(d.app.sale().expect("the sale screen").lot_pick().is_none());
    let name = d.till().cart().lines[0].product.name.clone();
    assert_eq!(
        d.banner(),
        d.app
            .i18n()
            .f("lot_pick.not_lot_tracked", &[("name", &name)])
    );
}
