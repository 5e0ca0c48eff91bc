//! Ingest checks again every sale that names an organisation: a class III device sold
//! to one without a valid 医疗器械经营许可证 on the sale's business date (by head office's
//! records) is accepted, never lost, and flagged for review; the console lists the flags
//! by store and a person marks them reviewed, audited.

use chrono::NaiveDate;
use pos_domain::catalog::{DeviceClass, Tracking};
use pos_domain::document::{DocumentBody, SaleOrganisation};
use pos_domain::import::CatalogImport;
use pos_domain::organisation::{QualificationKind, QualificationProblem};
use pos_domain::protocol::DocumentStatus;

use crate::common::*;
use crate::device_sales::product;

async fn setup(ho: &HeadOffice) {
    let file = CatalogImport {
        products: vec![
            product("CUFF", Some(DeviceClass::III), Tracking::None),
            product("STRIP", Some(DeviceClass::II), Tracking::None),
        ],
        ..Default::default()
    };
    head_office::catalog::import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap();
    let mut client = ho.client().await;
    let tx = client.transaction().await.unwrap();
    let day_before = business_date().pred_opt().unwrap();
    for (name, code, licence_until) in [
        ("过期医院", "91350100M000100Y43", day_before),
        ("有效诊所", "91110000600037341L", business_date()),
    ] {
        let input = head_office::organisations::check_input(name, code, "clinic", "").unwrap();
        let id = head_office::organisations::create(&tx, &input)
            .await
            .unwrap();
        let q = head_office::organisations::check_qualification(
            "device_licence",
            "许20190001号",
            &licence_until.to_string(),
        )
        .unwrap();
        head_office::organisations::set_qualification(&tx, &id, &q)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

fn to(organisation: &str, sku: &'static str, warned: bool) -> DocumentBody {
    let mut s = sale(&[item(sku, 1, "10.00")], None, 0, 0);
    s.organisation = Some(SaleOrganisation {
        organisation_id: organisation.into(),
        name: "某机构".into(),
        department: None,
        sold_under_warning: warned
            .then(|| QualificationProblem::missing(QualificationKind::DeviceLicence)),
    });
    DocumentBody::Sale(s)
}

#[tokio::test]
async fn a_class_three_sale_to_an_organisation_without_a_valid_licence_is_accepted_and_flagged() {
    let ho = HeadOffice::start().await;
    setup(&ho).await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let docs = vec![
        document(STORE, TERMINAL, 1, to("ORG000001", "CUFF", false)),
        document(STORE, TERMINAL, 2, to("ORG000001", "STRIP", false)),
        document(STORE, TERMINAL, 3, to("ORG000002", "CUFF", false)),
        document(STORE, TERMINAL, 4, to("ORG000404", "CUFF", true)),
    ];
    let answer = ho
        .submit(&token, &batch(STORE, TERMINAL, docs.clone()))
        .await;
    all_accepted(&answer);

    let rows = ho
        .client()
        .await
        .query(
            "SELECT document_id, organisation_id, business_date, problem::text, sold_under_warning
             FROM organisation_sale_reviews ORDER BY organisation_id",
            &[],
        )
        .await
        .unwrap();
    let flagged: Vec<(uuid::Uuid, String, NaiveDate, String, bool)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    assert_eq!(flagged.len(), 2, "{flagged:?}");
    assert_eq!(flagged[0].0, docs[0].id);
    assert_eq!(flagged[0].1, "ORG000001");
    assert_eq!(flagged[0].2, business_date());
    let problem: QualificationProblem = serde_json::from_str(&flagged[0].3).unwrap();
    assert_eq!(
        problem,
        QualificationProblem::expired(
            QualificationKind::DeviceLicence,
            business_date().pred_opt().unwrap()
        )
    );
    assert!(!flagged[0].4);
    assert_eq!(
        flagged[1].0, docs[3].id,
        "an organisation head office does not know"
    );
    assert!(flagged[1].4, "sold under the till's warning");

    // A resend changes nothing.
    let again = ho
        .submit(&token, &batch(STORE, TERMINAL, docs.clone()))
        .await;
    assert!(
        again
            .results
            .iter()
            .all(|r| r.status == DocumentStatus::Duplicate)
    );
    assert_eq!(ho.count("organisation_sale_reviews").await, 2);

    // The console lists them by store; a person marks one reviewed, audited.
    ho.add_console_staff().await;
    ho.add_console_user("zhou", "store_manager", &[STORE.to_owned()])
        .await;
    let mut li = ho.signed_in("li").await; // another store's manager
    let page = li.get("/organisation-reviews").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains(&docs[0].id.to_string()));
    let csrf = page.csrf();
    let path = format!("/organisation-reviews/{}/review", docs[0].id);
    assert_eq!(li.post(&path, &[("csrf", csrf.as_str())]).await.status, 403);
    let mut zhao = ho.signed_in("zhao").await;
    let page = zhao.get("/organisation-reviews").await;
    assert!(page.body.contains(&docs[0].id.to_string()), "auditors read");
    let csrf = page.csrf();
    assert_eq!(
        zhao.post(&path, &[("csrf", csrf.as_str())]).await.status,
        403
    );

    let mut zhou = ho.signed_in("zhou").await;
    let page = zhou.get("/organisation-reviews").await;
    assert!(page.body.contains(&docs[0].id.to_string()), "{}", page.body);
    assert!(page.body.contains("2026-11-21"), "the date it expired");
    let csrf = page.csrf();
    assert_eq!(zhou.post(&path, &[]).await.status, 403, "no CSRF token");
    let marked = zhou.post(&path, &[("csrf", csrf.as_str())]).await;
    assert_eq!(marked.status, 303, "{}", marked.body);
    let page = zhou.get("/organisation-reviews").await;
    assert!(!page.body.contains(&format!("{}/review", docs[0].id)));
    assert!(page.body.contains(&format!("{}/review", docs[3].id)));
    assert_eq!(
        zhou.post(&path, &[("csrf", csrf.as_str())]).await.status,
        404,
        "once"
    );
    let audited: (String, String) = ho
        .client()
        .await
        .query_one(
            "SELECT user_name, subject FROM audit_log WHERE action = 'organisation_sale.review'",
            &[],
        )
        .await
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!(audited, ("zhou".into(), docs[0].id.to_string()));
}
