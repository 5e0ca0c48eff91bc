//! How a return's money goes back: to the tenders that paid, or in cash.

use rust_decimal::Decimal;

use crate::document::{Return, Sale, Tender, TenderKind};

const FEN_PER_YUAN: Decimal = Decimal::ONE_HUNDRED;

pub(super) fn cash(amount: Decimal) -> Option<Tender> {
    (amount > Decimal::ZERO).then_some(Tender {
        kind: TenderKind::Cash,
        amount,
        reference: None,
        points: 0,
    })
}

/// Spreads `amount` over the sale's money tenders in proportion to what each still has to
/// give back. Card and wallet shares are floored to fen; cash takes the remainder but never
/// more than the cash the sale kept (cash handed over - change), the excess going to
/// tenders with room left.
pub(super) fn to_original_tenders(
    sale: &Sale,
    earlier_returns: &[Return],
    amount: Decimal,
) -> Vec<Tender> {
    if amount <= Decimal::ZERO {
        return Vec::new();
    }
    let non_cash = money_groups(sale, earlier_returns);
    let cash_room = cash_room(sale, earlier_returns);
    let room: Decimal = non_cash.iter().map(|g| g.room).sum::<Decimal>() + cash_room;

    let mut shares: Vec<Decimal> = non_cash
        .iter()
        .map(|g| floored_share(amount, g.room, room))
        .collect();
    let mut cash_share = amount - shares.iter().sum::<Decimal>();
    if cash_share > cash_room {
        let mut excess = cash_share - cash_room;
        cash_share = cash_room;
        for (share, group) in shares.iter_mut().zip(&non_cash) {
            let extra = (group.room - *share).min(excess).max(Decimal::ZERO);
            *share += extra;
            excess -= extra;
        }
        // Money over comes only from an inconsistent history (returns settle a sale's
        // cash rounding themselves); it still goes back, in cash.
        cash_share += excess;
    }

    let mut tenders: Vec<Tender> = non_cash
        .into_iter()
        .zip(shares)
        .filter(|(_, share)| *share > Decimal::ZERO)
        .map(|(group, share)| Tender {
            kind: group.kind,
            amount: share,
            reference: group.reference,
            points: 0,
        })
        .collect();
    tenders.extend(cash(cash_share));
    tenders
}

/// `amount * part / whole`, floored to fen, never more than `part`.
fn floored_share(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal {
    if whole.is_zero() {
        return Decimal::ZERO;
    }
    let share = (amount * part / whole * FEN_PER_YUAN).floor() / FEN_PER_YUAN;
    share.clamp(Decimal::ZERO, part)
}

/// Cash the drawer kept from the sale and has not yet paid back.
fn cash_room(sale: &Sale, earlier_returns: &[Return]) -> Decimal {
    let cash_in: Decimal = sale
        .tenders
        .iter()
        .filter(|t| t.kind == TenderKind::Cash)
        .map(|t| t.amount)
        .sum();
    let cash_back: Decimal = earlier_returns
        .iter()
        .flat_map(|r| &r.tenders)
        .filter(|t| t.kind == TenderKind::Cash)
        .map(|t| t.amount)
        .sum();
    (cash_in - sale.change - cash_back).max(Decimal::ZERO)
}

/// A non-cash way the sale was paid, with what it can still take back.
struct MoneyGroup {
    kind: TenderKind,
    reference: Option<String>,
    room: Decimal,
}

fn money_groups(sale: &Sale, earlier_returns: &[Return]) -> Vec<MoneyGroup> {
    let mut groups: Vec<MoneyGroup> = Vec::new();
    for tender in sale
        .tenders
        .iter()
        .filter(|t| !matches!(t.kind, TenderKind::Cash | TenderKind::Points))
    {
        match groups
            .iter_mut()
            .find(|g| g.kind == tender.kind && g.reference == tender.reference)
        {
            Some(group) => group.room += tender.amount,
            None => groups.push(MoneyGroup {
                kind: tender.kind,
                reference: tender.reference.clone(),
                room: tender.amount,
            }),
        }
    }
    for refund in earlier_returns.iter().flat_map(|r| &r.tenders) {
        if let Some(group) = groups
            .iter_mut()
            .find(|g| g.kind == refund.kind && g.reference == refund.reference)
        {
            group.room = (group.room - refund.amount).max(Decimal::ZERO);
        }
    }
    groups
}
