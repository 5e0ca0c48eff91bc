//! An organisation (机构客户) set up in the head-office console reaches the till by the
//! feed, with its qualification's expiry and without its contacts; the till refuses a
//! class III device to it once the 医疗器械经营许可证 has expired; a till set to warn sells
//! after the cashier acknowledges; head office accepts that sale and flags it for review.

use head_office::console::users::add_user;
use head_office::testing::Visitor;
use pos_core::catalog::{DeviceClass, Tracking};
use pos_core::document::{DocumentBody, Tender, TenderKind};
use pos_core::import::CatalogImport;
use pos_core::organisation::{QualificationKind, QualificationProblem};
use pos_core::till::{ItemInput, TillConfig, TillError};
use tests::first_sale_at;
use tests::head_office::TestHeadOffice;
use tests::tills::PIN;

const CODE: &str = "91440300MA5F00001A";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_class_three_sale_to_an_organisation_with_an_expired_licence_is_refused_warned_and_flagged()
 {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S001"]).await;
    let mut device = tests::demo_catalog()
        .products
        .into_iter()
        .find(|p| p.tracking == Tracking::None)
        .expect("an untracked product");
    device.device_class = Some(DeviceClass::III);
    ho.import(
        &CatalogImport {
            products: vec![device.clone()],
            ..Default::default()
        },
        None,
    )
    .await;
    let now = first_sale_at();
    let expired_on = (now.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        - chrono::Duration::days(2))
    .date_naive();

    add_user(
        &**ho.client().await,
        "chen",
        "merchandiser",
        &[],
        "correct horse 7",
    )
    .await
    .unwrap();
    let mut browser = Visitor::new(&ho.url());
    assert_eq!(browser.sign_in("chen", "correct horse 7").await.status, 303);
    let csrf = browser.get("/organisations/new").await.csrf();
    let created = browser
        .post(
            "/organisations/new",
            &[
                ("csrf", csrf.as_str()),
                ("name", "深圳仁和医院"),
                ("credit_code", CODE),
                ("kind", "hospital"),
                ("departments", "心内科\n骨科"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let id = "ORG000001";
    let until = expired_on.to_string();
    for (path, form) in [
        (
            format!("/organisations/{id}/qualifications"),
            vec![
                ("kind", "device_licence"),
                ("number", "粤深食药监械经营许20180001号"),
                ("valid_until", until.as_str()),
            ],
        ),
        (
            format!("/organisations/{id}/contacts"),
            vec![
                ("name", "李主任"),
                ("phone", "13912345678"),
                ("department", "心内科"),
            ],
        ),
    ] {
        let mut form = form;
        form.push(("csrf", csrf.as_str()));
        let answer = browser.post(&path, &form).await;
        assert_eq!(answer.status, 303, "{path}: {}", answer.body);
    }

    let till = ho.enrolled_till("S001", "T01", ho.url()).await;
    till.drain().await;
    let mut t = till.open();
    let o = t.attach_organisation(CODE).expect("the feed brought it");
    assert_eq!(o.departments, ["心内科", "骨科"]);
    assert_eq!(o.qualifications.len(), 1);
    assert_eq!(o.qualifications[0].valid_until, Some(expired_on));
    let file = std::fs::read(till.data.till_path()).unwrap();
    let file = String::from_utf8_lossy(&file);
    assert!(
        !file.contains("13912345678") && !file.contains("李主任"),
        "no contact on the till"
    );

    t.login("manager", PIN, now).unwrap();
    if !t.has_open_shift().unwrap() {
        t.open_shift(vec![], now).unwrap();
    }
    t.scan(&ItemInput::code(device.sku.clone()), now).unwrap();
    t.attach_organisation(CODE).unwrap();
    t.set_department(Some("心内科")).unwrap();
    let cash = Tender {
        kind: TenderKind::Cash,
        amount: t.priced(now).unwrap().total,
        reference: None,
        points: 0,
    };
    let expired = QualificationProblem::expired(QualificationKind::DeviceLicence, expired_on);
    match t.pay(std::slice::from_ref(&cash), None, now) {
        Err(TillError::QualificationRefused { problem }) => assert_eq!(problem, expired),
        other => panic!("refused: {other:?}"),
    }

    t.set_config(TillConfig {
        qualification_warns: true,
        ..TillConfig::default()
    });
    assert!(matches!(
        t.pay(std::slice::from_ref(&cash), None, now),
        Err(TillError::QualificationWarning { .. })
    ));
    t.acknowledge_qualification_warning();
    let doc = t.pay(&[cash], None, now).unwrap();
    let DocumentBody::Sale(sale) = &doc.body else {
        panic!("a sale")
    };
    assert_eq!(
        sale.organisation.as_ref().unwrap().sold_under_warning,
        Some(expired)
    );
    drop(t);

    let report = till.drain().await;
    assert_eq!(report.push.rejected, 0, "{report:?}");
    let flagged = ho
        .client()
        .await
        .query(
            "SELECT document_id, organisation_id, sold_under_warning FROM organisation_sale_reviews",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0].get::<_, uuid::Uuid>(0), doc.id);
    assert_eq!(flagged[0].get::<_, String>(1), id);
    assert!(flagged[0].get::<_, bool>(2));
    let page = browser.get("/organisation-reviews").await;
    assert!(page.body.contains(&doc.id.to_string()), "{}", page.body);
    ho.stop().await;
}
