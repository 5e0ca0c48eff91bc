//! What each member bought and returned per business date (`sales_by_member_day`), the
//! figures the RFM run reads (see `crate::rfm`): folded from the queue with the other
//! aggregates, so a run sums about one row per member and day instead of reading the
//! documents' JSON.
//!
//! The member is the id the document names (a till's id may be an alias, resolved when
//! the run reads). A void takes its sale back on the sale's own business date, so the
//! last purchase is never a voided one; a return counts on its own date, under its
//! member or, when it names none, its sale's.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use pos_domain::document::{Document, DocumentBody, SaleMember};
use rust_decimal::Decimal;
use tokio_postgres::GenericClient;

use super::{TallyOverflow, sum_count, sum_money};
use crate::error::DbError;

/// (member id as the document names it, business date)
pub type MemberDayKey = (String, NaiveDate);

/// One member's purchases and returns on one day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFigures {
    pub sales_count: i64,
    pub sales_amount: Decimal,
    pub returns_count: i64,
    pub returns_amount: Decimal,
}

/// What some documents add to each member's days, in key order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberTally {
    pub days: BTreeMap<MemberDayKey, MemberFigures>,
}

impl MemberTally {
    /// Adds one document: a void needs the sale document it voids, a return the sale it
    /// returns (for the member when the return names none). Other kinds add nothing.
    pub fn add(
        &mut self,
        doc: &Document,
        voided: Option<&Document>,
        returned: Option<&Document>,
    ) -> Result<(), TallyOverflow> {
        let member_of_sale = |d: Option<&Document>| -> Option<SaleMember> {
            match d.map(|d| &d.body) {
                Some(DocumentBody::Sale(s)) => s.member.clone(),
                _ => None,
            }
        };
        let (member, date, figures) = match &doc.body {
            DocumentBody::Sale(sale) => (
                sale.member.clone(),
                doc.business_date,
                MemberFigures {
                    sales_count: 1,
                    sales_amount: sale.total,
                    ..MemberFigures::default()
                },
            ),
            DocumentBody::Void(_) => {
                let Some(sale_doc) = voided else {
                    return Ok(());
                };
                let DocumentBody::Sale(sale) = &sale_doc.body else {
                    return Ok(());
                };
                (
                    sale.member.clone(),
                    sale_doc.business_date,
                    MemberFigures {
                        sales_count: -1,
                        // A decimal's negation only flips its sign: it cannot overflow.
                        sales_amount: -sale.total,
                        ..MemberFigures::default()
                    },
                )
            }
            DocumentBody::Return(ret) => (
                ret.member.clone().or_else(|| member_of_sale(returned)),
                doc.business_date,
                MemberFigures {
                    returns_count: 1,
                    returns_amount: ret.total,
                    ..MemberFigures::default()
                },
            ),
            _ => return Ok(()),
        };
        let Some(member) = member.filter(|m| !m.member_id.is_empty()) else {
            return Ok(());
        };
        let to = self.days.entry((member.member_id, date)).or_default();
        to.sales_count = sum_count(to.sales_count, figures.sales_count, "member sales")?;
        to.sales_amount = sum_money(to.sales_amount, figures.sales_amount, "member sales")?;
        to.returns_count = sum_count(to.returns_count, figures.returns_count, "member returns")?;
        to.returns_amount = sum_money(to.returns_amount, figures.returns_amount, "member returns")?;
        Ok(())
    }
}

/// Adds the tally to `sales_by_member_day`: one statement, rows in key order (two
/// folders touching the same rows lock them in the same order), amounts as text.
pub async fn write(client: &impl GenericClient, tally: &MemberTally) -> Result<(), DbError> {
    if tally.days.is_empty() {
        return Ok(());
    }
    let n = tally.days.len();
    let (mut members, mut dates) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut sales, mut returns) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut sold, mut returned) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for ((member, date), f) in &tally.days {
        members.push(member.as_str());
        dates.push(*date);
        sales.push(f.sales_count);
        returns.push(f.returns_count);
        sold.push(f.sales_amount.to_string());
        returned.push(f.returns_amount.to_string());
    }
    client
        .execute(
            "INSERT INTO sales_by_member_day AS t (member_id, business_date, sales_count,
                                                  sales_amount, returns_count, returns_amount)
             SELECT m, d, sc, sa::numeric, rc, ra::numeric
             FROM unnest($1::text[], $2::date[], $3::int8[], $4::text[], $5::int8[], $6::text[])
                  AS u (m, d, sc, sa, rc, ra)
             ORDER BY 1, 2
             ON CONFLICT (member_id, business_date) DO UPDATE SET
                 sales_count = t.sales_count + excluded.sales_count,
                 sales_amount = t.sales_amount + excluded.sales_amount,
                 returns_count = t.returns_count + excluded.returns_count,
                 returns_amount = t.returns_amount + excluded.returns_amount",
            &[&members, &dates, &sales, &sold, &returns, &returned],
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use pos_domain::document::{Return, Sale, Void};
    use pos_domain::member::Tier;
    use uuid::Uuid;

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn member(id: &str) -> Option<SaleMember> {
        Some(SaleMember {
            member_id: id.into(),
            card_no: format!("C-{id}"),
            tier: Tier::Standard,
        })
    }

    fn doc(date: NaiveDate, body: DocumentBody) -> Document {
        Document {
            id: Uuid::now_v7(),
            store_id: "S1".into(),
            terminal_id: "T1".into(),
            sequence: 1,
            business_date: date,
            created_at: Utc.with_ymd_and_hms(2026, 11, 1, 2, 0, 0).unwrap(),
            operator_id: "op".into(),
            approvals: vec![],
            body,
        }
    }

    fn sale(date: NaiveDate, who: Option<SaleMember>, total: i64) -> Document {
        doc(
            date,
            DocumentBody::Sale(Sale {
                shift_id: Uuid::nil(),
                lines: vec![],
                subtotal: Decimal::from(total),
                discount_total: Decimal::ZERO,
                total: Decimal::from(total),
                vat: vec![],
                tenders: vec![],
                cash_rounding: Decimal::ZERO,
                change: Decimal::ZERO,
                member: who,
                points_earned: 0,
                points_redeemed: 0,
                organisation: None,
            }),
        )
    }

    fn ret(date: NaiveDate, who: Option<SaleMember>, total: i64) -> Document {
        doc(
            date,
            DocumentBody::Return(Return {
                shift_id: Uuid::nil(),
                original_sale_id: None,
                lines: vec![],
                total: Decimal::from(total),
                vat: vec![],
                tenders: vec![],
                cash_rounding: Decimal::ZERO,
                member: who,
                points_reversed: 0,
                points_refunded: 0,
                reason: String::new(),
            }),
        )
    }

    fn void(date: NaiveDate, of: &Document) -> Document {
        doc(
            date,
            DocumentBody::Void(Void {
                shift_id: Uuid::nil(),
                sale_id: of.id,
                sale_sequence: 1,
                total: Decimal::ZERO,
                reason: String::new(),
            }),
        )
    }

    #[test]
    fn sales_returns_and_voids_land_on_the_right_member_and_day() {
        let mut t = MemberTally::default();
        let first = sale(day(1), member("A"), 100);
        let voided = sale(day(2), member("A"), 40);
        t.add(&first, None, None).unwrap();
        t.add(&voided, None, None).unwrap();
        // Voided the next day: taken back on the sale's day.
        t.add(&void(day(3), &voided), Some(&voided), None).unwrap();
        // A return naming no member counts under its sale's.
        t.add(&ret(day(5), None, 30), None, Some(&first)).unwrap();
        // No member: nothing.
        t.add(&sale(day(1), None, 7), None, None).unwrap();
        let got: Vec<_> = t.days.into_iter().collect();
        assert_eq!(
            got,
            vec![
                (
                    ("A".to_string(), day(1)),
                    MemberFigures {
                        sales_count: 1,
                        sales_amount: Decimal::from(100),
                        ..MemberFigures::default()
                    }
                ),
                (("A".to_string(), day(2)), MemberFigures::default()),
                (
                    ("A".to_string(), day(5)),
                    MemberFigures {
                        returns_count: 1,
                        returns_amount: Decimal::from(30),
                        ..MemberFigures::default()
                    }
                ),
            ]
        );
    }

    #[test]
    fn a_sum_past_a_decimal_is_refused() {
        let mut t = MemberTally::default();
        t.add(&sale(day(1), member("A"), 1), None, None).unwrap();
        let mut huge = sale(day(1), member("A"), 0);
        if let DocumentBody::Sale(s) = &mut huge.body {
            s.total = Decimal::MAX;
        }
        assert!(t.add(&huge, None, None).is_err());
    }
}
