//! One classification of an entered code for every screen: a code typed or scanned on
//! the sale screen, scanned on the returns screen or on the member screen, does what the
//! till's one `classify` says it names: a product goes on the sale (or on the list of a
//! return without a receipt), a receipt opens its sale, a member is attached, anything
//! else changes nothing. The member screen looks for a member first: a code that is both
//! a SKU and a member's card attaches the member there and is a product everywhere else.

use pos_app::app::keys::Pressed;
use pos_app::app::screen::{payment, sale};
use pos_app::app::{Message, Screen, scanning};
use pos_core::member::{Member, Tier};
use pos_core::till::{EnteredCode, Till};

use crate::ui_support::*;

/// The demo's blood-pressure cuff: its barcode and its SKU.
const CUFF: &str = "6921345626875";
const CUFF_SKU: &str = "100024";
/// The first demo member's card and phone.
const CARD: &str = "886000000001";
const PHONE: &str = "18118139066";
/// A member added for this test whose card number is also the cuff's SKU.
const TWIN_CARD: &str = CUFF_SKU;

/// What a screen did with a code.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Did {
    /// This product went on the sale or on the list of a return without a receipt.
    Item(String),
    /// The sale of this receipt is open for a return.
    Receipt,
    /// This member (card number) is on the sale.
    Member(String),
    Nothing,
}

/// What the till says a code names, as each screen should act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Item(String),
    Receipt,
    Member(String),
    Unknown,
}

fn kind(till: &Till, code: &str) -> Kind {
    match scanning::classify(till, code).expect("the till answers") {
        EnteredCode::Product(item) | EnteredCode::Udi(item) => Kind::Item(item.product.name),
        EnteredCode::Receipt(_) => Kind::Receipt,
        EnteredCode::Member(member) => Kind::Member(member.card_no),
        EnteredCode::Unknown(_) => Kind::Unknown,
    }
}

/// The sale screen, empty, no member.
fn fresh_sale(d: &mut Driver) {
    if !matches!(d.app.screen(), Screen::Sale(_)) {
        d.key(Pressed::Escape);
    }
    assert!(
        matches!(d.app.screen(), Screen::Sale(_)),
        "back at the sale"
    );
    d.key(Pressed::Ctrl('n'));
    d.send(Message::Sale(sale::Message::DetachMember));
    assert!(d.till().cart().lines.is_empty() && d.till().member().is_none());
}

fn on_sale(d: &mut Driver, code: &str, scanned: bool) -> Did {
    fresh_sale(d);
    if scanned {
        d.scan(code);
    } else {
        d.type_into_entry(code, PERSON_GAP);
    }
    if matches!(d.app.screen(), Screen::Return(r) if r.found().is_some()) {
        return Did::Receipt;
    }
    if let Some(member) = d.till().member() {
        return Did::Member(member.card_no.clone());
    }
    match d.till().cart().lines.last() {
        Some(line) => Did::Item(line.product.name.clone()),
        None => Did::Nothing,
    }
}

fn on_returns(d: &mut Driver, code: &str) -> Did {
    fresh_sale(d);
    d.key(Pressed::F(4));
    // As a scanner hands it over (off the sale screen a short wedge burst is typing).
    let _ = d.app.on_scan(code.to_string());
    let Screen::Return(r) = d.app.screen() else {
        panic!("still on the returns screen")
    };
    if r.found().is_some() {
        return Did::Receipt;
    }
    match r.no_receipt_list().lines().first() {
        Some((name, _)) => Did::Item(name.clone()),
        None => Did::Nothing,
    }
}

fn on_member_screen(d: &mut Driver, code: &str) -> Did {
    fresh_sale(d);
    d.key(Pressed::F(2));
    assert!(matches!(d.app.screen(), Screen::Member(_)));
    let _ = d.app.on_scan(code.to_string());
    match d.till().member() {
        Some(member) => Did::Member(member.card_no.clone()),
        None => Did::Nothing,
    }
}

#[test]
fn every_screen_acts_on_the_tills_one_classification_of_a_code() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = demo_data_dir(dir.path(), None);
    {
        let mut till = Till::open(&data.till_path(), Default::default()).expect("the till");
        let twin = Member {
            id: "M-TWIN".into(),
            card_no: TWIN_CARD.into(),
            phone: "13900000001".into(),
            name: "同号".into(),
            tier: Tier::Standard,
            points_balance: 0,
            phone_key: None,
            tier_spend: None,
            segment: None,
        };
        till.import_catalog(&pos_core::import::CatalogImport {
            members: vec![twin],
            ..Default::default()
        })
        .expect("the twin member");
    }
    let mut d = Driver::new(data);
    d.log_in_and_open_shift(5);

    // A sale to have a receipt to scan.
    d.scan(CUFF);
    d.key(Pressed::F(12));
    d.send(Message::Payment(payment::Message::Amount("100".into())));
    d.key(Pressed::Enter);
    let receipt = d
        .till()
        .recent_documents("sale", 1)
        .expect("documents")
        .first()
        .expect("the sale")
        .id
        .to_string();

    let udi = format!("01{}17261124{}", gtin14("6921345628145"), "10L2411B12");
    let codes = [CUFF, CUFF_SKU, &udi, &receipt, CARD, PHONE, "NOPE-42"];
    let mut kinds = Vec::new();
    for code in codes {
        let kind = kind(d.till(), code);
        let (sale, returns) = match &kind {
            Kind::Item(name) => (Did::Item(name.clone()), Did::Item(name.clone())),
            Kind::Receipt => (Did::Receipt, Did::Receipt),
            Kind::Member(card) => (Did::Member(card.clone()), Did::Nothing),
            Kind::Unknown => (Did::Nothing, Did::Nothing),
        };
        // The member screen looks for a member first, whatever else the code names.
        let member = match d.till().find_member(code).expect("the till answers") {
            Some(m) => Did::Member(m.card_no),
            None => Did::Nothing,
        };
        assert_eq!(
            on_sale(&mut d, code, false),
            sale,
            "{code} typed on the sale screen"
        );
        assert_eq!(
            on_sale(&mut d, code, true),
            sale,
            "{code} scanned on the sale screen"
        );
        assert_eq!(
            on_returns(&mut d, code),
            returns,
            "{code} scanned for a return"
        );
        assert_eq!(
            on_member_screen(&mut d, code),
            member,
            "{code} scanned for a member"
        );
        kinds.push(kind);
    }
    // The SKU that is also a card finds its member where a member is asked for.
    assert_eq!(
        on_member_screen(&mut d, CUFF_SKU),
        Did::Member(TWIN_CARD.into())
    );
    // Each kind was tried, and the SKU that is also a card is a product on every other
    // screen.
    let cuff = kinds[0].clone();
    assert!(matches!(cuff, Kind::Item(_)));
    assert_eq!(
        kinds[1], cuff,
        "the SKU names the cuff, not the twin member"
    );
    assert!(matches!(kinds[2], Kind::Item(_)));
    assert_eq!(kinds[3], Kind::Receipt);
    assert_eq!(kinds[4], Kind::Member(CARD.into()));
    assert_eq!(kinds[5], Kind::Member(CARD.into()));
    assert_eq!(kinds[6], Kind::Unknown);
}
