//! Returns without a receipt of several items: the refund shown before the manager
//! approves is the refund recorded, and bad lists are refused before anything is stored.

use crate::common::*;
use pos_core::document::DocumentBody;
use pos_core::operator::ManagerAction;
use pos_core::till::{ItemInput, NO_RECEIPT_ITEMS_MAX, ReturnItem, TillError};

fn item(code: &str, quantity: u32) -> ReturnItem {
    ReturnItem {
        item: ItemInput {
            quantity,
            ..ItemInput::code(code)
        },
    }
}

#[test]
fn the_planned_refund_of_several_items_is_the_one_recorded() {
    let mut t = selling_till();
    let items = [
        item(&masks_barcode(), 3),
        ReturnItem {
            item: ItemInput {
                lot: Some("L-OK".into()),
                ..ItemInput::code(strips_barcode())
            },
        },
    ];
    let plan = t.till.plan_return_without_receipt(&items).unwrap();
    let refunds: Vec<_> = plan
        .lines
        .iter()
        .map(|l| (l.sku.as_str(), l.quantity, l.refund, l.lot.as_deref()))
        .collect();
    assert_eq!(
        refunds,
        [
            ("MK01", 3, dec("45.00"), None),
            ("ST01", 1, dec("89.00"), Some("L-OK"))
        ]
    );
    assert_eq!(plan.total, dec("134.00"));
    assert_eq!(t.till.store().last_sequence().unwrap(), 1, "nothing stored");

    let ok = t.manager_approves(ManagerAction::RefundWithoutReceipt);
    let doc = t
        .till
        .return_without_receipt(&items, "顾客无小票", Some(&ok), now())
        .unwrap();
    let DocumentBody::Return(r) = &doc.body else {
        panic!("a return")
    };
    assert_eq!(r.lines, plan.lines);
    assert_eq!(r.total, plan.total);
    assert_eq!(r.tenders.len(), 1);
    assert_eq!(r.tenders[0].amount, dec("134.00"));
    let store = t.till.store();
    assert_eq!(store.stock("MK01", None).unwrap(), 103);
    assert_eq!(store.stock("ST01", Some("L-OK")).unwrap(), 21);
}

/// What a refusal must be.
type Expected = fn(&TillError) -> bool;

#[test]
fn bad_lists_are_refused_before_anything_is_stored() {
    let mut t = selling_till();
    let cases: Vec<(Vec<ReturnItem>, Expected)> = vec![
        (vec![item(&masks_barcode(), 0)], |e| {
            matches!(e, TillError::ZeroQuantity)
        }),
        (
            vec![item(&masks_barcode(), 1), item("6900000000000", 1)],
            |e| matches!(e, TillError::UnknownCode { .. }),
        ),
        (
            vec![ReturnItem {
                item: ItemInput {
                    serial: Some("SN009".into()),
                    quantity: 2,
                    ..ItemInput::code(monitor_barcode())
                },
            }],
            |e| matches!(e, TillError::SerialQuantity { .. }),
        ),
        (
            vec![
                ReturnItem {
                    item: ItemInput {
                        serial: Some("SN009".into()),
                        ..ItemInput::code(monitor_barcode())
                    },
                },
                ReturnItem {
                    item: ItemInput {
                        serial: Some("SN009".into()),
                        ..ItemInput::code(monitor_barcode())
                    },
                },
            ],
            |e| matches!(e, TillError::SerialInCart { .. }),
        ),
        (
            vec![item(&masks_barcode(), 1); NO_RECEIPT_ITEMS_MAX + 1],
            |e| matches!(e, TillError::TooManyItems { .. }),
        ),
    ];
    for (items, expected) in cases {
        let e = t.till.plan_return_without_receipt(&items).unwrap_err();
        assert!(expected(&e), "plan of {items:?}: {e}");
        let ok = t.manager_approves(ManagerAction::RefundWithoutReceipt);
        let e = t
            .till
            .return_without_receipt(&items, "无小票", Some(&ok), now())
            .unwrap_err();
        assert!(expected(&e), "return of {items:?}: {e}");
    }
    assert_eq!(t.till.store().last_sequence().unwrap(), 1, "nothing stored");
}
