//! EAN-13, EAN-8, UPC-A and UPC-E with right and wrong check digits, with and without
//! AIM identifiers, and the plain codes that are neither.

use crate::common::summary::outcome;

fn check_table(cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (input, expected) in cases {
        let got = outcome(scanner::parse(input));
        if got != *expected {
            failures.push(format!(
                "input:    {input:?}\nexpected: {expected}\ngot:      {got}\n"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn ean_and_upc_without_aim() {
    check_table(&[
        ("6901234567892", "ean13 gtin=6901234567892"),
        (
            "6901234567893",
            "error: check digit of 6901234567893 should be 2",
        ),
        ("4006381333931", "ean13 gtin=4006381333931"),
        ("9780306406157", "ean13 gtin=9780306406157"),
        ("96385074", "ean8 gtin=96385074"),
        ("96385075", "error: check digit of 96385075 should be 4"),
        ("73513537", "ean8 gtin=73513537"),
        ("036000291452", "upc_a gtin=036000291452"),
        (
            "036000291453",
            "error: check digit of 036000291453 should be 2",
        ),
        // An EAN-13 with a leading 0 is the UPC-A symbol.
        ("0036000291452", "upc_a gtin=036000291452"),
        // 8 digits: EAN-8 when its check digit fits ...
        ("01234565", "ean8 gtin=01234565"),
        // ... else UPC-E, expanded.
        ("04252614", "upc_e gtin=042100005264"),
        ("04252615", "error: check digit of 04252615 should be 0"),
        // GTIN-14 on its own (ITF-14 on a case).
        ("10884521062856", "unknown gtin=10884521062856"),
        (
            "10884521062857",
            "error: check digit of 10884521062857 should be 6",
        ),
        // Surrounding whitespace and the line end are not part of the code.
        (" 6901234567892\r\n", "ean13 gtin=6901234567892"),
    ]);
}

#[test]
fn ean_and_upc_with_aim() {
    check_table(&[
        ("]E06901234567892", "ean13 gtin=6901234567892"),
        (
            "]E06901234567893",
            "error: check digit of 6901234567893 should be 2",
        ),
        ("]E0036000291452", "upc_a gtin=036000291452"),
        ("]E00036000291452", "upc_a gtin=036000291452"),
        // ]E0 with 8 digits is UPC-E even where the EAN-8 check digit would fit.
        ("]E001234565", "upc_e gtin=012345000065"),
        ("]E004252614", "upc_e gtin=042100005264"),
        ("]E004252615", "error: check digit of 04252615 should be 4"),
        (
            "]E021234565",
            "error: UPC-E code 21234565 must start with 0 or 1 (its number system)",
        ),
        ("]E401234565", "ean8 gtin=01234565"),
        (
            "]E40123456",
            "error: EAN-8 code 0123456 has 7 digits; it needs 8 digits",
        ),
        (
            "]E0123",
            "error: EAN-13 code 123 has 3 digits; it needs 8 (UPC-E), 12 (UPC-A) or 13 (EAN-13) digits",
        ),
        (
            "]E069012A4567892",
            "error: EAN-13 code \"69012A4567892\" must be digits only",
        ),
        // ]E3: the code and its add-on; the add-on stays in raw.
        ("]E3690123456789212", "ean13 gtin=6901234567892"),
        (
            "]E36901234567892123",
            "error: EAN-13 code 6901234567892123 has 16 digits; it needs a 13-, 12- or 8-digit code followed by a 2- or 5-digit add-on",
        ),
        ("]I110884521062856", "unknown gtin=10884521062856"),
    ]);
}

#[test]
fn plain_codes_keep_their_text() {
    let cases = [
        ("]C0ABC-123", scanner::Symbology::Code128, "ABC-123"),
        ("]C2X1", scanner::Symbology::Code128, "X1"),
        (
            "]Q1https://example.com/r/42",
            scanner::Symbology::QrCode,
            "https://example.com/r/42",
        ),
        ("]d1A1B2", scanner::Symbology::Unknown, "A1B2"),
        ("]X0data", scanner::Symbology::Unknown, "data"),
        ("SKU-00042", scanner::Symbology::Unknown, "SKU-00042"),
        ("12345", scanner::Symbology::Unknown, "12345"),
        (
            "0100-0001-ABC-99",
            scanner::Symbology::Unknown,
            "0100-0001-ABC-99",
        ),
        ("]]not an aim", scanner::Symbology::Unknown, "]]not an aim"),
        ("会员卡 8812", scanner::Symbology::Unknown, "会员卡 8812"),
    ];
    for (input, symbology, raw) in cases {
        let scan = scanner::parse(input).unwrap();
        assert_eq!(
            (scan.symbology, scan.raw.as_str()),
            (symbology, raw),
            "{input}"
        );
        assert_eq!(scan.gtin, None, "{input}");
        assert!(!scan.is_gs1(), "{input}");
    }
}

#[test]
fn parse_with_aim_takes_the_identifier_apart_from_the_data() {
    use scanner::{ParseError, Symbology, parse_with_aim};
    let scan = parse_with_aim(Some("]C1"), "0109521234543213").unwrap();
    assert_eq!(scan.symbology, Symbology::Gs1_128);
    assert_eq!(scan.raw, "0109521234543213");
    assert_eq!(
        parse_with_aim(Some("d2"), "0109521234543213")
            .unwrap()
            .symbology,
        Symbology::Gs1DataMatrix
    );
    // No AIM: a leading ] is data.
    let scan = parse_with_aim(None, "]C0ABC").unwrap();
    assert_eq!(
        (scan.symbology, scan.raw.as_str()),
        (Symbology::Unknown, "]C0ABC")
    );
    assert_eq!(
        parse_with_aim(Some("]Z"), "123").unwrap_err(),
        ParseError::BadAimIdentifier { aim: "]Z".into() }
    );
    assert_eq!(
        parse_with_aim(Some("]E0"), "").unwrap_err().to_string(),
        "the scan is empty"
    );
}

#[test]
fn empty_and_oversized_input() {
    use scanner::{MAX_SCAN_CHARS, ParseError, parse};
    assert_eq!(parse(""), Err(ParseError::Empty));
    assert_eq!(parse(" \r\n"), Err(ParseError::Empty));
    let long = "A".repeat(MAX_SCAN_CHARS + 1);
    assert_eq!(
        parse(&long).unwrap_err().to_string(),
        format!(
            "the scan is {} characters long; at most {MAX_SCAN_CHARS} are accepted",
            MAX_SCAN_CHARS + 1
        )
    );
}

#[test]
fn gtin14_is_one_key_for_every_carrier() {
    let keys: Vec<Option<String>> = ["6901234567892", "]E06901234567892", "(01)06901234567892"]
        .iter()
        .map(|c| scanner::parse(c).unwrap().gtin14())
        .collect();
    assert!(
        keys.iter().all(|k| k.as_deref() == Some("06901234567892")),
        "{keys:?}"
    );
    assert_eq!(
        scanner::parse("04252614").unwrap().gtin14().as_deref(),
        Some("00042100005264")
    );
}
