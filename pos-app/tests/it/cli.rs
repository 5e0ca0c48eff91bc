//! The `pos` administrator commands as an installer runs them: the real binary on a
//! temporary data dir. Bad input says what is wrong, exits non-zero and changes nothing.

use std::path::Path;
use std::process::{Command, Output};

fn pos(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pos"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("POS_DATA_DIR")
        .output()
        .expect("pos runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "stdout: {}\nstderr: {}",
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

/// `pos init` of store S001's `terminal` with the manager's PIN and any `more` flags.
fn init(data: &Path, terminal: &str, manager_pin: &str, more: &[&str]) -> Output {
    let mut args = vec![
        "init",
        "--store",
        "S001",
        "--terminal",
        terminal,
        "--manager-pin",
        manager_pin,
    ];
    args.extend_from_slice(more);
    pos(data, &args)
}

fn verify(data: &Path) -> serde_json::Value {
    let out = pos(data, &["verify"]);
    serde_json::from_str(stdout(&out).trim()).expect("verify prints one JSON line")
}

#[test]
fn init_import_simulate_report_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("till");
    ok(init(&data, "T01", "123456", &["--cashier-pin", "1111"]));
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/demo/catalog.csv");
    let imported = ok(pos(&data, &["import", demo.to_str().unwrap()]));
    assert!(imported.contains("imported 243 products"), "{imported}");
    // A load-test till: a generated catalog instead of a file.
    let load = dir.path().join("load");
    ok(init(&load, "T02", "123456", &[]));
    let generated = ok(pos(&load, &["import", "--generate", "500"]));
    assert!(generated.contains("imported 500 products"), "{generated}");

    let sold = ok(pos(
        &data,
        &[
            "simulate",
            "--sales",
            "5",
            "--pin",
            "123456",
            "--start",
            "2026-11-22T02:00:00Z",
            "--trace",
        ],
    ));
    assert_eq!(sold.lines().filter(|l| l.starts_with("sale ")).count(), 5);
    let x = ok(pos(&data, &["report", "x", "--json"]));
    let x: serde_json::Value = serde_json::from_str(&x).expect("the X report as JSON");
    assert!(x.is_object(), "{x}");

    let check = verify(&data);
    assert_eq!(check["ok"], true, "{check}");
    assert_eq!(check["chain_ok"], true, "{check}");
}

#[test]
fn bad_input_is_refused_with_the_reason_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("till");

    // No till yet: each command says where it looked.
    let missing = pos(&data, &["verify"]);
    assert!(!missing.status.success());
    assert!(
        stderr(&missing).contains(&data.display().to_string()),
        "{}",
        stderr(&missing)
    );

    let short_pin = init(&data, "T01", "12", &[]);
    assert!(!short_pin.status.success());
    assert!(
        !data.join("till.sqlite").exists(),
        "a refused init leaves no till"
    );

    ok(init(&data, "T01", "123456", &[]));
    let before = verify(&data);
    let broken = dir.path().join("broken.csv");
    std::fs::write(&broken, "# product\nthis,is,not,a,catalog\n").unwrap();
    let refused = pos(&data, &["import", broken.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("broken.csv"),
        "{}",
        stderr(&refused)
    );
    let neither = pos(&data, &["import"]);
    assert!(!neither.status.success(), "a file or --generate is needed");
    assert_eq!(verify(&data), before, "refused imports changed the till");
}
