//! The human-readable form printed under a GS1 barcode: `(01)06901234567892(17)251231(10)A1`.
//! Spaces around the parentheses are allowed, since labels often print them.

use super::ai_table;
use super::{Element, value};
use crate::error::ParseError;

pub(crate) fn parse_human_readable(text: &str) -> Result<Vec<Element>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut elements = Vec::new();
    let mut i = skip_spaces(&chars, 0);
    while i < chars.len() {
        if chars[i] != '(' {
            return Err(ParseError::ExpectedParenthesis {
                position: i + 1,
                found: chars[i..].iter().take(4).collect(),
            });
        }
        let Some((ai, after)) = ai_in_parentheses(&chars, i)? else {
            return Err(unknown_ai(&chars, i));
        };
        let end = next_ai_start(&chars, after)?;
        let value: String = chars[after..end].iter().collect();
        let value = value.trim_end_matches(' ').to_string();
        let def = ai_table::lookup(&ai).ok_or_else(|| unknown_ai(&chars, i))?;
        value::validate(&ai, def, &value)?;
        elements.push(Element { ai, value });
        i = end;
    }
    if elements.is_empty() {
        return Err(ParseError::NoElements);
    }
    Ok(elements)
}

fn skip_spaces(chars: &[char], mut i: usize) -> usize {
    while chars.get(i) == Some(&' ') {
        i += 1;
    }
    i
}

/// `(` at `open` followed by a known AI and `)`: the AI and where its value starts.
/// `Ok(None)` when the parentheses hold something that is not a known AI.
fn ai_in_parentheses(chars: &[char], open: usize) -> Result<Option<(String, usize)>, ParseError> {
    let Some(close) = chars[open..].iter().position(|&c| c == ')') else {
        return Err(ParseError::UnclosedParenthesis { position: open + 1 });
    };
    let close = open + close;
    let ai: String = chars[open + 1..close].iter().collect();
    let known = (2..=4).contains(&ai.len())
        && ai.bytes().all(|b| b.is_ascii_digit())
        && ai_table::lookup(&ai).is_some();
    Ok(known.then(|| (ai, skip_spaces(chars, close + 1))))
}

/// Where the value that starts at `from` ends: at the next `(` that opens a known AI.
/// A `(` that does not (CSET 82 allows parentheses in values) stays in the value.
fn next_ai_start(chars: &[char], from: usize) -> Result<usize, ParseError> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '(' {
            match ai_in_parentheses(chars, i) {
                Ok(Some(_)) => return Ok(i),
                // "(17" at the end: an AI whose ")" was lost, not part of the value.
                Err(e) if chars.get(i + 1).is_some_and(char::is_ascii_digit) => return Err(e),
                _ => {}
            }
        }
        i += 1;
    }
    Ok(chars.len())
}

fn unknown_ai(chars: &[char], open: usize) -> ParseError {
    let inside: String = chars[open + 1..]
        .iter()
        .take_while(|&&c| c != ')')
        .take(8)
        .collect();
    if !inside.is_empty() && inside.bytes().all(|b| b.is_ascii_digit()) {
        ParseError::UnknownAi {
            ai: inside,
            position: open + 2,
        }
    } else {
        ParseError::ExpectedAi {
            position: open + 2,
            found: inside,
        }
    }
}
