//! The till's own sync agent (the `SyncHandle` the app starts from its configuration)
//! against a real head office on a throwaway PostgreSQL, through a TCP proxy that can
//! cut the line: a sale reaches head office and the status bar says online with the time
//! of the sync; with the line cut the next sale completes at once, the bar says offline
//! with one document waiting; once the line is back it drains; a price changed at head
//! office reaches the sale screen.

use std::time::{Duration, Instant};

use crate::ui_support::*;
use pos_app::app::Message;
use pos_app::app::keys::Pressed;
use pos_app::app::screen::payment;
use pos_core::data_dir::ServerConfig;
use pos_core::import::{CatalogImport, parse_catalog_csv};
use pos_core::till::EnteredCode;
use rust_decimal::Decimal;
use tests::head_office::TestHeadOffice;
use tests::proxy::{Fault, FaultProxy, pass, random};
use tokio::runtime::Runtime;

/// The demo's blood-pressure cuff (49.00).
const CUFF: &str = "6921345626875";
/// Longest a test waits for the agent to do something.
const PATIENCE: Duration = Duration::from_secs(60);
/// Longest a test waits for the agent's next status before looking again.
const NEXT_STATUS_MAX: Duration = Duration::from_secs(1);

/// Feeds the app timer ticks and the sync agent's statuses as they come, as the
/// window's subscriptions do, until `done` holds.
fn tick_until(d: &mut Driver, rt: &Runtime, what: &str, mut done: impl FnMut(&mut Driver) -> bool) {
    let deadline = Instant::now() + PATIENCE;
    let mut statuses = d.app.sync_feed().expect("the agent runs").receiver();
    while !done(d) {
        assert!(Instant::now() < deadline, "waited {PATIENCE:?} for {what}");
        d.send(Message::Tick(Instant::now()));
        let status = statuses.borrow_and_update().clone();
        d.send(Message::Synced(status));
        // The agent's next status; the bound lets the till's own figures move too.
        let _ =
            rt.block_on(async { tokio::time::timeout(NEXT_STATUS_MAX, statuses.changed()).await });
    }
}

/// Scans the cuff and pays by WeChat Pay; returns the time the cashier waited.
fn sell_a_cuff(d: &mut Driver) -> Duration {
    let started = Instant::now();
    d.scan(CUFF);
    d.key(Pressed::F(12));
    d.key(Pressed::F(3));
    d.send(Message::Payment(payment::Message::Reference("WX1".into())));
    d.key(Pressed::Enter);
    started.elapsed()
}

fn waiting(d: &Driver) -> u64 {
    d.till().outbox_stats().expect("outbox stats").waiting
}

fn demo_catalog() -> CatalogImport {
    parse_catalog_csv(pos_core::demo::demo_catalog_csv().as_bytes()).expect("demo catalog")
}

#[test]
fn the_counter_syncs_through_its_own_agent_and_never_waits_for_the_line() {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let ho = rt.block_on(TestHeadOffice::start());
    let catalog = demo_catalog();
    rt.block_on(ho.import(&catalog, Some("S001")));
    let token = rt.block_on(ho.enroll("S001", "T01"));
    let line = rt.block_on(FaultProxy::start(ho.addr));

    let dir = tempfile::tempdir().unwrap();
    let data = demo_data_dir(dir.path(), None);
    let mut config = data.load_config().expect("config");
    config.server = Some(ServerConfig {
        url: line.url(),
        token,
    });
    data.save_config(&config).expect("config saved");
    let mut d = Driver::new(data);
    d.log_in_and_open_shift(1);

    // Online: the sale is pushed and the bar says so, with the time of the sync.
    sell_a_cuff(&mut d);
    tick_until(&mut d, &rt, "the first sale to reach head office", |d| {
        waiting(d) == 0 && d.app.status().online && d.app.status().last_sync.is_some()
    });
    assert!(d.shows(&d.t("status.online")));
    let at_head_office = rt.block_on(ho.documents("S001", "T01"));
    assert!(
        at_head_office.len() >= 2,
        "shift open and sale: {at_head_office:?}"
    );

    // The line is cut: the sale completes without waiting, and waits itself.
    line.set_plan(random(7, 100, vec![Fault::DropBeforeServer], u64::MAX));
    let waited = sell_a_cuff(&mut d);
    assert!(
        waited < Duration::from_secs(2),
        "the cashier waited {waited:?} on a cut line"
    );
    assert!(matches!(d.app.screen(), pos_app::app::Screen::Sale(_)));
    tick_until(&mut d, &rt, "the bar to say offline", |d| {
        !d.app.status().online && waiting(d) == 1
    });
    assert!(d.shows(&d.t("status.offline")));
    let before_reconnect = rt.block_on(ho.documents("S001", "T01")).len();
    assert_eq!(
        before_reconnect,
        at_head_office.len(),
        "nothing got through"
    );

    // The line is back: the waiting sale goes, exactly once.
    line.set_plan(pass());
    tick_until(&mut d, &rt, "the backlog to drain", |d| {
        waiting(d) == 0 && d.app.status().online
    });
    let after = rt.block_on(ho.documents("S001", "T01"));
    assert_eq!(after.len(), at_head_office.len() + 1, "{after:?}");

    // Head office changes the cuff's price: the next scan shows it.
    let mut repriced = CatalogImport::default();
    let mut cuff = catalog
        .products
        .iter()
        .find(|p| {
            catalog
                .barcodes
                .iter()
                .any(|(sku, b)| *sku == p.sku && b == CUFF)
        })
        .expect("the cuff is in the demo catalog")
        .clone();
    cuff.price = Decimal::new(4500, 2);
    repriced.products.push(cuff.clone());
    rt.block_on(ho.import(&repriced, None));
    // The next sale nudges the agent, whose cycle pushes it and then pulls the feed.
    sell_a_cuff(&mut d);
    tick_until(&mut d, &rt, "the new price to reach the till", |d| match d
        .till()
        .classify(CUFF, None)
    {
        Ok(EnteredCode::Product(item)) => item.product.price == cuff.price,
        _ => false,
    });
    d.scan(CUFF);
    assert!(d.shows("¥45.00"), "the sale screen shows the new price");

    drop(d);
    rt.block_on(ho.stop());
}
