//! The chain's clock: its stores keep China Standard Time (UTC+8, no summer time),
//! whatever the server's own time zone is. Business days and hours of the day are
//! counted in it.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Timelike, Utc};

pub fn offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The chain's calendar day at `now`.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&offset()).date_naive()
}

/// The chain's wall-clock time at `at`, as promotion windows are written.
pub fn local(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&offset()).naive_local()
}

/// The hour of the chain's day (0–23) at `at`.
pub fn hour_of(at: DateTime<Utc>) -> u32 {
    at.with_timezone(&offset()).hour()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_chain_day_and_hour_are_utc_plus_8() {
        let at = Utc.with_ymd_and_hms(2026, 12, 5, 16, 30, 0).unwrap();
        assert_eq!(today(at), NaiveDate::from_ymd_opt(2026, 12, 6).unwrap());
        assert_eq!(hour_of(at), 0);
        let at = Utc.with_ymd_and_hms(2026, 12, 5, 15, 59, 0).unwrap();
        assert_eq!(today(at), NaiveDate::from_ymd_opt(2026, 12, 5).unwrap());
        assert_eq!(hour_of(at), 23);
    }
}
