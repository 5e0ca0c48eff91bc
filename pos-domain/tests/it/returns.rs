//! Table tests for returns: partial and repeated returns, serials, points, refund tenders.

use crate::support::{card, cart, cash, line, points, price, sale_of};
use pos_domain::cart::OrderDiscount;
use pos_domain::document::{Return, Sale, Tender, TenderKind};
use pos_domain::returns::{RefundTo, ReturnError, ReturnPlan, ReturnRequestLine, plan_return};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use uuid::Uuid;

fn ask(original_line_no: u32, quantity: u32) -> ReturnRequestLine {
    ReturnRequestLine {
        original_line_no,
        quantity,
    }
}

fn recorded(plan: ReturnPlan) -> Return {
    Return {
        shift_id: Uuid::nil(),
        original_sale_id: Some(Uuid::nil()),
        lines: plan.lines,
        total: plan.total,
        vat: plan.vat,
        tenders: plan.tenders,
        cash_rounding: plan.cash_rounding,
        member: None,
        points_reversed: plan.points_reversed,
        points_refunded: plan.points_refunded,
        reason: "不想要了".into(),
    }
}

/// Plans and records each go in turn; returns the recorded returns.
fn returns_in_goes(sale: &Sale, goes: &[&[ReturnRequestLine]], refund_to: RefundTo) -> Vec<Return> {
    let mut done = Vec::new();
    for request in goes {
        let plan = plan_return(sale, &done, request, refund_to).expect("return plans");
        done.push(recorded(plan));
    }
    done
}

fn money(tenders: &[Tender]) -> Vec<(TenderKind, Decimal, i64)> {
    tenders
        .iter()
        .map(|t| (t.kind, t.amount, t.points))
        .collect()
}

/// Three units of A for 106.67 after an order discount, and B for 53.33; paid in cash.
fn discounted_sale() -> Sale {
    let mut c = cart(vec![
        line(1, "A", "bp", dec!(40), 3),
        line(2, "B", "strip", dec!(60), 1),
    ]);
    c.order_discount = Some(OrderDiscount::Amount {
        amount: dec!(20),
        reason: "店庆".into(),
    });
    let priced = price(&c, &[]);
    assert_eq!(
        (priced.lines[0].net, priced.lines[1].net),
        (dec!(106.67), dec!(53.33))
    );
    sale_of(&priced, vec![cash(dec!(200))], dec!(200) - priced.total, 0)
}

#[test]
fn units_come_back_at_what_they_were_paid_and_the_last_takes_the_remainder() {
    let sale = discounted_sale();
    let goes = returns_in_goes(
        &sale,
        &[&[ask(1, 1)], &[ask(1, 1)], &[ask(1, 1)]],
        RefundTo::Cash,
    );
    let refunds: Vec<Decimal> = goes.iter().map(|r| r.total).collect();
    assert_eq!(refunds, vec![dec!(35.56), dec!(35.55), dec!(35.56)]);
    assert_eq!(refunds.iter().sum::<Decimal>(), sale.lines[0].net);
    assert!(
        goes.iter()
            .all(|r| money(&r.tenders) == vec![(TenderKind::Cash, r.total, 0)])
    );
}

#[test]
fn a_full_return_in_one_go_refunds_the_sale_total() {
    let sale = discounted_sale();
    let plan = plan_return(
        &sale,
        &[],
        &[ask(2, 1), ask(1, 3)],
        RefundTo::OriginalTenders,
    )
    .unwrap();
    assert_eq!(plan.total, sale.total);
    assert_eq!(
        money(&plan.tenders),
        vec![(TenderKind::Cash, sale.total, 0)]
    );
    let vat: Decimal = plan.vat.iter().map(|v| v.gross).sum();
    assert_eq!(vat, sale.total);
    assert_eq!(
        plan.lines
            .iter()
            .map(|l| l.original_line_no)
            .collect::<Vec<_>>(),
        vec![Some(2), Some(1)]
    );
}

#[test]
fn requests_that_cannot_be_returned() {
    let sale = discounted_sale();
    let earlier = returns_in_goes(&sale, &[&[ask(1, 2)]], RefundTo::Cash);
    let cases: Vec<(&str, Vec<ReturnRequestLine>, ReturnError)> = vec![
        (
            "more than sold minus returned",
            vec![ask(1, 2)],
            ReturnError::MoreThanSold {
                line_no: 1,
                sold: 3,
                returned_before: 2,
                requested: 2,
            },
        ),
        (
            "more than sold",
            vec![ask(2, 2)],
            ReturnError::MoreThanSold {
                line_no: 2,
                sold: 1,
                returned_before: 0,
                requested: 2,
            },
        ),
        (
            "unknown line",
            vec![ask(9, 1)],
            ReturnError::UnknownLine { line_no: 9 },
        ),
        (
            "zero units",
            vec![ask(2, 0)],
            ReturnError::ZeroQuantity { line_no: 2 },
        ),
        (
            "same line twice",
            vec![ask(2, 1), ask(2, 1)],
            ReturnError::DuplicateLine { line_no: 2 },
        ),
        ("nothing", vec![], ReturnError::NothingRequested),
    ];
    for (case, request, expected) in cases {
        assert_eq!(
            plan_return(&sale, &earlier, &request, RefundTo::Cash),
            Err(expected),
            "{case}"
        );
    }
}

#[test]
fn a_serial_comes_back_with_its_serial_and_lot() {
    let mut monitor = line(1, "BP1", "bp", dec!(299), 1);
    monitor.serial = Some("SN-0001".into());
    monitor.lot = Some("L2026A".into());
    let priced = price(
        &cart(vec![monitor, line(2, "B", "strip", dec!(50), 1)]),
        &[],
    );
    let sale = sale_of(&priced, vec![card(dec!(349), "C1")], dec!(0), 0);
    let plan = plan_return(&sale, &[], &[ask(1, 1)], RefundTo::OriginalTenders).unwrap();
    let back = &plan.lines[0];
    assert_eq!(
        (back.serial.as_deref(), back.lot.as_deref(), back.refund),
        (Some("SN-0001"), Some("L2026A"), dec!(299))
    );
    assert_eq!(plan.tenders, vec![card(dec!(299), "C1")]);
}

#[test]
fn points_go_back_in_proportion_and_the_last_return_settles_them_exactly() {
    let priced = price(&cart(vec![line(1, "A", "bp", dec!(100), 2)]), &[]);
    let sale = sale_of(
        &priced,
        vec![points(dec!(50), 5_000), card(dec!(150), "C1")],
        dec!(0),
        151,
    );
    let goes = returns_in_goes(
        &sale,
        &[&[ask(1, 1)], &[ask(1, 1)]],
        RefundTo::OriginalTenders,
    );
    assert_eq!(
        (goes[0].points_reversed, goes[0].points_refunded),
        (76, 2_500)
    );
    assert_eq!(
        money(&goes[0].tenders),
        vec![
            (TenderKind::Points, dec!(25), 2_500),
            (TenderKind::BankCard, dec!(75), 0)
        ]
    );
    assert_eq!(
        goes[0].tenders[1].reference.as_deref(),
        Some("C1"),
        "the card refund goes to the same card"
    );
    assert_eq!(
        (goes[1].points_reversed, goes[1].points_refunded),
        (75, 2_500)
    );
    assert_eq!(
        money(&goes[1].tenders),
        vec![
            (TenderKind::Points, dec!(25), 2_500),
            (TenderKind::BankCard, dec!(75), 0)
        ]
    );
}

#[test]
fn refund_to_cash_still_gives_points_back_as_points() {
    let priced = price(&cart(vec![line(1, "A", "bp", dec!(100), 1)]), &[]);
    let sale = sale_of(
        &priced,
        vec![points(dec!(20), 2_000), card(dec!(80), "C1")],
        dec!(0),
        80,
    );
    let plan = plan_return(&sale, &[], &[ask(1, 1)], RefundTo::Cash).unwrap();
    assert_eq!(
        money(&plan.tenders),
        vec![
            (TenderKind::Points, dec!(20), 2_000),
            (TenderKind::Cash, dec!(80), 0)
        ]
    );
    assert_eq!((plan.points_reversed, plan.points_refunded), (80, 2_000));
}

#[test]
fn original_tenders_share_in_proportion_and_cash_stays_within_what_was_kept() {
    let priced = price(&cart(vec![line(1, "A", "bp", dec!(50), 2)]), &[]);
    // Card 60, cash 50 with 10 change: the drawer kept 40.
    let sale = sale_of(
        &priced,
        vec![card(dec!(60), "C1"), cash(dec!(50))],
        dec!(10),
        0,
    );
    let goes = returns_in_goes(
        &sale,
        &[&[ask(1, 1)], &[ask(1, 1)]],
        RefundTo::OriginalTenders,
    );
    for ret in &goes {
        assert_eq!(
            money(&ret.tenders),
            vec![
                (TenderKind::BankCard, dec!(30), 0),
                (TenderKind::Cash, dec!(20), 0)
            ]
        );
    }

    // Paid by two cards, no cash: the fen the floors leave goes to a card, not to cash.
    let priced = price(
        &cart(vec![
            line(1, "A", "bp", dec!(0.01), 1),
            line(2, "B", "bp", dec!(99.99), 1),
        ]),
        &[],
    );
    let sale = sale_of(
        &priced,
        vec![card(dec!(50), "C1"), card(dec!(50), "C2")],
        dec!(0),
        0,
    );
    let plan = plan_return(&sale, &[], &[ask(1, 1)], RefundTo::OriginalTenders).unwrap();
    assert_eq!(plan.tenders, vec![card(dec!(0.01), "C1")]);

    // Card 99.99 and one fen of cash: the cash refund never passes that fen.
    let priced = price(&cart(vec![line(1, "A", "bp", dec!(50), 2)]), &[]);
    let sale = sale_of(
        &priced,
        vec![card(dec!(99.99), "C1"), cash(dec!(0.01))],
        dec!(0),
        0,
    );
    let goes = returns_in_goes(
        &sale,
        &[&[ask(1, 1)], &[ask(1, 1)]],
        RefundTo::OriginalTenders,
    );
    let cash_back: Decimal = goes
        .iter()
        .flat_map(|r| &r.tenders)
        .filter(|t| t.kind == TenderKind::Cash)
        .map(|t| t.amount)
        .sum();
    let card_back: Decimal = goes
        .iter()
        .flat_map(|r| &r.tenders)
        .filter(|t| t.kind == TenderKind::BankCard)
        .map(|t| t.amount)
        .sum();
    assert_eq!((card_back, cash_back), (dec!(99.99), dec!(0.01)));
}

/// (lines refunded, cash given back, cash rounding) of each return.
fn rounding_of(goes: &[Return]) -> Vec<(Decimal, Decimal, Decimal)> {
    goes.iter()
        .map(|r| {
            let back: Decimal = r.tenders.iter().map(|t| t.amount).sum();
            assert_eq!(back, r.total + r.cash_rounding);
            (r.total, back, r.cash_rounding)
        })
        .collect()
}

#[test]
fn a_rounded_down_cash_sale_never_gives_back_more_than_it_took() {
    // 12.34 rounded down to 12.30 (抹零): two returns give back 6.17 and 6.13.
    let priced = price(&cart(vec![line(1, "A", "bp", dec!(6.17), 2)]), &[]);
    let mut sale = sale_of(&priced, vec![cash(dec!(20))], dec!(7.70), 0);
    sale.cash_rounding = dec!(-0.04);
    let goes = returns_in_goes(&sale, &[&[ask(1, 1)], &[ask(1, 1)]], RefundTo::Cash);
    assert_eq!(
        rounding_of(&goes),
        vec![
            (dec!(6.17), dec!(6.17), dec!(0)),
            (dec!(6.17), dec!(6.13), dec!(-0.04)),
        ]
    );

    // 10.02 + 0.02 rounded down to 10.00: the big line alone already takes all of it.
    let priced = price(
        &cart(vec![
            line(1, "A", "bp", dec!(10.02), 1),
            line(2, "B", "swab", dec!(0.02), 1),
        ]),
        &[],
    );
    let mut sale = sale_of(&priced, vec![cash(dec!(10))], dec!(0), 0);
    sale.cash_rounding = dec!(-0.04);
    let goes = returns_in_goes(
        &sale,
        &[&[ask(1, 1)], &[ask(2, 1)]],
        RefundTo::OriginalTenders,
    );
    assert_eq!(
        rounding_of(&goes),
        vec![
            (dec!(10.02), dec!(10.00), dec!(-0.02)),
            (dec!(0.02), dec!(0), dec!(-0.02)),
        ]
    );
    assert!(goes[1].tenders.is_empty(), "nothing left to give back");
}

#[test]
fn a_rounded_up_cash_sale_gives_the_extra_back_on_the_last_return() {
    // 10.06 rounded up to 10.10: the return that completes the sale gives back 5.07.
    let priced = price(&cart(vec![line(1, "A", "bp", dec!(5.03), 2)]), &[]);
    let mut sale = sale_of(&priced, vec![cash(dec!(20))], dec!(9.90), 0);
    sale.cash_rounding = dec!(0.04);
    let goes = returns_in_goes(
        &sale,
        &[&[ask(1, 1)], &[ask(1, 1)]],
        RefundTo::OriginalTenders,
    );
    assert_eq!(
        rounding_of(&goes),
        vec![
            (dec!(5.03), dec!(5.03), dec!(0)),
            (dec!(5.03), dec!(5.07), dec!(0.04)),
        ]
    );
}
