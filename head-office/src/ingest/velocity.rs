//! Velocity: one member redeeming points many times, or at several stores, in one
//! business day (the chain's calendar day its tills keep) is flagged for a person
//! (`velocity_reviews`, listed on the tills page with the other point reviews). The
//! redemptions stand; nothing is changed without a person.
//!
//! Checked at ingest, in the batch's transaction, by one statement and only for a batch
//! that redeems. For a member and day not flagged yet it counts the day's redemptions
//! from the ledger (this batch's included) against the chain's thresholds
//! (`velocity_rules`): few rows, since a day under the thresholds has few. It reads
//! redemptions recorded from two days before the day on (a document is stored on or
//! after its business day, with a margin for a till's clock), through the partial index
//! `point_ledger_redemptions`. A day flagged and still open only gets this batch's
//! redemptions added, so its cost does not grow with the day. A member and day is
//! flagged once; a resend adds no ledger entry, so it changes nothing.

use std::collections::HashMap;

use chrono::NaiveDate;
use pos_domain::document::Document;
use pos_domain::effects::PointReason;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use super::effects::LedgerEntry;
use crate::error::DbError;

/// This batch's redemptions: member, business day, document and points (positive).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Redemptions {
    pub members: Vec<String>,
    pub dates: Vec<NaiveDate>,
    pub documents: Vec<Uuid>,
    pub points: Vec<i64>,
}

/// The redemptions among this batch's ledger entries.
pub fn redemptions(accepted: &[&Document], entries: &[LedgerEntry]) -> Redemptions {
    let dates: HashMap<Uuid, NaiveDate> =
        accepted.iter().map(|d| (d.id, d.business_date)).collect();
    let mut found = Redemptions::default();
    for e in entries
        .iter()
        .filter(|e| e.entry == PointReason::Redeem.as_str())
    {
        let Some(date) = dates.get(&e.document_id) else {
            continue;
        };
        found.members.push(e.member_id.clone());
        found.dates.push(*date);
        found.documents.push(e.document_id);
        found.points.push(e.points.saturating_neg());
    }
    found
}

/// Flags the members and days of `batch` past the chain's thresholds, and adds the
/// batch's redemptions to days flagged and open (see the module).
pub async fn check(
    client: &impl GenericClient,
    store_id: &str,
    batch: &Redemptions,
) -> Result<(), DbError> {
    if batch.members.is_empty() {
        return Ok(());
    }
    let flagged = client
        .query(
            "WITH batch AS (
                 SELECT * FROM unnest($1::text[], $2::date[], $3::uuid[], $4::int8[])
                     AS b (member_id, business_date, document_id, points)
             ),
             days AS (
                 SELECT DISTINCT b.member_id, b.business_date, v.reviewed_at IS NOT NULL AS reviewed,
                        v.member_id IS NOT NULL AS known
                 FROM batch b
                 LEFT JOIN velocity_reviews v USING (member_id, business_date)
             ),
             rules AS (
                 SELECT coalesce(max(max_redemptions), 3) AS max_redemptions,
                        coalesce(max(stores_flagged), 2) AS stores_flagged
                 FROM velocity_rules
             ),
             whole_day AS (
                 SELECT l.member_id, d.business_date,
                        array_agg(l.document_id ORDER BY d.created_at, l.document_id) AS documents,
                        array_agg(d.terminal_id ORDER BY d.created_at, l.document_id) AS terminals,
                        array_agg(d.store_id ORDER BY d.created_at, l.document_id) AS at_stores,
                        array_agg(DISTINCT l.store_id ORDER BY l.store_id) AS stores,
                        count(*)::int AS redemptions,
                        -sum(l.points) AS points_redeemed
                 FROM days
                 JOIN point_ledger l ON l.member_id = days.member_id AND l.entry = 'redeem'
                  AND l.recorded_at >= days.business_date - interval '2 days'
                 JOIN documents d ON d.id = l.document_id AND d.business_date = days.business_date
                 WHERE NOT days.known
                 GROUP BY l.member_id, d.business_date
             ),
             added AS (
                 SELECT member_id, business_date, array_agg(document_id ORDER BY document_id) AS documents,
                        count(*)::int AS redemptions, sum(points) AS points
                 FROM batch JOIN days USING (member_id, business_date)
                 WHERE days.known AND NOT days.reviewed
                 GROUP BY member_id, business_date
             ),
             grown AS (
                 UPDATE velocity_reviews v
                 SET documents = v.documents || added.documents,
                     stores = CASE WHEN $5::text = ANY(v.stores) THEN v.stores
                                   ELSE array(SELECT unnest(v.stores || $5::text) ORDER BY 1) END,
                     redemptions = v.redemptions + added.redemptions,
                     points_redeemed = v.points_redeemed + added.points
                 FROM added
                 WHERE v.member_id = added.member_id AND v.business_date = added.business_date
                 RETURNING v.member_id
             ),
             new_flags AS (
                 INSERT INTO velocity_reviews (document_id, member_id, business_date, store_id, terminal_id,
                                               redemptions, points_redeemed, documents, stores)
                 SELECT w.documents[cardinality(w.documents)], w.member_id, w.business_date,
                        w.at_stores[cardinality(w.at_stores)], w.terminals[cardinality(w.terminals)],
                        w.redemptions, w.points_redeemed, w.documents, w.stores
                 FROM whole_day w, rules
                 WHERE w.redemptions > rules.max_redemptions
                    OR cardinality(w.stores) >= rules.stores_flagged
                 ON CONFLICT DO NOTHING
                 RETURNING member_id, business_date, redemptions, stores
             )
             -- `grown` runs to completion unread, as every data-modifying WITH does.
             SELECT member_id, business_date, redemptions, stores FROM new_flags",
            &[&batch.members, &batch.dates, &batch.documents, &batch.points, &store_id],
        )
        .await?;
    for row in &flagged {
        let (member, date): (String, NaiveDate) = (row.get(0), row.get(1));
        let stores: Vec<String> = row.get(3);
        tracing::warn!(member = %member, business_date = %date, redemptions = row.get::<_, i32>(2), stores = ?stores, "a member's redemptions in one day passed the velocity thresholds; flagged for review");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use pos_domain::document::{DocumentBody, PointAdjustment};

    use super::*;

    fn entry(document_id: Uuid, entry: &'static str, member: &str) -> LedgerEntry {
        LedgerEntry {
            document_id,
            entry,
            member_id: member.into(),
            till_member_id: member.into(),
            points: -10,
            balance_after: 0,
            operator_id: "E01".into(),
            reason: "sale redeem".into(),
        }
    }

    #[test]
    fn only_redemptions_of_this_batchs_documents_are_checked() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let doc = Document {
            id: Uuid::from_u128(1),
            store_id: "S001".into(),
            terminal_id: "T01".into(),
            sequence: 1,
            business_date: day,
            created_at: Utc::now(),
            operator_id: "E01".into(),
            approvals: Vec::new(),
            body: DocumentBody::PointAdjustment(PointAdjustment {
                member_id: "M1".into(),
                points: 1,
                reason: "r".into(),
            }),
        };
        let entries = [
            entry(doc.id, "redeem", "M1"),
            entry(doc.id, "earn", "M2"),
            entry(Uuid::from_u128(2), "redeem", "M3"),
        ];
        assert_eq!(
            redemptions(&[&doc], &entries),
            Redemptions {
                members: vec!["M1".into()],
                dates: vec![day],
                documents: vec![doc.id],
                points: vec![10],
            }
        );
    }
}
