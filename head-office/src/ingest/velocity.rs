//! Velocity: one member redeeming points many times, or at several stores, in one
//! business day (the chain's calendar day its tills keep) is flagged for a person
//! (`velocity_reviews`, listed on the tills page with the other point reviews). The
//! redemptions stand; nothing is changed without a person.
//!
//! Checked at ingest, in the batch's transaction, by one statement and only for a batch
//! that redeems: it counts the day's redemptions of the batch's members from the ledger
//! (this batch's entries included) against the chain's thresholds (`velocity_rules`).
//! A member and day is flagged once: while the flag is open it names every redemption
//! of the day; a resend adds no ledger entry, so it changes nothing.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use pos_domain::document::Document;
use pos_domain::effects::PointReason;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use super::effects::LedgerEntry;
use crate::error::DbError;

/// The members and business days this batch's ledger entries redeem on.
pub fn redeeming_days(
    accepted: &[&Document],
    entries: &[LedgerEntry],
) -> BTreeSet<(String, NaiveDate)> {
    let dates: HashMap<Uuid, NaiveDate> =
        accepted.iter().map(|d| (d.id, d.business_date)).collect();
    entries
        .iter()
        .filter(|e| e.entry == PointReason::Redeem.as_str())
        .filter_map(|e| Some((e.member_id.clone(), *dates.get(&e.document_id)?)))
        .collect()
}

/// Flags the members and days among `days` past the chain's thresholds (see the module).
pub async fn check(
    client: &impl GenericClient,
    days: &BTreeSet<(String, NaiveDate)>,
) -> Result<(), DbError> {
    if days.is_empty() {
        return Ok(());
    }
    let members: Vec<&str> = days.iter().map(|(m, _)| m.as_str()).collect();
    let dates: Vec<NaiveDate> = days.iter().map(|(_, d)| *d).collect();
    let flagged = client
        .query(
            "WITH rules AS (
                 SELECT coalesce(max(max_redemptions), 3) AS max_redemptions,
                        coalesce(max(stores_flagged), 2) AS stores_flagged
                 FROM velocity_rules
             ),
             day AS (
                 SELECT l.member_id, d.business_date,
                        array_agg(l.document_id ORDER BY d.created_at, l.document_id) AS documents,
                        array_agg(d.store_id ORDER BY d.created_at, l.document_id) AS at_stores,
                        array_agg(d.terminal_id ORDER BY d.created_at, l.document_id) AS at_terminals,
                        array_agg(DISTINCT l.store_id ORDER BY l.store_id) AS stores,
                        count(*)::int AS redemptions,
                        -sum(l.points) AS points_redeemed
                 FROM unnest($1::text[], $2::date[]) AS b (member_id, business_date)
                 JOIN point_ledger l ON l.member_id = b.member_id AND l.entry = 'redeem'
                 JOIN documents d ON d.id = l.document_id AND d.business_date = b.business_date
                 GROUP BY l.member_id, d.business_date
             )
             INSERT INTO velocity_reviews (document_id, member_id, business_date, store_id, terminal_id,
                                           redemptions, points_redeemed, documents, stores)
             SELECT day.documents[cardinality(day.documents)], day.member_id, day.business_date,
                    day.at_stores[cardinality(day.at_stores)], day.at_terminals[cardinality(day.at_terminals)],
                    day.redemptions, day.points_redeemed, day.documents, day.stores
             FROM day, rules
             WHERE day.redemptions > rules.max_redemptions
                OR cardinality(day.stores) >= rules.stores_flagged
             ON CONFLICT (member_id, business_date) DO UPDATE
                 SET redemptions = excluded.redemptions, points_redeemed = excluded.points_redeemed,
                     documents = excluded.documents, stores = excluded.stores
                 WHERE velocity_reviews.reviewed_at IS NULL
             RETURNING member_id, business_date, redemptions, stores, xmax = 0",
            &[&members, &dates],
        )
        .await?;
    for row in flagged.iter().filter(|r| r.get::<_, bool>(4)) {
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
    fn only_redemptions_name_a_day_to_check() {
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
        let days = redeeming_days(&[&doc], &entries);
        assert_eq!(days.into_iter().collect::<Vec<_>>(), [("M1".into(), day)]);
    }
}
