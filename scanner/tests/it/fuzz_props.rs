//! Property tests: arbitrary strings and bytes into every parser and the wedge
//! classifier give values or errors, never a panic; and what should round-trip does.

use proptest::prelude::*;
use scanner::{
    Scan, WedgeClassifier, WedgeConfig, WedgeEvent, expand_upc_e, gs1_check_digit,
    has_valid_gs1_check_digit, normalize_gtin14, parse, parse_with_aim,
};
use std::time::{Duration, Instant};

/// Characters that reach the deep paths: digits, AIM, parentheses, GS, letters.
const NEAR_MISS: &str = "[0-9()\\]\u{1d}CdEQe1234ABx \r\n]{0,80}";

fn every_parser(text: &str) {
    let _ = parse(text);
    let _ = parse_with_aim(None, text);
    for aim in [
        "]C1", "]d2", "]Q3", "]e0", "]E0", "]E3", "]E4", "]I1", "]C0", "]X9",
    ] {
        let _ = parse_with_aim(Some(aim), text);
    }
    let _ = gs1_check_digit(text);
    let _ = has_valid_gs1_check_digit(text);
    let _ = normalize_gtin14(text);
    let _ = expand_upc_e(text);
    let _ = scanner::ai_title(text);
}

/// A parsed scan is consistent with itself.
fn check_invariants(scan: &Scan) -> Result<(), TestCaseError> {
    if let Some(gtin) = &scan.gtin {
        prop_assert!(has_valid_gs1_check_digit(gtin), "gtin {gtin}");
        prop_assert!(scan.gtin14().is_some());
    }
    for e in &scan.elements {
        prop_assert!(scan.raw.contains(&e.value) || scan.raw.contains(' '));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_string_never_panics(text in any::<String>()) {
        every_parser(&text);
        if let Ok(scan) = parse(&text) {
            check_invariants(&scan)?;
        }
    }

    #[test]
    fn any_bytes_lossy_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        every_parser(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn near_miss_text_never_panics(text in NEAR_MISS) {
        every_parser(&text);
        if let Ok(scan) = parse(&text) {
            check_invariants(&scan)?;
        }
    }

    #[test]
    fn any_aim_never_panics(aim in any::<String>(), text in NEAR_MISS) {
        let _ = parse_with_aim(Some(&aim), &text);
    }

    #[test]
    fn check_digit_makes_any_digits_valid(data in "[0-9]{1,30}", wrong in 1u8..10) {
        let check = gs1_check_digit(&data).unwrap();
        let right = format!("{data}{check}");
        let wrong = format!("{data}{}", (check + wrong) % 10);
        prop_assert!(has_valid_gs1_check_digit(&right));
        prop_assert!(!has_valid_gs1_check_digit(&wrong));
    }

    #[test]
    fn valid_ean13_parses_to_its_gtin(data in "[1-9][0-9]{11}") {
        let code = format!("{data}{}", gs1_check_digit(&data).unwrap());
        let scan = parse(&code).unwrap();
        prop_assert_eq!(scan.gtin.as_deref(), Some(code.as_str()));
        let with_aim = parse(&format!("]E0{code}")).unwrap();
        prop_assert_eq!(with_aim, scan);
    }

    #[test]
    fn valid_upc_e_parses_to_its_upc_a(body in "[01][0-9]{6}") {
        // Find the check digit of the expansion, then the UPC-E must parse to it.
        let upc_a_stem = expand_upc_e(&format!("{body}0")).unwrap();
        let check = gs1_check_digit(&upc_a_stem[..11]).unwrap();
        let upc_e = format!("{body}{check}");
        let scan = parse(&format!("]E0{upc_e}")).unwrap();
        prop_assert_eq!(scan.gtin, Some(format!("{}{check}", &upc_a_stem[..11])));
    }

    /// Random elements written raw (GS after variable values) and human-readable parse
    /// to the same elements.
    #[test]
    fn raw_and_human_readable_round_trip(
        gtin_data in "[0-9]{13}",
        expiry in (0u32..100, 1u32..13, 0u32..29),
        lot in "[A-Za-z0-9\\-./]{1,20}",
        serial in proptest::option::of("[A-Za-z0-9]{1,20}"),
        count in proptest::option::of(1u32..99_999_999),
    ) {
        let gtin = format!("{gtin_data}{}", gs1_check_digit(&gtin_data).unwrap());
        let date = format!("{:02}{:02}{:02}", expiry.0, expiry.1, expiry.2);
        let mut elements = vec![("01", gtin.clone()), ("17", date), ("10", lot.clone())];
        if let Some(s) = serial.clone() {
            elements.push(("21", s));
        }
        if let Some(c) = count {
            elements.push(("30", c.to_string()));
        }
        let human: String = elements.iter().map(|(ai, v)| format!("({ai}){v}")).collect();
        let raw: String = elements
            .iter()
            .enumerate()
            .map(|(i, (ai, v))| {
                let variable = matches!(*ai, "10" | "21" | "30");
                let sep = if variable && i + 1 < elements.len() { "\u{1d}" } else { "" };
                format!("{ai}{v}{sep}")
            })
            .collect();
        let a = parse(&format!("]C1{raw}")).unwrap();
        let b = parse(&human).unwrap();
        prop_assert_eq!(&a.elements, &b.elements);
        prop_assert_eq!(a.gtin.as_deref(), Some(gtin.as_str()));
        prop_assert_eq!(a.lot.as_deref(), Some(lot.as_str()));
        prop_assert_eq!(a.serial, serial);
        prop_assert_eq!(a.quantity, count);
        prop_assert!(a.expiry_date.is_some());
    }

    /// Whatever the keys and timing, every character comes out exactly once, in order,
    /// as a scan or as typed text; nothing is lost, duplicated or stuck.
    #[test]
    fn classifier_loses_no_key(
        inputs in proptest::collection::vec((any::<char>(), 0u64..200, 0u8..10), 0..200),
        max_inter_key_ms in 0u64..100,
        min_length in 0usize..10,
        max_length in 1usize..50,
    ) {
        let config = WedgeConfig { max_inter_key_ms, min_length, max_length };
        let mut classifier = WedgeClassifier::new(config);
        let t0 = Instant::now();
        let mut at = t0;
        let mut fed = String::new();
        let mut out = String::new();
        let collect = |event: WedgeEvent, out: &mut String| match event {
            WedgeEvent::Pending => {}
            WedgeEvent::Scan(s) | WedgeEvent::Typed(s) => out.push_str(&s),
        };
        for (ch, gap_ms, action) in inputs {
            at += Duration::from_millis(gap_ms);
            let event = match action {
                0 => classifier.enter(at),
                1 => classifier.flush(at),
                _ => {
                    fed.push(ch);
                    classifier.key(ch, at)
                }
            };
            collect(event, &mut out);
        }
        collect(classifier.flush(at + Duration::from_secs(1)), &mut out);
        prop_assert_eq!(out, fed);
        prop_assert_eq!(classifier.pending_deadline(), None);
    }
}
