//! The `pos-devices` binary, run as an installer would: decode codes, print a
//! test receipt to a real TCP listener, read status, kick the drawer, read a
//! scanner on a real pseudo-terminal.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::thread;

use chrono::NaiveDate;
use printer::testing::{PAPER_OUT, WAIT, collect_all, contains, find, raw_pty, tcp_printer};
use printer::{PaperWidth, SAMPLE_SALE_ID, render_escpos, sample_receipt};
use serde_json::Value;

/// Runs the built `pos-devices` with `args`, killing it if it runs past `WAIT`.
fn pos_devices(args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_pos-devices"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start pos-devices");
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("pid fits i32"));
    let (tx, rx) = channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(WAIT) {
        Ok(output) => output.expect("pos-devices output"),
        Err(_) => {
            // Our own child, by its id: it overran the bound.
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            panic!("pos-devices {args:?} did not finish within {WAIT:?}");
        }
    }
}

fn stdout_json(output: &Output) -> Value {
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text:?}"))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn decode_prints_an_ean13_as_json() {
    let output = pos_devices(&["decode", "6901234567892"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json = stdout_json(&output);
    assert_eq!(json["symbology"], "ean13");
    assert_eq!(json["gtin"], "6901234567892");
}

#[test]
fn decode_prints_a_udi_with_lot_expiry_and_serial() {
    let output = pos_devices(&["decode", "(01)06901234567892(17)261200(10)A1B2(21)SN0042"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json = stdout_json(&output);
    assert_eq!(json["gtin"], "06901234567892");
    assert_eq!(json["lot"], "A1B2");
    assert_eq!(
        json["expiry_date"], "2026-12-31",
        "DD=00 is the month's last day"
    );
    assert_eq!(json["serial"], "SN0042");
}

#[test]
fn decode_of_a_bad_code_exits_non_zero_with_a_clear_message() {
    let output = pos_devices(&["decode", "6901234567891"]);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no JSON for a bad code");
    let message = stderr(&output);
    assert!(
        message.contains("cannot decode \"6901234567891\""),
        "{message}"
    );
    assert!(message.contains("check digit"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn every_command_has_help() {
    for command in ["scan", "decode", "print-test", "kick-drawer", "status"] {
        let output = pos_devices(&[command, "--help"]);
        assert!(output.status.success(), "{command} --help");
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("Usage: pos-devices"), "{command}: {help}");
    }
    let help = String::from_utf8_lossy(&pos_devices(&["print-test", "--help"]).stdout).into_owned();
    assert!(
        help.contains("--printer <URI>") && help.contains("--width"),
        "{help}"
    );
}

fn print_test(width: &str, paper: PaperWidth) {
    let (addr, received) = tcp_printer(None);
    let uri = format!("tcp://{addr}");
    let output = pos_devices(&["print-test", "--printer", &uri, "--width", width]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bytes = collect_all(&received);
    assert!(
        bytes.starts_with(&[0x1B, b'@', 0x1C, b'&']),
        "ESC @ then FS &"
    );
    // "销售小票" in GB18030.
    assert!(contains(
        &bytes,
        &[0xCF, 0xFA, 0xCA, 0xDB, 0xD0, 0xA1, 0xC6, 0xB1]
    ));
    let mut qr = vec![
        0x1D,
        b'(',
        b'k',
        (SAMPLE_SALE_ID.len() + 3) as u8,
        0,
        49,
        80,
        48,
    ];
    qr.extend_from_slice(SAMPLE_SALE_ID.as_bytes());
    assert!(find(&bytes, &qr).is_some(), "QR code with the sale id");
    assert!(bytes.ends_with(&[0x1D, b'V', b'A', 0]), "cut at the end");
    // Only the printed time differs from any other sample receipt, and it has a fixed length.
    let any_time = NaiveDate::from_ymd_opt(2024, 5, 17)
        .and_then(|d| d.and_hms_opt(14, 30, 5))
        .expect("a valid date");
    assert_eq!(
        bytes.len(),
        render_escpos(&sample_receipt(any_time), paper).len()
    );
}

#[test]
fn print_test_sends_an_80mm_receipt_to_a_tcp_printer() {
    print_test("80", PaperWidth::Mm80);
}

#[test]
fn print_test_sends_a_58mm_receipt_to_a_tcp_printer() {
    print_test("58", PaperWidth::Mm58);
}

#[test]
fn print_test_to_a_printer_that_is_not_there_fails_clearly() {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port");
    let output = pos_devices(&["print-test", "--printer", &format!("tcp://{addr}")]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("cannot reach the printer"), "{message}");
    assert!(
        message.contains("提示"),
        "Chinese hint for the cashier: {message}"
    );
}

#[test]
fn status_prints_paper_out_as_json() {
    let (addr, _received) = tcp_printer(Some(PAPER_OUT));
    let output = pos_devices(&["status", "--printer", &format!("tcp://{addr}")]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json = stdout_json(&output);
    assert_eq!(json["paper_out"], true);
    assert_eq!(json["cover_open"], false);
    assert_eq!(json["online"], false);
}

#[test]
fn kick_drawer_sends_esc_p_with_the_pulse() {
    let (addr, received) = tcp_printer(None);
    let uri = format!("tcp://{addr}");
    let args = [
        "kick-drawer",
        "--printer",
        &uri,
        "--pin",
        "5",
        "--pulse-on-ms",
        "100",
    ];
    let output = pos_devices(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(collect_all(&received), [0x1B, b'p', 1, 50, 120]);
}

#[test]
fn scan_prints_one_json_line_per_code_from_a_serial_scanner() {
    let pty = raw_pty();
    let port = pty.path.to_string_lossy().into_owned();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pos-devices"))
        .args(["scan", "--port", &port, "--count", "2"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start pos-devices scan");
    let stdout = child.stdout.take().expect("stdout piped");
    let (tx, rx) = channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let mut master = pty.master;
    master
        .write_all(b"6901234567892\r6901234567891\r")
        .expect("play the scanner");
    let good = rx.recv_timeout(WAIT);
    let bad = rx.recv_timeout(WAIT);
    // The binary exits after --count scans: its stdout closes, ending the reader.
    let closed = matches!(rx.recv_timeout(WAIT), Err(RecvTimeoutError::Disconnected));
    if !closed {
        let _ = child.kill();
    }
    let exit = child.wait().expect("wait for pos-devices");
    let good: Value = serde_json::from_str(&good.expect("first scan")).expect("JSON line");
    assert_eq!(good["gtin"], "6901234567892");
    let bad: Value = serde_json::from_str(&bad.expect("second scan")).expect("JSON line");
    assert_eq!(bad["raw"], "6901234567891");
    assert!(
        bad["error"]
            .as_str()
            .unwrap_or_default()
            .contains("check digit"),
        "{bad}"
    );
    assert!(
        closed && exit.success(),
        "exits after --count scans: {exit:?}"
    );
}
