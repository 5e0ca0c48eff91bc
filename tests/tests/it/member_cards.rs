//! Card numbers across the chain: two stores each have a terminal T01, and each registers
//! a member offline. Their cards must differ, head office must keep both members, give
//! each its own code, and every till's pull must go on bringing both down: found by
//! head office's code, by the till's provisional card and by phone, while no till file
//! holds the phone or name of a member it did not register itself. A registration
//! merged by phone keeps its provisional card too.

use pos_core::member_code::is_head_office_code;
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
    let mut ids = Vec::new();
    let people = [("13800000000", "王芳"), ("13800000001", "李娜")];
    for (till, (phone, name)) in tills.iter().zip(people) {
        let mut open = till.open();
        open.login("manager", PIN, first_sale_at()).expect("log in");
        let member = open
            .register_member(phone, name, first_sale_at())
            .expect("register offline");
        assert!(
            open.find_member(&member.card_no).expect("read").is_some(),
            "the provisional card works at once at its till"
        );
        cards.push(member.card_no);
        ids.push(member.id);
    }
    assert_ne!(cards[0], cards[1], "one card number issued twice");

    for _round in 0..2 {
        for till in &tills {
            till.drain().await;
        }
    }
    let codes = head_office_codes(&ho, &ids).await;
    for till in &tills {
        let store = till.store();
        for ((card, id), (phone, _)) in cards.iter().zip(&ids).zip(people) {
            let code = &codes[id];
            for key in [code, card, phone] {
                let found = store.find_member(key).expect("read a member");
                assert_eq!(
                    found.map(|m| (m.id, m.card_no)),
                    Some((id.clone(), code.clone())),
                    "{} finds the member by {key}",
                    till.store_id
                );
            }
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
            "SELECT count(DISTINCT member_id) FROM member_cards WHERE card_no = ANY($1)",
            &[&cards],
        )
        .await
        .expect("count members")
        .get(0);
    assert_eq!(
        kept, 2,
        "head office keeps both members, each with its till's card joined"
    );
    ho.stop().await;
}

/// Head office's code of each member, by id; each one it issued.
async fn head_office_codes(
    ho: &TestHeadOffice,
    ids: &[String],
) -> std::collections::HashMap<String, String> {
    let codes: std::collections::HashMap<String, String> = ho
        .client()
        .await
        .query(
            "SELECT id, card_no FROM members WHERE id = ANY($1)",
            &[&ids],
        )
        .await
        .expect("members")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(codes.len(), ids.len(), "{codes:?}");
    for code in codes.values() {
        assert!(is_head_office_code(code), "head office's code: {code}");
    }
    codes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_merged_by_phone_keeps_its_provisional_card_at_every_till() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S1", "S2"]).await;
    let tills = [
        ho.enrolled_till("S1", "T01", ho.url()).await,
        ho.enrolled_till("S2", "T01", ho.url()).await,
    ];
    let phone = "13800000077";
    let mut registered = Vec::new();
    for till in &tills {
        let mut open = till.open();
        open.login("manager", PIN, first_sale_at()).expect("log in");
        registered.push(
            open.register_member(phone, "赵敏", first_sale_at())
                .expect("register offline"),
        );
    }
    // S1 reaches head office first; S2's registration is then merged into S1's member.
    for _round in 0..2 {
        for till in &tills {
            till.drain().await;
        }
    }
    let survivor = registered[0].id.clone();
    assert_eq!(
        ho.aliases().await.get(&registered[1].id),
        Some(&survivor),
        "S2's registration merged by phone"
    );
    let code = head_office_codes(&ho, std::slice::from_ref(&survivor)).await[&survivor].clone();
    for till in &tills {
        let store = till.store();
        for key in [
            code.as_str(),
            registered[0].card_no.as_str(),
            registered[1].card_no.as_str(),
            registered[1].id.as_str(),
            phone,
        ] {
            let found = store.find_member(key).expect("read a member");
            assert_eq!(
                found.map(|m| (m.id, m.card_no)),
                Some((survivor.clone(), code.clone())),
                "{} finds the member by {key}",
                till.store_id
            );
        }
        assert!(store.set_aside_changes().expect("set aside").is_empty());
    }
    ho.stop().await;
}
