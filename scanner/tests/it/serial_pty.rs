//! A serial scanner through real pseudo-terminals: every suffix, AIM identifiers, a
//! burst of codes in one write, bytes that are not UTF-8, a missing suffix, a hang-up.

use crate::common::pty::FakeScanner;
use scanner::{
    Parity, ParseError, ScanRead, ScannerError, SerialConfig, SerialScanner, Suffix, Symbology,
};
use std::time::{Duration, Instant};

/// Bound on waiting for one code; codes arrive in microseconds on a pty.
const CODE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long "nothing more comes" is watched for.
const QUIET: Duration = Duration::from_millis(150);

fn config(fake: &FakeScanner, suffix: Suffix, aim_ids: bool) -> SerialConfig {
    SerialConfig {
        suffix,
        aim_ids,
        ..SerialConfig::new(fake.port())
    }
}

fn next(scanner: &mut SerialScanner) -> ScanRead {
    scanner
        .next_scan(CODE_TIMEOUT)
        .expect("port still open")
        .expect("a code within the timeout")
}

fn read_raws(scanner: &mut SerialScanner, n: usize) -> Vec<String> {
    (0..n).map(|_| next(scanner).raw).collect()
}

fn assert_no_more(scanner: &mut SerialScanner) {
    assert_eq!(scanner.next_scan(QUIET).expect("port still open"), None);
}

/// Valid EAN-13 codes 690123456000x.. with their check digits.
fn ean13s(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let data = format!("690123{i:06}");
            let check = scanner::gs1_check_digit(&data).unwrap();
            format!("{data}{check}")
        })
        .collect()
}

#[test]
fn each_suffix_yields_exactly_the_codes() {
    let codes = [
        "6901234567892",
        "96385074",
        "(01)00844588003288(17)141120(10)7654321D",
    ];
    for suffix in [Suffix::Cr, Suffix::Lf, Suffix::CrLf] {
        let mut fake = FakeScanner::plugged_in();
        let mut scanner = SerialScanner::open(&config(&fake, suffix, false)).unwrap();
        for code in codes {
            fake.send(format!("{code}{}", String::from_utf8_lossy(suffix.bytes())).as_bytes());
        }
        let reads: Vec<ScanRead> = (0..codes.len()).map(|_| next(&mut scanner)).collect();
        let raws: Vec<&str> = reads.iter().map(|r| r.raw.as_str()).collect();
        assert_eq!(raws, codes, "{suffix:?}");
        let first = reads[0].result.as_ref().unwrap();
        assert_eq!(first.gtin.as_deref(), Some("6901234567892"));
        let udi = reads[2].result.as_ref().unwrap();
        assert_eq!(udi.lot.as_deref(), Some("7654321D"));
        assert_no_more(&mut scanner);
    }
}

#[test]
fn no_suffix_ends_each_code_after_the_idle_time() {
    let mut fake = FakeScanner::plugged_in();
    let cfg = config(&fake, Suffix::None { idle_ms: 40 }, false);
    let mut scanner = SerialScanner::open(&cfg).unwrap();
    for code in ["6901234567892", "73513537", "SKU-42"] {
        // The next code is sent only once the previous one was read, so the idle gap
        // between them is real.
        let sent = Instant::now();
        fake.send(code.as_bytes());
        let read = next(&mut scanner);
        assert_eq!(read.raw, code);
        assert!(
            sent.elapsed() >= Duration::from_millis(40),
            "ended before the idle time"
        );
    }
    assert_no_more(&mut scanner);
}

#[test]
fn aim_identifiers_name_the_symbology() {
    let mut fake = FakeScanner::plugged_in();
    let mut scanner = SerialScanner::open(&config(&fake, Suffix::Cr, true)).unwrap();
    fake.send(
        b"]E06901234567892\r]E401234565\r]E004252614\r]C1010084458800328817141120107654321D\x1d2110987654d321\r]d2010950600013435217260200\r]Q3010950600013435210Q1\r]C0ABC-123\r",
    );
    let expected = [
        (Symbology::Ean13, Some("6901234567892")),
        (Symbology::Ean8, Some("01234565")),
        (Symbology::UpcE, Some("042100005264")),
        (Symbology::Gs1_128, Some("00844588003288")),
        (Symbology::Gs1DataMatrix, Some("09506000134352")),
        (Symbology::QrCode, Some("09506000134352")),
        (Symbology::Code128, None),
    ];
    for (symbology, gtin) in expected {
        let read = next(&mut scanner);
        let scan = read.result.unwrap_or_else(|e| panic!("{}: {e}", read.raw));
        assert_eq!(
            (scan.symbology, scan.gtin.as_deref()),
            (symbology, gtin),
            "{}",
            read.raw
        );
    }
    assert_no_more(&mut scanner);
}

#[test]
fn without_aim_ids_a_leading_bracket_is_data() {
    let mut fake = FakeScanner::plugged_in();
    let mut scanner = SerialScanner::open(&config(&fake, Suffix::Cr, false)).unwrap();
    fake.send(b"]C0ABC\r");
    let scan = next(&mut scanner).result.unwrap();
    assert_eq!(
        (scan.symbology, scan.raw.as_str()),
        (Symbology::Unknown, "]C0ABC")
    );
}

#[test]
fn burst_of_50_codes_in_one_write() {
    let codes = ean13s(50);
    for suffix in [Suffix::Cr, Suffix::CrLf] {
        let mut fake = FakeScanner::plugged_in();
        let mut scanner = SerialScanner::open(&config(&fake, suffix, true)).unwrap();
        let burst: Vec<u8> = codes
            .iter()
            .flat_map(|c| c.bytes().chain(suffix.bytes().iter().copied()))
            .collect();
        fake.send(&burst);
        let reads: Vec<ScanRead> = (0..codes.len()).map(|_| next(&mut scanner)).collect();
        let raws: Vec<&String> = reads.iter().map(|r| &r.raw).collect();
        assert_eq!(raws, codes.iter().collect::<Vec<_>>());
        assert!(reads.iter().all(|r| r.result.is_ok()));
        assert_no_more(&mut scanner);
    }
}

#[test]
fn bad_codes_are_reported_with_their_text() {
    let mut fake = FakeScanner::plugged_in();
    let mut scanner = SerialScanner::open(&config(&fake, Suffix::Lf, false)).unwrap();
    fake.send(b"6901234567893\n\xff\xfe12\n");
    let read = next(&mut scanner);
    assert_eq!(read.raw, "6901234567893");
    assert_eq!(
        read.result.unwrap_err().to_string(),
        "check digit of 6901234567893 should be 2"
    );
    // Not UTF-8: replaced, still reported, no panic.
    let read = next(&mut scanner);
    assert_eq!(read.raw, "\u{fffd}\u{fffd}12");
    assert_eq!(read.result.unwrap().symbology, Symbology::Unknown);
}

#[test]
fn code_without_its_suffix_is_reported_not_joined_to_the_next() {
    let mut fake = FakeScanner::plugged_in();
    let mut scanner = SerialScanner::open(&config(&fake, Suffix::CrLf, false)).unwrap();
    fake.send(b"69012");
    let read = next(&mut scanner);
    assert_eq!(read.raw, "69012");
    assert_eq!(
        read.result,
        Err(ParseError::MissingSuffix {
            suffix: "CR LF",
            timeout_ms: 1000
        })
    );
    fake.send(b"6901234567892\r\n");
    assert_eq!(read_raws(&mut scanner, 1), ["6901234567892"]);
}

#[test]
fn other_line_settings_open_and_read() {
    let mut fake = FakeScanner::plugged_in();
    let cfg = SerialConfig {
        baud: 115_200,
        data_bits: 7,
        parity: Parity::Even,
        ..config(&fake, Suffix::Cr, false)
    };
    let mut scanner = SerialScanner::open(&cfg).unwrap();
    assert_eq!(scanner.config(), &cfg);
    fake.send(b"96385074\r");
    assert_eq!(read_raws(&mut scanner, 1), ["96385074"]);
}

#[test]
fn hang_up_is_an_error_not_a_panic_or_a_spin() {
    let mut fake = FakeScanner::plugged_in();
    let mut scanner = SerialScanner::open(&config(&fake, Suffix::Cr, false)).unwrap();
    fake.send(b"96385074\r");
    assert_eq!(read_raws(&mut scanner, 1), ["96385074"]);
    fake.hang_up();
    let started = Instant::now();
    let err = scanner.next_scan(CODE_TIMEOUT).unwrap_err();
    assert!(
        matches!(err, ScannerError::Disconnected { .. }),
        "expected Disconnected, got {err:?}"
    );
    assert!(err.to_string().contains(&fake.port()), "{err}");
    // Reported at once, not after waiting out the timeout.
    assert!(
        started.elapsed() < CODE_TIMEOUT,
        "took {:?}",
        started.elapsed()
    );
    // The port is gone: opening again says so.
    let err = SerialScanner::open(&config(&fake, Suffix::Cr, false)).unwrap_err();
    assert!(matches!(err, ScannerError::Open { .. }), "{err:?}");
}

#[test]
fn open_errors_name_the_problem() {
    let missing = SerialConfig::new("/dev/does-not-exist-scanner");
    let err = SerialScanner::open(&missing).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("cannot open scanner port /dev/does-not-exist-scanner: "),
        "{err}"
    );
    let cases = [
        (
            SerialConfig {
                data_bits: 9,
                ..SerialConfig::new("/dev/ttyUSB0")
            },
            "invalid scanner setting: data bits must be 5 to 8, not 9",
        ),
        (
            SerialConfig {
                baud: 0,
                ..SerialConfig::new("/dev/ttyUSB0")
            },
            "invalid scanner setting: baud rate 0 is outside 50 to 4000000",
        ),
        (
            SerialConfig::new(" "),
            "invalid scanner setting: the port path is empty",
        ),
        (
            SerialConfig {
                suffix: Suffix::None { idle_ms: 0 },
                ..SerialConfig::new("/dev/ttyUSB0")
            },
            "invalid scanner setting: idle time 0 ms for a scanner without suffix must be 1 to 5000 ms",
        ),
    ];
    for (cfg, message) in cases {
        assert_eq!(SerialScanner::open(&cfg).unwrap_err().to_string(), message);
    }
}

#[test]
fn config_round_trips_through_a_settings_file() {
    let cfg = SerialConfig {
        suffix: Suffix::None { idle_ms: 60 },
        parity: Parity::Odd,
        aim_ids: true,
        ..SerialConfig::new("/dev/ttyACM0")
    };
    let json = serde_json::to_string(&cfg).unwrap();
    assert_eq!(
        json,
        r#"{"port":"/dev/ttyACM0","baud":9600,"data_bits":8,"parity":"odd","suffix":{"none":{"idle_ms":60}},"aim_ids":true}"#
    );
    assert_eq!(serde_json::from_str::<SerialConfig>(&json).unwrap(), cfg);
}
