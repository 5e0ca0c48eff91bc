//! The console's organisations (机构客户): merchandisers and admins create and edit them,
//! their qualifications and contacts, each change audited and sent to the tills by the
//! feed (contacts never); store managers and auditors read; a contact's phone is masked
//! but for admins, whose reading is logged; bad input is refused naming its field.

use head_office::testing::Visitor;
use serde_json::Value;

use crate::common::*;

pub const CODE: &str = "91350100M000100Y43";
pub const OTHER_CODE: &str = "91110000600037341L";

/// Creates an organisation through the form; the answer's status.
pub async fn create(browser: &mut Visitor, csrf: &str, name: &str, code: &str) -> u16 {
    browser
        .post(
            "/organisations/new",
            &[
                ("csrf", csrf),
                ("name", name),
                ("credit_code", code),
                ("kind", "hospital"),
                ("departments", "心内科\n内分泌科"),
            ],
        )
        .await
        .status
}

/// Sets a qualification through the form; the answer's status.
pub async fn set_qualification(
    browser: &mut Visitor,
    csrf: &str,
    id: &str,
    kind: &str,
    valid_until: &str,
) -> u16 {
    let answer = browser
        .post(
            &format!("/organisations/{id}/qualifications"),
            &[
                ("csrf", csrf),
                ("kind", kind),
                ("number", "闽榕食药监械经营许20190001号"),
                ("valid_until", valid_until),
            ],
        )
        .await;
    answer.status
}

/// The organisation changes a till's pull would bring, latest last.
async fn feed_organisations(ho: &HeadOffice, token: &str) -> Vec<Value> {
    let (status, page) = ho.get(Some(token), "/v1/feed?cursor=0").await;
    assert_eq!(status, 200);
    page["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["entity"] == "organisation")
        .cloned()
        .collect()
}

async fn audit_actions(ho: &HeadOffice) -> Vec<(String, String)> {
    ho.client()
        .await
        .query("SELECT action, subject FROM audit_log ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[tokio::test]
async fn a_merchandiser_sets_up_an_organisation_and_the_feed_carries_what_a_till_needs() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll("S001", "T01").await;
    ho.add_console_staff().await;
    let mut qian = ho.signed_in("qian").await;
    let csrf = qian.get("/organisations").await.csrf();

    assert_eq!(create(&mut qian, &csrf, "福州仁和医院", CODE).await, 303);
    let id = "ORG000001";
    assert_eq!(
        set_qualification(&mut qian, &csrf, id, "device_licence", "2026-12-31").await,
        303
    );
    assert_eq!(
        set_qualification(&mut qian, &csrf, id, "business_licence", "").await,
        303
    );
    let contact = qian
        .post(
            &format!("/organisations/{id}/contacts"),
            &[
                ("csrf", csrf.as_str()),
                ("name", "李主任"),
                ("phone", "13912345678"),
                ("department", "心内科"),
            ],
        )
        .await;
    assert_eq!(contact.status, 303, "{}", contact.body);

    let sent = feed_organisations(&ho, &token).await;
    assert_eq!(
        sent.len(),
        1,
        "one row per organisation, the latest: {sent:?}"
    );
    let data = &sent[0]["data"];
    assert_eq!(data["id"], id);
    assert_eq!(data["code"], CODE);
    assert_eq!(
        data["departments"],
        serde_json::json!(["心内科", "内分泌科"])
    );
    assert_eq!(
        data["qualifications"],
        serde_json::json!([
            {"kind": "business_licence", "valid_until": null},
            {"kind": "device_licence", "valid_until": "2026-12-31"},
        ])
    );
    let text = sent[0].to_string();
    assert!(
        !text.contains("13912345678") && !text.contains("李主任") && !text.contains("闽榕"),
        "no contact, no number: {text}"
    );

    // Edited: a new name and one department fewer reach the feed too.
    let edited = qian
        .post(
            &format!("/organisations/{id}"),
            &[
                ("csrf", csrf.as_str()),
                ("name", "福州仁和医院（总院）"),
                ("credit_code", CODE),
                ("kind", "hospital"),
                ("departments", "心内科"),
            ],
        )
        .await;
    assert_eq!(edited.status, 303, "{}", edited.body);
    let sent = feed_organisations(&ho, &token).await;
    assert_eq!(sent[0]["data"]["name"], "福州仁和医院（总院）");
    assert_eq!(
        sent[0]["data"]["departments"],
        serde_json::json!(["心内科"])
    );

    // Listed and found by part of the name or the code, with the licence's last day.
    for find in ["%E4%BB%81%E5%92%8C", "M000100"] {
        let page = qian.get(&format!("/organisations?find={find}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("2026-12-31"), "{find}: {}", page.body);
    }
    let page = qian.get("/organisations?find=nothing-like-it").await;
    assert!(!page.body.contains("福州"));

    assert_eq!(
        audit_actions(&ho).await,
        [
            ("organisation.create", id),
            ("organisation.qualification_set", id),
            ("organisation.qualification_set", id),
            ("organisation.contact_add", id),
            ("organisation.update", id),
        ]
        .map(|(a, s)| (a.to_owned(), s.to_owned()))
    );
    let logged: String = ho
        .client()
        .await
        .query_one(
            "SELECT after::text FROM audit_log WHERE action = 'organisation.contact_add'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(
        !logged.contains("13912345678"),
        "the log keeps it masked: {logged}"
    );
}

#[tokio::test]
async fn store_managers_and_auditors_read_but_do_not_change_organisations() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let mut qian = ho.signed_in("qian").await;
    let csrf = qian.get("/organisations").await.csrf();
    assert_eq!(create(&mut qian, &csrf, "福州仁和医院", CODE).await, 303);
    let before = ho.snapshot().await;
    let audited = ho.changes_audited().await;

    for name in ["li", "zhao"] {
        let mut reader = ho.signed_in(name).await;
        let page = reader.get("/organisations/ORG000001").await;
        assert_eq!(page.status, 200, "{name} reads");
        assert!(page.body.contains("福州仁和医院"));
        assert!(
            !page.body.contains("/organisations/ORG000001/contacts\""),
            "no forms for {name}"
        );
        let csrf = page.csrf();
        assert_eq!(reader.get("/organisations/new").await.status, 403);
        assert_eq!(
            create(&mut reader, &csrf, "另一家", OTHER_CODE).await,
            403,
            "{name}"
        );
        assert_eq!(
            set_qualification(
                &mut reader,
                &csrf,
                "ORG000001",
                "device_licence",
                "2030-01-01"
            )
            .await,
            403
        );
        let removed = reader
            .post(
                "/organisations/ORG000001/qualifications/device_licence/remove",
                &[("csrf", csrf.as_str())],
            )
            .await;
        assert_eq!(removed.status, 403);
    }
    assert_eq!(ho.snapshot().await, before, "nothing changed");
    assert_eq!(ho.count("organisations").await, 1);
    assert_eq!(ho.count("organisation_qualifications").await, 0);
    assert_eq!(ho.changes_audited().await, audited);
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field_and_changes_nothing() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let mut qian = ho.signed_in("qian").await;
    let csrf = qian.get("/organisations").await.csrf();
    assert_eq!(create(&mut qian, &csrf, "福州仁和医院", CODE).await, 303);
    let count = ho.count("organisations").await;
    let audited = ho.changes_audited().await;

    let bad_code = qian
        .post(
            "/organisations/new",
            &[
                ("csrf", csrf.as_str()),
                ("name", "某诊所"),
                ("credit_code", "91350100M000100Y44"),
                ("kind", "clinic"),
            ],
        )
        .await;
    assert_eq!(bad_code.status, 400);
    assert!(
        bad_code.body.contains("统一社会信用代码"),
        "{}",
        bad_code.body
    );
    assert_eq!(
        create(&mut qian, &csrf, "重复", CODE).await,
        400,
        "a code is one organisation's"
    );
    let bad_date = qian
        .post(
            "/organisations/ORG000001/qualifications",
            &[
                ("csrf", csrf.as_str()),
                ("kind", "device_licence"),
                ("number", "X1"),
                ("valid_until", "2026-02-30"),
            ],
        )
        .await;
    assert_eq!(bad_date.status, 400);
    assert!(bad_date.body.contains("有效期至"), "{}", bad_date.body);
    let bad_phone = qian
        .post(
            "/organisations/ORG000001/contacts",
            &[
                ("csrf", csrf.as_str()),
                ("name", "李"),
                ("phone", "call me"),
            ],
        )
        .await;
    assert_eq!(bad_phone.status, 400);
    assert_eq!(
        qian.post(
            "/organisations/ORG000404/qualifications",
            &[
                ("csrf", csrf.as_str()),
                ("kind", "device_licence"),
                ("number", "X1"),
                ("valid_until", ""),
            ]
        )
        .await
        .status,
        404
    );
    let no_csrf = qian
        .post(
            "/organisations/ORG000001/contacts",
            &[("name", "李"), ("phone", "13912345678")],
        )
        .await;
    assert_eq!(no_csrf.status, 403);

    assert_eq!(ho.count("organisations").await, count);
    assert_eq!(ho.count("organisation_qualifications").await, 0);
    assert_eq!(ho.count("organisation_contacts").await, 0);
    assert_eq!(ho.changes_audited().await, audited);
}

async fn contacts_reads(ho: &HeadOffice) -> i64 {
    ho.client()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'organisation.contacts_read'",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn a_contacts_phone_is_masked_but_for_admins_whose_reading_is_logged() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let mut qian = ho.signed_in("qian").await;
    let csrf = qian.get("/organisations").await.csrf();
    assert_eq!(create(&mut qian, &csrf, "福州仁和医院", CODE).await, 303);
    let added = qian
        .post(
            "/organisations/ORG000001/contacts",
            &[
                ("csrf", csrf.as_str()),
                ("name", "李主任"),
                ("phone", "13912345678"),
            ],
        )
        .await;
    assert_eq!(added.status, 303);

    for name in ["qian", "li", "zhao"] {
        let page = ho
            .signed_in(name)
            .await
            .get("/organisations/ORG000001")
            .await;
        assert!(!page.body.contains("13912345678"), "{name}: {}", page.body);
        assert!(page.body.contains("139****5678"), "{name}");
    }
    assert_eq!(contacts_reads(&ho).await, 0, "masked pages are not logged");
    let page = ho
        .signed_in("wang")
        .await
        .get("/organisations/ORG000001")
        .await;
    assert!(page.body.contains("13912345678"));
    assert_eq!(contacts_reads(&ho).await, 1);

    // Removing the contact is audited; the organisation keeps its other data.
    let mut qian = ho.signed_in("qian").await;
    let csrf = qian.get("/organisations").await.csrf();
    let contact: i64 = ho
        .client()
        .await
        .query_one("SELECT id FROM organisation_contacts", &[])
        .await
        .unwrap()
        .get(0);
    let removed = qian
        .post(
            &format!("/organisations/ORG000001/contacts/{contact}/remove"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(removed.status, 303);
    assert_eq!(ho.count("organisation_contacts").await, 0);
    assert!(
        audit_actions(&ho)
            .await
            .contains(&("organisation.contact_remove".into(), "ORG000001".into()))
    );
}
