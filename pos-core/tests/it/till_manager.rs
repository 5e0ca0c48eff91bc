//! What needs a manager, and the drawer's documents: approvals recorded on documents,
//! PIN lock-out, voids, returns without a receipt, X and Z.

use crate::common::*;
use chrono::Duration;
use pos_core::cart::ManualPrice;
use pos_core::document::{DenominationCount, DocumentBody};
use pos_core::operator::ManagerAction;
use pos_core::returns::{RefundTo, ReturnRequestLine};
use pos_core::till::{ItemInput, ReturnItem, TillError};

#[test]
fn a_discount_above_the_cashier_limit_needs_a_manager_and_is_recorded() {
    let mut t = selling_till();
    t.till
        .scan(&ItemInput::code(masks_barcode()), now())
        .unwrap();
    let small = ManualPrice::PercentOff {
        percent: dec("5"),
        reason: "老顾客".into(),
    };
    t.till
        .set_manual_price(1, Some(small), None, now())
        .unwrap();

    let big = ManualPrice::PercentOff {
        percent: dec("30"),
        reason: "包装破损".into(),
    };
    let e = t
        .till
        .set_manual_price(1, Some(big.clone()), None, now())
        .unwrap_err();
    assert!(matches!(e, TillError::ApprovalRequired { .. }), "{e}");

    let e = t
        .till
        .approve("cashier", CASHIER_PIN, ManagerAction::LineDiscount, now())
        .unwrap_err();
    assert!(matches!(e, TillError::NotAManager { .. }), "{e}");
    let approval = t.manager_approves(ManagerAction::LineDiscount);
    t.till
        .set_manual_price(1, Some(big), Some(&approval), now())
        .unwrap();
    let doc = t.till.pay(&[cash("20")], None, now()).unwrap();
    assert_eq!(doc.approvals, vec![approval]);
    let DocumentBody::Sale(s) = &doc.body else {
        panic!()
    };
    assert_eq!(s.total, dec("10.50"));
    assert_eq!(s.lines[0].discounts[0].name, "包装破损");
}

#[test]
fn wrong_pins_lock_the_operator_for_a_while() {
    let mut t = new_till();
    for left in (1..=4).rev() {
        let e = t.till.login("cashier", "0000", now()).unwrap_err();
        assert!(
            matches!(e, TillError::WrongPin { attempts_left } if attempts_left == left),
            "{e}"
        );
    }
    let e = t.till.login("cashier", "0000", now()).unwrap_err();
    assert!(matches!(e, TillError::Locked { .. }), "{e}");
    let e = t
        .till
        .login("cashier", CASHIER_PIN, now() + Duration::minutes(1))
        .unwrap_err();
    assert!(
        matches!(e, TillError::Locked { .. }),
        "even the right PIN waits: {e}"
    );
    t.till
        .login("cashier", CASHIER_PIN, now() + Duration::minutes(16))
        .unwrap();
}

#[test]
fn a_void_needs_a_manager_reverses_the_sale_and_happens_once() {
    let mut t = selling_till();
    t.till
        .scan(
            &ItemInput {
                quantity: 4,
                ..ItemInput::code(masks_barcode())
            },
            now(),
        )
        .unwrap();
    let sale = t.till.pay(&[cash("60")], None, now()).unwrap();
    assert_eq!(t.till.store().stock("MK01", None).unwrap(), 96);

    let key = sale.sequence.to_string();
    let e = t.till.void_sale(&key, "收错了", None, now()).unwrap_err();
    assert!(matches!(e, TillError::ApprovalRequired { .. }), "{e}");
    let ok = t.manager_approves(ManagerAction::Void);
    t.till.void_sale(&key, "收错了", Some(&ok), now()).unwrap();
    assert_eq!(t.till.store().stock("MK01", None).unwrap(), 100);
    let e = t
        .till
        .void_sale(&key, "again", Some(&ok), now())
        .unwrap_err();
    assert!(matches!(e, TillError::AlreadyVoided { .. }), "{e}");
    let e = t
        .till
        .plan_return(
            &key,
            &[ReturnRequestLine {
                original_line_no: 1,
                quantity: 1,
            }],
            RefundTo::Cash,
        )
        .unwrap_err();
    assert!(matches!(e, TillError::ReturnOfVoided { .. }), "{e}");
    assert_eq!(t.till.x_report().unwrap().voids_count, 1);
}

#[test]
fn returns_refund_exactly_what_was_paid_and_restock_the_lot() {
    let mut t = selling_till();
    t.till.attach_member("8800001", now()).unwrap();
    t.till
        .scan(
            &ItemInput {
                quantity: 3,
                lot: Some("L-OK".into()),
                ..ItemInput::code(strips_barcode())
            },
            now(),
        )
        .unwrap();
    t.till
        .set_order_discount(
            Some(pos_core::cart::OrderDiscount::Amount {
                amount: dec("0.01"),
                reason: "抹零".into(),
            }),
            None,
            now(),
        )
        .unwrap();
    let sale = t.till.pay(&[wechat("266.99")], None, now()).unwrap();
    let DocumentBody::Sale(s) = &sale.body else {
        panic!()
    };
    let balance_after_sale = t
        .till
        .store()
        .find_member("8800001")
        .unwrap()
        .unwrap()
        .points_balance;
    assert_eq!(balance_after_sale, 5_000 + s.points_earned);

    let key = sale.id.to_string();
    let one = [ReturnRequestLine {
        original_line_no: 1,
        quantity: 1,
    }];
    let e = t
        .till
        .return_from_sale(
            &key,
            &[ReturnRequestLine {
                original_line_no: 1,
                quantity: 4,
            }],
            RefundTo::OriginalTenders,
            "x",
            now(),
        )
        .unwrap_err();
    assert!(matches!(e, TillError::Return(_)), "more than sold: {e}");

    let mut refunded = rust_decimal::Decimal::ZERO;
    for _ in 0..3 {
        let doc = t
            .till
            .return_from_sale(&key, &one, RefundTo::OriginalTenders, "质量问题", now())
            .unwrap();
        let DocumentBody::Return(r) = &doc.body else {
            panic!()
        };
        assert_eq!(r.lines[0].lot.as_deref(), Some("L-OK"));
        refunded += r.total;
    }
    assert_eq!(
        refunded, s.total,
        "three returns of one unit refund exactly the sale"
    );
    assert_eq!(t.till.store().stock("ST01", Some("L-OK")).unwrap(), 20);
    assert_eq!(
        t.till
            .store()
            .find_member("8800001")
            .unwrap()
            .unwrap()
            .points_balance,
        5_000
    );
    assert!(matches!(
        t.till
            .return_from_sale(&key, &one, RefundTo::Cash, "x", now())
            .unwrap_err(),
        TillError::Return(_)
    ));
}

#[test]
fn a_return_without_receipt_needs_a_manager() {
    let mut t = selling_till();
    let items = [ReturnItem {
        item: ItemInput {
            quantity: 2,
            ..ItemInput::code(masks_barcode())
        },
    }];
    let e = t
        .till
        .return_without_receipt(&items, "无小票", None, now())
        .unwrap_err();
    assert!(matches!(e, TillError::ApprovalRequired { .. }), "{e}");
    let ok = t.manager_approves(ManagerAction::RefundWithoutReceipt);
    let doc = t
        .till
        .return_without_receipt(&items, "无小票", Some(&ok), now())
        .unwrap();
    let DocumentBody::Return(r) = &doc.body else {
        panic!()
    };
    assert_eq!((r.total, r.original_sale_id), (dec("30.00"), None));
    assert_eq!(t.till.store().stock("MK01", None).unwrap(), 102);
}

#[test]
fn points_redemption_follows_the_limits() {
    let mut t = selling_till();
    t.till.attach_member("8800001", now()).unwrap();
    t.till
        .scan(
            &ItemInput {
                quantity: 2,
                ..ItemInput::code(masks_barcode())
            },
            now(),
        )
        .unwrap();
    // 30.00 due; half may be points: 1,500 points = 15.00.
    let too_many = t.till.points_tender(2_000).unwrap();
    let e = t
        .till
        .pay(&[too_many, cash("15")], None, now())
        .unwrap_err();
    assert!(
        matches!(e, TillError::Redemption(_)),
        "over the per-order cap: {e}"
    );
    let mut wrong = t.till.points_tender(1_000).unwrap();
    wrong.amount = dec("15.00");
    assert!(matches!(
        t.till.pay(&[wrong, cash("15")], None, now()).unwrap_err(),
        TillError::PointsTenderValue { .. }
    ));

    let points = t.till.points_tender(1_500).unwrap();
    let doc = t.till.pay(&[points, cash("15")], None, now()).unwrap();
    let DocumentBody::Sale(s) = &doc.body else {
        panic!()
    };
    assert_eq!(s.points_redeemed, 1_500);
    let balance = t
        .till
        .store()
        .find_member("8800001")
        .unwrap()
        .unwrap()
        .points_balance;
    assert_eq!(balance, 5_000 - 1_500 + s.points_earned);
    assert!(
        s.points_earned > 0 && s.points_earned < 30,
        "earned on the 15.00 paid in cash only: {}",
        s.points_earned
    );
}

#[test]
fn members_register_offline_and_a_phone_is_used_once() {
    let mut t = selling_till();
    let m = t
        .till
        .register_member("13900001111", "李雷", now())
        .unwrap();
    assert!(m.card_no.starts_with("LS001-T01-"), "{}", m.card_no);
    assert_eq!(t.till.member().unwrap().id, m.id);
    assert!(matches!(
        t.till
            .register_member("13900001111", "x", now())
            .unwrap_err(),
        TillError::MemberExists { .. }
    ));
    assert!(matches!(
        t.till.register_member("12345", "x", now()).unwrap_err(),
        TillError::BadPhone
    ));
}

#[test]
fn x_changes_nothing_and_z_numbers_have_no_gaps() {
    let mut t = selling_till();
    t.till
        .scan(&ItemInput::code(masks_barcode()), now())
        .unwrap();
    t.till.pay(&[cash("20")], None, now()).unwrap();
    t.till.paid_in(dec("50"), "找零备用", now()).unwrap();
    let before = t.till.store().last_sequence().unwrap();
    let x = t.till.x_report().unwrap();
    assert_eq!(t.till.store().last_sequence().unwrap(), before);
    assert_eq!(
        x.expected_cash,
        dec("565.00"),
        "500 float + 15 sale + 50 paid in"
    );

    let e = t.till.z_report(vec![], None, now()).unwrap_err();
    assert!(matches!(e, TillError::ApprovalRequired { .. }), "{e}");
    let ok = t.manager_approves(ManagerAction::DailyClose);
    let counted = vec![
        DenominationCount {
            denomination: dec("100"),
            count: 5,
        },
        DenominationCount {
            denomination: dec("50"),
            count: 1,
        },
    ];
    let z1 = t.till.z_report(counted, Some(&ok), now()).unwrap();
    let DocumentBody::ZReport(z) = &z1.body else {
        panic!()
    };
    assert_eq!(
        (z.z_no, z.counted_cash, z.variance),
        (1, dec("550"), dec("-15.00"))
    );
    assert!(!t.till.has_open_shift().unwrap(), "the Z closed the shift");

    t.till.open_shift(vec![], now()).unwrap();
    // A second daily close of the same business day is refused (head office would
    // refuse it for good), before any approval is asked, and writes nothing.
    let before = t.till.store().last_sequence().unwrap();
    let again = t.till.z_report(vec![], None, now()).unwrap_err();
    assert!(
        matches!(again, TillError::DayAlreadyClosed { z_no: 1, .. }),
        "{again}"
    );
    assert_eq!(t.till.store().last_sequence().unwrap(), before);
    let ok = t.manager_approves(ManagerAction::DailyClose);
    let z2 = t
        .till
        .z_report(vec![], Some(&ok), now() + Duration::days(1))
        .unwrap();
    let DocumentBody::ZReport(z) = &z2.body else {
        panic!()
    };
    assert_eq!((z.z_no, z.totals.sales_count), (2, 0));
}
