//! A cash amount with an extra zero is refused rather than paid out as change.

use pos_domain::document::{Tender, TenderKind};
use pos_domain::tender::{CHANGE_MAX_YUAN, CashRounding, TenderError, settle};
use rust_decimal::Decimal;

fn cash(amount: &str) -> Tender {
    Tender {
        kind: TenderKind::Cash,
        amount: amount.parse().unwrap(),
        reference: None,
        points: 0,
    }
}

#[test]
fn change_above_the_limit_is_a_typing_slip() {
    let total: Decimal = "59.00".parse().unwrap();
    let ok = settle(total, &[cash("1000.00")], CashRounding::None).unwrap();
    assert_eq!(ok.change, "941.00".parse::<Decimal>().unwrap());
    let e = settle(total, &[cash("10000.00")], CashRounding::None).unwrap_err();
    assert_eq!(
        e,
        TenderError::ChangeTooLarge {
            change: "9941.00".parse().unwrap(),
            max: CHANGE_MAX_YUAN
        }
    );
    assert!(e.to_string().contains("check the cash"), "{e}");
}
