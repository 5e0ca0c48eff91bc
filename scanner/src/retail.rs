//! EAN-13, EAN-8, UPC-A and UPC-E: fixed-length digits with a GS1 check digit.

use crate::check_digit::{gs1_check_digit, split_check_digit};
use crate::error::ParseError;
use crate::scan::Scan;
use crate::symbology::Symbology;

/// The UPC-A a UPC-E stands for (number system, six digits, check digit; 8 digits in).
///
/// Follows the zero-suppression rules of the GS1 General Specifications (5.2.2.4.2): the
/// last of the six digits says where the zeros go. Returns `None` unless `upc_e` is 8
/// digits starting with 0 or 1. The check digit is copied, not checked.
pub fn expand_upc_e(upc_e: &str) -> Option<String> {
    let d = upc_e.as_bytes();
    if d.len() != 8 || !d.iter().all(u8::is_ascii_digit) || !matches!(d[0], b'0' | b'1') {
        return None;
    }
    let (ns, x, check) = (d[0], &d[1..7], d[7]);
    let body: Vec<u8> = match x[5] {
        b'0'..=b'2' => [&x[0..2], &[x[5]], b"0000", &x[2..5]].concat(),
        b'3' => [&x[0..3], b"00000", &x[3..5]].concat(),
        b'4' => [&x[0..4], b"00000", &x[4..5]].concat(),
        _ => [&x[0..5], b"0000", &x[5..6]].concat(),
    };
    let upc_a: Vec<u8> = [&[ns][..], &body, &[check]].concat();
    String::from_utf8(upc_a).ok()
}

fn digits_only(symbology: Symbology, code: &str) -> Result<(), ParseError> {
    if code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ParseError::NotDigits {
            symbology,
            code: code.to_string(),
        })
    }
}

fn require_check_digit(code: &str) -> Result<(), ParseError> {
    if let Some((data, check)) = split_check_digit(code)
        && let Some(expected) = gs1_check_digit(data)
        && expected != check
    {
        return Err(ParseError::CheckDigit {
            code: code.to_string(),
            expected,
        });
    }
    Ok(())
}

fn require_len(symbology: Symbology, code: &str, len: usize) -> Result<(), ParseError> {
    digits_only(symbology, code)?;
    if code.len() != len {
        return Err(ParseError::WrongLength {
            symbology,
            code: code.to_string(),
            len: code.chars().count(),
            expected: match len {
                8 => "8 digits",
                12 => "12 digits",
                _ => "13 digits",
            },
        });
    }
    require_check_digit(code)
}

fn with_gtin(symbology: Symbology, raw: &str, gtin: &str) -> Scan {
    Scan {
        gtin: Some(gtin.to_string()),
        ..Scan::plain(symbology, raw)
    }
}

/// A 13-digit code; one with a leading 0 is a UPC-A (the two are the same symbol) and
/// gets its GTIN-12.
pub(crate) fn parse_ean13(code: &str, raw: &str) -> Result<Scan, ParseError> {
    require_len(Symbology::Ean13, code, 13)?;
    Ok(match code.strip_prefix('0') {
        Some(upc_a) => with_gtin(Symbology::UpcA, raw, upc_a),
        None => with_gtin(Symbology::Ean13, raw, code),
    })
}

pub(crate) fn parse_ean8(code: &str, raw: &str) -> Result<Scan, ParseError> {
    require_len(Symbology::Ean8, code, 8)?;
    Ok(with_gtin(Symbology::Ean8, raw, code))
}

pub(crate) fn parse_upc_a(code: &str, raw: &str) -> Result<Scan, ParseError> {
    require_len(Symbology::UpcA, code, 12)?;
    Ok(with_gtin(Symbology::UpcA, raw, code))
}

/// An 8-digit UPC-E; its GTIN is the expanded UPC-A, whose check digit it carries.
pub(crate) fn parse_upc_e(code: &str, raw: &str) -> Result<Scan, ParseError> {
    digits_only(Symbology::UpcE, code)?;
    if code.len() != 8 {
        return Err(ParseError::WrongLength {
            symbology: Symbology::UpcE,
            code: code.to_string(),
            len: code.len(),
            expected: "8 digits (number system, 6 digits, check digit)",
        });
    }
    let upc_a = expand_upc_e(code).ok_or_else(|| ParseError::UpcENumberSystem {
        code: code.to_string(),
    })?;
    if let Err(ParseError::CheckDigit { expected, .. }) = require_check_digit(&upc_a) {
        return Err(ParseError::CheckDigit {
            code: code.to_string(),
            expected,
        });
    }
    Ok(with_gtin(Symbology::UpcE, raw, &upc_a))
}

/// 8 digits without an AIM identifier: EAN-8 if its check digit fits, else UPC-E if that
/// fits; if neither does, the EAN-8 error (EAN-8 is the common one at Chinese tills).
pub(crate) fn parse_8_digits(code: &str, raw: &str) -> Result<Scan, ParseError> {
    parse_ean8(code, raw).or_else(|ean8_error| parse_upc_e(code, raw).map_err(|_| ean8_error))
}

/// A GTIN-14 on its own (ITF-14 on cases).
pub(crate) fn parse_gtin14(code: &str, raw: &str) -> Result<Scan, ParseError> {
    digits_only(Symbology::Unknown, code)?;
    require_check_digit(code)?;
    Ok(with_gtin(Symbology::Unknown, raw, code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upc_e_expansion_table() {
        // (UPC-E, UPC-A), one per zero-suppression rule.
        let cases = [
            ("04252614", "042100005264"),
            ("01234565", "012345000065"),
            ("01234133", "012300000413"),
            ("01234146", "012340000016"),
            ("01234502", "012000003452"),
            ("11234565", "112345000065"),
        ];
        for (e, a) in cases {
            assert_eq!(expand_upc_e(e).as_deref(), Some(a), "{e}");
        }
        assert_eq!(expand_upc_e("21234565"), None);
        assert_eq!(expand_upc_e("0123456"), None);
        assert_eq!(expand_upc_e("0123456a"), None);
    }
}
