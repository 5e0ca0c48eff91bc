//! The store manager's review (F11) shows the whole store's daily closes as head office
//! has them when online (every terminal's Z, asked over real HTTP from a real head
//! office), says plainly when it shows only this till (no head office configured, or head
//! office unreachable), and lists the operator changes made at this till.

use crate::ui_support::*;
use pos_app::app::Message;
use pos_app::app::Screen;
use pos_app::app::keys::Pressed;
use pos_app::app::screen::review::{self, StoreCloses};
use pos_core::data_dir::ServerConfig;
use pos_core::document::DenominationCount;
use rust_decimal::Decimal;
use tests::first_sale_at;
use tests::head_office::TestHeadOffice;
use tests::tills::{PIN, TestTill};

/// A terminal of store S001 that takes its Z report and hands it to head office.
async fn closed_terminal(ho: &TestHeadOffice, terminal: &str) -> TestTill {
    let till = ho.enrolled_till("S001", terminal, ho.url()).await;
    let mut open = till.open();
    open.login("manager", PIN, first_sale_at()).expect("log in");
    let counted = vec![DenominationCount {
        denomination: Decimal::ONE_HUNDRED,
        count: 0,
    }];
    open.z_report(counted, None, first_sale_at())
        .expect("the daily close");
    till.drain().await;
    till
}

/// The demo till talking to `server`, the cashier at the sale screen.
fn at_sale_screen_of(server: &ServerConfig) -> (tempfile::TempDir, Driver) {
    let dir = tempfile::tempdir().unwrap();
    let data = demo_data_dir(dir.path(), None);
    let mut config = data.load_config().expect("config");
    config.server = Some(server.clone());
    data.save_config(&config).expect("config saved");
    let mut d = Driver::new(data);
    d.log_in_and_open_shift(1);
    (dir, d)
}

fn review_state(d: &Driver) -> &review::State {
    match d.app.screen() {
        Screen::Review(state) => state,
        other => panic!("not the review: {other:?}"),
    }
}

/// Opens the review from the sale screen, then gives it head office's answer the way
/// the window's task would.
fn review_with(d: &mut Driver, server: Option<&ServerConfig>, rt: &tokio::runtime::Runtime) {
    d.key(Pressed::F(11));
    let date = review_state(d).date();
    let Some(server) = server else {
        return;
    };
    assert_eq!(review_state(d).store_closes(), &StoreCloses::Asking);
    let result = rt.block_on(pos_app::app::ask_store_closes(
        server.clone(),
        "S001".into(),
        date,
    ));
    d.send(Message::Review(review::Message::StoreCloses {
        date,
        result,
    }));
}

#[test]
fn online_the_review_shows_every_terminal_of_the_store() {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let ho = rt.block_on(TestHeadOffice::start());
    let _t01 = rt.block_on(closed_terminal(&ho, "T01"));
    let _t02 = rt.block_on(closed_terminal(&ho, "T02"));
    let server = ServerConfig {
        url: ho.url(),
        token: rt.block_on(ho.enroll("S001", "T03")),
    };
    let (_dir, mut d) = at_sale_screen_of(&server);

    review_with(&mut d, Some(&server), &rt);
    let StoreCloses::Known(close) = review_state(&d).store_closes().clone() else {
        panic!("no answer: {:?}", review_state(&d).store_closes());
    };
    let terminals: Vec<&str> = close
        .terminals
        .iter()
        .map(|t| t.terminal_id.as_str())
        .collect();
    assert_eq!(terminals, ["T01", "T02"]);
    assert!(d.shows(&d.app.i18n().f("review.store_totals", &[("count", &2)])));
    for t in ["T01", "T02"] {
        let heading = d.app.i18n().f(
            "review.z",
            &[("no", &1), ("terminal", &t), ("date", &close.business_date)],
        );
        assert!(d.shows(&heading), "{heading}");
    }
    assert!(!d.shows(&d.t("review.only_this_till")));

    // The day before has no closes: head office says so, and the review says so.
    d.key(Pressed::F(1));
    assert_eq!(review_state(&d).store_closes(), &StoreCloses::Asking);
    let date = review_state(&d).date();
    let result = rt.block_on(pos_app::app::ask_store_closes(server, "S001".into(), date));
    d.send(Message::Review(review::Message::StoreCloses {
        date,
        result,
    }));
    assert!(d.shows(&d.t("review.store_none")));
    drop(d);
    rt.block_on(ho.stop());
}

#[test]
fn without_head_office_the_review_says_it_shows_only_this_till_and_lists_operator_changes() {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let dir = tempfile::tempdir().unwrap();
    let data = demo_data_dir(dir.path(), None);
    {
        let mut till = pos_core::till::Till::open(&data.till_path(), Default::default())
            .expect("open the till");
        till.login("manager", MANAGER_PIN, demo_now())
            .expect("log in");
        let new = pos_core::till::NewOperator {
            id: "c9",
            name: "周婷",
            role: pos_core::operator::Role::Cashier,
            pin: "2468",
        };
        till.add_operator_as_manager(new, demo_now())
            .expect("add an operator");
        till.deactivate_operator("c9", demo_now())
            .expect("deactivate");
    }
    let mut d = Driver::new(data);
    d.log_in_and_open_shift(1);
    review_with(&mut d, None, &rt);
    assert_eq!(review_state(&d).store_closes(), &StoreCloses::NotConnected);
    assert!(d.shows(&d.t("review.only_this_till")));
    assert!(d.shows("c9 周婷"), "the operator changed is named");
    assert!(d.shows(&d.t("operator_action.added")));
    assert!(d.shows(&d.t("operator_action.deactivated")));
}

#[test]
fn with_head_office_unreachable_the_review_says_why_and_shows_only_this_till() {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let server = ServerConfig {
        url,
        token: "t".into(),
    };
    let (_dir, mut d) = at_sale_screen_of(&server);
    review_with(&mut d, Some(&server), &rt);
    let StoreCloses::Unreachable(reason) = review_state(&d).store_closes().clone() else {
        panic!("{:?}", review_state(&d).store_closes());
    };
    assert!(
        d.shows(
            &d.app
                .i18n()
                .f("review.store_unreachable", &[("reason", &reason)])
        )
    );
}
