//! A manager manages operators from the till window (settings, F2): adds a cashier who
//! then logs in, resets a locked-out PIN, deactivates; cashiers are refused the screen.

use crate::ui_support::*;
use pos_app::app::keys::Pressed;
use pos_app::app::screen::{Go, count, login, operators, sale, shift_open};
use pos_app::app::{Message, Screen};
use pos_core::operator::Role;

fn log_in(d: &mut Driver, id: &str, pin: &str) {
    d.send(Message::Login(login::Message::Operator(id.into())));
    d.send(Message::Login(login::Message::Pin(pin.into())));
    d.key(Pressed::Enter);
}

fn log_out(d: &mut Driver) {
    d.send(Message::Sale(sale::Message::Logout));
    assert!(matches!(d.app.screen(), Screen::Login(_)));
}

/// From the sale screen, as a manager: settings, then F2.
fn open_operators(d: &mut Driver) {
    d.click(&d.t("sale.settings"));
    assert!(matches!(d.app.screen(), Screen::Settings(_)));
    d.key(Pressed::F(2));
    assert!(
        matches!(d.app.screen(), Screen::Operators(_)),
        "{}",
        d.banner()
    );
}

fn operators_screen(d: &Driver) -> &operators::State {
    match d.app.screen() {
        Screen::Operators(s) => s,
        other => panic!("not the operators screen: {other:?}"),
    }
}

fn type_form(d: &mut Driver, fields: &[operators::Message]) {
    for m in fields {
        d.send(Message::Operators(m.clone()));
    }
}

#[test]
fn a_manager_adds_a_cashier_resets_a_pin_and_deactivates() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut d = Driver::new(demo_data_dir(dir.path(), None));

    // The manager logs in and opens the shift.
    log_in(&mut d, "manager", MANAGER_PIN);
    d.send(Message::ShiftOpen(shift_open::Message::Count(
        count::Message::Count(0, "2".into()),
    )));
    d.key(Pressed::Enter);
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
    open_operators(&mut d);
    assert!(d.shows("店长") && d.shows("收银员") && d.shows(&d.t("operators.active_state")));

    // PINs that differ are refused and add nobody.
    type_form(
        &mut d,
        &[
            operators::Message::Id("c02".into()),
            operators::Message::Name("李娜".into()),
            operators::Message::Pin("2468".into()),
            operators::Message::PinAgain("2469".into()),
        ],
    );
    d.key(Pressed::Enter);
    assert_eq!(d.banner(), d.t("operators.pin_mismatch"));
    assert_eq!(d.till().operators().unwrap().len(), 2);

    // Typed twice alike: added, as a cashier (the form's default role).
    type_form(
        &mut d,
        &[
            operators::Message::Pin("2468".into()),
            operators::Message::PinAgain("2468".into()),
        ],
    );
    d.key(Pressed::Enter);
    assert!(d.banner().contains("李娜"), "{}", d.banner());
    let added = d.till().operators().unwrap();
    let added = added.iter().find(|o| o.id == "c02").expect("c02 added");
    assert_eq!((added.name.as_str(), added.role), ("李娜", Role::Cashier));
    assert!(d.shows("李娜"));

    // The same id again is refused.
    type_form(
        &mut d,
        &[
            operators::Message::Id("c02".into()),
            operators::Message::Name("王芳".into()),
            operators::Message::Pin("1357".into()),
            operators::Message::PinAgain("1357".into()),
        ],
    );
    d.key(Pressed::Enter);
    assert!(d.banner().contains("c02"), "{}", d.banner());
    assert_eq!(d.till().operators().unwrap().len(), 3);

    // Back to the sale screen, log out; the new cashier logs in with their PIN.
    d.key(Pressed::Escape);
    assert!(matches!(d.app.screen(), Screen::Settings(_)));
    d.key(Pressed::Escape);
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
    log_out(&mut d);
    assert!(d.shows("李娜 · 收银员"), "the new cashier is offered");
    log_in(&mut d, "c02", "2468");
    assert!(matches!(d.app.screen(), Screen::Sale(_)), "{}", d.banner());
    assert_eq!(d.till().operator().map(|o| o.id.as_str()), Some("c02"));

    // Wrong PINs lock the new cashier out.
    log_out(&mut d);
    for _ in 0..5 {
        log_in(&mut d, "c02", "0000");
    }
    assert!(matches!(d.app.screen(), Screen::Login(_)));

    // The manager sees the lock, and a new PIN ends it.
    log_in(&mut d, "manager", MANAGER_PIN);
    open_operators(&mut d);
    assert!(
        d.shows(
            &d.app
                .i18n()
                .f("operators.locked_state", &[("until", &"10:15")])
        ),
        "the lock shows, in local time"
    );
    d.key(Pressed::Down);
    d.key(Pressed::Up);
    assert_eq!(
        operators_screen(&d).selected().map(|o| o.id.as_str()),
        Some("c02")
    );
    d.key(Pressed::F(3));
    assert_eq!(operators_screen(&d).focus_input(), operators::PIN_INPUT);
    type_form(
        &mut d,
        &[
            operators::Message::Pin("9753".into()),
            operators::Message::PinAgain("9753".into()),
        ],
    );
    d.key(Pressed::Enter);
    assert!(d.banner().contains("c02"), "{}", d.banner());
    assert!(
        !d.shows(
            &d.app
                .i18n()
                .f("operators.locked_state", &[("until", &"10:15")])
        )
    );

    // A manager cannot deactivate themself.
    d.send(Message::Operators(operators::Message::Select(
        "manager".into(),
    )));
    d.key(Pressed::F(4));
    d.key(Pressed::F(4));
    assert_eq!(d.banner(), d.t("operators.self_deactivation"));

    // Deactivate the new cashier: asked first, Esc keeps them, F4 twice deactivates.
    d.click("李娜");
    d.key(Pressed::F(4));
    assert_eq!(operators_screen(&d).confirming(), Some("c02"));
    d.key(Pressed::Escape);
    assert!(matches!(d.app.screen(), Screen::Operators(_)));
    assert_eq!(operators_screen(&d).confirming(), None);
    d.click(&d.t("operators.deactivate"));
    d.click(&d.t("operators.confirm"));
    assert!(d.banner().contains("c02"), "{}", d.banner());
    assert!(d.shows(&d.t("operators.inactive_state")));
    assert!(d.shows("李娜"), "the list keeps deactivated operators");

    // The deactivated cashier is no longer offered, and cannot log in.
    d.key(Pressed::Escape);
    d.key(Pressed::Escape);
    log_out(&mut d);
    assert!(!d.shows("李娜 · 收银员"));
    log_in(&mut d, "c02", "9753");
    assert!(matches!(d.app.screen(), Screen::Login(_)));
    assert_eq!(
        d.banner(),
        d.app.i18n().f("operators.inactive", &[("id", &"c02")])
    );
}

#[test]
fn a_cashier_is_refused_the_operators_screen() {
    let (_dir, mut d) = at_sale_screen(2);
    d.send(Message::Sale(sale::Message::Go(Go::Operators)));
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
    assert_eq!(d.banner(), d.t("operators.manager_only"));
    d.click(&d.t("sale.settings"));
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
    assert_eq!(d.banner(), d.t("settings.manager_only"));
}
