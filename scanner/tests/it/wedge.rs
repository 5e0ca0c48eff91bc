//! The keyboard-wedge classifier: scanner bursts become one scan, a person's typing is
//! handed back, mixed input is split where the timing changes.

use scanner::{WedgeClassifier, WedgeConfig, WedgeEvent};
use std::time::{Duration, Instant};

/// One input: a key (`'\n'` = Enter) or a timer tick, at a time in ms from the start.
#[derive(Clone, Copy)]
enum Input {
    Key(char, u64),
    Tick(u64),
}

/// Keys of `text` every `gap_ms`, starting at `start_ms`; a trailing `\n` is Enter.
fn keys(text: &str, start_ms: u64, gap_ms: u64) -> Vec<Input> {
    text.chars()
        .enumerate()
        .map(|(i, c)| Input::Key(c, start_ms + i as u64 * gap_ms))
        .collect()
}

/// Runs the inputs and returns every event that is not `Pending`, written as
/// `scan:TEXT` or `typed:TEXT`.
fn run(config: WedgeConfig, inputs: &[Input]) -> Vec<String> {
    let t0 = Instant::now();
    let at = |ms: u64| t0 + Duration::from_millis(ms);
    let mut classifier = WedgeClassifier::new(config);
    let mut out = Vec::new();
    for input in inputs {
        let event = match *input {
            Input::Key('\n', ms) => classifier.enter(at(ms)),
            Input::Key(c, ms) => classifier.key(c, at(ms)),
            Input::Tick(ms) => classifier.flush(at(ms)),
        };
        match event {
            WedgeEvent::Pending => {}
            WedgeEvent::Scan(s) => out.push(format!("scan:{s}")),
            WedgeEvent::Typed(s) => out.push(format!("typed:{s}")),
        }
    }
    out
}

fn concat(parts: &[Vec<Input>]) -> Vec<Input> {
    parts.concat()
}

#[test]
fn scanner_burst_5ms_apart_ending_in_enter_is_one_scan() {
    let events = run(WedgeConfig::default(), &keys("6901234567892\n", 0, 5));
    assert_eq!(events, ["scan:6901234567892"]);
}

#[test]
fn person_typing_150ms_apart_is_typed() {
    // Each key is released by the next key, by Enter (which the UI then acts on) or by
    // the timer tick after the threshold.
    let events = run(WedgeConfig::default(), &keys("abc\n", 0, 150));
    assert_eq!(events, ["typed:a", "typed:b", "typed:c"]);
    let with_ticks = concat(&[
        keys("1", 0, 0),
        vec![Input::Tick(20), Input::Tick(40)],
        keys("2", 150, 0),
        vec![Input::Tick(200)],
    ]);
    assert_eq!(
        run(WedgeConfig::default(), &with_ticks),
        ["typed:1", "typed:2"]
    );
}

#[test]
fn mixed_input_table() {
    let cases: Vec<(&str, Vec<Input>, Vec<&str>)> = vec![
        (
            "person types, then scans",
            concat(&[keys("12", 0, 150), keys("6901234567892\n", 400, 4)]),
            vec!["typed:1", "typed:2", "scan:6901234567892"],
        ),
        (
            "scan, then person types and presses Enter",
            concat(&[keys("96385074\n", 0, 3), keys("ab\n", 500, 150)]),
            vec!["scan:96385074", "typed:a", "typed:b"],
        ),
        (
            "two scans back to back",
            concat(&[keys("96385074\n", 0, 3), keys("73513537\n", 100, 3)]),
            vec!["scan:96385074", "scan:73513537"],
        ),
        (
            "fast but too short for a scan",
            keys("12\n", 0, 5),
            vec!["typed:12"],
        ),
        (
            "burst without Enter goes back as typed on the tick",
            concat(&[
                keys("6901234", 0, 5),
                vec![Input::Tick(60), Input::Tick(70)],
            ]),
            vec!["typed:6901234"],
        ),
        (
            "burst, then Enter pressed by a person later",
            concat(&[keys("6901234", 0, 5), vec![Input::Key('\n', 300)]]),
            vec!["typed:6901234"],
        ),
        (
            "tick during a burst holds it",
            concat(&[
                keys("6901", 0, 5),
                vec![Input::Tick(20)],
                keys("234567892\n", 20, 5),
            ]),
            vec!["scan:6901234567892"],
        ),
        (
            "Enter alone belongs to the UI",
            vec![Input::Key('\n', 0)],
            vec!["typed:"],
        ),
        (
            "GS from a wedge that maps FNC1 stays in the scan",
            keys("0109506000134352\u{1d}10AB\n", 0, 2),
            vec!["scan:0109506000134352\u{1d}10AB"],
        ),
        (
            "key events out of order count as fast, never panic",
            vec![
                Input::Key('1', 100),
                Input::Key('2', 50),
                Input::Key('3', 60),
                Input::Key('4', 61),
                Input::Key('\n', 0),
            ],
            vec!["scan:1234"],
        ),
    ];
    for (name, inputs, expected) in cases {
        assert_eq!(run(WedgeConfig::default(), &inputs), expected, "{name}");
    }
}

#[test]
fn threshold_is_configurable() {
    let keys_40ms = keys("6901234567892\n", 0, 40);
    assert_eq!(
        run(WedgeConfig::default(), &keys_40ms)
            .last()
            .map(String::as_str),
        Some("typed:2")
    );
    let slow_scanner = WedgeConfig {
        max_inter_key_ms: 50,
        ..WedgeConfig::default()
    };
    assert_eq!(run(slow_scanner, &keys_40ms), ["scan:6901234567892"]);
    // Exactly at the threshold is still fast.
    let config = WedgeConfig {
        max_inter_key_ms: 40,
        ..WedgeConfig::default()
    };
    assert_eq!(run(config, &keys_40ms), ["scan:6901234567892"]);
}

#[test]
fn min_and_max_length_are_configurable() {
    let short_codes = WedgeConfig {
        min_length: 2,
        ..WedgeConfig::default()
    };
    assert_eq!(run(short_codes, &keys("12\n", 0, 5)), ["scan:12"]);
    let small = WedgeConfig {
        max_length: 5,
        ..WedgeConfig::default()
    };
    assert_eq!(
        run(small, &keys("1234567\n", 0, 5)),
        ["typed:12345", "typed:67"]
    );
}

#[test]
fn pending_deadline_says_when_to_tick() {
    let t0 = Instant::now();
    let mut c = WedgeClassifier::default();
    assert_eq!(c.pending_deadline(), None);
    assert_eq!(c.key('a', t0), WedgeEvent::Pending);
    let deadline = c.pending_deadline().unwrap();
    assert_eq!(deadline, t0 + Duration::from_millis(31));
    assert_eq!(
        c.flush(deadline - Duration::from_millis(1)),
        WedgeEvent::Pending
    );
    assert_eq!(c.flush(deadline), WedgeEvent::Typed("a".into()));
    assert_eq!(c.pending_deadline(), None);
}

#[test]
fn config_reads_from_a_settings_file_with_defaults() {
    let config: WedgeConfig = serde_json::from_str(r#"{"max_inter_key_ms": 45}"#).unwrap();
    assert_eq!(
        config,
        WedgeConfig {
            max_inter_key_ms: 45,
            ..WedgeConfig::default()
        }
    );
    assert_eq!(WedgeConfig::default().max_inter_key_ms, 30);
    assert_eq!(WedgeConfig::default().min_length, 4);
}
