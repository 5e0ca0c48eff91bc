//! A sale to an organisation (机构客户) on a real till file: attached by code or name,
//! with a department; a class III device refused when the organisation's
//! 医疗器械经营许可证 has expired on the business date, or, on a till set to warn, sold
//! once the cashier acknowledges, the sale recording the warning.

use pos_core::catalog::DeviceClass;
use pos_core::document::DocumentBody;
use pos_core::organisation::{
    Organisation, OrganisationKind, QualificationKind, QualificationProblem, QualificationValidity,
};
use pos_core::till::{ItemInput, TillConfig, TillError};

use crate::common::*;

/// The business date of `now()` (10:00 in Beijing on 2026-11-22).
const TODAY: &str = "2026-11-22";

fn organisation(id: &str, name: &str, code: &str, licence_until: Option<&str>) -> Organisation {
    Organisation {
        id: id.into(),
        name: name.into(),
        code: code.into(),
        kind: OrganisationKind::Hospital,
        departments: vec!["心内科".into(), "内分泌科".into()],
        qualifications: licence_until
            .map(|d| QualificationValidity {
                kind: QualificationKind::DeviceLicence,
                valid_until: Some(d.parse().unwrap()),
            })
            .into_iter()
            .collect(),
    }
}

/// A till whose file holds, as the feed would bring them: the masks as a class III
/// device (for the test), and three organisations: licence expired yesterday, valid
/// today, and none at all.
fn till_with_organisations(config: TillConfig) -> TestTill {
    let mut t = selling_till();
    t.till.set_config(config);
    let mut masks = t.till.store().product("MK01").unwrap().unwrap();
    masks.device_class = Some(DeviceClass::III);
    let page = t.till.store_mut().begin_feed_page().unwrap();
    page.upsert_product(&masks).unwrap();
    for o in [
        organisation(
            "ORG000001",
            "仁和医院",
            "91350100M000100Y43",
            Some("2026-11-21"),
        ),
        organisation("ORG000002", "仁爱诊所", "91110000600037341L", Some(TODAY)),
        organisation("ORG000003", "康宁药店", "91310000MA1FL4T72L", None),
    ] {
        page.upsert_organisation(&o).unwrap();
    }
    page.commit(1).unwrap();
    t
}

fn ring_up_masks(t: &mut TestTill) {
    t.till
        .scan(&ItemInput::code(masks_barcode()), now())
        .unwrap();
}

#[test]
fn a_class_three_device_is_refused_to_an_organisation_whose_licence_expired() {
    let mut t = till_with_organisations(TillConfig::default());
    ring_up_masks(&mut t);
    let o = t.till.attach_organisation("91350100m000100y43").unwrap();
    assert_eq!(o.name, "仁和医院", "found by its code, in any case");
    t.till.set_department(Some("心内科")).unwrap();
    let before = t.till.store().outbox_stats().unwrap().waiting;

    let refused = t.till.pay(&[cash("15.00")], None, now()).unwrap_err();
    let TillError::QualificationRefused { problem } = &refused else {
        panic!("refused for the licence: {refused:?}")
    };
    assert_eq!(
        *problem,
        QualificationProblem::expired(
            QualificationKind::DeviceLicence,
            "2026-11-21".parse().unwrap()
        )
    );
    assert!(problem.reason_zh().contains("医疗器械经营许可证"));
    assert!(problem.reason_zh().contains("2026-11-21"));
    assert_eq!(
        t.till.store().outbox_stats().unwrap().waiting,
        before,
        "nothing written"
    );
    assert_eq!(
        t.till.cart().lines.len(),
        1,
        "the sale is still on the counter"
    );
    // Acknowledging is for a till set to warn: here it changes nothing.
    t.till.acknowledge_qualification_warning();
    assert!(matches!(
        t.till.pay(&[cash("15.00")], None, now()),
        Err(TillError::QualificationRefused { .. })
    ));

    // An organisation with no licence at all is refused too, naming what is missing.
    t.till.attach_organisation("康宁").unwrap();
    assert!(matches!(
        t.till.pay(&[cash("15.00")], None, now()),
        Err(TillError::QualificationRefused { problem })
            if problem == QualificationProblem::missing(QualificationKind::DeviceLicence)
    ));

    // A licence valid through today sells, and the sale names the organisation.
    t.till.attach_organisation("仁爱").unwrap();
    t.till.set_department(Some("内分泌科")).unwrap();
    let doc = t.till.pay(&[cash("15.00")], None, now()).unwrap();
    let DocumentBody::Sale(sale) = &doc.body else {
        panic!("a sale")
    };
    let named = sale.organisation.as_ref().expect("the sale names it");
    assert_eq!(
        (named.organisation_id.as_str(), named.name.as_str()),
        ("ORG000002", "仁爱诊所")
    );
    assert_eq!(named.department.as_deref(), Some("内分泌科"));
    assert_eq!(named.sold_under_warning, None);
    assert!(t.till.organisation().is_none(), "cleared with the sale");

    // The file reopened still verifies, the organisation's sale included.
    drop(t.till);
    let reopened =
        pos_core::till::Till::open(&t.dir.path().join("till.sqlite"), TillConfig::default())
            .unwrap();
    let report = reopened.verify_journal().unwrap();
    assert!(report.chain_ok, "{report:?}");
    let stored = reopened.store().document(doc.sequence).unwrap().unwrap();
    assert_eq!(stored, doc);
}

#[test]
fn a_till_set_to_warn_sells_once_the_cashier_acknowledges_and_records_it() {
    let config = TillConfig {
        qualification_warns: true,
        ..TillConfig::default()
    };
    let mut t = till_with_organisations(config);
    ring_up_masks(&mut t);
    t.till.attach_organisation("ORG000001").unwrap();
    let warned = t.till.pay(&[cash("15.00")], None, now()).unwrap_err();
    assert!(
        matches!(warned, TillError::QualificationWarning { .. }),
        "{warned:?}"
    );
    t.till.acknowledge_qualification_warning();
    let doc = t.till.pay(&[cash("15.00")], None, now()).unwrap();
    let DocumentBody::Sale(sale) = &doc.body else {
        panic!("a sale")
    };
    assert_eq!(
        sale.organisation.as_ref().unwrap().sold_under_warning,
        Some(QualificationProblem::expired(
            QualificationKind::DeviceLicence,
            "2026-11-21".parse().unwrap()
        ))
    );

    // The acknowledgement was for that sale: the next one warns again.
    ring_up_masks(&mut t);
    t.till.attach_organisation("ORG000001").unwrap();
    assert!(matches!(
        t.till.pay(&[cash("15.00")], None, now()),
        Err(TillError::QualificationWarning { .. })
    ));
}

#[test]
fn other_devices_sell_to_any_organisation_and_a_sale_without_one_is_unchanged() {
    let mut t = till_with_organisations(TillConfig::default());
    t.till
        .scan(&ItemInput::code(strips_barcode()), now())
        .unwrap();
    t.till.attach_organisation("ORG000001").unwrap();
    assert_eq!(t.till.qualification_problem(now()).unwrap(), None);
    t.till.pay(&[cash("89.00")], None, now()).unwrap();

    ring_up_masks(&mut t);
    let doc = t.till.pay(&[cash("15.00")], None, now()).unwrap();
    let DocumentBody::Sale(sale) = &doc.body else {
        panic!("a sale")
    };
    assert_eq!(sale.organisation, None);
    let bytes = String::from_utf8(doc.canonical_bytes()).unwrap();
    assert!(
        !bytes.contains("organisation"),
        "not written when none: {bytes}"
    );
}

#[test]
fn an_organisation_is_found_by_code_or_a_unique_part_of_its_name() {
    let mut t = till_with_organisations(TillConfig::default());
    assert!(matches!(
        t.till.attach_organisation("仁"),
        Err(TillError::OrganisationAmbiguous { count: 2, .. })
    ));
    assert_eq!(t.till.find_organisations("仁").unwrap().len(), 2);
    assert!(matches!(
        t.till.attach_organisation("协和"),
        Err(TillError::OrganisationNotFound { .. })
    ));
    t.till.attach_organisation("仁和").unwrap();
    assert!(matches!(
        t.till.set_department(Some("骨科")),
        Err(TillError::UnknownDepartment { .. })
    ));
    // Held and resumed, the sale keeps its organisation and department.
    t.till.set_department(Some("心内科")).unwrap();
    ring_up_masks(&mut t);
    t.till.hold(now()).unwrap();
    assert!(t.till.organisation().is_none());
    let held = t.till.held_sales().unwrap();
    t.till.resume(&held[0].id, now()).unwrap();
    let attached = t.till.organisation().expect("back with the sale");
    assert_eq!(attached.organisation.id, "ORG000001");
    assert_eq!(attached.department.as_deref(), Some("心内科"));
}
