//! A member's spend the till adds to head office's: its own sales, returns and voids
//! that head office has not reflected yet (as the points of `point_entry` are), counted
//! as head office counts them at ingest (paid money, not the part paid with points).

use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;

use super::stored::parse_body;
use super::{Store, StoreError};
use crate::document::DocumentBody;
use crate::loyalty::{return_spend, sale_spend};

/// Spend of documents not yet reflected, and the last of their business dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct LocalSpend {
    pub(crate) amount: Decimal,
    pub(crate) last_day: Option<NaiveDate>,
}

impl Store {
    /// What this till's unreflected documents add to `member_id`'s spend (under its id
    /// or any code head office joined to it).
    pub(crate) fn unreflected_spend(&self, member_id: &str) -> Result<LocalSpend, StoreError> {
        let mut ids: Vec<String> = self
            .conn()
            .prepare_cached("SELECT code FROM member_code WHERE member_id = ?1")?
            .query_map([member_id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.push(member_id.to_owned());
        // A void names its sale: the sale's money (and member) is what it takes back.
        let mut stmt = self.conn().prepare_cached(
            "SELECT d.body, s.body FROM document d
             LEFT JOIN document s ON d.kind = 'void' AND s.id = d.ref_id
             WHERE d.reflected = 0 AND d.kind IN ('sale', 'return', 'void')
             ORDER BY d.sequence",
        )?;
        let rows = stmt.query_map(params![], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Option<Vec<u8>>>(1)?))
        })?;
        let overflow = || StoreError::corrupt("member spend", "past the largest sum a till adds");
        let mut local = LocalSpend::default();
        for row in rows {
            let (body, sale) = row?;
            let doc = parse_body(&body)?;
            let sold = sale.map(|b| parse_body(&b)).transpose()?;
            let (member, amount) = match (&doc.body, sold.as_ref().map(|s| &s.body)) {
                (DocumentBody::Sale(s), _) => (s.member.as_ref(), sale_spend(s)),
                (DocumentBody::Return(r), _) => (r.member.as_ref(), return_spend(r).map(|a| -a)),
                (DocumentBody::Void(_), Some(DocumentBody::Sale(s))) => {
                    (s.member.as_ref(), sale_spend(s).map(|a| -a))
                }
                _ => continue,
            };
            if !member.is_some_and(|m| ids.contains(&m.member_id)) {
                continue;
            }
            let amount = amount.ok_or_else(overflow)?;
            local.amount = local.amount.checked_add(amount).ok_or_else(overflow)?;
            local.last_day = local.last_day.max(Some(doc.business_date));
        }
        Ok(local)
    }
}
