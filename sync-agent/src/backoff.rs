//! How long to wait after a failed attempt: exponential with jitter, never less than
//! head office's `Retry-After`. Pure: the attempt number, the random draw and the
//! clock come in as arguments.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// Longest `Retry-After` honoured, so a wrong header cannot silence a till for days.
pub const RETRY_AFTER_MAX_MS: u64 = 15 * 60 * 1000;

/// Exponential backoff: the `attempt`-th failure in a row waits about
/// `base_ms * 2^(attempt-1)`, at most `max_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base_ms: u64,
    pub max_ms: u64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base_ms: 1_000,
            max_ms: 5 * 60 * 1000,
        }
    }
}

impl Backoff {
    /// The wait after the `attempt`-th failure in a row (1 = the first), with
    /// `random` in `[0, 1)`: "equal jitter" picks uniformly from the upper half of the
    /// exponential step, so thousands of tills coming back after an outage spread out,
    /// yet none retries sooner than half the step. A `retry_after` from head office
    /// is a floor (capped at [`RETRY_AFTER_MAX_MS`]).
    pub fn delay(&self, attempt: u32, random: f64, retry_after: Option<Duration>) -> Duration {
        let shift = attempt.saturating_sub(1).min(32);
        let step_ms = self.base_ms.saturating_mul(1u64 << shift).min(self.max_ms);
        let random = if random.is_finite() {
            random.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let half = step_ms / 2;
        let jittered_ms = half + ((step_ms - half) as f64 * random) as u64;
        let floor_ms = retry_after.map_or(0, |d| (d.as_millis() as u64).min(RETRY_AFTER_MAX_MS));
        Duration::from_millis(jittered_ms.max(floor_ms))
    }
}

/// A `Retry-After` header value: delay-seconds or an HTTP date (RFC 9110), relative to
/// `now`. A date in the past means "now"; anything unreadable is ignored.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const B: Backoff = Backoff {
        base_ms: 100,
        max_ms: 10_000,
    };

    #[test]
    fn grows_exponentially_within_the_jitter_band() {
        let cases = [
            (1, 50, 100),
            (2, 100, 200),
            (3, 200, 400),
            (5, 800, 1_600),
            (8, 6_400, 12_800),
        ];
        for (attempt, low, high) in cases {
            let high = high.min(10_000);
            let low = low.min(5_000);
            assert_eq!(
                B.delay(attempt, 0.0, None),
                Duration::from_millis(low),
                "attempt {attempt}, lowest draw"
            );
            assert_eq!(
                B.delay(attempt, 1.0, None),
                Duration::from_millis(high),
                "attempt {attempt}, highest draw"
            );
            let mid = B.delay(attempt, 0.5, None).as_millis() as u64;
            assert!(
                low < mid && mid < high,
                "attempt {attempt}: {mid} outside ({low}, {high})"
            );
        }
    }

    #[test]
    fn is_capped_and_never_overflows() {
        for attempt in [20, 64, u32::MAX] {
            assert_eq!(B.delay(attempt, 1.0, None), Duration::from_millis(10_000));
        }
        let huge = Backoff {
            base_ms: u64::MAX,
            max_ms: u64::MAX,
        };
        assert!(huge.delay(40, 0.5, None) > Duration::ZERO);
    }

    #[test]
    fn a_bad_random_draw_is_treated_as_zero_or_clamped() {
        assert_eq!(B.delay(1, f64::NAN, None), Duration::from_millis(50));
        assert_eq!(B.delay(1, 7.0, None), Duration::from_millis(100));
        assert_eq!(B.delay(1, -1.0, None), Duration::from_millis(50));
    }

    #[test]
    fn retry_after_is_a_floor_with_a_ceiling() {
        assert_eq!(
            B.delay(1, 0.0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        // A shorter Retry-After does not cut the backoff short.
        assert_eq!(
            B.delay(8, 1.0, Some(Duration::from_millis(1))),
            Duration::from_millis(10_000)
        );
        assert_eq!(
            B.delay(1, 0.0, Some(Duration::from_secs(86_400))),
            Duration::from_millis(RETRY_AFTER_MAX_MS)
        );
    }

    #[test]
    fn parses_both_forms_of_retry_after() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 8, 49, 30).unwrap();
        let cases: &[(&str, Option<Duration>)] = &[
            ("120", Some(Duration::from_secs(120))),
            (" 0 ", Some(Duration::ZERO)),
            (
                "Sun, 22 Nov 2026 08:49:37 GMT",
                Some(Duration::from_secs(7)),
            ),
            ("Sun, 22 Nov 2026 08:00:00 GMT", Some(Duration::ZERO)),
            ("soon", None),
            ("-5", None),
            ("", None),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_retry_after(value, now), *expected, "{value:?}");
        }
    }
}
