//! The real `pos` window under Xvfb, keyed by xdotool: a cuff (a class III device here)
//! sold to a hospital whose 医疗器械经营许可证 expired in 2020, the hospital attached with
//! Ctrl+O, its code typed, a department chosen. Refused: Enter and F8 at payment write
//! nothing, and the next sale (the hospital taken off with Ctrl+D) is the file's only
//! one. Set to warn: F8 sells, and the sale records the warning. Each wait is on the
//! till's file and bounded.

use crate::ui_organisation::{CODE, CUFF, till_with_hospital};
use crate::ui_support::basket::sales;
use crate::ui_support::{CASHIER_PIN, basket::documents};
use crate::window_keys::{CATCH_UP_MAX, START_MAX, run_script, start_window, start_xvfb, wait_for};
use pos_core::organisation::{QualificationKind, QualificationProblem};

/// Logs in, opens the shift, scans the cuff, attaches the hospital and its first
/// department, and pays the rest in cash (Enter), then F8.
fn script() -> String {
    format!(
        "type --delay 300 {CASHIER_PIN}\nkey --delay 300 Return\ntype --delay 300 5\nkey --delay 300 Return\n\
         type --delay 1 {CUFF}\nkey --delay 1 Return\n\
         key --delay 300 ctrl+o\ntype --delay 300 {CODE}\nkey --delay 300 Return\n\
         key --delay 300 Down\nkey --delay 300 Return\n\
         key --delay 300 F12\nkey --delay 300 Return\nkey --delay 300 F8\n"
    )
}

#[test]
fn in_the_real_window_a_class_three_device_is_refused_to_a_hospital_with_an_expired_licence() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = till_with_hospital(&dir.path().join("till"), false, "2020-01-01");
    let (_xvfb, display) = start_xvfb();
    let log = dir.path().join("pos.log");
    let app = start_window(&display, &data, &log);
    // Refused, then back to the sale, the hospital taken off, and sold without it.
    let keys = format!(
        "{}key --delay 300 Escape\nkey --delay 300 ctrl+o\nkey --delay 300 ctrl+d\n\
         key --delay 300 F12\nkey --delay 300 Return\n",
        script()
    );
    run_script(&display, &dir.path().join("keys.xdo"), &keys);
    assert!(
        wait_for(START_MAX + CATCH_UP_MAX, || !sales(&data).is_empty()),
        "no sale reached the file; pos said: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    drop(app);
    let sold = sales(&data);
    assert_eq!(
        sold.len(),
        1,
        "only the sale without the hospital: {sold:?}"
    );
    assert_eq!(sold[0].organisation, None);
    assert_eq!(documents(&data, "shift_open").len(), 1);
}

#[test]
fn in_the_real_window_a_till_set_to_warn_sells_on_f8_and_records_the_warning() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = till_with_hospital(&dir.path().join("till"), true, "2020-01-01");
    let (_xvfb, display) = start_xvfb();
    let log = dir.path().join("pos.log");
    let app = start_window(&display, &data, &log);
    run_script(&display, &dir.path().join("keys.xdo"), &script());
    assert!(
        wait_for(START_MAX + CATCH_UP_MAX, || !sales(&data).is_empty()),
        "no sale reached the file; pos said: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    drop(app);
    let sold = sales(&data);
    assert_eq!(sold.len(), 1);
    let organisation = sold[0].organisation.as_ref().expect("the sale names it");
    assert_eq!(organisation.organisation_id, "ORG000001");
    assert_eq!(organisation.department.as_deref(), Some("心内科"));
    assert_eq!(
        organisation.sold_under_warning,
        Some(QualificationProblem::expired(
            QualificationKind::DeviceLicence,
            "2020-01-01".parse().unwrap()
        ))
    );
}
