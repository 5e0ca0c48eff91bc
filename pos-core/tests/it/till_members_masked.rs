//! Members at the till without their numbers: head office sends them masked with the
//! phone's keyed hash; a member registered here before the chain's key arrived is keyed
//! and masked when it does; a member is found by the phone however it is typed, and a
//! masked number two members share never makes one of them the other.

use pos_core::member::{Member, Tier, phone_key};
use pos_core::store::Store;

use crate::common::*;

const KEY: &str = "chain-key-1";

fn from_head_office(id: &str, card: &str, phone: &str, name: &str) -> Member {
    Member {
        id: id.into(),
        card_no: card.into(),
        phone: phone.into(),
        name: name.into(),
        tier: Tier::Standard,
        points_balance: 0,
        phone_key: None,
        tier_spend: None,
        segment: None,
    }
    .for_tills(KEY)
}

fn numbers_in_member_table(path: &std::path::Path, number: &str) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM member WHERE phone = ?1 OR name = ?2",
            [number, "王小明"],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn members_are_found_by_phone_through_the_key_and_kept_masked() {
    let mut t = selling_till();
    let local = t
        .till
        .register_member("13912345678", "王小明", now())
        .expect("registered offline, before any key");
    let path = t.path();
    let TestTill { dir: _dir, till } = t;
    drop(till);
    let mut store = Store::open_existing(&path).unwrap();
    assert_eq!(numbers_in_member_table(&path, "13912345678"), 1);

    let page = store.begin_feed_page().unwrap();
    page.set_member_lookup_key(KEY).unwrap();
    // Another member whose number masks the same way.
    let twin = from_head_office("H-2", "C-2", "13900005678", "李四");
    assert_eq!(twin.phone, "*******5678");
    page.upsert_member(&twin).unwrap();
    page.commit(2).unwrap();

    assert_eq!(numbers_in_member_table(&path, "13912345678"), 0);
    let found = store
        .find_member("139 1234 5678")
        .unwrap()
        .expect("by phone");
    assert_eq!(found.id, local.id);
    assert_eq!(
        (found.phone.as_str(), found.name.as_str()),
        ("*******5678", "王**")
    );
    assert_eq!(found.phone_key, Some(phone_key(KEY, "13912345678")));
    let twin_found = store.find_member("13900005678").unwrap().expect("the twin");
    assert_eq!(twin_found.id, "H-2");
    assert!(store.find_member("*******5678").unwrap().is_none());

    // Head office merges the local member into its own record: the stand-in gives way.
    let merged = from_head_office("H-1", "C-1", "13912345678", "王小明");
    let page = store.begin_feed_page().unwrap();
    page.upsert_member(&merged).unwrap();
    page.commit(3).unwrap();
    assert_eq!(store.find_member("13912345678").unwrap().unwrap().id, "H-1");
    assert!(store.find_member(&local.card_no).unwrap().is_none());
    assert_eq!(store.find_member("13900005678").unwrap().unwrap().id, "H-2");
}

#[test]
fn a_member_registered_once_the_key_is_known_is_kept_masked_at_once() {
    let mut t = selling_till();
    let path = t.path();
    {
        let mut store = Store::open_existing(&path).unwrap();
        let page = store.begin_feed_page().unwrap();
        page.set_member_lookup_key(KEY).unwrap();
        page.commit(1).unwrap();
    }
    let member = t
        .till
        .register_member("13912345678", "王小明", now())
        .unwrap();
    assert_eq!(member.phone, "*******5678");
    assert_eq!(numbers_in_member_table(&path, "13912345678"), 0);
    assert!(
        matches!(
            t.till.register_member("13912345678", "王小明", now()),
            Err(pos_core::till::TillError::MemberExists { .. })
        ),
        "the same phone twice is refused"
    );
}
