//! Table tests for taking payment: change, short payment, overpay on card, cash rounding.

use crate::support::{card, cash, points, tender};
use pos_domain::document::{Tender, TenderKind};
use pos_domain::tender::{CashRounding, Settlement, TenderError, settle};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn settled(total: Decimal, cash_rounding: Decimal, paid: Decimal, change: Decimal) -> Settlement {
    Settlement {
        total,
        cash_rounding,
        due: total + cash_rounding,
        paid,
        change,
    }
}

#[test]
fn payments_that_settle() {
    let cases: Vec<(&str, Decimal, Vec<Tender>, CashRounding, Settlement)> = vec![
        (
            "exact cash",
            dec!(12.34),
            vec![cash(dec!(12.34))],
            CashRounding::None,
            settled(dec!(12.34), dec!(0), dec!(12.34), dec!(0)),
        ),
        (
            "cash with change",
            dec!(12.34),
            vec![cash(dec!(50))],
            CashRounding::None,
            settled(dec!(12.34), dec!(0), dec!(50), dec!(37.66)),
        ),
        (
            "exact card",
            dec!(12.34),
            vec![card(dec!(12.34), "R1")],
            CashRounding::None,
            settled(dec!(12.34), dec!(0), dec!(12.34), dec!(0)),
        ),
        (
            "card then cash, change from the cash",
            dec!(12.34),
            vec![card(dec!(10), "R1"), cash(dec!(5))],
            CashRounding::None,
            settled(dec!(12.34), dec!(0), dec!(15), dec!(2.66)),
        ),
        (
            "points then cash",
            dec!(12.34),
            vec![points(dec!(5), 500), cash(dec!(10))],
            CashRounding::None,
            settled(dec!(12.34), dec!(0), dec!(15), dec!(2.66)),
        ),
        (
            "rounded down to the jiao",
            dec!(12.34),
            vec![cash(dec!(20))],
            CashRounding::ToJiao,
            settled(dec!(12.34), dec!(-0.04), dec!(20), dec!(7.70)),
        ),
        (
            "rounded up to the jiao",
            dec!(12.35),
            vec![cash(dec!(12.40))],
            CashRounding::ToJiao,
            settled(dec!(12.35), dec!(0.05), dec!(12.40), dec!(0)),
        ),
        (
            "no rounding when a card pays part",
            dec!(12.34),
            vec![card(dec!(2), "R1"), cash(dec!(10.34))],
            CashRounding::ToJiao,
            settled(dec!(12.34), dec!(0), dec!(12.34), dec!(0)),
        ),
        (
            "nothing to pay",
            dec!(0),
            vec![],
            CashRounding::ToJiao,
            settled(dec!(0), dec!(0), dec!(0), dec!(0)),
        ),
    ];
    for (case, total, tenders, rounding, expected) in cases {
        let got = settle(total, &tenders, rounding).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(got, expected, "{case}");
        let cash_in: Decimal = tenders
            .iter()
            .filter(|t| t.kind == TenderKind::Cash)
            .map(|t| t.amount)
            .sum();
        assert!(
            got.change >= Decimal::ZERO && got.change <= cash_in,
            "{case}: change comes from cash only"
        );
    }
}

#[test]
fn payments_that_do_not() {
    let eleven_cash: Vec<Tender> = (0..11).map(|_| cash(dec!(1))).collect();
    let cases: Vec<(&str, Decimal, Vec<Tender>, CashRounding, TenderError)> = vec![
        (
            "short",
            dec!(12.34),
            vec![cash(dec!(10))],
            CashRounding::None,
            TenderError::Short {
                due: dec!(12.34),
                paid: dec!(10),
                missing: dec!(2.34),
            },
        ),
        (
            "short after rounding",
            dec!(12.36),
            vec![cash(dec!(12.36))],
            CashRounding::ToJiao,
            TenderError::Short {
                due: dec!(12.4),
                paid: dec!(12.36),
                missing: dec!(0.04),
            },
        ),
        (
            "no tender at all",
            dec!(12.34),
            vec![],
            CashRounding::ToJiao,
            TenderError::Short {
                due: dec!(12.34),
                paid: dec!(0),
                missing: dec!(12.34),
            },
        ),
        (
            "card over the amount due",
            dec!(12.34),
            vec![card(dec!(12.35), "R1")],
            CashRounding::None,
            TenderError::NonCashOverpay {
                non_cash: dec!(12.35),
                due: dec!(12.34),
            },
        ),
        (
            "wallet and points together over the amount due",
            dec!(12.34),
            vec![
                tender(TenderKind::WechatPay, dec!(10)),
                points(dec!(3), 300),
            ],
            CashRounding::None,
            TenderError::NonCashOverpay {
                non_cash: dec!(13),
                due: dec!(12.34),
            },
        ),
        (
            "zero amount",
            dec!(1),
            vec![cash(dec!(0))],
            CashRounding::None,
            TenderError::NonPositiveAmount {
                index: 0,
                kind: TenderKind::Cash,
                amount: dec!(0),
            },
        ),
        (
            "negative amount",
            dec!(1),
            vec![cash(dec!(2)), card(dec!(-1), "R1")],
            CashRounding::None,
            TenderError::NonPositiveAmount {
                index: 1,
                kind: TenderKind::BankCard,
                amount: dec!(-1),
            },
        ),
        (
            "fractions of a fen",
            dec!(1),
            vec![cash(dec!(1.005))],
            CashRounding::None,
            TenderError::NotWholeFen {
                index: 0,
                kind: TenderKind::Cash,
                amount: dec!(1.005),
            },
        ),
        (
            "points tender without points",
            dec!(1),
            vec![points(dec!(1), 0)],
            CashRounding::None,
            TenderError::PointsMissing { index: 0 },
        ),
        (
            "points on a cash tender",
            dec!(1),
            vec![Tender {
                points: 100,
                ..cash(dec!(1))
            }],
            CashRounding::None,
            TenderError::PointsOnMoneyTender {
                index: 0,
                kind: TenderKind::Cash,
            },
        ),
        (
            "negative total",
            dec!(-1),
            vec![],
            CashRounding::None,
            TenderError::NegativeTotal { total: dec!(-1) },
        ),
        (
            "too many tenders",
            dec!(11),
            eleven_cash,
            CashRounding::None,
            TenderError::TooManyTenders { max: 10 },
        ),
    ];
    for (case, total, tenders, rounding, expected) in cases {
        assert_eq!(settle(total, &tenders, rounding), Err(expected), "{case}");
    }
}
