//! Erasing a member's personal data: afterwards no head-office table holds their phone
//! or name (every table scanned), every stored document still matches its recorded hash
//! (a registration from before sealing counted as redacted), the tills' feed and the
//! integrations' events say so, a late sale of the member still counts; in the console
//! only an admin erases, with the card typed again and a reason.

use head_office::document_check::check_documents;
use head_office::integrations::{events, ingest_events};
use head_office::member_erasure::{self, EraseError};
use pos_domain::document::{DocumentBody, MemberRegistration, SaleMember};
use pos_domain::member::Tier;
use pos_domain::personal_data::SALT_BYTES;
use pos_domain::protocol::{Change, DocumentStatus, FeedChange};

use crate::common::*;

const PHONE: &str = "13955550123";
const NAME: &str = "欧阳小明";

/// Rows of every table of head office that hold `text` anywhere: (table, rows).
async fn tables_holding(ho: &HeadOffice, text: &str) -> Vec<(String, i64)> {
    head_office::testing::tables_holding(&**ho.client().await, text)
        .await
        .unwrap()
}

fn sealed(member_id: &str, phone: &str, name: &str) -> DocumentBody {
    DocumentBody::MemberRegistration(MemberRegistration::sealed(
        member_id.into(),
        format!("L{member_id}"),
        phone.into(),
        name.into(),
        [3; SALT_BYTES],
    ))
}

/// As a till wrote it before registrations were sealed.
fn unsealed(member_id: &str, phone: &str, name: &str) -> DocumentBody {
    DocumentBody::MemberRegistration(MemberRegistration {
        member_id: member_id.into(),
        card_no: format!("L{member_id}"),
        phone: phone.into(),
        name: name.into(),
        seal: None,
    })
}

fn sale_to(member_id: &str) -> DocumentBody {
    let mut s = sale(&[item("A", 1, "100.00")], None, 0, 0);
    s.member = Some(SaleMember {
        member_id: member_id.into(),
        card_no: format!("L{member_id}"),
        tier: Tier::Standard,
    });
    s.points_earned = 100;
    DocumentBody::Sale(s)
}

#[tokio::test]
async fn after_an_erasure_no_table_holds_the_phone_or_name_and_every_document_still_checks() {
    let ho = HeadOffice::start().await;
    let t1 = ho.enroll("S1", "T01").await;
    let t2 = ho.enroll("S1", "T02").await;
    let registered = document("S1", "T01", 1, sealed("R1", PHONE, NAME));
    let first = vec![
        registered.clone(),
        document("S1", "T01", 2, sale_to("R1")),
        document("S1", "T01", 3, sealed("R9", "13900009999", "钱七")),
    ];
    all_accepted(&ho.submit(&t1, &batch("S1", "T01", first)).await);
    // Another till registered the same phone before sealing existed: merged into R1.
    let old = document("S1", "T02", 1, unsealed("OLD", PHONE, NAME));
    all_accepted(&ho.submit(&t2, &batch("S1", "T02", vec![old.clone()])).await);
    assert!(!tables_holding(&ho, PHONE).await.is_empty());
    // An open proposal to merge R1 with another member is closed by the erasure.
    ho.client()
        .await
        .execute(
            "INSERT INTO member_duplicate_proposals (member_a, member_b, evidence)
             VALUES ('R1', 'R9', 'one_digit:3')",
            &[],
        )
        .await
        .unwrap();

    let erased = member_erasure::erase(
        &mut *ho.client().await,
        "R1",
        "wang",
        "本人来电要求删除",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    assert_eq!(erased.alias_ids, ["OLD"]);
    assert_eq!(erased.redacted_documents, 1);
    let proposal: String = ho
        .client()
        .await
        .query_one("SELECT status FROM member_duplicate_proposals", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(proposal, "dismissed");
    for text in [PHONE, NAME] {
        assert_eq!(tables_holding(&ho, text).await, [], "{text} is still held");
    }
    assert!(
        !tables_holding(&ho, "13900009999").await.is_empty(),
        "others stay"
    );
    let check = check_documents(&**ho.client().await).await.unwrap();
    assert!(check.passed(), "{check:?}");
    assert_eq!((check.documents, check.redacted), (4, 1));

    // Both registrations, sent again (their answers lost), are the documents head
    // office has; a late sale of the member still counts, and tills hear no more of them.
    let late = document("S1", "T01", 4, sale_to("R1"));
    let resent = ho
        .submit(&t1, &batch("S1", "T01", vec![registered, late]))
        .await;
    assert_eq!(resent.results[0].status, DocumentStatus::Duplicate);
    assert_eq!(resent.results[1].status, DocumentStatus::Accepted);
    let again = ho.submit(&t2, &batch("S1", "T02", vec![old])).await;
    assert_eq!(again.results[0].status, DocumentStatus::Duplicate);
    assert_eq!(ho.balance("R1").await, Some(200));
    let (status, page) = ho.get(Some(&t1), "/v1/feed?cursor=0").await;
    assert_eq!(status, 200, "{page}");
    let changes: Vec<Change> = page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            serde_json::from_value::<FeedChange>(c.clone())
                .unwrap()
                .change
        })
        .collect();
    assert!(changes.contains(&Change::MemberErased {
        member_id: "R1".into(),
        alias_ids: vec!["OLD".into()],
    }));
    assert!(
        !changes
            .iter()
            .any(|c| matches!(c, Change::Member(m) if m.id == "R1")),
        "{changes:?}"
    );
    ingest_events::fold(&mut *ho.client().await).await.unwrap();
    let events = events::read_page(&**ho.client().await, 0, 1000, false)
        .await
        .unwrap()
        .events;
    assert!(
        events
            .iter()
            .any(|e| e.kind == events::EventKind::MemberErased
                && e.member_id.as_deref() == Some("R1"))
    );
    assert_eq!(tables_holding(&ho, PHONE).await, []);

    let audited = ho.changes_audited().await;
    let twice = member_erasure::erase(
        &mut *ho.client().await,
        "R1",
        "wang",
        "again",
        chrono::Utc::now(),
    )
    .await;
    assert!(
        matches!(twice, Err(EraseError::AlreadyErased { .. })),
        "{twice:?}"
    );
    let no_reason = member_erasure::erase(
        &mut *ho.client().await,
        "R9",
        "wang",
        " ",
        chrono::Utc::now(),
    )
    .await;
    assert!(
        matches!(no_reason, Err(EraseError::BadReason)),
        "{no_reason:?}"
    );
    assert_eq!(
        ho.changes_audited().await,
        audited,
        "a refusal changes nothing"
    );
    assert!(!tables_holding(&ho, "钱七").await.is_empty());
    ho.stop().await;
}

#[tokio::test]
async fn in_the_console_only_an_admin_erases_with_the_card_typed_again() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13812345678", 10).await;
    let mut li = ho.signed_in("qian").await;
    let page = li.get("/members/M1").await;
    assert!(!page.body.contains("/members/M1/erase"), "not offered");
    let refused = li
        .post(
            "/members/M1/erase",
            &[
                ("csrf", &page.csrf()),
                ("confirm_card", "C-M1"),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);

    let mut wang = ho.signed_in("wang").await;
    let page = wang.get("/members/M1").await;
    assert!(page.body.contains("/members/M1/erase"), "{}", page.body);
    let csrf = page.csrf();
    let wrong = wang
        .post(
            "/members/M1/erase",
            &[
                ("csrf", &csrf),
                ("confirm_card", "C-M2"),
                ("reason", "本人要求"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.body.contains("13812345678"), "nothing erased");
    let done = wang
        .post(
            "/members/M1/erase",
            &[
                ("csrf", &csrf),
                ("confirm_card", "C-M1"),
                ("reason", "本人要求"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let page = wang.get("/members/M1").await;
    assert!(!page.body.contains("13812345678"));
    assert!(page.body.contains("个人信息已于"), "{}", page.body);
    let logged: i64 = ho
        .client()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'member.erase' AND user_name = 'wang' AND subject = 'M1'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(logged, 1);
    assert_eq!(tables_holding(&ho, "13812345678").await, []);
    ho.stop().await;
}
