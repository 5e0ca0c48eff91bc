//! Turning scanned text into a [`Scan`]: AIM identifier first, then the data.

use crate::aim::{AimId, Content};
use crate::error::ParseError;
use crate::gs1::{self, GS};
use crate::retail;
use crate::scan::Scan;
use crate::symbology::Symbology;

/// The longest scan accepted, in characters. A GS1 DataMatrix holds at most 2,335
/// alphanumeric characters; nothing a till reads comes near.
pub const MAX_SCAN_CHARS: usize = 2048;

/// Parses scanned text, detecting what it is.
///
/// - A leading AIM identifier (`]E0`, `]C1`, `]d2`, `]Q3` ...) says what follows; see
///   [`parse_with_aim`].
/// - Without one: text with a GS, or starting with `(`, is a GS1 element string (raw or
///   human-readable); 8, 12, 13 or 14 digits are EAN-8 (else UPC-E), UPC-A, EAN-13 and
///   GTIN-14; text starting with AI 01/02 and 14 digits, or 00 and 18 digits, is a GS1
///   element string whose FNC1 was not sent; anything else is a plain code of
///   [`Symbology::Unknown`] with only `raw` set.
pub fn parse(text: &str) -> Result<Scan, ParseError> {
    let text = checked_text(text)?;
    match AimId::split(text) {
        Some((aim, data)) => parse_data(Some(aim), data),
        None => parse_data(None, text),
    }
}

/// Parses `text` that came after the AIM identifier `aim` (`"]C1"` or `"C1"`).
///
/// With `aim` = `None` the text is taken as data with no AIM identifier: a leading `]`
/// is data. The data must match what the identifier announces: `]E0` wants 8 (UPC-E),
/// 12 (UPC-A) or 13 digits, `]E4` 8 digits (EAN-8), `]E3` a code plus its add-on (the
/// add-on stays in `raw` only), `]C1`, `]d2`, `]d5`, `]Q3`, `]Q4` and `]e0` a GS1 element
/// string. Other identifiers give a plain code.
pub fn parse_with_aim(aim: Option<&str>, text: &str) -> Result<Scan, ParseError> {
    let aim = aim.map(AimId::parse).transpose()?;
    let text = checked_text(text)?;
    parse_data(aim, text)
}

fn checked_text(text: &str) -> Result<&str, ParseError> {
    let len = text.chars().count();
    if len > MAX_SCAN_CHARS {
        return Err(ParseError::TooLong {
            len,
            max: MAX_SCAN_CHARS,
        });
    }
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if text.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(text)
}

fn parse_data(aim: Option<AimId>, data: &str) -> Result<Scan, ParseError> {
    if data.is_empty() {
        return Err(ParseError::Empty);
    }
    let Some(aim) = aim else {
        return parse_without_aim(data);
    };
    let (symbology, content) = aim.classify();
    match content {
        Content::EanUpc => parse_ean_upc(data),
        Content::EanUpcWithAddOn => parse_with_add_on(data),
        Content::Ean8 => retail::parse_ean8(data, data),
        Content::Gs1 => parse_gs1(symbology, data),
        Content::Itf if is_digits(data) && data.len() == 14 => retail::parse_gtin14(data, data),
        Content::Itf | Content::Plain => Ok(Scan::plain(symbology, data)),
    }
}

/// `]E0` data: the length says which code it is.
fn parse_ean_upc(data: &str) -> Result<Scan, ParseError> {
    require_digits(data)?;
    match data.len() {
        8 => retail::parse_upc_e(data, data),
        12 => retail::parse_upc_a(data, data),
        13 => retail::parse_ean13(data, data),
        len => Err(ParseError::WrongLength {
            symbology: Symbology::Ean13,
            code: data.to_string(),
            len,
            expected: "8 (UPC-E), 12 (UPC-A) or 13 (EAN-13) digits",
        }),
    }
}

fn require_digits(data: &str) -> Result<(), ParseError> {
    if is_digits(data) {
        Ok(())
    } else {
        Err(ParseError::NotDigits {
            symbology: Symbology::Ean13,
            code: data.to_string(),
        })
    }
}

/// `]E3` data: the main code (13, 12 or 8 digits) then a 2- or 5-digit add-on.
fn parse_with_add_on(data: &str) -> Result<Scan, ParseError> {
    require_digits(data)?;
    let main_len = match data.len() {
        15 | 18 => 13,
        14 | 17 => 12,
        10 | 13 => 8,
        len => {
            return Err(ParseError::WrongLength {
                symbology: Symbology::Ean13,
                code: data.to_string(),
                len,
                expected: "a 13-, 12- or 8-digit code followed by a 2- or 5-digit add-on",
            });
        }
    };
    let main = &data[..main_len];
    match main_len {
        13 => retail::parse_ean13(main, data),
        12 => retail::parse_upc_a(main, data),
        _ => retail::parse_upc_e(main, data),
    }
}

fn is_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_gs1(symbology: Symbology, data: &str) -> Result<Scan, ParseError> {
    let elements = if data.starts_with('(') {
        gs1::parse_human_readable(data)?
    } else {
        gs1::parse_raw(data)?
    };
    Scan::from_elements(symbology, data, elements)
}

/// Starts with AI 01 or 02 and 14 digits, or AI 00 and 18 digits: a GS1 element string
/// whose leading FNC1 was not sent. Other text starting with "01" stays a plain code.
fn looks_like_gs1_without_fnc1(data: &str) -> bool {
    let digits = data.bytes().take_while(u8::is_ascii_digit).count();
    ((data.starts_with("01") || data.starts_with("02")) && digits >= 16)
        || (data.starts_with("00") && digits >= 20)
}

fn parse_without_aim(data: &str) -> Result<Scan, ParseError> {
    if data.contains(GS) || data.starts_with('(') {
        return parse_gs1(Symbology::Unknown, data);
    }
    if is_digits(data) {
        match data.len() {
            8 => return retail::parse_8_digits(data, data),
            12 => return retail::parse_upc_a(data, data),
            13 => return retail::parse_ean13(data, data),
            14 => return retail::parse_gtin14(data, data),
            _ => {}
        }
    }
    if looks_like_gs1_without_fnc1(data) {
        return parse_gs1(Symbology::Unknown, data);
    }
    Ok(Scan::plain(Symbology::Unknown, data))
}
