//! Members' points still to lapse, as head office sent them, and what they come to on a
//! day once this till's own redemptions are spent from them oldest first.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError};
use crate::points_expiry::{ExpiringPoints, PointsOnDate, points_on};

/// Replaces the member's list (an empty one removes it).
pub(crate) fn set_points_expiring(
    tx: &Transaction<'_>,
    member_id: &str,
    expiring: &[ExpiringPoints],
) -> Result<(), StoreError> {
    if expiring.is_empty() {
        tx.prepare_cached("DELETE FROM member_points_expiring WHERE member_id = ?1")?
            .execute([member_id])?;
        return Ok(());
    }
    let json = serde_json::to_string(expiring)
        .map_err(|e| StoreError::corrupt("points expiring", e.to_string()))?;
    tx.prepare_cached(
        "INSERT INTO member_points_expiring (member_id, expiring) VALUES (?1, ?2)
         ON CONFLICT (member_id) DO UPDATE SET expiring = excluded.expiring",
    )?
    .execute(params![member_id, json])?;
    Ok(())
}

impl Store {
    /// The member's points on `today`: lapsed (their last day before `today`) and still
    /// to lapse, once the redemptions head office has not yet counted are spent (oldest
    /// first, as head office will).
    pub fn points_on(&self, member_id: &str, today: NaiveDate) -> Result<PointsOnDate, StoreError> {
        let json: Option<String> = self
            .conn()
            .prepare_cached("SELECT expiring FROM member_points_expiring WHERE member_id = ?1")?
            .query_row([member_id], |r| r.get(0))
            .optional()?;
        let Some(json) = json else {
            return Ok(PointsOnDate::default());
        };
        let expiring: Vec<ExpiringPoints> = serde_json::from_str(&json)
            .map_err(|e| StoreError::corrupt("points expiring", e.to_string()))?;
        let base: i64 = self
            .conn()
            .prepare_cached("SELECT points_base FROM member WHERE id = ?1")?
            .query_row([member_id], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
        let balance = base.saturating_sub(self.unreflected_spent(member_id)?);
        Ok(points_on(&expiring, balance, today))
    }

    /// Points this till took off the member that head office has not yet counted.
    fn unreflected_spent(&self, member_id: &str) -> Result<i64, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT COALESCE(-SUM(p.points), 0) FROM point_entry p JOIN document d USING (sequence)
                 WHERE d.reflected = 0 AND p.points < 0 AND (p.member_id = ?1
                    OR p.member_id IN (SELECT code FROM member_code WHERE member_id = ?1))",
            )?
            .query_row([member_id], |r| r.get(0))?)
    }
}
