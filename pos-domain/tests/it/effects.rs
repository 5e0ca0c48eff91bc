//! What each kind of document moves: stock, points, serial units.

use pos_domain::document::{DocumentBody, PointAdjustment, SaleMember, Void};
use pos_domain::effects::{
    DocumentEffects, EffectError, PointMove, PointReason, SerialState, StockMove, effects_of,
};
use pos_domain::member::Tier;
use rust_decimal_macros::dec;
use uuid::Uuid;

use crate::support::{cart, document, line, price, sale_of};

fn member() -> SaleMember {
    SaleMember {
        member_id: "M1".into(),
        card_no: "C1".into(),
        tier: Tier::Standard,
    }
}

/// A sale of two units of A (lot L1) and one serial unit of B, to member M1, who
/// earned 30 points and redeemed 10.
fn sale() -> pos_domain::document::Sale {
    let mut priced = price(
        &cart(vec![
            line(1, "A", "c", dec!(10), 2),
            line(2, "B", "c", dec!(99), 1),
        ]),
        &[],
    );
    priced.lines[0].lot = Some("L1".into());
    priced.lines[1].serial = Some("SN1".into());
    let mut sale = sale_of(&priced, vec![], dec!(0), 30);
    sale.member = Some(member());
    sale.points_redeemed = 10;
    sale
}

fn stock(sku: &str, lot: Option<&str>, quantity: i64) -> StockMove {
    StockMove {
        store_id: "S001".into(),
        sku: sku.into(),
        lot_no: lot.map(Into::into),
        quantity,
    }
}

fn points(points: i64, reason: PointReason) -> PointMove {
    PointMove {
        member_id: "M1".into(),
        points,
        reason,
    }
}

#[test]
fn a_sale_takes_stock_marks_its_serials_sold_and_redeems_before_it_earns() {
    let fx = effects_of(&document(1, DocumentBody::Sale(sale())), None).unwrap();
    assert_eq!(
        fx.stock,
        vec![stock("A", Some("L1"), -2), stock("B", None, -1)]
    );
    assert_eq!(
        fx.points,
        vec![
            points(-10, PointReason::Redeem),
            points(30, PointReason::Earn)
        ]
    );
    assert_eq!(fx.serials.len(), 1);
    assert_eq!(
        (fx.serials[0].serial.as_str(), fx.serials[0].state),
        ("SN1", SerialState::Sold)
    );
}

#[test]
fn a_void_is_its_sale_reversed_and_without_the_sale_moves_nothing() {
    let sale = sale();
    let void = document(
        2,
        DocumentBody::Void(Void {
            shift_id: Uuid::nil(),
            sale_id: Uuid::nil(),
            sale_sequence: 1,
            total: sale.total,
            reason: "顾客取消".into(),
        }),
    );
    let sold = effects_of(&document(1, DocumentBody::Sale(sale.clone())), None).unwrap();
    let voided = effects_of(&void, Some(&sale)).unwrap();
    let back: Vec<i64> = voided.stock.iter().map(|s| s.quantity).collect();
    let out: Vec<i64> = sold.stock.iter().map(|s| -s.quantity).collect();
    assert_eq!(back, out);
    assert_eq!(
        voided.points,
        vec![
            points(10, PointReason::VoidRedeem),
            points(-30, PointReason::VoidEarn)
        ]
    );
    assert_eq!(voided.serials[0].state, SerialState::Available);
    assert_eq!(effects_of(&void, None).unwrap(), DocumentEffects::default());
}

#[test]
fn an_adjustment_moves_points_only_and_zero_moves_nothing() {
    let adjust = |points| {
        document(
            3,
            DocumentBody::PointAdjustment(PointAdjustment {
                member_id: "M1".into(),
                points,
                reason: "补录".into(),
            }),
        )
    };
    let fx = effects_of(&adjust(-5), None).unwrap();
    assert_eq!(fx.points, vec![points(-5, PointReason::Adjust)]);
    assert!(fx.stock.is_empty() && fx.serials.is_empty());
    assert_eq!(
        effects_of(&adjust(0), None).unwrap(),
        DocumentEffects::default()
    );
}

#[test]
fn points_no_number_can_take_back_are_an_error_not_a_wrap() {
    let mut sale = sale();
    sale.points_redeemed = i64::MIN;
    assert_eq!(
        effects_of(&document(1, DocumentBody::Sale(sale)), None),
        Err(EffectError::PointsNotReversible {
            field: "points_redeemed",
            points: i64::MIN
        })
    );
}
