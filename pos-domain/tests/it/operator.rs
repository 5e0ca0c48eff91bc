//! Table tests for operators: PIN hashing, lock-out and manager actions.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use pos_domain::operator::{
    LockoutPolicy, LoginError, LoginState, ManagerAction, PinError, Role, attempts_left,
    check_lock, hash_pin, permits, record_failure, record_success, verify_pin,
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap()
}

#[test]
fn a_pin_hash_verifies_only_its_own_pin() {
    let hash = hash_pin("4821", [7; 16]).expect("PIN hashes");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(verify_pin("4821", &hash));
    for wrong in ["4822", "48210", "", "abcd", "4821 "] {
        assert!(!verify_pin(wrong, &hash), "{wrong:?}");
    }
    assert!(!verify_pin("4821", "not a hash"));
}

#[test]
fn salt_makes_equal_pins_hash_differently() {
    let a = hash_pin("123456", [1; 16]).unwrap();
    let b = hash_pin("123456", [2; 16]).unwrap();
    assert_ne!(a, b);
}

#[test]
fn a_pin_is_four_to_eight_digits() {
    for bad in ["", "123", "123456789", "12a4", "１２３４", "12 34"] {
        assert_eq!(hash_pin(bad, [0; 16]), Err(PinError::BadFormat), "{bad:?}");
    }
}

#[test]
fn wrong_pins_lock_the_operator_out_for_a_while() {
    let policy = LockoutPolicy::default();
    assert_eq!((policy.max_failures, policy.lock_minutes), (5, 15));
    let mut state = LoginState::default();
    for n in 1..=4 {
        state = record_failure(&state, &policy, now());
        assert_eq!(check_lock(&state, now()), Ok(()), "after {n} wrong PINs");
        assert_eq!(attempts_left(&state, &policy), 5 - n);
    }
    state = record_failure(&state, &policy, now());
    let until = now() + TimeDelta::minutes(15);
    assert_eq!(check_lock(&state, now()), Err(LoginError::Locked { until }));
    assert_eq!(
        check_lock(&state, until - TimeDelta::seconds(1)),
        Err(LoginError::Locked { until })
    );
    assert_eq!(
        record_failure(&state, &policy, now()),
        state,
        "wrong PINs while locked change nothing"
    );
    assert_eq!(
        check_lock(&state, until),
        Ok(()),
        "the lock ends at its time"
    );
    assert_eq!(
        attempts_left(&state, &policy),
        5,
        "a full set of tries after the lock"
    );
    assert_eq!(record_success(), LoginState::default());
}

#[test]
fn only_managers_do_manager_actions() {
    for action in ManagerAction::ALL {
        assert!(permits(Role::Manager, action), "{action:?}");
        assert!(!permits(Role::Cashier, action), "{action:?}");
        assert_eq!(ManagerAction::from_code(action.code()), Some(action));
    }
    // The codes the documents' approvals already use.
    for code in [
        "price_override",
        "refund_without_receipt",
        "void",
        "points_redemption",
        "no_sale",
        "line_discount",
    ] {
        assert!(ManagerAction::from_code(code).is_some(), "{code}");
    }
    for role in Role::ALL {
        assert_eq!(Role::from_code(role.code()), Some(role));
        assert_eq!(
            serde_json::to_string(&role).unwrap(),
            format!("\"{}\"", role.code())
        );
    }
}
