//! Why a code did not parse. Every message names the part that is wrong.

use crate::symbology::Symbology;
use thiserror::Error;

/// A scan that could not be read as what it claims to be.
///
/// Positions are counted in characters from 1, as a person would count them on screen,
/// in the data after the AIM identifier.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    #[error("the scan is empty")]
    Empty,

    #[error("the scan is {len} characters long; at most {max} are accepted")]
    TooLong { len: usize, max: usize },

    #[error(
        "AIM symbology identifier {aim:?} is not ']' followed by a letter and a modifier character"
    )]
    BadAimIdentifier { aim: String },

    #[error("{symbology} code {code} has {len} digits; it needs {expected}")]
    WrongLength {
        symbology: Symbology,
        code: String,
        len: usize,
        expected: &'static str,
    },

    #[error("{symbology} code {code:?} must be digits only")]
    NotDigits { symbology: Symbology, code: String },

    #[error("check digit of {code} should be {expected}")]
    CheckDigit { code: String, expected: u8 },

    #[error("UPC-E code {code} must start with 0 or 1 (its number system)")]
    UpcENumberSystem { code: String },

    #[error(
        "expected an application identifier (2 to 4 digits) at character {position}, found {found:?}"
    )]
    ExpectedAi { position: usize, found: String },

    #[error(
        "unknown AI {ai} at character {position}: no GS1 application identifier starts with these digits"
    )]
    UnknownAi { ai: String, position: usize },

    #[error("AI {ai} has no value")]
    MissingValue { ai: String },

    #[error("AI {ai} value {value:?} has {len} characters; it needs at least {min}")]
    ValueTooShort {
        ai: String,
        value: String,
        len: usize,
        min: usize,
    },

    #[error("AI {ai} value {value:?} has {len} characters; at most {max} are allowed{hint}")]
    ValueTooLong {
        ai: String,
        value: String,
        len: usize,
        max: usize,
        /// Empty, or a likely cause such as a missing GS separator.
        hint: &'static str,
    },

    #[error("AI {ai} value {value:?} must be digits")]
    NotNumeric { ai: String, value: String },

    #[error("AI {ai} value {value:?} contains {ch:?}, which GS1 does not allow there")]
    BadCharacter { ai: String, value: String, ch: char },

    #[error("AI {ai}: check digit of {value} should be {expected}")]
    AiCheckDigit {
        ai: String,
        value: String,
        expected: u8,
    },

    #[error("AI {ai} date {value} is not a date (YYMMDD)")]
    InvalidDate { ai: String, value: String },

    #[error("AI {ai} value {value} is not a valid date and time ({format})")]
    InvalidDateTime {
        ai: String,
        value: String,
        format: &'static str,
    },

    #[error("AI {ai} appears twice with different values ({first:?} and {second:?})")]
    DuplicateAi {
        ai: String,
        first: String,
        second: String,
    },

    #[error("the GS1 element string has no elements")]
    NoElements,

    #[error("expected '(' starting an AI at character {position}, found {found:?}")]
    ExpectedParenthesis { position: usize, found: String },

    #[error("'(' at character {position} has no matching ')'")]
    UnclosedParenthesis { position: usize },

    #[error(
        "no {suffix} suffix arrived within {timeout_ms} ms after the last character; check the scanner's suffix setting"
    )]
    MissingSuffix {
        suffix: &'static str,
        timeout_ms: u64,
    },
}
