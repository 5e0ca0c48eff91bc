//! GS1 dates: YYMMDD, read as 20YY.
//!
//! GS1 resolves the century with a sliding window around the current year (General
//! Specifications 7.12). Devices on sale today carry dates from 2000 to 2099, so this
//! crate simply reads YY as 20YY and needs no clock.

use super::ai_table::ZeroDay;
use chrono::{Months, NaiveDate, NaiveDateTime, NaiveTime};

fn two_digits(s: &str, at: usize) -> Option<u32> {
    let pair = s.get(at..at + 2)?;
    if !pair.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pair.parse().ok()
}

/// A YYMMDD date; `zero_day` says what DD = 00 means.
pub(crate) fn parse_yymmdd(s: &str, zero_day: ZeroDay) -> Option<NaiveDate> {
    if s.len() != 6 {
        return None;
    }
    let year = 2000 + i32::try_from(two_digits(s, 0)?).ok()?;
    let month = two_digits(s, 2)?;
    let day = two_digits(s, 4)?;
    if day != 0 {
        return NaiveDate::from_ymd_opt(year, month, day);
    }
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    match zero_day {
        ZeroDay::FirstOfMonth => Some(first),
        ZeroDay::LastOfMonth => first.checked_add_months(Months::new(1))?.pred_opt(),
        ZeroDay::NotAllowed => None,
    }
}

/// YYMMDD followed by an optional second YYMMDD (AI 7007, a range).
pub(crate) fn parse_date_range(s: &str) -> Option<(NaiveDate, Option<NaiveDate>)> {
    let start = parse_yymmdd(s.get(..6)?, ZeroDay::NotAllowed)?;
    match s.len() {
        6 => Some((start, None)),
        12 => Some((start, Some(parse_yymmdd(s.get(6..)?, ZeroDay::NotAllowed)?))),
        _ => None,
    }
}

/// YYMMDDhhmm (AI 7003). The day must be given.
pub(crate) fn parse_yymmddhhmm(s: &str) -> Option<NaiveDateTime> {
    if s.len() != 10 {
        return None;
    }
    let date = parse_yymmdd(s.get(..6)?, ZeroDay::NotAllowed)?;
    let time = NaiveTime::from_hms_opt(two_digits(s, 6)?, two_digits(s, 8)?, 0)?;
    Some(date.and_time(time))
}

/// YYMMDDhh, then optional mm and ss (AI 8008).
pub(crate) fn parse_yymmddhh_opt_mmss(s: &str) -> Option<NaiveDateTime> {
    if ![8, 10, 12].contains(&s.len()) {
        return None;
    }
    let date = parse_yymmdd(s.get(..6)?, ZeroDay::NotAllowed)?;
    let minute = if s.len() >= 10 { two_digits(s, 8)? } else { 0 };
    let second = if s.len() == 12 { two_digits(s, 10)? } else { 0 };
    let time = NaiveTime::from_hms_opt(two_digits(s, 6)?, minute, second)?;
    Some(date.and_time(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn yymmdd_table() {
        use ZeroDay::*;
        let cases: &[(&str, ZeroDay, Option<NaiveDate>)] = &[
            ("251231", LastOfMonth, Some(ymd(2025, 12, 31))),
            ("260200", LastOfMonth, Some(ymd(2026, 2, 28))),
            ("280200", LastOfMonth, Some(ymd(2028, 2, 29))),
            ("251200", LastOfMonth, Some(ymd(2025, 12, 31))),
            ("250400", LastOfMonth, Some(ymd(2025, 4, 30))),
            ("250400", FirstOfMonth, Some(ymd(2025, 4, 1))),
            ("250400", NotAllowed, None),
            ("261332", LastOfMonth, None),
            ("260230", LastOfMonth, None),
            ("250001", LastOfMonth, None),
            ("2512", LastOfMonth, None),
            ("25123a", LastOfMonth, None),
            ("+51231", LastOfMonth, None),
            ("990101", LastOfMonth, Some(ymd(2099, 1, 1))),
        ];
        for (text, zero_day, expected) in cases {
            assert_eq!(
                parse_yymmdd(text, *zero_day),
                *expected,
                "{text} {zero_day:?}"
            );
        }
    }

    #[test]
    fn date_times() {
        let t = parse_yymmddhhmm("2612311430").unwrap();
        assert_eq!(t.to_string(), "2026-12-31 14:30:00");
        assert!(parse_yymmddhhmm("2612312460").is_none());
        assert!(parse_yymmddhhmm("2612001430").is_none());
        assert!(parse_yymmddhhmm("261231143").is_none());
        assert_eq!(
            parse_yymmddhh_opt_mmss("25063008").unwrap().to_string(),
            "2025-06-30 08:00:00"
        );
        assert_eq!(
            parse_yymmddhh_opt_mmss("250630081559").unwrap().to_string(),
            "2025-06-30 08:15:59"
        );
        assert!(parse_yymmddhh_opt_mmss("250630081").is_none());
        assert_eq!(parse_date_range("250101").unwrap(), (ymd(2025, 1, 1), None));
        assert_eq!(
            parse_date_range("250101250103").unwrap(),
            (ymd(2025, 1, 1), Some(ymd(2025, 1, 3)))
        );
        assert!(parse_date_range("2501012501").is_none());
    }
}
