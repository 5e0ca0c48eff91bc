//! RFM: each member's recency (days since the last purchase), frequency (sales) and
//! monetary value (sales less returns; voided sales count for nothing) over a window of
//! business days ending on the day the run is taken as of, scored 1–5, and the segment
//! (see [`rules`]) the scores put the member in.
//!
//! Where the figures come from: `sales_by_member_day`, a per-member daily aggregate
//! folded from the aggregates queue (`aggregates::members`) and rebuilt with the
//! others, never the documents' JSON: a run sums about one row per member and day.
//! Aliases (members merged into another) are resolved when the run reads.
//!
//! Scores are quintiles across the members with a purchase in the window: a member
//! scores 1 + ⌊5 × (members strictly worse) / (members)⌋, at most 5, so equal figures
//! get equal scores (many members with one sale all score the same F). Worse is more
//! days for R, fewer sales for F, less spend for M.
//!
//! [`score`] and [`assign`] are pure (the day is passed in); [`run`] reads and writes,
//! [`schedule`] runs it once a day inside `serve`, [`read`] is what the console and the
//! API show.

mod publish;
pub mod read;
pub mod rules;
mod run;
pub mod schedule;
pub mod store;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

pub use rules::{Rule, Segment, SegmentError, SegmentText};
pub use run::{RfmError, RunSummary, run};

/// Days of sales a run looks at unless told otherwise.
pub const WINDOW_DAYS_DEFAULT: i64 = 365;
/// Longest window a run may be asked for.
pub const WINDOW_DAYS_MAX: i64 = 3660;

/// A member's purchases within the window, aliases resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub member_id: String,
    pub last_purchase: NaiveDate,
    /// Sales in the window, voided ones not counted.
    pub frequency: i64,
    /// Sales less returns in the window.
    pub monetary: Decimal,
}

/// The three scores, 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Scores {
    pub r: u8,
    pub f: u8,
    pub m: u8,
}

/// Average scores of a run's scored members: what `high` and `low` compare with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Averages {
    pub r: Decimal,
    pub f: Decimal,
    pub m: Decimal,
}

/// One member scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    pub activity: Activity,
    pub recency_days: i64,
    pub scores: Scores,
    /// The segment's code; `None` when no segment's rules match.
    pub segment: Option<String>,
}

/// The first and last business day of a window of `days` ending on `as_of`.
pub fn window(as_of: NaiveDate, days: i64) -> (NaiveDate, NaiveDate) {
    (as_of - chrono::TimeDelta::days(days - 1), as_of)
}

/// 1 + ⌊5 × worse / n⌋, at most 5.
fn quintile(worse: usize, n: usize) -> u8 {
    let bucket = (worse.saturating_mul(5) / n.max(1)).min(4);
    1 + bucket as u8
}

/// Scores of every member (same order as `activities`) and their averages.
pub fn score(activities: &[Activity], as_of: NaiveDate) -> (Vec<(i64, Scores)>, Averages) {
    let n = activities.len();
    let recency = |a: &Activity| (as_of - a.last_purchase).num_days();
    let mut days: Vec<i64> = activities.iter().map(recency).collect();
    let mut sales: Vec<i64> = activities.iter().map(|a| a.frequency).collect();
    let mut spend: Vec<Decimal> = activities.iter().map(|a| a.monetary).collect();
    days.sort_unstable();
    sales.sort_unstable();
    spend.sort_unstable();
    let (mut sum_r, mut sum_f, mut sum_m) = (0u64, 0u64, 0u64);
    let scored = activities
        .iter()
        .map(|a| {
            let d = recency(a);
            // Worse recency: more days since the last purchase.
            let r = quintile(n - days.partition_point(|x| *x <= d), n);
            let f = quintile(sales.partition_point(|x| *x < a.frequency), n);
            let m = quintile(spend.partition_point(|x| *x < a.monetary), n);
            sum_r += u64::from(r);
            sum_f += u64::from(f);
            sum_m += u64::from(m);
            (d, Scores { r, f, m })
        })
        .collect();
    // At most 5 × n over n: the division cannot overflow; no members average 0.
    let average = |sum: u64| {
        Decimal::from(sum)
            .checked_div(Decimal::from(n as u64))
            .map_or(Decimal::ZERO, |a| a.round_dp(4))
    };
    let averages = Averages {
        r: average(sum_r),
        f: average(sum_f),
        m: average(sum_m),
    };
    (scored, averages)
}

/// Every member scored and put in a segment, with the averages the rules used.
pub fn assign(
    activities: Vec<Activity>,
    as_of: NaiveDate,
    segments: &[Segment],
) -> (Vec<Scored>, Averages) {
    let (scores, averages) = score(&activities, as_of);
    let scored = activities
        .into_iter()
        .zip(scores)
        .map(|(activity, (recency_days, scores))| Scored {
            segment: rules::segment_of(segments, scores, &averages).map(|s| s.code.clone()),
            activity,
            recency_days,
            scores,
        })
        .collect();
    (scored, averages)
}

#[cfg(test)]
mod tests;
