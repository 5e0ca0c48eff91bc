//! The keyboard-wedge scanner: keys at scanner speed ending in Enter are one scan even
//! though the entry box has the focus; a person typing slowly keeps their text.

use crate::ui_support::*;
use pos_app::app::Message;
use pos_app::app::keys::Pressed;

#[test]
fn scanner_speed_keys_are_one_scan_even_in_the_search_box() {
    let (_dir, mut d) = at_sale_screen(1);
    d.type_into_entry("6921345626875", SCANNER_GAP);
    let lines = &d.till().cart().lines;
    assert_eq!(lines.len(), 1, "one scan, one line");
    assert_eq!(lines[0].product.sku, "100024");
    assert_eq!(
        d.app.sale().expect("the sale screen").entry,
        "",
        "the scanned keys do not stay in the search box"
    );
    assert!(d.app.sale().expect("the sale screen").hits().is_empty());
}

#[test]
fn slow_typing_stays_text_and_searches_by_pinyin_initials() {
    let (_dir, mut d) = at_sale_screen(1);
    d.type_into_entry("xyj", PERSON_GAP);
    assert!(d.till().cart().lines.is_empty(), "typing is not a scan");
    assert_eq!(
        d.app.sale().expect("the sale screen").entry,
        "xyj",
        "the typed text stays in the box"
    );
    let hits = d.app.sale().expect("the sale screen").hits();
    assert!(!hits.is_empty(), "xyj finds 血压计");
    let names: Vec<&str> = hits.iter().map(|p| p.name.as_str()).collect();
    assert!(
        names.iter().filter(|n| n.contains("血压计")).count() >= 5,
        "{names:?}"
    );
    assert!(
        hits.iter().all(|p| p.pinyin.contains("xyj")),
        "every hit's initials hold xyj: {names:?}"
    );
    assert!(d.shows(&hits[0].name), "the hits are on screen");
    // Enter again takes the highlighted hit: a serial-tracked monitor, so its units in
    // stock are offered; a number key picks one.
    let first = hits[0].sku.clone();
    d.key(Pressed::Enter);
    assert!(
        d.till().cart().lines.is_empty(),
        "a serial-tracked monitor needs its serial"
    );
    let pick = d
        .app
        .sale()
        .expect("the sale screen")
        .serial_pick()
        .cloned()
        .expect("the units in stock are offered");
    assert_eq!(pick.sku, first);
    assert!(d.shows(&pick.serials[0]), "the serials are on screen");
    d.key(Pressed::Char('1'));
    let lines = &d.till().cart().lines;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].serial.as_deref(), Some(pick.serials[0].as_str()));
}

#[test]
fn a_slow_burst_of_digits_with_enter_is_a_typed_code() {
    let (_dir, mut d) = at_sale_screen(1);
    // A cashier keying the barcode by hand: not a scan, but Enter still adds it.
    d.type_into_entry("6921345626875", PERSON_GAP);
    assert_eq!(d.till().cart().lines.len(), 1);
    assert_eq!(d.app.sale().expect("the sale screen").entry, "");
}

#[test]
fn quantity_and_remove_by_keyboard() {
    let (_dir, mut d) = at_sale_screen(1);
    d.scan("6921345626875");
    d.type_into_entry("*3", PERSON_GAP);
    assert_eq!(
        d.till().cart().lines[0].quantity,
        3,
        "*3 Enter sets the quantity"
    );
    d.type_into_entry("2*6921345626875", PERSON_GAP);
    assert_eq!(d.till().cart().lines[0].quantity, 5, "2*code adds two");
    d.key(Pressed::Delete);
    assert!(
        d.till().cart().lines.is_empty(),
        "Delete removes the selected line"
    );
}

#[test]
fn a_burst_whose_first_key_came_late_is_still_one_scan() {
    let (_dir, mut d) = at_sale_screen(1);
    // The app was drawing a frame when the first key came, so its stamp is 80 ms early.
    let code = "010692134562472721YW2602701823";
    for (i, c) in code.chars().enumerate() {
        d.at += if i == 1 {
            std::time::Duration::from_millis(80)
        } else {
            SCANNER_GAP
        };
        d.send(Message::Key(pos_app::app::keys::KeyPress::new(
            Pressed::Char(c),
            d.at,
        )));
    }
    d.at += SCANNER_GAP;
    d.send(Message::Key(pos_app::app::keys::KeyPress::new(
        Pressed::Enter,
        d.at,
    )));
    let lines = &d.till().cart().lines;
    assert_eq!(lines.len(), 1, "{}", d.banner());
    assert_eq!(lines[0].serial.as_deref(), Some("YW2602701823"));
    assert_eq!(
        d.app.sale().expect("the sale screen").entry,
        "",
        "no key of the scan is left in the box"
    );
}

/// Keys `gap` apart and Enter, into whatever box the screen has active.
fn burst(d: &mut Driver, code: &str, gap: std::time::Duration) {
    use pos_app::app::keys::KeyPress;
    d.at += PERSON_GAP;
    for c in code.chars() {
        d.send(Message::Key(KeyPress::new(Pressed::Char(c), d.at)));
        d.at += gap;
    }
    d.send(Message::Key(KeyPress::new(Pressed::Enter, d.at)));
}

#[test]
fn a_slow_bluetooth_scanner_is_a_scan_once_settings_widen_the_key_gap() {
    use pos_app::app::screen::settings;
    let slow = std::time::Duration::from_millis(80);
    let not_here = |d: &Driver| d.banner() == d.t("scan.not_here");

    // Out of the box, keys 80 ms apart are a person typing: the drawer screen ignores them.
    let (_dir, mut d) = at_sale_screen(1);
    d.key(Pressed::F(7));
    burst(&mut d, "6921345626875", slow);
    assert!(!not_here(&d), "80 ms apart is typing by default");

    // The installer widens the gap in settings (reached here through an unreadable file).
    let dir = tempfile::tempdir().unwrap();
    let data = demo_data_dir(dir.path(), None);
    std::fs::write(data.config_path(), "store_name = [broken").unwrap();
    let mut d = Driver::new(data.clone());
    d.send(Message::Settings(settings::Message::WedgeGap("300".into())));
    d.send(Message::Settings(settings::Message::Save));
    assert_eq!(
        d.banner(),
        d.t("settings.bad_wedge_gap"),
        "300 ms is refused"
    );
    assert!(data.load_config().is_err(), "a refused form writes nothing");
    d.send(Message::Settings(settings::Message::WedgeGap("100".into())));
    d.send(Message::Settings(settings::Message::Save));
    assert_eq!(
        data.load_config().expect("saved").wedge.max_inter_key_ms,
        100
    );

    // The same keys are now one scan, wherever they land.
    d.log_in_and_open_shift(1);
    d.key(Pressed::F(7));
    burst(&mut d, "6921345626875", slow);
    assert!(not_here(&d), "{}", d.banner());
}
