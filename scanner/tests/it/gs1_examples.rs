//! GS1 element strings as in the GS1 General Specifications' examples: fixed and
//! variable AIs, GS separators, the human-readable form, and what is wrong when a code
//! does not parse.

use crate::common::summary::{gs, outcome};

fn check_table(cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (input, expected) in cases {
        let got = outcome(scanner::parse(&gs(input)));
        if got != *expected {
            failures.push(format!(
                "input:    {input}\nexpected: {expected}\ngot:      {got}\n"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn element_strings_that_parse() {
    check_table(&[
        // GTIN + net weight, both predefined length: no separator needed.
        (
            "]C101095212345432133103000123",
            "gs1_128 gtin=09521234543213 | (01)09521234543213(3103)000123",
        ),
        (
            "(01)09521234543213(3103)000123",
            "unknown gtin=09521234543213 | (01)09521234543213(3103)000123",
        ),
        // SSCC of a logistic unit.
        (
            "]C100106141411234567897",
            "gs1_128 sscc=106141411234567897 | (00)106141411234567897",
        ),
        (
            "(00)106141411234567897",
            "unknown sscc=106141411234567897 | (00)106141411234567897",
        ),
        // Variable-length lot followed by GS, serial last.
        (
            "]d201095060001343521720122510ABC123<GS>2112345",
            "gs1_data_matrix gtin=09506000134352 lot=ABC123 exp=2020-12-25 serial=12345 | (01)09506000134352(17)201225(10)ABC123(21)12345",
        ),
        // Trade items contained in a logistic unit: AI 02 with count 37.
        (
            "]C102095212345432133725<GS>10LOT7",
            "gs1_128 gtin=09521234543213 lot=LOT7 qty=25 | (02)09521234543213(37)25(10)LOT7",
        ),
        // Variable count (30) last needs no GS.
        (
            "]C101095212345432133012",
            "gs1_128 gtin=09521234543213 qty=12 | (01)09521234543213(30)12",
        ),
        // Several dates and references.
        (
            "(01)09521234543213(11)250101(13)250102(15)260630(12)250200(20)07(22)CPV-1(240)REF 1",
            "error: AI 240 value \"REF 1\" contains ' ', which GS1 does not allow there",
        ),
        (
            "(01)09521234543213(11)250101(13)250102(15)260630(12)250200(20)07(22)CPV-1(240)REF-1(241)CP/9(250)S2(8020)INV.42",
            "unknown gtin=09521234543213 prod=2025-01-01 | (01)09521234543213(11)250101(13)250102(15)260630(12)250200(20)07(22)CPV-1(240)REF-1(241)CP/9(250)S2(8020)INV.42",
        ),
        // AI 7003 expiry date and time, with and without AI 17.
        (
            "]d20109506000134352172612317003261231143010AB1",
            "gs1_data_matrix gtin=09506000134352 lot=AB1 exp=2026-12-31 | (01)09506000134352(17)261231(7003)2612311430(10)AB1",
        ),
        (
            "]d201095060001343527003261231143010AB1",
            "gs1_data_matrix gtin=09506000134352 lot=AB1 exp=2026-12-31 | (01)09506000134352(7003)2612311430(10)AB1",
        ),
        // FNC1 in first position transmitted as GS; GS after a fixed-length value and
        // at the end are accepted.
        (
            "<GS>0109506000134352<GS>10X<GS>",
            "unknown gtin=09506000134352 lot=X | (01)09506000134352(10)X",
        ),
        // Ship-to GLN (410) and the same AI twice with the same value.
        (
            "(410)4012345000016(10)A(10)A",
            "unknown lot=A | (410)4012345000016(10)A(10)A",
        ),
        // A ( in a lot that does not open an AI stays in the value.
        (
            "(01)09521234543213(10)A(B)C(21)7",
            "unknown gtin=09521234543213 lot=A(B)C serial=7 | (01)09521234543213(10)A(B)C(21)7",
        ),
    ]);
}

#[test]
fn element_strings_that_do_not_parse_say_why() {
    check_table(&[
        (
            "]C10109521234543214",
            "error: AI 01: check digit of 09521234543214 should be 3",
        ),
        (
            "]C100106141411234567890",
            "error: AI 00: check digit of 106141411234567890 should be 7",
        ),
        (
            "]C1010952123454321317261332",
            "error: AI 17 date 261332 is not a date (YYMMDD)",
        ),
        (
            "]C1010952123454321317250230",
            "error: AI 17 date 250230 is not a date (YYMMDD)",
        ),
        (
            "]C1010952123454321310ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "error: AI 10 value \"ABCDEFGHIJKLMNOPQRSTUVWXYZ\" has 26 characters; at most 20 are allowed (is a GS separator missing after it?)",
        ),
        (
            "]C10109521234543213499912",
            "error: unknown AI 4999 at character 17: no GS1 application identifier starts with these digits",
        ),
        (
            "]C1010952123454321",
            "error: AI 01 value \"0952123454321\" has 13 characters; it needs at least 14",
        ),
        ("]C110<GS>21X", "error: AI 10 has no value"),
        (
            "]C1010952123454321317251231<GS>17260101",
            "error: AI 17 appears twice with different values (\"251231\" and \"260101\")",
        ),
        (
            "]C1ABC",
            "error: expected an application identifier (2 to 4 digits) at character 1, found \"ABC\"",
        ),
        ("]C1", "error: the scan is empty"),
        (
            "]d2010950600013435217261231700326123114301",
            "error: expected an application identifier (2 to 4 digits) at character 39, found \"1\"",
        ),
        (
            "]C1<GS><GS>",
            "error: the GS1 element string has no elements",
        ),
        (
            "(01)09521234543213(17)251231(99",
            "error: '(' at character 29 has no matching ')'",
        ),
        (
            "(0A)123",
            "error: expected an application identifier (2 to 4 digits) at character 2, found \"0A\"",
        ),
        (
            "(4999)12",
            "error: unknown AI 4999 at character 2: no GS1 application identifier starts with these digits",
        ),
        (
            "(01)095212345432133",
            "error: AI 01 value \"095212345432133\" has 15 characters; at most 14 are allowed",
        ),
        (
            "]C17003261231246010A",
            "error: AI 7003 value 2612312460 is not a valid date and time (YYMMDDhhmm)",
        ),
        (
            "]C110A B",
            "error: AI 10 value \"A B\" contains ' ', which GS1 does not allow there",
        ),
        (
            "]C13103ABCDEF",
            "error: AI 3103 value \"ABCDEF\" must be digits",
        ),
    ]);
}

#[test]
fn raw_and_human_readable_forms_agree() {
    let pairs = [
        (
            "]C10109521234543213172512311012AB<GS>21S-9<GS>3005",
            "(01)09521234543213(17)251231(10)12AB(21)S-9(30)05",
        ),
        (
            "]C1020952123454321337100<GS>00106141411234567897",
            "(02)09521234543213(37)100(00)106141411234567897",
        ),
    ];
    for (raw, human) in pairs {
        let a = scanner::parse(&gs(raw)).unwrap();
        let b = scanner::parse(human).unwrap();
        assert_eq!(a.elements, b.elements, "{raw} vs {human}");
        assert_eq!(
            (a.gtin, a.lot, a.expiry_date),
            (b.gtin, b.lot, b.expiry_date)
        );
    }
}

#[test]
fn ai_titles_name_the_fields() {
    assert_eq!(scanner::ai_title("01"), Some("GTIN"));
    assert_eq!(scanner::ai_title("10"), Some("BATCH/LOT"));
    assert_eq!(scanner::ai_title("7003"), Some("EXPIRY TIME"));
    assert_eq!(scanner::ai_title("3103"), Some("NET WEIGHT (kg)"));
    assert_eq!(scanner::ai_title("49"), None);
}
