//! GS1 modulo-10 check digits (GTIN, SSCC, GLN all use the same rule).

/// The GS1 check digit for `data`, the digits *without* their check digit.
///
/// Weights 3 and 1 alternate from the right-most data digit. Returns `None` when `data`
/// is empty or holds anything but ASCII digits.
pub fn gs1_check_digit(data: &str) -> Option<u8> {
    if data.is_empty() || !data.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = data
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let digit = u32::from(b - b'0');
            if i % 2 == 0 { digit * 3 } else { digit }
        })
        .sum();
    // sum % 10 < 10, so the cast cannot truncate.
    Some(((10 - sum % 10) % 10) as u8)
}

/// True when the last digit of `code` is the GS1 check digit of the digits before it.
pub fn has_valid_gs1_check_digit(code: &str) -> bool {
    let Some((data, check)) = split_check_digit(code) else {
        return false;
    };
    gs1_check_digit(data) == Some(check)
}

/// A GTIN-8, -12, -13 or -14 with a valid check digit, left-padded with zeros to the
/// 14 digits GS1 uses in AI (01). Use it to look up one product whatever its carrier:
/// the EAN-13 `6901234567892` and the UDI `(01)06901234567892` give the same result.
pub fn normalize_gtin14(gtin: &str) -> Option<String> {
    if ![8, 12, 13, 14].contains(&gtin.len()) || !has_valid_gs1_check_digit(gtin) {
        return None;
    }
    Some(format!("{gtin:0>14}"))
}

/// `code` split into the digits before the check digit and the check digit itself.
pub(crate) fn split_check_digit(code: &str) -> Option<(&str, u8)> {
    let last = *code.as_bytes().last()?;
    if !last.is_ascii_digit() || code.len() < 2 {
        return None;
    }
    Some((&code[..code.len() - 1], last - b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_check_digits() {
        // (data, check digit): EAN-13, EAN-8, UPC-A, GTIN-14, SSCC
        let cases = [
            ("690123456789", 2),
            ("400638133393", 1),
            ("9638507", 4),
            ("03600029145", 2),
            ("0950600013435", 2),
            ("00061414112345678", 1),
        ];
        for (data, check) in cases {
            assert_eq!(gs1_check_digit(data), Some(check), "{data}");
        }
    }

    #[test]
    fn rejects_non_digits_and_empty() {
        assert_eq!(gs1_check_digit(""), None);
        assert_eq!(gs1_check_digit("12a4"), None);
        assert_eq!(gs1_check_digit("١٢٣"), None);
        assert!(!has_valid_gs1_check_digit(""));
        assert!(!has_valid_gs1_check_digit("7"));
        assert!(!has_valid_gs1_check_digit("6901234567893"));
        assert!(has_valid_gs1_check_digit("6901234567892"));
    }

    #[test]
    fn normalizes_every_gtin_length_to_14() {
        assert_eq!(
            normalize_gtin14("96385074").as_deref(),
            Some("00000096385074")
        );
        assert_eq!(
            normalize_gtin14("036000291452").as_deref(),
            Some("00036000291452")
        );
        assert_eq!(
            normalize_gtin14("6901234567892").as_deref(),
            Some("06901234567892")
        );
        assert_eq!(
            normalize_gtin14("06901234567892").as_deref(),
            Some("06901234567892")
        );
        assert_eq!(normalize_gtin14("6901234567893"), None);
        assert_eq!(normalize_gtin14("123456789"), None);
    }
}
