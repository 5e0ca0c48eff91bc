//! Opening a document already filled in, as a transfer order from the feed will: the
//! transfer's id, the other store and the ordered lines, each with its product's name.

use chrono::{DateTime, Utc};
use pos_core::data_dir::{AppConfig, DataDir};
use pos_core::import::parse_catalog_csv;
use pos_core::stock_document::StockLine;
use pos_core::till::Till;

use super::{Kind, Start, State};
use crate::app::i18n::{I18n, Language};
use crate::app::screen::Ctx;

/// The demo till with its manager signed in on the demo business day, and what a
/// screen's `Ctx` borrows.
struct Fixture {
    _dir: tempfile::TempDir,
    data: DataDir,
    till: Till,
    config: AppConfig,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let catalog = parse_catalog_csv(pos_core::demo::demo_catalog_csv().as_bytes()).unwrap();
        let data = DataDir::new(dir.path());
        let mut till =
            pos_core::demo::demo_till(&data.till_path(), Default::default(), &catalog).unwrap();
        till.login("manager", pos_core::demo::DEMO_MANAGER_PIN, now())
            .unwrap();
        Fixture {
            _dir: dir,
            data,
            till,
            config: AppConfig::default(),
        }
    }

    fn ctx(&mut self) -> Ctx<'_> {
        Ctx {
            till: &mut self.till,
            now: now(),
            i18n: I18n::new(Language::ZhCn),
            config: &self.config,
            data: &self.data,
        }
    }
}

fn now() -> DateTime<Utc> {
    "2026-11-22T02:00:00Z".parse().unwrap()
}

#[test]
fn a_dispatch_opens_with_its_transfer_and_lines_filled_in() {
    let mut fixture = Fixture::new();
    let mut ctx = fixture.ctx();
    let ordered = StockLine {
        sku: "110021".into(),
        lot: Some("L2606B08".into()),
        expiry_date: None,
        serials: vec![],
        quantity: 4,
    };
    let (state, event) = State::new(
        Some(Start::dispatch("TR-77", "S002", vec![ordered])),
        &mut ctx,
    );
    assert!(event.is_none(), "{event:?}");
    let editor = state.editor.expect("the dispatch is open");
    assert_eq!(editor.kind, Kind::Dispatch);
    assert_eq!(
        (editor.reference.as_str(), editor.party.as_str()),
        ("TR-77", "S002")
    );
    assert_eq!(editor.lines[0].name, "鱼跃血糖试纸 710 100片");
    assert_eq!(editor.lines[0].quantity, 4);

    // A line ordered by SKU alone takes the held lots first expiry first: L2410D15 has
    // expired, L2411B12 holds 22, L2606B08 the rest.
    let by_sku = StockLine {
        sku: "110021".into(),
        lot: None,
        expiry_date: None,
        serials: vec![],
        quantity: 30,
    };
    let (state, _) = State::new(
        Some(Start::dispatch("TR-79", "S002", vec![by_sku])),
        &mut ctx,
    );
    let lots: Vec<(Option<String>, u32)> = state
        .editor
        .expect("open")
        .lines
        .into_iter()
        .map(|l| (l.lot, l.quantity))
        .collect();
    assert_eq!(
        lots,
        [(Some("L2411B12".into()), 22), (Some("L2606B08".into()), 8)]
    );

    // A line of a SKU the till does not know is shown by its SKU; the dispatch's
    // commit refuses it with the till's reason.
    let unknown = StockLine {
        sku: "999999".into(),
        lot: None,
        expiry_date: None,
        serials: vec![],
        quantity: 1,
    };
    let (state, _) = State::new(
        Some(Start::dispatch("TR-78", "S002", vec![unknown])),
        &mut ctx,
    );
    assert_eq!(state.editor.expect("open").lines[0].name, "999999");
}

#[test]
fn head_offices_orders_are_listed_on_the_menu_and_open_by_their_number() {
    use crate::app::keys::Pressed;
    use pos_core::transfer_order::{OrderLine, TransferOrder, TransferOrderState};
    let mut fixture = Fixture::new();
    let till = &mut fixture.till;
    let here = till.identity().store_id.clone();
    let order = |id: &str, from: &str, to: &str| TransferOrder {
        transfer_id: id.into(),
        from_store: from.into(),
        to_store: to.into(),
        lines: vec![OrderLine {
            sku: "110021".into(),
            lot: None,
            quantity: 30,
        }],
        note: String::new(),
        state: TransferOrderState::Ordered,
    };
    let page = till.store_mut().begin_feed_page().unwrap();
    page.upsert_transfer_order(&order("TO000002", "S009", &here))
        .unwrap();
    page.upsert_transfer_order(&order("TO000001", &here, "S002"))
        .unwrap();
    page.commit(1).unwrap();
    let mut ctx = fixture.ctx();
    let (mut state, event) = State::new(None, &mut ctx);
    assert!(event.is_none(), "{event:?}");
    let listed: Vec<(Kind, &str)> = super::orders::listed(&state.orders)
        .map(|(kind, o)| (kind, o.transfer_id.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (Kind::Dispatch, "TO000001"),
            (Kind::TransferReceipt, "TO000002")
        ]
    );

    // 1: the dispatch, its lines taken from the held lots earliest expiry first.
    state.key(&Pressed::Char('1'), &mut ctx);
    let editor = state.editor.take().expect("the dispatch is open");
    assert_eq!(
        (
            editor.kind,
            editor.reference.as_str(),
            editor.party.as_str()
        ),
        (Kind::Dispatch, "TO000001", "S002")
    );
    let lots: Vec<(Option<String>, u32)> = editor
        .lines
        .into_iter()
        .map(|l| (l.lot, l.quantity))
        .collect();
    assert_eq!(
        lots,
        [(Some("L2411B12".into()), 22), (Some("L2606B08".into()), 8)]
    );
    // 2: the receipt of what S009 sends, to be scanned as it arrives.
    state.key(&Pressed::Char('2'), &mut ctx);
    let editor = state.editor.take().expect("the receipt is open");
    assert_eq!(
        (
            editor.kind,
            editor.reference.as_str(),
            editor.party.as_str()
        ),
        (Kind::TransferReceipt, "TO000002", "S009")
    );
    assert!(editor.lines.is_empty());
    assert!(
        state.key(&Pressed::Char('3'), &mut ctx).is_none(),
        "no third order"
    );
    assert!(state.editor.is_none());
}

#[test]
fn two_ordered_lines_of_one_sku_make_one_line_per_lot_within_what_is_held() {
    let mut fixture = Fixture::new();
    let mut ctx = fixture.ctx();
    let line = |lot: Option<&str>, quantity| StockLine {
        sku: "110021".into(),
        lot: lot.map(Into::into),
        expiry_date: None,
        serials: vec![],
        quantity,
    };
    // 5 of L2606B08 named, then 30 of any lot: L2411B12's 22 first, then L2606B08's.
    let lines = vec![line(Some("L2606B08"), 5), line(None, 30)];
    let (state, _) = State::new(Some(Start::dispatch("TO9", "S002", lines)), &mut ctx);
    let drafted: Vec<(Option<String>, u32)> = state
        .editor
        .expect("open")
        .lines
        .into_iter()
        .map(|l| (l.lot, l.quantity))
        .collect();
    assert_eq!(
        drafted,
        [(Some("L2606B08".into()), 13), (Some("L2411B12".into()), 22)],
        "one line per lot, 35 units in all"
    );
}
