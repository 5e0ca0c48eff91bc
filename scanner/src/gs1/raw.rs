//! The raw element string as a scanner sends it: AI, value, AI, value ..., with GS
//! (0x1D, the transmitted FNC1) after every value whose length GS1 does not predefine.

use super::ai_table;
use super::{Element, GS, value};
use crate::error::ParseError;

/// Parses `data` (without AIM identifier); a leading GS (FNC1 in first position, which
/// some scanners transmit) is skipped.
///
/// A fixed-length value is taken by its length even where GS1 asks for a separator after
/// it (AIs such as 422 or 7003); only a variable-length value runs to the next GS.
pub(crate) fn parse_raw(data: &str) -> Result<Vec<Element>, ParseError> {
    let chars: Vec<char> = data.chars().collect();
    let mut elements = Vec::new();
    let mut i = 0;
    loop {
        while chars.get(i) == Some(&GS) {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let head: String = chars[i..].iter().take(4).collect();
        let Some((ai, def)) = ai_table::lookup_prefix(&head) else {
            return Err(ai_error(&chars, i));
        };
        let ai = ai.to_string();
        i += ai.len();
        let run_len = chars[i..].iter().take_while(|&&c| c != GS).count();
        let take = if def.is_fixed_length() {
            run_len.min(def.max_len)
        } else {
            run_len
        };
        let value: String = chars[i..i + take].iter().collect();
        value::validate(&ai, def, &value).map_err(|e| match e {
            // A variable-length value runs to the next GS, so a missing one makes it long.
            ParseError::ValueTooLong {
                ai,
                value,
                len,
                max,
                ..
            } => ParseError::ValueTooLong {
                ai,
                value,
                len,
                max,
                hint: " (is a GS separator missing after it?)",
            },
            other => other,
        })?;
        i += take;
        elements.push(Element { ai, value });
    }
    if elements.is_empty() {
        return Err(ParseError::NoElements);
    }
    Ok(elements)
}

fn ai_error(chars: &[char], at: usize) -> ParseError {
    let digits: String = chars[at..]
        .iter()
        .take(4)
        .take_while(|c| c.is_ascii_digit())
        .collect();
    if digits.len() < 2 {
        let found: String = chars[at..].iter().take(4).collect();
        ParseError::ExpectedAi {
            position: at + 1,
            found,
        }
    } else {
        ParseError::UnknownAi {
            ai: digits,
            position: at + 1,
        }
    }
}
