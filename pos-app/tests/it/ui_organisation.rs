//! The organisation buying, through the real update and view: Ctrl+O, the code typed,
//! the department chosen with ↓ and Enter; a class III device refused at payment with
//! the reason on screen (which qualification, which date); a till set to warn shows the
//! warning and sells on F8, the sale recording it.

use crate::ui_support::basket::sales;
use crate::ui_support::*;
use pos_app::app::keys::Pressed;
use pos_app::app::{Level, Screen};
use pos_core::catalog::DeviceClass;
use pos_core::data_dir::DataDir;
use pos_core::organisation::{
    Organisation, OrganisationKind, QualificationKind, QualificationProblem, QualificationValidity,
};
use pos_core::store::Store;

pub(crate) const CUFF: &str = "6921345626875";
pub(crate) const CODE: &str = "91350100M000100Y43";

/// A demo till whose cuff is a class III device and that knows a hospital whose
/// 医疗器械经营许可证's last valid day is `licence_until`, as a pull brings them; `warns`
/// is the till's setting.
pub(crate) fn till_with_hospital(
    dir: &std::path::Path,
    warns: bool,
    licence_until: &str,
) -> DataDir {
    let data = demo_data_dir(dir, None);
    let mut config = data.load_config().unwrap();
    config.till.qualification_warns = warns;
    data.save_config(&config).unwrap();
    let mut store = Store::open(&data.till_path()).unwrap();
    let mut cuff = store.product_by_code(CUFF).unwrap().unwrap();
    cuff.device_class = Some(DeviceClass::III);
    let page = store.begin_feed_page().unwrap();
    page.upsert_product(&cuff).unwrap();
    page.upsert_organisation(&Organisation {
        id: "ORG000001".into(),
        name: "福州仁和医院".into(),
        code: CODE.into(),
        kind: OrganisationKind::Hospital,
        departments: vec!["心内科".into(), "内分泌科".into()],
        qualifications: vec![QualificationValidity {
            kind: QualificationKind::DeviceLicence,
            valid_until: Some(licence_until.parse().unwrap()),
        }],
    })
    .unwrap();
    page.commit(1).unwrap();
    data
}

/// Scans the cuff, attaches the hospital by its code and its second department, and
/// goes to payment and tenders the rest in cash.
fn sell_cuff_to_the_hospital(d: &mut Driver) {
    d.scan(CUFF);
    d.key(Pressed::Ctrl('o'));
    assert!(matches!(d.app.screen(), Screen::Organisation(_)));
    d.type_into_entry(CODE, PERSON_GAP);
    assert!(d.shows("内分泌科"), "the departments to choose from");
    d.key(Pressed::Down);
    d.key(Pressed::Down);
    d.key(Pressed::Enter);
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
    assert!(d.shows("福州仁和医院"), "the sale names the organisation");
    let attached = d.till().organisation().expect("attached");
    assert_eq!(attached.department.as_deref(), Some("内分泌科"));
    d.key(Pressed::F(12));
    d.key(Pressed::Enter);
}

#[test]
fn a_class_three_device_to_a_hospital_whose_licence_expired_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = till_with_hospital(dir.path(), false, "2026-11-21");
    let mut d = Driver::new(data.clone());
    d.log_in_and_open_shift(2);
    sell_cuff_to_the_hospital(&mut d);

    let banner = d.app.banner().cloned().expect("the refusal");
    assert_eq!(banner.level, Level::Error);
    assert!(
        banner.text.contains("禁止销售")
            && banner.text.contains("医疗器械经营许可证")
            && banner.text.contains("2026-11-21"),
        "{}",
        banner.text
    );
    assert!(matches!(d.app.screen(), Screen::Payment(_)));
    d.key(Pressed::F(8));
    assert!(sales(&data).is_empty(), "F8 sells nothing here");
    assert_eq!(
        d.till().cart().lines.len(),
        1,
        "the sale is still on the counter"
    );
}

#[test]
fn a_till_set_to_warn_sells_on_f8_and_the_sale_records_the_warning() {
    let dir = tempfile::tempdir().unwrap();
    let data = till_with_hospital(dir.path(), true, "2026-11-21");
    let mut d = Driver::new(data.clone());
    d.log_in_and_open_shift(2);
    sell_cuff_to_the_hospital(&mut d);

    let banner = d.app.banner().cloned().expect("the warning");
    assert_eq!(banner.level, Level::Warning);
    assert!(banner.text.contains("2026-11-21"), "{}", banner.text);
    assert!(d.shows(&d.t("organisation.acknowledge")), "F8 is offered");
    assert!(
        sales(&data).is_empty(),
        "not sold before the cashier acknowledges"
    );
    d.key(Pressed::F(8));
    let sold = sales(&data);
    assert_eq!(sold.len(), 1);
    let organisation = sold[0].organisation.as_ref().expect("named");
    assert_eq!(organisation.organisation_id, "ORG000001");
    assert_eq!(organisation.department.as_deref(), Some("内分泌科"));
    assert_eq!(
        organisation.sold_under_warning,
        Some(QualificationProblem::expired(
            QualificationKind::DeviceLicence,
            "2026-11-21".parse().unwrap()
        ))
    );
}
