//! Checks one AI value against its definition: length, characters, check digit, date.

use super::ai_table::{AiDef, Charset, Meaning};
use super::date;
use crate::check_digit::{gs1_check_digit, split_check_digit};
use crate::error::ParseError;

/// GS1 AI encodable character set 82 (General Specifications figure 7.11-1).
pub(crate) fn is_cset82(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c)
}

/// GS1 AI encodable character set 39 (General Specifications figure 7.11-2).
fn is_cset39(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase() || "#-/".contains(c)
}

pub(crate) fn validate(ai: &str, def: &AiDef, value: &str) -> Result<(), ParseError> {
    let err_value = || value.to_string();
    let len = value.chars().count();
    if len == 0 {
        return Err(ParseError::MissingValue { ai: ai.into() });
    }
    if len < def.min_len {
        return Err(ParseError::ValueTooShort {
            ai: ai.into(),
            value: err_value(),
            len,
            min: def.min_len,
        });
    }
    if len > def.max_len {
        return Err(ParseError::ValueTooLong {
            ai: ai.into(),
            value: err_value(),
            len,
            max: def.max_len,
            hint: "",
        });
    }
    let numeric_part = value.chars().take(def.numeric_prefix.max(def.check_len));
    let all_numeric = def.charset == Charset::Numeric;
    if (all_numeric && !value.chars().all(|c| c.is_ascii_digit()))
        || !numeric_part.clone().all(|c| c.is_ascii_digit())
    {
        return Err(ParseError::NotNumeric {
            ai: ai.into(),
            value: err_value(),
        });
    }
    let allowed: fn(char) -> bool = match def.charset {
        Charset::Numeric | Charset::Cset82 => is_cset82,
        Charset::Cset39 => is_cset39,
    };
    if let Some(ch) = value.chars().find(|&c| !allowed(c)) {
        return Err(ParseError::BadCharacter {
            ai: ai.into(),
            value: err_value(),
            ch,
        });
    }
    // From here on the value is ASCII, so byte slicing is safe.
    if def.check_len > 0 {
        let checked = &value[..def.check_len];
        if let Some((data, check)) = split_check_digit(checked) {
            let expected = gs1_check_digit(data).unwrap_or(check);
            if expected != check {
                return Err(ParseError::AiCheckDigit {
                    ai: ai.into(),
                    value: checked.into(),
                    expected,
                });
            }
        }
    }
    let date_ok = match def.meaning {
        Meaning::Text => true,
        Meaning::Date(zero_day) => {
            if date::parse_yymmdd(value, zero_day).is_none() {
                return Err(ParseError::InvalidDate {
                    ai: ai.into(),
                    value: err_value(),
                });
            }
            true
        }
        Meaning::DateRange => date::parse_date_range(value).is_some(),
        Meaning::DateTimeMinutes => date::parse_yymmddhhmm(value).is_some(),
        Meaning::DateTimeHours => date::parse_yymmddhh_opt_mmss(value).is_some(),
    };
    if !date_ok {
        let format = match def.meaning {
            Meaning::DateRange => "YYMMDD or YYMMDDYYMMDD",
            Meaning::DateTimeMinutes => "YYMMDDhhmm",
            _ => "YYMMDDhh, optionally mm and ss",
        };
        return Err(ParseError::InvalidDateTime {
            ai: ai.into(),
            value: err_value(),
            format,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::ai_table::lookup;
    use super::*;

    fn check(ai: &str, value: &str) -> Result<(), ParseError> {
        validate(ai, lookup(ai).unwrap(), value)
    }

    #[test]
    fn value_table() {
        let ok = [
            ("01", "06901234567892"),
            ("00", "006141411234567890"),
            ("10", "A1-B/2.3"),
            ("17", "251200"),
            ("7003", "2612311430"),
            ("3103", "000123"),
            ("421", "156100000"),
            ("8010", "ABC-#/12"),
            ("253", "4712345000008ABC"),
            ("7007", "250101250103"),
            ("8008", "2506300815"),
        ];
        for (ai, value) in ok {
            assert_eq!(check(ai, value), Ok(()), "AI {ai} {value}");
        }
        let bad: &[(&str, &str, &str)] = &[
            (
                "01",
                "06901234567893",
                "AI 01: check digit of 06901234567893 should be 2",
            ),
            ("01", "0690123456789", "needs at least 14"),
            ("01", "0690123456789A", "must be digits"),
            ("10", "", "AI 10 has no value"),
            ("10", "A 1", "contains ' '"),
            ("10", "批号1", "contains '批'"),
            ("10", "ABCDEFGHIJKLMNOPQRSTU", "at most 20"),
            ("17", "261332", "AI 17 date 261332 is not a date (YYMMDD)"),
            ("7006", "250100", "AI 7006 date 250100 is not a date"),
            (
                "7003",
                "2612312460",
                "not a valid date and time (YYMMDDhhmm)",
            ),
            ("421", "15X", "needs at least 4"),
            ("421", "1X6ABC", "must be digits"),
            ("8010", "abc", "contains 'a'"),
            (
                "253",
                "4712345000004ABC",
                "check digit of 4712345000004 should be 8",
            ),
            ("7007", "2501012501", "YYMMDD or YYMMDDYYMMDD"),
        ];
        for (ai, value, message) in bad {
            let err = check(ai, value).expect_err(value).to_string();
            assert!(err.contains(message), "AI {ai} {value}: {err}");
        }
    }
}
