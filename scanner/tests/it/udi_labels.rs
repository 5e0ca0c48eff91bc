//! Medical-device UDI labels (GS1 issuing agency): GTIN, lot, dates, serial, as printed
//! in the human-readable line and as scanners send the DataMatrix or GS1-128.

use crate::common::summary::{gs, outcome};
use chrono::NaiveDate;

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
fn udi_labels() {
    check_table(&[
        // The GS1 example in the FDA's "UDI Formats by FDA-Accredited Issuing Agency".
        (
            "(01)00844588003288(17)141120(10)7654321D(21)10987654d321",
            "unknown gtin=00844588003288 lot=7654321D exp=2014-11-20 serial=10987654d321 | (01)00844588003288(17)141120(10)7654321D(21)10987654d321",
        ),
        (
            "]d2010084458800328817141120107654321D<GS>2110987654d321",
            "gs1_data_matrix gtin=00844588003288 lot=7654321D exp=2014-11-20 serial=10987654d321 | (01)00844588003288(17)141120(10)7654321D(21)10987654d321",
        ),
        (
            "]C1010084458800328817141120107654321D<GS>2110987654d321",
            "gs1_128 gtin=00844588003288 lot=7654321D exp=2014-11-20 serial=10987654d321 | (01)00844588003288(17)141120(10)7654321D(21)10987654d321",
        ),
        // Production and expiry date, lot and serial (GUDID data-entry example).
        (
            "(01)10884521062856(11)141231(17)150707(10)A213B1(21)1234",
            "unknown gtin=10884521062856 lot=A213B1 exp=2015-07-07 prod=2014-12-31 serial=1234 | (01)10884521062856(11)141231(17)150707(10)A213B1(21)1234",
        ),
        // Serial-tracked implant: expiry and serial, no lot.
        (
            "(01)00643169007222(17)160128(21)BLC200461H",
            "unknown gtin=00643169007222 exp=2016-01-28 serial=BLC200461H | (01)00643169007222(17)160128(21)BLC200461H",
        ),
        // The layout from the issue, with its GTIN's check digit corrected (...020 -> ...026).
        (
            "(01)00884838087026(17)251231(10)A123(21)SN001",
            "unknown gtin=00884838087026 lot=A123 exp=2025-12-31 serial=SN001 | (01)00884838087026(17)251231(10)A123(21)SN001",
        ),
        (
            "(01)00884838087020(17)251231(10)A123(21)SN001",
            "error: AI 01: check digit of 00884838087020 should be 6",
        ),
        // DD = 00: expiry is the last day of the month (also in a leap year), production
        // the first.
        (
            "]d2010950600013435217260200<GS>10L1",
            "gs1_data_matrix gtin=09506000134352 lot=L1 exp=2026-02-28 | (01)09506000134352(17)260200(10)L1",
        ),
        (
            "]d20109506000134352112504001728020010L1",
            "gs1_data_matrix gtin=09506000134352 lot=L1 exp=2028-02-29 prod=2025-04-01 | (01)09506000134352(11)250400(17)280200(10)L1",
        ),
        // Glucose test strips: box of 50 (AI 30), catalogue number (AI 240).
        (
            "(01)09506000134352(17)270331(10)GS2403(240)REF-7003-50(30)50",
            "unknown gtin=09506000134352 lot=GS2403 exp=2027-03-31 qty=50 | (01)09506000134352(17)270331(10)GS2403(240)REF-7003-50(30)50",
        ),
        // Human-readable line with spaces, as some labels print it.
        (
            "(01) 00844588003288 (17) 141120 (10) 7654321D",
            "unknown gtin=00844588003288 lot=7654321D exp=2014-11-20 | (01)00844588003288(17)141120(10)7654321D",
        ),
        // A keyboard wedge that dropped the FNC1 characters: still fine while only the
        // last element is variable-length.
        (
            "010084458800328817141120107654321D",
            "unknown gtin=00844588003288 lot=7654321D exp=2014-11-20 | (01)00844588003288(17)141120(10)7654321D",
        ),
        // Limit: with the GS lost after a lot, the expiry reads as part of the lot and
        // nothing can tell (the lot is still within 20 characters). Scanners must be set
        // to send GS; the till shows the parsed fields for the cashier to see.
        (
            "0100844588003288107654321D17141120",
            "unknown gtin=00844588003288 lot=7654321D17141120 | (01)00844588003288(10)7654321D17141120",
        ),
    ]);
}

#[test]
fn lot_that_swallows_the_next_ai_is_caught_when_too_long() {
    // Without GS after the lot, (17) becomes part of it; past 20 characters that is an
    // error that names the likely cause.
    let err = scanner::parse("]C101008445880032881012345678901234517141120").unwrap_err();
    assert_eq!(
        err.to_string(),
        "AI 10 value \"12345678901234517141120\" has 23 characters; at most 20 are allowed (is a GS separator missing after it?)"
    );
}

#[test]
fn helpers_on_a_udi_scan() {
    let scan = scanner::parse(&gs(
        "]d20109506000134352172612317003261231143010AB1<GS>21S1",
    ))
    .unwrap();
    assert!(scan.is_gs1());
    assert_eq!(scan.gtin14().as_deref(), Some("09506000134352"));
    assert_eq!(scan.element("10"), Some("AB1"));
    assert_eq!(scan.element("99"), None);
    assert_eq!(
        scan.expiry_time().map(|t| t.to_string()).as_deref(),
        Some("2026-12-31 14:30:00")
    );
    assert_eq!(scan.date("17"), NaiveDate::from_ymd_opt(2026, 12, 31));
    assert_eq!(scan.date("10"), None);
}

#[test]
fn scan_serializes_to_the_json_the_diagnostics_print() {
    let scan = scanner::parse(&gs(
        "]d2010084458800328817141120107654321D<GS>2110987654d321",
    ))
    .unwrap();
    let json = serde_json::to_string(&scan).unwrap();
    assert_eq!(
        json,
        r#"{"symbology":"gs1_data_matrix","raw":"010084458800328817141120107654321D\u001d2110987654d321","gtin":"00844588003288","lot":"7654321D","expiry_date":"2014-11-20","production_date":null,"serial":"10987654d321","quantity":null,"sscc":null,"elements":[{"ai":"01","value":"00844588003288"},{"ai":"17","value":"141120"},{"ai":"10","value":"7654321D"},{"ai":"21","value":"10987654d321"}]}"#
    );
    let back: scanner::Scan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, scan);
}
