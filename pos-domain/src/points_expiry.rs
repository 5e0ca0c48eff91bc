//! Points expiry (积分有效期): points earned in a calendar year stay usable until the end
//! of the year `years` later (1: the end of the next year), then lapse.
//!
//! Points are spent oldest first. Head office keeps, per member, what each year's
//! points earned ("lots", by their last day); a member's balance sits in the newest
//! lots, and what the lots do not cover (a balance imported before expiry was set)
//! never lapses. Head office sends each member's points still to lapse; a till spends
//! its own redemptions from them oldest first and, offline, drops the points whose last
//! day has passed.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Longest life of points, in years after the year they were earned.
pub const POINTS_EXPIRY_YEARS_MAX: u32 = 10;

/// Points that lapse after `last_day` (the last day they may be spent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExpiringPoints {
    pub last_day: NaiveDate,
    pub points: i64,
}

/// The last day points earned on `earned_on` may be spent: 31 December of the year
/// `years` later. `None`: expiry is off (`years` 0) or the year is out of the calendar.
pub fn last_day_for(earned_on: NaiveDate, years: u32) -> Option<NaiveDate> {
    if years == 0 {
        return None;
    }
    let year = earned_on.year().checked_add(i32::try_from(years).ok()?)?;
    NaiveDate::from_ymd_opt(year, 12, 31)
}

/// What is left of each lot when `balance` sits in the newest lots (points are spent
/// oldest first): by last day, ascending, only lots with points left. A balance above
/// the lots' sum is points that never lapse and is not listed.
pub fn remaining_lots(lots: &[ExpiringPoints], balance: i64) -> Vec<ExpiringPoints> {
    let mut newest_first = lots.to_vec();
    newest_first.sort_by_key(|lot| std::cmp::Reverse(lot.last_day));
    let mut left = balance.max(0);
    let mut remaining = Vec::new();
    for lot in newest_first {
        let kept = lot.points.max(0).min(left);
        left -= kept;
        if kept > 0 {
            remaining.push(ExpiringPoints {
                last_day: lot.last_day,
                points: kept,
            });
        }
    }
    remaining.reverse();
    remaining
}

/// A member's points on a day, as a till works them out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointsOnDate {
    /// Points whose last day has passed (to take off the balance).
    pub lapsed: i64,
    /// Points still to lapse, soonest first.
    pub upcoming: Vec<ExpiringPoints>,
}

impl PointsOnDate {
    /// The soonest points to lapse, if any.
    pub fn next(&self) -> Option<ExpiringPoints> {
        self.upcoming.first().copied()
    }
}

/// The points head office last sent as still to lapse (`expiring`), once the member's
/// balance is `balance` (head office's, less what this till has taken off since; the
/// points it has added since are newer than any lot and not counted): on `today`, what
/// has lapsed and what is left. The rule is head office's ([`remaining_lots`]), so the
/// till and head office agree on every point.
pub fn points_on(expiring: &[ExpiringPoints], balance: i64, today: NaiveDate) -> PointsOnDate {
    let mut on_date = PointsOnDate::default();
    for lot in remaining_lots(expiring, balance) {
        if lot.last_day < today {
            on_date.lapsed = on_date.lapsed.saturating_add(lot.points);
        } else {
            on_date.upcoming.push(lot);
        }
    }
    on_date
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn lot(year: i32, points: i64) -> ExpiringPoints {
        ExpiringPoints {
            last_day: day(year, 12, 31),
            points,
        }
    }

    #[test]
    fn points_last_until_the_end_of_the_year_after_next_n() {
        assert_eq!(last_day_for(day(2025, 1, 1), 1), Some(day(2026, 12, 31)));
        assert_eq!(last_day_for(day(2025, 12, 31), 1), Some(day(2026, 12, 31)));
        assert_eq!(last_day_for(day(2025, 6, 1), 2), Some(day(2027, 12, 31)));
        assert_eq!(last_day_for(day(2025, 6, 1), 0), None, "off");
        assert_eq!(last_day_for(NaiveDate::MAX, 1), None, "out of the calendar");
    }

    #[test]
    fn the_balance_sits_in_the_newest_lots() {
        let lots = [lot(2027, 50), lot(2026, 100)];
        assert_eq!(
            remaining_lots(&lots, 150),
            vec![lot(2026, 100), lot(2027, 50)]
        );
        assert_eq!(
            remaining_lots(&lots, 80),
            vec![lot(2026, 30), lot(2027, 50)]
        );
        assert_eq!(remaining_lots(&lots, 40), vec![lot(2027, 40)]);
        assert_eq!(remaining_lots(&lots, 0), vec![]);
        assert_eq!(
            remaining_lots(&lots, -20),
            vec![],
            "an overdrawn member has nothing to lapse"
        );
        assert_eq!(
            remaining_lots(&lots, 500),
            vec![lot(2026, 100), lot(2027, 50)],
            "the 350 no lot covers never lapse"
        );
    }

    #[test]
    fn a_till_spends_the_oldest_points_first_and_drops_the_lapsed() {
        let expiring = [lot(2027, 50), lot(2026, 100)];
        // Head office's balance 150, then this till took 30 off.
        let before = points_on(&expiring, 120, day(2026, 12, 31));
        assert_eq!(
            before.lapsed, 0,
            "the last day is still a day to spend them"
        );
        assert_eq!(before.upcoming, vec![lot(2026, 70), lot(2027, 50)]);
        assert_eq!(before.next(), Some(lot(2026, 70)));
        let after = points_on(&expiring, 120, day(2027, 1, 1));
        assert_eq!(after.lapsed, 70);
        assert_eq!(after.upcoming, vec![lot(2027, 50)]);
        let spent_out = points_on(&expiring, 30, day(2027, 1, 1));
        assert_eq!(
            (spent_out.lapsed, spent_out.upcoming),
            (0, vec![lot(2027, 30)])
        );
        assert_eq!(points_on(&[], 10, day(2027, 1, 1)), PointsOnDate::default());
    }

    #[test]
    fn points_in_no_lot_are_the_oldest_spent_first_and_never_lapse() {
        // 130 at head office: 100 in the 2026 lot, 30 from before expiry.
        let expiring = [lot(2026, 100)];
        let spent_20 = points_on(&expiring, 110, day(2027, 1, 1));
        assert_eq!(spent_20.lapsed, 100, "the 20 came from the 30 in no lot");
        let spent_50 = points_on(&expiring, 80, day(2027, 1, 1));
        assert_eq!(spent_50.lapsed, 80);
    }
}
