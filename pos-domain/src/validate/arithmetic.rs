//! The checks and checked sums the document rules are written with: each failure a
//! [`DocumentInvalid`] naming the field.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{Checked, DocumentInvalid};
use crate::document::{DenominationCount, Tender, TenderKind, VatAmount};
use crate::money::{round_cny, vat_included};

pub(super) fn counted_sum(counted: &[DenominationCount]) -> Result<Decimal, DocumentInvalid> {
    let mut sum = Decimal::ZERO;
    for c in counted {
        positive("denomination", c.denomination)?;
        let value = product("counted_cash", c.denomination, Decimal::from(c.count))?;
        sum = self::sum("counted_cash", sum, value)?;
    }
    Ok(sum)
}

/// The stated VAT lines are exactly one per rate, each recomputed from the amounts at
/// that rate. A rate whose amount is zero may be left out.
pub(super) fn check_vat(
    amounts_by_rate: &BTreeMap<Decimal, Decimal>,
    stated: &[VatAmount],
) -> Checked {
    let mut seen = BTreeMap::new();
    for v in stated {
        not_negative(&format!("vat rate {}", v.rate), v.rate)?;
        if seen.insert(v.rate.normalize(), ()).is_some() {
            return Err(invalid("vat", format!("rate {} appears twice", v.rate)));
        }
        let gross = amounts_by_rate
            .get(&v.rate)
            .copied()
            .unwrap_or(Decimal::ZERO);
        equal(&format!("vat gross at rate {}", v.rate), gross, v.gross)?;
        equal(
            &format!("vat at rate {}", v.rate),
            vat_included(gross, v.rate),
            v.vat,
        )?;
    }
    for (rate, gross) in amounts_by_rate {
        if !gross.is_zero() && !seen.contains_key(&rate.normalize()) {
            return Err(invalid("vat", format!("no line for rate {rate}")));
        }
    }
    Ok(())
}

pub(super) fn tender_sum(tenders: &[Tender]) -> Result<Decimal, DocumentInvalid> {
    let mut sum = Decimal::ZERO;
    for t in tenders {
        let what = format!("{} tender amount", t.kind.code());
        not_negative(&what, t.amount)?;
        whole_fen(&what, t.amount)?;
        not_negative(
            &format!("{} tender points", t.kind.code()),
            Decimal::from(t.points),
        )?;
        if t.kind != TenderKind::Points && t.points != 0 {
            return Err(invalid(
                &format!("{} tender", t.kind.code()),
                "carries points".into(),
            ));
        }
        sum = self::sum("tenders", sum, t.amount)?;
    }
    Ok(sum)
}

pub(super) fn points_tendered(tenders: &[Tender]) -> Result<i64, DocumentInvalid> {
    let mut points: i64 = 0;
    for t in tenders.iter().filter(|t| t.kind == TenderKind::Points) {
        points = points
            .checked_add(t.points)
            .ok_or_else(|| overflow("points tenders"))?;
    }
    Ok(points)
}

pub(super) fn sum(what: &str, a: Decimal, b: Decimal) -> Result<Decimal, DocumentInvalid> {
    a.checked_add(b).ok_or_else(|| overflow(what))
}

pub(super) fn difference(what: &str, a: Decimal, b: Decimal) -> Result<Decimal, DocumentInvalid> {
    a.checked_sub(b).ok_or_else(|| overflow(what))
}

pub(super) fn product(what: &str, a: Decimal, b: Decimal) -> Result<Decimal, DocumentInvalid> {
    a.checked_mul(b).ok_or_else(|| overflow(what))
}

pub(super) fn overflow(what: &str) -> DocumentInvalid {
    invalid(
        what,
        "adds up past the largest amount a document can hold".into(),
    )
}

pub(super) fn equal(what: &str, expected: Decimal, found: Decimal) -> Checked {
    if expected == found {
        return Ok(());
    }
    Err(DocumentInvalid::Mismatch {
        what: what.into(),
        expected: expected.normalize().to_string(),
        found: found.normalize().to_string(),
    })
}

pub(super) fn equal_points(what: &str, expected: i64, found: i64) -> Checked {
    if expected == found {
        return Ok(());
    }
    Err(DocumentInvalid::Mismatch {
        what: what.into(),
        expected: expected.to_string(),
        found: found.to_string(),
    })
}

pub(super) fn not_negative(what: &str, value: Decimal) -> Checked {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(DocumentInvalid::Negative {
            what: what.into(),
            value: value.to_string(),
        });
    }
    Ok(())
}

pub(super) fn positive(what: &str, value: Decimal) -> Checked {
    if value <= Decimal::ZERO {
        return Err(invalid(what, format!("must be more than 0, is {value}")));
    }
    Ok(())
}

/// Money amounts are whole fen: nothing past two decimals.
pub(super) fn whole_fen(what: &str, value: Decimal) -> Checked {
    if round_cny(value) != value {
        return Err(invalid(what, format!("{value} has more than two decimals")));
    }
    Ok(())
}

pub(super) fn not_empty(what: &str, value: &str) -> Checked {
    if value.trim().is_empty() {
        return Err(DocumentInvalid::Empty { what: what.into() });
    }
    Ok(())
}

pub(super) fn invalid(what: &str, problem: String) -> DocumentInvalid {
    DocumentInvalid::Invalid {
        what: what.into(),
        problem,
    }
}
