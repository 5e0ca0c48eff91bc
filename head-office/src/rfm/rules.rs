//! Segments as data (`rfm_segments`): a code, names in Chinese and English, an order of
//! precedence and one rule per score. A rule is `any`, `high` (the score is at least
//! the run's average of that score), `low` (below it) or a range of scores `a-b`
//! (1 ≤ a ≤ b ≤ 5; `4` alone is `4-4`). A bad definition is refused naming its field.

use rust_decimal::Decimal;
use serde::Serialize;

/// The lowest and highest score.
pub const SCORE_MIN: u8 = 1;
pub const SCORE_MAX: u8 = 5;

/// A rule over one score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    Any,
    /// At least the average of the run's scored members.
    High,
    /// Below that average.
    Low,
    /// From the first score to the second, both included.
    Range(u8, u8),
}

/// A segment's field refused, with what was given and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {value:?} {why}")]
pub struct SegmentError {
    pub field: &'static str,
    pub value: String,
    pub why: String,
}

fn refused(field: &'static str, value: &str, why: &str) -> SegmentError {
    SegmentError {
        field,
        value: value.to_owned(),
        why: why.to_owned(),
    }
}

impl Rule {
    /// Reads `text` as the rule of `field` (`r_rule`, `f_rule`, `m_rule`).
    pub fn parse(field: &'static str, text: &str) -> Result<Rule, SegmentError> {
        let text = text.trim();
        let why = "is none of any, high, low or a range of scores like 4-5 (1 to 5)";
        match text.to_ascii_lowercase().as_str() {
            "any" => return Ok(Rule::Any),
            "high" => return Ok(Rule::High),
            "low" => return Ok(Rule::Low),
            _ => {}
        }
        let (from, to) = text.split_once('-').unwrap_or((text, text));
        let score = |s: &str| {
            s.trim()
                .parse::<u8>()
                .ok()
                .filter(|n| (SCORE_MIN..=SCORE_MAX).contains(n))
        };
        match (score(from), score(to)) {
            (Some(a), Some(b)) if a <= b => Ok(Rule::Range(a, b)),
            (Some(_), Some(_)) => Err(refused(field, text, "goes from a higher score to a lower")),
            _ => Err(refused(field, text, why)),
        }
    }

    /// The rule as it is stored and typed.
    pub fn text(self) -> String {
        match self {
            Rule::Any => "any".into(),
            Rule::High => "high".into(),
            Rule::Low => "low".into(),
            Rule::Range(a, b) if a == b => a.to_string(),
            Rule::Range(a, b) => format!("{a}-{b}"),
        }
    }

    pub fn matches(self, score: u8, average: Decimal) -> bool {
        match self {
            Rule::Any => true,
            Rule::High => Decimal::from(score) >= average,
            Rule::Low => Decimal::from(score) < average,
            Rule::Range(a, b) => (a..=b).contains(&score),
        }
    }
}

/// One segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub code: String,
    pub precedence: i32,
    pub name_zh: String,
    pub name_en: String,
    pub r: Rule,
    pub f: Rule,
    pub m: Rule,
}

/// A segment as typed in a form or stored: text fields, checked by [`SegmentText::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentText {
    pub code: String,
    pub precedence: String,
    pub name_zh: String,
    pub name_en: String,
    pub r_rule: String,
    pub f_rule: String,
    pub m_rule: String,
}

const NAME_CHARS_MAX: usize = 40;

impl SegmentText {
    /// The segment, or the first field refused.
    pub fn parse(&self) -> Result<Segment, SegmentError> {
        let code = self.code.trim();
        let code_ok = code.len() <= 40
            && code.starts_with(|c: char| c.is_ascii_lowercase())
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !code_ok {
            return Err(refused(
                "code",
                code,
                "must be 1 to 40 of a-z, 0-9 and _, starting with a letter",
            ));
        }
        let precedence = self
            .precedence
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|p| (1..=1000).contains(p))
            .ok_or_else(|| {
                refused(
                    "precedence",
                    &self.precedence,
                    "is not a whole number from 1 to 1000",
                )
            })?;
        let name = |field: &'static str, value: &str| {
            let value = value.trim();
            if value.is_empty() || value.chars().count() > NAME_CHARS_MAX {
                Err(refused(field, value, "must be 1 to 40 characters"))
            } else {
                Ok(value.to_owned())
            }
        };
        Ok(Segment {
            code: code.to_owned(),
            precedence,
            name_zh: name("name_zh", &self.name_zh)?,
            name_en: name("name_en", &self.name_en)?,
            r: Rule::parse("r_rule", &self.r_rule)?,
            f: Rule::parse("f_rule", &self.f_rule)?,
            m: Rule::parse("m_rule", &self.m_rule)?,
        })
    }
}

impl Segment {
    pub fn text(&self) -> SegmentText {
        SegmentText {
            code: self.code.clone(),
            precedence: self.precedence.to_string(),
            name_zh: self.name_zh.clone(),
            name_en: self.name_en.clone(),
            r_rule: self.r.text(),
            f_rule: self.f.text(),
            m_rule: self.m.text(),
        }
    }

    /// Do the scores meet all three rules, given the run's averages?
    pub fn matches(&self, scores: super::Scores, averages: &super::Averages) -> bool {
        self.r.matches(scores.r, averages.r)
            && self.f.matches(scores.f, averages.f)
            && self.m.matches(scores.m, averages.m)
    }
}

/// The first segment (in order of precedence) whose rules the scores meet.
pub fn segment_of<'a>(
    segments: &'a [Segment],
    scores: super::Scores,
    averages: &super::Averages,
) -> Option<&'a Segment> {
    segments
        .iter()
        .filter(|s| s.matches(scores, averages))
        .min_by_key(|s| s.precedence)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(r: &str) -> SegmentText {
        SegmentText {
            code: "vip".into(),
            precedence: "1".into(),
            name_zh: "贵宾".into(),
            name_en: "VIP".into(),
            r_rule: r.into(),
            f_rule: "any".into(),
            m_rule: "high".into(),
        }
    }

    #[test]
    fn rules_read_and_write_back() {
        for (typed, rule) in [
            ("any", Rule::Any),
            ("HIGH", Rule::High),
            (" low ", Rule::Low),
            ("4-5", Rule::Range(4, 5)),
            ("3", Rule::Range(3, 3)),
        ] {
            assert_eq!(Rule::parse("r_rule", typed).unwrap(), rule, "{typed}");
            assert_eq!(Rule::parse("r_rule", &rule.text()).unwrap(), rule);
        }
    }

    #[test]
    fn a_bad_rule_names_its_field() {
        for bad in ["", "6", "0-3", "5-2", "high-ish", "1-"] {
            let e = text(bad).parse().unwrap_err();
            assert_eq!(e.field, "r_rule", "{bad}: {e}");
        }
        let e = SegmentText {
            precedence: "first".into(),
            ..text("any")
        }
        .parse()
        .unwrap_err();
        assert_eq!(e.field, "precedence");
        let e = SegmentText {
            name_en: " ".into(),
            ..text("any")
        }
        .parse()
        .unwrap_err();
        assert_eq!(e.field, "name_en");
        let e = SegmentText {
            code: "Big Spenders".into(),
            ..text("any")
        }
        .parse()
        .unwrap_err();
        assert_eq!(e.field, "code");
    }

    #[test]
    fn high_is_at_least_the_average_and_low_below_it() {
        let avg = Decimal::new(30, 1);
        assert!(Rule::High.matches(3, avg));
        assert!(!Rule::High.matches(2, avg));
        assert!(Rule::Low.matches(2, avg));
        assert!(!Rule::Low.matches(3, avg));
        assert!(Rule::Range(2, 4).matches(4, avg));
        assert!(!Rule::Range(2, 4).matches(5, avg));
    }
}
