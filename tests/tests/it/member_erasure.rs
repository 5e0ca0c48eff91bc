//! A member erased at head office on request: after the tills' next pulls, neither the
//! till that registered them nor another store's holds their phone or name in any byte
//! of its files, no head-office table holds them, and the till's journal (`pos verify`)
//! and head office's document check still pass.

use head_office::document_check::check_documents;
use head_office::member_erasure;
use tests::first_sale_at;
use tests::head_office::TestHeadOffice;
use tests::tills::{PIN, TestTill};

const PHONE: &str = "13800000042";
const NAME: &str = "欧阳娜娜";

/// Whether the till's database or write-ahead log holds `text`.
fn till_files_hold(till: &TestTill, text: &str) -> bool {
    let path = till.data.till_path();
    let mut wal = path.clone().into_os_string();
    wal.push("-wal");
    [path.into_os_string(), wal].iter().any(|p| {
        std::fs::read(p).is_ok_and(|bytes| bytes.windows(text.len()).any(|w| w == text.as_bytes()))
    })
}

/// Head-office tables with a row holding `text` anywhere.
async fn tables_holding(ho: &TestHeadOffice, text: &str) -> Vec<String> {
    head_office::testing::tables_holding(&**ho.client().await, text)
        .await
        .expect("scan the tables")
        .into_iter()
        .map(|(table, _)| table)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_member_is_in_no_till_file_nor_head_office_table_and_every_check_passes() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S1", "S2"]).await;
    let tills = [
        ho.enrolled_till("S1", "T01", ho.url()).await,
        ho.enrolled_till("S2", "T01", ho.url()).await,
    ];
    let card = {
        let mut open = tills[0].open();
        open.login("manager", PIN, first_sale_at()).expect("log in");
        open.register_member(PHONE, NAME, first_sale_at())
            .expect("register offline")
            .card_no
    };
    for _round in 0..2 {
        for till in &tills {
            till.drain().await;
        }
    }
    assert!(tills[1].store().find_member(PHONE).expect("read").is_some());
    assert!(
        till_files_hold(&tills[0], PHONE),
        "the registering till keeps it until erased"
    );
    let member: String = ho
        .client()
        .await
        .query_one("SELECT id FROM members WHERE phone = $1", &[&PHONE])
        .await
        .expect("head office has the member")
        .get(0);

    member_erasure::erase(
        &mut *ho.client().await,
        &member,
        "wang",
        "会员本人书面申请删除",
        chrono::Utc::now(),
    )
    .await
    .expect("erased");
    for _round in 0..2 {
        for till in &tills {
            till.drain().await;
        }
    }

    for till in &tills {
        for secret in [PHONE, NAME] {
            assert!(
                !till_files_hold(till, secret),
                "{}'s files hold {secret}",
                till.store_id
            );
        }
        let store = till.store();
        assert!(store.find_member(&card).expect("read").is_none());
        assert!(store.set_aside_changes().expect("set aside").is_empty());
        let open = till.open();
        let chain = open.verify_journal().expect("verify");
        assert!(
            chain.chain_ok && chain.first_sequence_gap.is_none(),
            "{chain:?}"
        );
        assert!(open.integrity_problems().expect("integrity").is_empty());
    }
    for secret in [PHONE, NAME] {
        assert_eq!(
            tables_holding(&ho, secret).await,
            Vec::<String>::new(),
            "{secret}"
        );
    }
    let check = check_documents(&**ho.client().await).await.expect("check");
    assert!(check.passed(), "{check:?}");
    ho.stop().await;
}
