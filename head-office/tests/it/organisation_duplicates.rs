//! Likely duplicate organisations (issue 13): name variants and one credit code are
//! proposed in the same run as members (a campus or department in brackets and
//! unrelated names are not), listed for admins, merged by a person (departments,
//! contacts, qualifications and flagged sales moved to the survivor, a record that
//! explains it, audited, the tills told to forget the merged id) or dismissed for good.

use pos_domain::catalog::{DeviceClass, Tracking};
use pos_domain::document::{DocumentBody, SaleOrganisation};
use pos_domain::import::CatalogImport;
use pos_domain::protocol::{Change, FeedPage};

use crate::common::*;
use crate::device_sales::product;
use head_office::duplicates::schedule::search_all;
use head_office::organisations::{check_input, check_qualification, create, set_qualification};

const CODE_1: &str = "91310000MA1FL0001R";
const CODE_2: &str = "91310000MA1FL0002W";
const CODE_3: &str = "91310000MA1FL00030";
const CODE_4: &str = "91110000400000001Y";
const CODE_5: &str = "911100004000000022";
const CODE_6: &str = "911100004000000035";

/// Creates organisations (ORG000001, ... in order) as the console does.
async fn organisations(ho: &HeadOffice, list: &[(&str, &str, &str)]) {
    let mut client = ho.client().await;
    let tx = client.transaction().await.unwrap();
    for (name, code, departments) in list {
        let input = check_input(name, code, "hospital", departments).unwrap();
        create(&tx, &input).await.unwrap();
    }
    tx.commit().await.unwrap();
}

async fn proposals(ho: &HeadOffice) -> Vec<(i64, String, String, String, String)> {
    ho.client()
        .await
        .query(
            "SELECT id, organisation_a, organisation_b, evidence, status
             FROM organisation_duplicate_proposals ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect()
}

async fn feed_changes(ho: &HeadOffice, token: &str) -> Vec<Change> {
    let (status, body) = ho.get(Some(token), "/v1/feed?cursor=0").await;
    assert_eq!(status, 200, "{body}");
    let page: FeedPage = serde_json::from_value(body).unwrap();
    page.changes.into_iter().map(|c| c.change).collect()
}

async fn count(ho: &HeadOffice, sql: &str) -> i64 {
    ho.client().await.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test]
async fn name_variants_and_one_credit_code_are_proposed_once_campuses_and_others_never() {
    let ho = HeadOffice::start().await;
    organisations(
        &ho,
        &[
            ("上海仁济医疗器械有限公司", CODE_1, ""),
            ("上海 仁济医疗器械公司", CODE_2, ""),
            ("北京协和医院", CODE_3, "东院\n心内科"),
            ("北京协和医院（东院）", CODE_4, ""),
            ("北京协和医院心内科", CODE_5, ""),
            ("上海协和医院", CODE_6, ""),
        ],
    )
    .await;
    // The form upper-cases codes and the column is unique, so one code can repeat only
    // stored in another form: written here the way an older import could have.
    ho.client()
        .await
        .execute(
            "INSERT INTO organisations (id, name, credit_code, kind) VALUES ('ORG000099', '和平诊所', $1, 'clinic')",
            &[&CODE_1.to_lowercase()],
        )
        .await
        .unwrap();
    ho.add_console_staff().await;

    let first = search_all(&**ho.client().await).await.unwrap();
    assert_eq!(first.organisations.examined, 7);
    assert_eq!(first.organisations.proposed, 2);
    let found: Vec<(String, String, String)> = proposals(&ho)
        .await
        .into_iter()
        .map(|(_, a, b, evidence, _)| (a, b, evidence))
        .collect();
    assert_eq!(
        found,
        [
            ("ORG000001".into(), "ORG000002".into(), "name".into()),
            ("ORG000001".into(), "ORG000099".into(), "credit_code".into()),
        ],
        "the campus, the department and 上海协和医院 are not proposed"
    );
    let again = search_all(&**ho.client().await).await.unwrap();
    assert_eq!(again.organisations.proposed, 0, "proposed once");
    assert!(again.to_string().contains("7 organisations examined"));

    // Admins only: a merchandiser may neither see nor decide them.
    let mut qian = ho.signed_in("qian").await;
    assert_eq!(qian.get("/organisation-duplicates").await.status, 403);
    let qian_csrf = qian.get("/organisations").await.csrf();
    let mut wang = ho.signed_in("wang").await;
    let listed = wang.get("/organisation-duplicates").await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    for shown in [
        "上海 仁济医疗器械公司",
        "和平诊所",
        CODE_2,
        "统一社会信用代码相同",
        "名称相同",
    ] {
        assert!(listed.body.contains(shown), "{shown} in {}", listed.body);
    }
    assert!(!listed.body.contains("北京协和医院（东院）"));
    let id = proposals(&ho).await[1].0;
    let path = format!("/organisation-duplicates/{id}/dismiss");
    assert_eq!(qian.post(&path, &[("csrf", &qian_csrf)]).await.status, 403);
    let csrf = listed.csrf();
    let dismissed = wang.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(dismissed.status, 303, "{}", dismissed.body);
    assert_eq!(proposals(&ho).await[1].4, "dismissed");
    assert_eq!(wang.post(&path, &[("csrf", &csrf)]).await.status, 409);
    let after = search_all(&**ho.client().await).await.unwrap();
    assert_eq!(
        after.organisations.proposed, 0,
        "a dismissed pair stays away"
    );
    assert_eq!(
        count(
            &ho,
            "SELECT count(*) FROM audit_log WHERE action = 'organisation.duplicate_dismiss' AND user_name = 'wang'"
        )
        .await,
        1
    );
    ho.stop().await;
}

fn sale_to(organisation: &str) -> DocumentBody {
    let mut s = sale(&[item("CUFF", 1, "10.00")], None, 0, 0);
    s.organisation = Some(SaleOrganisation {
        organisation_id: organisation.into(),
        name: "上海仁济医疗器械公司".into(),
        department: None,
        sold_under_warning: None,
    });
    DocumentBody::Sale(s)
}

#[tokio::test]
async fn a_merge_moves_everything_explains_itself_and_the_tills_forget_the_merged_one() {
    let ho = HeadOffice::start().await;
    let file = CatalogImport {
        products: vec![product("CUFF", Some(DeviceClass::III), Tracking::None)],
        ..Default::default()
    };
    head_office::catalog::import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap();
    organisations(
        &ho,
        &[
            ("上海仁济医疗器械有限公司", CODE_1, "心内科"),
            ("上海仁济医疗器械公司", CODE_2, "心内科\n骨科"),
        ],
    )
    .await;
    let token = ho.enroll(STORE, TERMINAL).await;
    // A class III sale to ORG000002 before it had a licence: flagged under it.
    all_accepted(
        &ho.submit(
            &token,
            &batch(
                STORE,
                TERMINAL,
                vec![document(STORE, TERMINAL, 1, sale_to("ORG000002"))],
            ),
        )
        .await,
    );
    {
        let mut client = ho.client().await;
        let tx = client.transaction().await.unwrap();
        for (id, kind, until) in [
            ("ORG000001", "device_licence", "2027-01-31"),
            ("ORG000001", "business_licence", ""),
            ("ORG000002", "device_licence", ""),
            ("ORG000002", "class_two_filing", "2030-12-31"),
        ] {
            let q = check_qualification(kind, &format!("{id}-{kind}"), until).unwrap();
            set_qualification(&tx, id, &q).await.unwrap();
        }
        for (id, name) in [("ORG000001", "张医生"), ("ORG000002", "李采购")] {
            head_office::organisations::add_contact(
                &*tx,
                id,
                &(name.to_owned(), "13800001111".to_owned(), None),
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
    ho.add_console_staff().await;
    search_all(&**ho.client().await).await.unwrap();
    let proposal = proposals(&ho).await[0].0;
    let path = format!("/organisation-duplicates/{proposal}/merge");
    let mut wang = ho.signed_in("wang").await;
    let csrf = wang.get("/organisation-duplicates").await.csrf();

    // Refused without a reason, or for an organisation not in the pair: nothing changes.
    let before = ho.snapshot().await;
    for (survivor, reason) in [("ORG000001", " "), ("ORG000404", "同一家")] {
        let refused = wang
            .post(
                &path,
                &[("csrf", &csrf), ("survivor", survivor), ("reason", reason)],
            )
            .await;
        assert!([400, 409].contains(&refused.status), "{}", refused.body);
    }
    let mut qian = ho.signed_in("qian").await;
    let qian_csrf = qian.get("/organisations").await.csrf();
    let refused = qian
        .post(
            &path,
            &[
                ("csrf", &qian_csrf),
                ("survivor", "ORG000001"),
                ("reason", "同一家"),
            ],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(ho.snapshot().await, before);

    let reason = "同一家公司录入了两次";
    let merged = wang
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("survivor", "ORG000001"),
                ("reason", reason),
            ],
        )
        .await;
    assert_eq!(merged.status, 303, "{}", merged.body);
    assert_eq!(
        merged.location.as_deref(),
        Some("/organisations/ORG000001#merges")
    );

    let survivor = head_office::organisations::load(&**ho.client().await, "ORG000001")
        .await
        .unwrap()
        .expect("the survivor");
    assert!(
        head_office::organisations::load(&**ho.client().await, "ORG000002")
            .await
            .unwrap()
            .is_none(),
        "the merged row is gone"
    );
    assert_eq!(survivor.departments, ["心内科", "骨科"]);
    let contacts: Vec<&str> = survivor.contacts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(contacts, ["张医生", "李采购"]);
    let qualifications: Vec<(&str, Option<String>)> = survivor
        .qualifications
        .iter()
        .map(|q| (q.kind.code(), q.valid_until.map(|d| d.to_string())))
        .collect();
    assert_eq!(
        qualifications,
        [
            ("business_licence", None),
            ("class_two_filing", Some("2030-12-31".into())),
            ("device_licence", None),
        ],
        "the merged 长期 licence outlasts the survivor's"
    );
    assert_eq!(
        count(
            &ho,
            "SELECT count(*) FROM organisation_sale_reviews WHERE organisation_id = 'ORG000001'"
        )
        .await,
        1,
        "the flagged sale follows"
    );
    let record = ho
        .client()
        .await
        .query_one(
            "SELECT merged_id, merged_by, reason, merged, moved FROM organisation_merges WHERE survivor_id = 'ORG000001'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(record.get::<_, String>(0), "ORG000002");
    assert_eq!(record.get::<_, String>(1), "wang");
    assert_eq!(record.get::<_, String>(2), reason);
    let was: serde_json::Value = record.get(3);
    assert_eq!(was["name"], "上海仁济医疗器械公司");
    assert_eq!(was["credit_code"], CODE_2);
    let moved: serde_json::Value = record.get(4);
    assert_eq!(moved["departments"], serde_json::json!(["骨科"]));
    assert_eq!(moved["contacts"], 1);
    assert_eq!(moved["sale_reviews"], 1);
    assert_eq!(
        moved["qualifications"],
        serde_json::json!(["class_two_filing", "device_licence"])
    );
    assert_eq!(moved["dropped_qualifications"][0]["of"], "ORG000001");
    assert_eq!(
        moved["dropped_qualifications"][0]["valid_until"],
        "2027-01-31"
    );
    assert_eq!(proposals(&ho).await[0].4, "merged");
    assert_eq!(
        count(
            &ho,
            "SELECT count(*) FROM audit_log WHERE action = 'organisation.merge' AND subject = 'ORG000001' AND user_name = 'wang'"
        )
        .await,
        1
    );

    // The survivor's page explains it; the merged one's leads there.
    let page = wang.get("/organisations/ORG000001").await;
    for shown in [reason, "上海仁济医疗器械公司", "ORG000002", CODE_2] {
        assert!(page.body.contains(shown), "{shown} on the survivor's page");
    }
    let old = wang.get("/organisations/ORG000002").await;
    assert_eq!(old.status, 303);
    assert_eq!(old.location.as_deref(), Some("/organisations/ORG000001"));

    // The tills: the merged id is to be forgotten and never comes as an organisation;
    // the survivor comes with everything it now holds.
    let changes = feed_changes(&ho, &token).await;
    assert!(changes.contains(&Change::OrganisationMerged {
        merged_id: "ORG000002".into(),
        survivor_id: "ORG000001".into(),
    }));
    assert!(
        !changes
            .iter()
            .any(|c| matches!(c, Change::Organisation(o) if o.id == "ORG000002"))
    );
    let sent = changes
        .iter()
        .find_map(|c| match c {
            Change::Organisation(o) if o.id == "ORG000001" => Some(o),
            _ => None,
        })
        .expect("the survivor in the feed");
    assert_eq!(sent.departments, ["心内科", "骨科"]);
    assert_eq!(sent.qualifications.len(), 3);

    // A till that still names the merged id sells under the survivor's licence.
    all_accepted(
        &ho.submit(
            &token,
            &batch(
                STORE,
                TERMINAL,
                vec![document(STORE, TERMINAL, 2, sale_to("ORG000002"))],
            ),
        )
        .await,
    );
    assert_eq!(
        count(&ho, "SELECT count(*) FROM organisation_sale_reviews").await,
        1,
        "not flagged: the survivor's licence is valid"
    );
    ho.stop().await;
}

#[tokio::test]
async fn the_duplicates_command_proposes_organisations_in_the_members_run() {
    let url = head_office::testing::PgCluster::shared()
        .create_database()
        .await
        .unwrap();
    let pool = head_office::db::pool(&url, 2, None).unwrap();
    let mut client = pool.get().await.unwrap();
    head_office::db::migrate(&mut client).await.unwrap();
    let tx = client.transaction().await.unwrap();
    for (name, code) in [
        ("上海仁济医疗器械有限公司", CODE_1),
        ("上海仁济医疗器械股份有限公司", CODE_2),
        ("北京协和医院（东院）", CODE_3),
    ] {
        create(&tx, &check_input(name, code, "other", "").unwrap())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_head-office"))
        .arg("duplicates")
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(
        printed.contains("0 members sharing a name examined")
            && printed.contains("3 organisations examined, 1 pairs proposed now"),
        "{printed}"
    );
    let pairs: Vec<(String, String)> = client
        .query(
            "SELECT organisation_a, organisation_b FROM organisation_duplicate_proposals",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(pairs, [("ORG000001".into(), "ORG000002".into())]);
}
