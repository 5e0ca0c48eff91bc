//! The managers' list of operators: add, reset a PIN (which ends a lock-out), deactivate.
//! Only a logged-in manager may, and every refusal leaves the operators as they were.

use crate::common::*;
use chrono::Duration;
use pos_core::operator::{
    OperatorError, OperatorStatus, Role, check_deactivation, check_new_operator,
};
use pos_core::store::OperatorRow;
use pos_core::till::{NewOperator, Till, TillConfig, TillError};

fn new_cashier<'a>(id: &'a str, name: &'a str, pin: &'a str) -> NewOperator<'a> {
    NewOperator {
        id,
        name,
        role: Role::Cashier,
        pin,
    }
}

/// Everything stored about the operators, hashes and lock state included.
fn snapshot(till: &Till) -> Vec<OperatorRow> {
    till.store().operators().unwrap()
}

/// Whether a refusal is the one a case expects.
type Expected = fn(&TillError) -> bool;

fn as_manager() -> TestTill {
    let mut t = new_till();
    t.till.login("manager", MANAGER_PIN, now()).unwrap();
    t
}

#[test]
fn a_manager_adds_a_cashier_who_then_logs_in() {
    let mut t = as_manager();
    t.till
        .add_operator_as_manager(new_cashier("c2", "李娜", "2468"), now())
        .unwrap();
    let listed = t.till.operator_statuses(now()).unwrap();
    assert!(listed.contains(&OperatorStatus {
        id: "c2".into(),
        name: "李娜".into(),
        role: Role::Cashier,
        active: true,
        locked_until: None,
    }));
    assert!(t.till.operators().unwrap().iter().any(|o| o.id == "c2"));
    t.till.logout();
    let who = t.till.login("c2", "2468", now()).unwrap();
    assert_eq!((who.name.as_str(), who.role), ("李娜", Role::Cashier));
}

#[test]
fn refused_additions_change_nothing() {
    let mut t = as_manager();
    let before = snapshot(&t.till);
    let cases: Vec<(NewOperator<'_>, Expected)> = vec![
        (new_cashier("", "李娜", "2468"), |e| {
            matches!(e, TillError::Operator(OperatorError::BadId))
        }),
        (new_cashier("c 2", "李娜", "2468"), |e| {
            matches!(e, TillError::Operator(OperatorError::BadId))
        }),
        (new_cashier("c2345678901234567", "李娜", "2468"), |e| {
            matches!(e, TillError::Operator(OperatorError::BadId))
        }),
        (new_cashier("c2", "", "2468"), |e| {
            matches!(e, TillError::Operator(OperatorError::BadName))
        }),
        (new_cashier("c2", " 李娜", "2468"), |e| {
            matches!(e, TillError::Operator(OperatorError::BadName))
        }),
        (new_cashier("c2", "李娜", "246"), |e| {
            matches!(e, TillError::BadPinFormat)
        }),
        (new_cashier("c2", "李娜", "24a8"), |e| {
            matches!(e, TillError::BadPinFormat)
        }),
        (new_cashier("c2", "李娜", "123456789"), |e| {
            matches!(e, TillError::BadPinFormat)
        }),
        (
            new_cashier("cashier", "另一个", "2468"),
            |e| matches!(e, TillError::Operator(OperatorError::DuplicateId { operator_id }) if operator_id == "cashier"),
        ),
    ];
    for (new, expected) in cases {
        let e = t.till.add_operator_as_manager(new, now()).unwrap_err();
        assert!(expected(&e), "{new:?}: {e}");
        assert_eq!(snapshot(&t.till), before, "{new:?} changed nothing");
    }
}

#[test]
fn only_a_logged_in_manager_manages_operators() {
    let mut t = new_till();
    let before = snapshot(&t.till);
    let nobody = t
        .till
        .add_operator_as_manager(new_cashier("c2", "李娜", "2468"), now())
        .unwrap_err();
    assert!(matches!(nobody, TillError::NotLoggedIn), "{nobody}");

    t.till.login("cashier", CASHIER_PIN, now()).unwrap();
    let refusals = [
        t.till
            .add_operator_as_manager(new_cashier("c2", "李娜", "2468"), now())
            .unwrap_err(),
        t.till.reset_pin("manager", "9999", now()).unwrap_err(),
        t.till.deactivate_operator("manager", now()).unwrap_err(),
    ];
    for e in refusals {
        assert!(
            matches!(&e, TillError::NotAManager { operator_id } if operator_id == "cashier"),
            "{e}"
        );
    }
    assert_eq!(snapshot(&t.till), before);
}

#[test]
fn a_pin_reset_replaces_the_pin_and_ends_a_lock_out() {
    let mut t = new_till();
    for _ in 0..5 {
        let _ = t.till.login("cashier", "0000", now());
    }
    let locked = t.till.operator_statuses(now()).unwrap();
    let cashier = locked.iter().find(|o| o.id == "cashier").unwrap();
    assert_eq!(cashier.locked_until, Some(now() + Duration::minutes(15)));
    let later = t
        .till
        .operator_statuses(now() + Duration::minutes(16))
        .unwrap();
    assert_eq!(
        later
            .iter()
            .find(|o| o.id == "cashier")
            .unwrap()
            .locked_until,
        None,
        "a lock that ended is not shown"
    );

    t.till.login("manager", MANAGER_PIN, now()).unwrap();
    t.till.reset_pin("cashier", "8642", now()).unwrap();
    let listed = t.till.operator_statuses(now()).unwrap();
    assert_eq!(
        listed
            .iter()
            .find(|o| o.id == "cashier")
            .unwrap()
            .locked_until,
        None
    );
    t.till.logout();
    let e = t.till.login("cashier", CASHIER_PIN, now()).unwrap_err();
    assert!(matches!(e, TillError::WrongPin { .. }), "the old PIN: {e}");
    t.till.login("cashier", "8642", now()).unwrap();
}

#[test]
fn refused_pin_resets_change_nothing() {
    let mut t = as_manager();
    let before = snapshot(&t.till);
    for (id, pin) in [("cashier", "12"), ("cashier", "abcd"), ("cashier", "")] {
        let e = t.till.reset_pin(id, pin, now()).unwrap_err();
        assert!(matches!(e, TillError::BadPinFormat), "{pin:?}: {e}");
    }
    let e = t.till.reset_pin("nobody", "2468", now()).unwrap_err();
    assert!(matches!(e, TillError::UnknownOperator { .. }), "{e}");
    assert_eq!(snapshot(&t.till), before);

    t.till.deactivate_operator("cashier", now()).unwrap();
    let before = snapshot(&t.till);
    let e = t.till.reset_pin("cashier", "2468", now()).unwrap_err();
    assert!(
        matches!(e, TillError::Operator(OperatorError::Inactive { .. })),
        "{e}"
    );
    assert_eq!(snapshot(&t.till), before);
}

#[test]
fn a_deactivated_operator_cannot_log_in_or_approve_and_keeps_their_name() {
    let mut t = as_manager();
    t.till
        .add_operator_as_manager(
            NewOperator {
                role: Role::Manager,
                ..new_cashier("m2", "赵敏", "97531")
            },
            now(),
        )
        .unwrap();
    t.till.deactivate_operator("cashier", now()).unwrap();
    t.till.deactivate_operator("m2", now()).unwrap();

    let listed = t.till.operator_statuses(now()).unwrap();
    let cashier = listed.iter().find(|o| o.id == "cashier").unwrap();
    assert_eq!((cashier.name.as_str(), cashier.active), ("收银员", false));
    let may_log_in: Vec<_> = t
        .till
        .operators()
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(may_log_in, ["manager"]);

    t.till.logout();
    let e = t.till.login("cashier", CASHIER_PIN, now()).unwrap_err();
    assert!(
        matches!(&e, TillError::Operator(OperatorError::Inactive { operator_id }) if operator_id == "cashier"),
        "{e}"
    );
    let e = t
        .till
        .approve(
            "m2",
            "97531",
            pos_core::operator::ManagerAction::NoSale,
            now(),
        )
        .unwrap_err();
    assert!(
        matches!(e, TillError::Operator(OperatorError::Inactive { .. })),
        "{e}"
    );
    let row = t.till.store().operator("cashier").unwrap().unwrap();
    assert_eq!(
        row.failures, 0,
        "a refused login of a deactivated operator counts nothing"
    );
}

#[test]
fn refused_deactivations_change_nothing() {
    let mut t = as_manager();
    let before = snapshot(&t.till);
    let e = t.till.deactivate_operator("manager", now()).unwrap_err();
    assert!(
        matches!(e, TillError::Operator(OperatorError::SelfDeactivation)),
        "{e}"
    );
    let e = t.till.deactivate_operator("nobody", now()).unwrap_err();
    assert!(matches!(e, TillError::UnknownOperator { .. }), "{e}");
    assert_eq!(snapshot(&t.till), before);

    t.till.deactivate_operator("cashier", now()).unwrap();
    let before = snapshot(&t.till);
    let e = t.till.deactivate_operator("cashier", now()).unwrap_err();
    assert!(
        matches!(e, TillError::Operator(OperatorError::Inactive { .. })),
        "deactivated once: {e}"
    );
    assert_eq!(snapshot(&t.till), before);
}

#[test]
fn the_deactivation_rule() {
    let status = |id: &str, role, active| OperatorStatus {
        id: id.into(),
        name: "某人".into(),
        role,
        active,
        locked_until: None,
    };
    let cases = [
        // (actor, target, active managers, answer)
        ("m1", status("c1", Role::Cashier, true), 1, Ok(())),
        ("m1", status("m2", Role::Manager, true), 2, Ok(())),
        (
            "m1",
            status("m1", Role::Manager, true),
            2,
            Err(OperatorError::SelfDeactivation),
        ),
        (
            "m1",
            status("m2", Role::Manager, true),
            1,
            Err(OperatorError::LastManager {
                operator_id: "m2".into(),
            }),
        ),
        (
            "m1",
            status("c1", Role::Cashier, false),
            1,
            Err(OperatorError::Inactive {
                operator_id: "c1".into(),
            }),
        ),
    ];
    for (actor, target, managers, expected) in cases {
        assert_eq!(
            check_deactivation(actor, &target, managers),
            expected,
            "{actor} deactivates {} with {managers} managers",
            target.id
        );
    }
}

#[test]
fn ids_and_names() {
    for (id, name, ok) in [
        ("c1", "王芳", true),
        ("store-01_a", "Li Na", true),
        ("c2345678901234567", "王芳", false),
        ("王", "王芳", false),
        ("c1", "", false),
        ("c1", "王芳 ", false),
        ("c1", "一二三四五六七八九十一二三四五六七八九十", true),
        ("c1", "一二三四五六七八九十一二三四五六七八九十一", false),
        ("c1", "王\t芳", false),
    ] {
        assert_eq!(check_new_operator(id, name).is_ok(), ok, "{id:?} {name:?}");
    }
}

#[test]
fn operators_of_a_till_made_before_deactivation_are_active() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../../src/store/migrations/001_init.sql"))
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        let hash = pos_core::operator::hash_pin(CASHIER_PIN, [6; 16]).unwrap();
        conn.execute(
            "INSERT INTO operator (id, name, role, pin_hash) VALUES ('old', '老员工', 'cashier', ?1)",
            [hash],
        )
        .unwrap();
    }
    let store = pos_core::store::Store::open(&path).unwrap();
    let row = store.operator("old").unwrap().unwrap();
    assert!(row.active);
    assert_eq!(row.name, "老员工");
}

#[test]
fn a_refused_first_manager_leaves_no_till_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.sqlite");
    let identity = pos_core::store::TillIdentity {
        store_id: "S001".into(),
        terminal_id: "T01".into(),
    };
    for (id, pin) in [("manager", "12"), ("manager", "12ab56"), ("", "123456")] {
        let manager = NewOperator {
            id,
            name: "店长",
            role: Role::Manager,
            pin,
        };
        let refused = Till::init(&path, identity.clone(), manager, TillConfig::default());
        assert!(refused.is_err(), "{id:?} / {pin:?} was accepted");
        assert!(!path.exists(), "{id:?} / {pin:?} left a till file");
    }
}

/// A till's first manager, PIN 123456.
fn first_manager() -> NewOperator<'static> {
    NewOperator {
        id: "manager",
        name: "店长",
        role: Role::Manager,
        pin: "123456",
    }
}

#[test]
fn store_and_terminal_ids_that_would_break_documents_or_cards_leave_no_till_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.sqlite");
    let long = "S".repeat(pos_core::till::IDENTITY_CHARS_MAX);
    for (store, terminal) in [
        ("", "T01"),
        ("S 001", "T01"),
        ("S001", "T\u{0}1"),
        (long.as_str(), "T1"),
    ] {
        let identity = pos_core::store::TillIdentity {
            store_id: store.into(),
            terminal_id: terminal.into(),
        };
        let manager = first_manager();
        let refused = Till::init(&path, identity, manager, TillConfig::default());
        assert!(
            matches!(refused, Err(TillError::BadIdentity { .. })),
            "{store:?}/{terminal:?}"
        );
        assert!(!path.exists(), "{store:?}/{terminal:?} left a till file");
    }
    // The longest ids allowed still give cards within the documents' bound.
    let store = "S".repeat(pos_core::till::IDENTITY_CHARS_MAX - 3);
    let identity = pos_core::store::TillIdentity {
        store_id: store.clone(),
        terminal_id: "T01".into(),
    };
    let manager = first_manager();
    let mut till = Till::init(&path, identity, manager, TillConfig::default()).unwrap();
    till.login("manager", "123456", now()).unwrap();
    let member = till
        .register_member("13900002222", "韩梅梅", now())
        .unwrap();
    assert!(member.card_no.starts_with(&format!("L{store}-T01-")));
}

#[test]
fn every_operator_change_is_a_document_naming_who_whom_and_when() {
    use pos_core::document::{DocumentBody, OperatorAction};
    let mut t = as_manager();
    let later = now() + Duration::minutes(5);
    t.till
        .add_operator_as_manager(new_cashier("c2", "李娜", "2468"), now())
        .unwrap();
    t.till.reset_pin("c2", "8642", later).unwrap();
    t.till.deactivate_operator("c2", later).unwrap();
    // Refused changes write no document.
    t.till.deactivate_operator("manager", later).unwrap_err();
    t.till
        .add_operator_as_manager(new_cashier("c2", "又一个", "2468"), later)
        .unwrap_err();

    let docs = t
        .till
        .store()
        .documents_after(0, Some("operator_change"))
        .unwrap();
    let seen: Vec<_> = docs
        .iter()
        .map(|d| match &d.body {
            DocumentBody::OperatorChange(c) => (
                d.operator_id.as_str(),
                c.subject_id.as_str(),
                c.subject_name.as_str(),
                c.subject_role,
                c.action,
                d.created_at,
            ),
            other => panic!("not an operator change: {other:?}"),
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "manager",
                "c2",
                "李娜",
                Role::Cashier,
                OperatorAction::Added,
                now()
            ),
            (
                "manager",
                "c2",
                "李娜",
                Role::Cashier,
                OperatorAction::PinReset,
                later
            ),
            (
                "manager",
                "c2",
                "李娜",
                Role::Cashier,
                OperatorAction::Deactivated,
                later
            ),
        ]
    );
    // They wait in the outbox like any document, and the journal still verifies.
    assert_eq!(t.till.store().outbox_stats().unwrap().waiting, 3);
    assert!(t.till.store().verify_journal().unwrap().chain_ok);
    // The PIN hash stays at the till.
    for d in &docs {
        let bytes = String::from_utf8(d.canonical_bytes()).unwrap();
        assert!(!bytes.contains("argon2"), "{bytes}");
    }
}
