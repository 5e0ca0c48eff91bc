//! Card numbers across the chain: two stores each have a terminal T01, and each registers
//! a member offline. Their cards must differ, head office must keep both members, and
//! every till's pull must go on bringing both down: found by card and by phone, while no
//! till file holds the phone or name of a member it did not register itself.

use tests::first_sale_at;
use tests::head_office::TestHeadOffice;
use tests::tills::{PIN, TestTill};

/// The bytes of a till's database and its write-ahead log.
fn till_files(till: &TestTill) -> Vec<u8> {
    let path = till.data.till_path();
    let mut bytes = std::fs::read(&path).expect("the till file");
    let mut wal = path.into_os_string();
    wal.push("-wal");
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_registered_offline_at_two_stores_terminal_t01_keep_distinct_cards_and_every_pull_goes_on()
 {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S1", "S2"]).await;
    let tills = [
        ho.enrolled_till("S1", "T01", ho.url()).await,
        ho.enrolled_till("S2", "T01", ho.url()).await,
    ];
    let mut cards = Vec::new();
    let people = [("13800000000", "王芳"), ("13800000001", "李娜")];
    for (till, (phone, name)) in tills.iter().zip(people) {
        let mut open = till.open();
        open.login("manager", PIN, first_sale_at()).expect("log in");
        let member = open
            .register_member(phone, name, first_sale_at())
            .expect("register offline");
        cards.push(member.card_no);
    }
    assert_ne!(cards[0], cards[1], "one card number issued twice");

    for _round in 0..2 {
        for till in &tills {
            till.drain().await;
        }
    }
    for till in &tills {
        let store = till.store();
        for (card, (phone, _)) in cards.iter().zip(people) {
            let by_card = store.find_member(card).expect("read a member");
            assert!(
                by_card.is_some(),
                "{} knows the member with card {card}",
                till.store_id
            );
            let by_phone = store.find_member(phone).expect("read a member");
            assert_eq!(
                by_phone.map(|m| m.card_no),
                Some(card.clone()),
                "{} finds the member by phone {phone}",
                till.store_id
            );
        }
        assert!(store.set_aside_changes().expect("set aside").is_empty());
    }
    // Head office's members (the demo catalog's) and the other store's reach no till
    // file but masked; a till's own registration stays in its journal.
    let demo = ho
        .client()
        .await
        .query_one(
            "SELECT phone, name FROM members
             WHERE registered_document_id IS NULL AND name NOT IN ('王芳', '李娜') LIMIT 1",
            &[],
        )
        .await
        .expect("a demo member");
    let demo: (String, String) = (demo.get(0), demo.get(1));
    for (till, other) in tills.iter().zip([people[1], people[0]]) {
        let files = till_files(till);
        for secret in [other.0, other.1, demo.0.as_str(), demo.1.as_str()] {
            assert!(
                !files.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{}'s files hold {secret}",
                till.store_id
            );
        }
    }
    let kept: i64 = ho
        .client()
        .await
        .query_one(
            "SELECT count(DISTINCT id) FROM members WHERE card_no = ANY($1)",
            &[&cards],
        )
        .await
        .expect("count members")
        .get(0);
    assert_eq!(
        kept, 2,
        "head office keeps both members, each with its card"
    );
    ho.stop().await;
}
