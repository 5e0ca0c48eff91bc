//! Faults the cashier must be able to work through: a printer that is not there, a
//! configuration that cannot be read or written, an empty data dir, a set-up the till
//! refuses, a database that cannot open.

use crate::ui_support::*;
use pos_app::app::keys::Pressed;
use pos_app::app::screen::{login, payment, setup};
use pos_app::app::{App, Clock, Level, Message, Screen};
use pos_core::data_dir::DataDir;

#[test]
fn a_dead_printer_shows_a_banner_and_the_sale_stays() {
    // A port nobody listens on: bind, note the address, close.
    let uri = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("tcp://{}", listener.local_addr().unwrap())
    };
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(uri)));
    d.log_in_and_open_shift(1);
    d.scan("6921345626875");
    d.key(Pressed::F(12));
    d.send(Message::Payment(payment::Message::Amount("50".into())));
    d.key(Pressed::Enter);
    assert_eq!(
        d.till().store().recent_documents("sale", 5).unwrap().len(),
        1,
        "the sale is committed"
    );
    assert!(d.app.wait_for_printer(std::time::Duration::from_secs(10)));
    let banner = d.app.banner().cloned().expect("a print failure banner");
    assert_eq!(banner.level, Level::Error);
    assert!(banner.text.contains("打印机"), "{}", banner.text);
    assert!(
        d.app.unprinted().is_some(),
        "the receipt waits for a reprint"
    );
    assert!(
        d.shows(&d.t("print.reprint")),
        "a reprint button is on the banner"
    );
    assert!(
        matches!(d.app.screen(), Screen::Sale(_)),
        "the cashier goes on selling"
    );
}

#[test]
fn a_corrupt_config_opens_settings_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = demo_data_dir(dir.path(), None);
    std::fs::write(data.config_path(), "store_name = [broken").unwrap();
    let app = App::new(data, Clock::manual(demo_now()));
    let Screen::Settings(settings) = app.screen() else {
        panic!("settings screen expected")
    };
    assert!(
        settings
            .load_error
            .as_deref()
            .is_some_and(|e| e.contains("config.toml"))
    );
}

#[test]
fn an_unopenable_database_says_why_and_where() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path());
    std::fs::write(data.till_path(), b"not a database").unwrap();
    let app = App::new(data.clone(), Clock::manual(demo_now()));
    let Screen::Fatal(reason) = app.screen() else {
        panic!("a clear message expected")
    };
    assert!(
        reason.contains(&data.till_path().display().to_string()),
        "{reason}"
    );
}

#[test]
fn first_start_sets_up_the_till_with_demo_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path().join("new-till"));
    let mut d = Driver {
        app: App::new(data.clone(), Clock::manual(demo_now())),
        at: std::time::Instant::now(),
    };
    assert!(matches!(d.app.screen(), Screen::Setup(_)));
    d.send(Message::Setup(setup::Message::ManagerPin("2468".into())));
    d.key(Pressed::Enter);
    assert!(
        matches!(d.app.screen(), Screen::Login(_)),
        "{:?}",
        d.app.banner()
    );
    assert!(
        d.till().store().product_count().unwrap() > 100,
        "demo catalog loaded"
    );
    assert!(data.config_path().exists());
    d.send(Message::Login(login::Message::Pin("2468".into())));
    d.key(Pressed::Enter);
    assert!(matches!(d.app.screen(), Screen::ShiftOpen(_)));
}

#[test]
fn an_unplugged_serial_scanner_shows_and_the_sale_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(demo_data_dir(dir.path(), None));
    d.send(Message::Login(login::Message::Operator("cashier".into())));
    d.send(Message::Login(login::Message::Pin(CASHIER_PIN.into())));
    d.key(Pressed::Enter);
    d.key(Pressed::Enter);
    d.send(Message::Scanner(scanner::ScannerEvent::Disconnected(
        "/dev/ttyUSB0: no such device".into(),
    )));
    assert!(
        d.shows(&d.t("status.scanner_lost")),
        "the status bar says so"
    );
    d.scan("6921345626875");
    assert_eq!(
        d.till().cart().lines.len(),
        1,
        "a keyboard scan still sells"
    );
    d.send(Message::Scanner(scanner::ScannerEvent::Reconnected));
    let raw = "]E06921345626875";
    let read = scanner::ScanRead {
        raw: raw.into(),
        result: scanner::parse(raw),
    };
    d.send(Message::Scanner(scanner::ScannerEvent::Scan(read)));
    assert_eq!(
        d.till().cart().lines[0].quantity,
        2,
        "the serial scanner's code (with its AIM id) adds one more"
    );
    assert!(d.shows(&d.t("status.scanner_ready")));
}

#[test]
fn set_up_and_settings_say_why_they_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path().join("new-till"));
    let mut d = Driver {
        app: App::new(data.clone(), Clock::manual(demo_now())),
        at: std::time::Instant::now(),
    };
    let refused = |d: &Driver| {
        let banner = d.app.banner().cloned().expect("a banner says why");
        assert_eq!(banner.level, Level::Error);
        banner.text
    };

    // A box left empty: the set-up's own words.
    d.send(Message::Setup(setup::Message::Store(" ".into())));
    d.send(Message::Setup(setup::Message::ManagerPin("2468".into())));
    d.key(Pressed::Enter);
    assert_eq!(refused(&d), d.t("setup.need_ids"));
    assert!(matches!(d.app.screen(), Screen::Setup(_)));
    assert!(!data.till_path().exists(), "no till file");

    // A PIN the till refuses: the till's words, and still no file.
    d.send(Message::Setup(setup::Message::Store("S001".into())));
    d.send(Message::Setup(setup::Message::ManagerPin("12".into())));
    d.key(Pressed::Enter);
    assert_eq!(refused(&d), d.t("error.bad_pin"));
    assert!(!data.till_path().exists(), "no till file");

    d.send(Message::Setup(setup::Message::ManagerPin("2468".into())));
    d.key(Pressed::Enter);
    assert!(matches!(d.app.screen(), Screen::Login(_)));
    d.send(Message::Login(login::Message::Pin("2468".into())));
    d.key(Pressed::Enter);
    d.send(Message::ShiftOpen(
        pos_app::app::screen::shift_open::Message::Count(
            pos_app::app::screen::count::Message::Count(0, "1".into()),
        ),
    ));
    d.key(Pressed::Enter);
    d.key(Pressed::Ctrl('s'));
    assert!(matches!(d.app.screen(), Screen::Settings(_)));

    // The configuration file cannot be written: the system's reason, naming the file;
    // the manager stays in settings.
    let before = std::fs::read_to_string(data.config_path()).unwrap();
    std::fs::remove_file(data.config_path()).unwrap();
    std::fs::create_dir(data.config_path()).unwrap();
    std::fs::write(data.config_path().join("in-the-way"), b"").unwrap();
    d.key(Pressed::F(12));
    let reason = refused(&d);
    assert!(reason.contains("config.toml"), "{reason}");
    assert!(matches!(d.app.screen(), Screen::Settings(_)));
    std::fs::remove_dir_all(data.config_path()).unwrap();
    std::fs::write(data.config_path(), &before).unwrap();
    d.key(Pressed::F(12));
    assert_eq!(
        d.app.banner().map(|b| b.text.clone()),
        Some(d.t("settings.saved"))
    );
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
}
