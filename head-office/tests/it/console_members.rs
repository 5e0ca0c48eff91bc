//! The console's Members page: exact search, personal data masked but for admins, and a
//! member's ledger with the till document behind each entry.

use head_office::console::users::add_user;
use head_office::testing::Visitor;
use pos_domain::document::DocumentBody;

use crate::common::*;

const PASSWORD: &str = "correct horse 7";

async fn browser_for(ho: &HeadOffice, name: &str, role: &str, stores: &[String]) -> Visitor {
    add_user(&**ho.client().await, name, role, stores, PASSWORD)
        .await
        .unwrap();
    let mut browser = Visitor::new(&ho.base_url);
    browser.sign_in(name, PASSWORD).await;
    browser
}

#[tokio::test]
async fn a_member_is_found_by_card_or_full_phone_and_shown_masked_but_to_admins() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13812345678", 120).await;
    let mut admin = browser_for(&ho, "wang", "admin", &[]).await;
    let found = admin.get("/members?q=13812345678").await;
    assert!(
        found.body.contains("13812345678") && found.body.contains("王五"),
        "{}",
        found.body
    );

    for (name, role, stores) in [
        ("li", "store_manager", vec!["S001".to_owned()]),
        ("zhao", "auditor", vec![]),
        ("chen", "merchandiser", vec![]),
    ] {
        let mut browser = browser_for(&ho, name, role, &stores).await;
        let by_card = browser.get("/members?q=C-M1").await;
        assert!(
            by_card.body.contains("138****5678") && by_card.body.contains("王*"),
            "{role}: {}",
            by_card.body
        );
        assert!(
            !by_card.body.contains("13812345678"),
            "{role} sees the whole phone"
        );
        let page = browser.get("/members/M1").await;
        assert!(
            !page.body.contains("13812345678") && !page.body.contains("王五"),
            "{role}"
        );
    }
    let partial = admin.get("/members?q=1381234").await;
    assert!(
        partial.body.contains("没有找到会员"),
        "no listing by part of a phone"
    );
    assert_eq!(admin.get("/members/nobody").await.status, 404);
    ho.stop().await;
}

#[tokio::test]
async fn a_members_page_lists_every_ledger_entry_with_the_document_behind_it() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13812345678", 120).await;
    let token = ho.enroll("S001", "T01").await;
    let doc = document(
        "S001",
        "T01",
        1,
        DocumentBody::Sale(sale(&[item("A", 1, "50.00")], Some("M1"), 50, 0)),
    );
    all_accepted(&ho.submit(&token, &batch("S001", "T01", vec![doc])).await);

    let mut browser = browser_for(&ho, "zhao", "auditor", &[]).await;
    let page = browser.get("/members/M1").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("sale S001/T01 #1"), "{}", page.body);
    assert!(
        page.body.contains("<td>earn</td><td>50</td><td>170</td>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("<td>import</td>"),
        "the imported opening balance too"
    );
    ho.stop().await;
}
