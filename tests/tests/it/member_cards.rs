//! Card numbers across the chain: two stores each have a terminal T01, and each registers
//! a member offline. Their cards must differ, head office must keep both members, and
//! every till's pull must go on bringing both down.

use tests::first_sale_at;
use tests::head_office::TestHeadOffice;
use tests::tills::PIN;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_registered_offline_at_two_stores_terminal_t01_keep_distinct_cards_and_every_pull_goes_on()
 {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S1", "S2"]).await;
    let tills = [
        ho.enrolled_till("S1", "T01", ho.url()).await,
        ho.enrolled_till("S2", "T01", ho.url()).await,
    ];
    let mut cards = Vec::new();
    for (i, till) in tills.iter().enumerate() {
        let mut open = till.open();
        open.login("manager", PIN, first_sale_at()).expect("log in");
        let member = open
            .register_member(&format!("1380000000{i}"), "王芳", first_sale_at())
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
        for card in &cards {
            let member = store.find_member(card).expect("read a member");
            assert!(
                member.is_some(),
                "{} knows the member with card {card}",
                till.store_id
            );
        }
        assert!(store.set_aside_changes().expect("set aside").is_empty());
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
