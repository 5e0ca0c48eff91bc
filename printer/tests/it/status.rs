//! Real-time status over a real TCP socket and a real pseudo-terminal, and the
//! failures a cashier meets: paper out, cover open, no answer, refused.

use std::net::TcpListener;
use std::time::{Duration, Instant};

use printer::testing::{COVER_OPEN, PAPER_OUT, READY, Replies, collect, pty_printer, tcp_printer};
use printer::{Operation, PrintError, Printer, PrinterStatus, PrinterUri, Timeouts};

const STATUS_TIMEOUT_MS: u64 = 300;

fn timeouts() -> Timeouts {
    Timeouts {
        connect_ms: 2_000,
        write_ms: 2_000,
        status_ms: STATUS_TIMEOUT_MS,
    }
}

fn tcp_uri(addr: std::net::SocketAddr) -> PrinterUri {
    PrinterUri::Tcp {
        host: addr.ip().to_string(),
        port: addr.port(),
    }
}

fn tcp_status(
    replies: Replies,
) -> (
    Result<PrinterStatus, PrintError>,
    Result<PrinterStatus, PrintError>,
) {
    let (addr, _received) = tcp_printer(Some(replies));
    let mut printer = Printer::open(&tcp_uri(addr), timeouts()).expect("connect");
    (printer.status(), printer.ensure_ready())
}

fn pty_status(
    replies: Replies,
) -> (
    Result<PrinterStatus, PrintError>,
    Result<PrinterStatus, PrintError>,
) {
    let pty = pty_printer(Some(replies));
    let uri = PrinterUri::Serial {
        path: pty.path.to_string_lossy().into_owned(),
        baud: 9600,
    };
    let mut printer = Printer::open(&uri, timeouts()).expect("open the pty");
    (printer.status(), printer.ensure_ready())
}

#[test]
fn ready_printer_reports_online_with_paper() {
    for (status, ready) in [tcp_status(READY), pty_status(READY)] {
        let expected = PrinterStatus {
            online: true,
            ..PrinterStatus::default()
        };
        assert_eq!(status.ok(), Some(expected));
        assert_eq!(ready.ok(), Some(expected));
    }
}

#[test]
fn paper_out_is_reported_as_such() {
    for (status, ready) in [tcp_status(PAPER_OUT), pty_status(PAPER_OUT)] {
        let status = status.expect("status read");
        assert!(
            status.paper_out && status.paper_near_end && !status.online,
            "{status:?}"
        );
        assert!(!status.cover_open);
        let err = ready.expect_err("not ready");
        assert!(matches!(err, PrintError::PaperOut { .. }), "{err:?}");
        assert!(err.to_string().contains("out of paper"), "{err}");
        assert_eq!(err.hint_zh(), "打印机缺纸，请装入新纸卷后重打印");
    }
}

#[test]
fn cover_open_is_reported_as_such() {
    for (status, ready) in [tcp_status(COVER_OPEN), pty_status(COVER_OPEN)] {
        let status = status.expect("status read");
        assert!(status.cover_open && !status.paper_out, "{status:?}");
        let err = ready.expect_err("not ready");
        assert!(matches!(err, PrintError::CoverOpen { .. }), "{err:?}");
        assert!(err.to_string().contains("cover open"), "{err}");
    }
}

#[test]
fn status_queries_are_dle_eot_1_2_4() {
    let (addr, received) = tcp_printer(Some(READY));
    let mut printer = Printer::open(&tcp_uri(addr), timeouts()).expect("connect");
    printer.status().expect("status");
    let sent = collect(&received, 9);
    assert_eq!(sent, [0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 4]);
}

#[test]
fn silent_listener_times_out_within_the_configured_time() {
    let (addr, _received) = tcp_printer(None);
    let mut printer = Printer::open(&tcp_uri(addr), timeouts()).expect("connect");
    let started = Instant::now();
    let err = printer.status().expect_err("nobody answers");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(STATUS_TIMEOUT_MS),
        "gave up early: {waited:?}"
    );
    assert!(
        waited < Duration::from_millis(STATUS_TIMEOUT_MS + 1_500),
        "too slow: {waited:?}"
    );
    match &err {
        PrintError::Timeout {
            after_ms, during, ..
        } => {
            assert_eq!(
                (*after_ms, *during),
                (STATUS_TIMEOUT_MS, Operation::WaitingForStatus)
            );
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("did not respond within 300 ms"),
        "{message}"
    );
    assert!(
        message.contains(&addr.to_string()),
        "names the printer: {message}"
    );
}

#[test]
fn silent_serial_printer_times_out_too() {
    let pty = pty_printer(None);
    let uri = PrinterUri::Serial {
        path: pty.path.to_string_lossy().into_owned(),
        baud: 9600,
    };
    let mut printer = Printer::open(&uri, timeouts()).expect("open the pty");
    let started = Instant::now();
    let err = printer.status().expect_err("nobody answers");
    assert!(started.elapsed() < Duration::from_millis(STATUS_TIMEOUT_MS + 1_500));
    assert!(matches!(err, PrintError::Timeout { .. }), "{err:?}");
}

#[test]
fn printer_that_hangs_up_gives_no_reply() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let closer = std::thread::spawn(move || listener.accept().map(|(stream, _)| drop(stream)));
    let mut printer = Printer::open(&tcp_uri(addr), timeouts()).expect("connect");
    closer.join().expect("closer thread").expect("accept");
    let err = printer.status().expect_err("hung up");
    assert!(
        matches!(err, PrintError::NoReply { .. } | PrintError::Read { .. }),
        "{err:?}"
    );
}

#[test]
fn refused_connection_gives_a_clear_error() {
    let addr = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port");
    // The listener is dropped: nothing listens on that port any more.
    let err = Printer::open(&tcp_uri(addr), timeouts()).expect_err("refused");
    assert!(matches!(err, PrintError::Connect { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("cannot reach the printer at tcp://127.0.0.1:"),
        "{message}"
    );
    assert!(message.contains("refused"), "{message}");
    assert!(message.contains("check that it is on"), "{message}");
}

#[test]
fn missing_serial_port_gives_a_clear_error() {
    let err = Printer::connect("serial:///dev/ttyNO_SUCH_PORT?baud=9600", timeouts())
        .expect_err("no such port");
    assert!(matches!(err, PrintError::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains("/dev/ttyNO_SUCH_PORT"), "{err}");
}

#[test]
fn bad_uri_is_rejected_before_connecting() {
    let err = Printer::connect("lpt1", timeouts()).expect_err("bad uri");
    assert!(matches!(err, PrintError::BadUri { .. }), "{err:?}");
    assert!(!err.is_retryable());
}

#[test]
fn printer_that_stops_reading_times_out_while_writing() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    // Accepts and holds the connection without ever reading from it.
    let holder = std::thread::spawn(move || listener.accept().map(|(stream, _)| stream));
    let write_ms = 400;
    let timeouts = Timeouts {
        write_ms,
        ..timeouts()
    };
    let mut printer = Printer::open(&tcp_uri(addr), timeouts).expect("connect");
    let _held = holder.join().expect("holder thread").expect("accept");
    // Far more than the socket buffers on both sides hold.
    let job = vec![b'x'; 64 * 1024 * 1024];
    let started = Instant::now();
    let err = printer.print(&job).expect_err("the buffers fill up");
    assert!(
        started.elapsed() < Duration::from_millis(write_ms + 1_500),
        "bounded"
    );
    match err {
        PrintError::Timeout {
            during, after_ms, ..
        } => {
            assert_eq!((during, after_ms), (Operation::Writing, write_ms));
        }
        other => panic!("expected a write timeout, got {other:?}"),
    }
}

#[test]
fn a_plain_file_cannot_answer_and_gets_no_query_bytes() {
    let path = std::env::temp_dir().join(format!("printer-status-{}.bin", std::process::id()));
    std::fs::write(&path, b"").expect("create the file");
    let uri = PrinterUri::File { path: path.clone() };
    let mut printer = Printer::open(&uri, timeouts()).expect("open the file");
    let err = printer.status().expect_err("a file cannot answer");
    let written = std::fs::read(&path).expect("read the file back");
    std::fs::remove_file(&path).expect("remove the file");
    assert!(
        matches!(err, PrintError::StatusUnsupported { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("not a printer device"), "{err}");
    assert!(written.is_empty(), "no DLE EOT written: {written:?}");
}

#[test]
fn a_character_device_file_is_asked_for_its_status() {
    let pty = pty_printer(Some(PAPER_OUT));
    let uri = PrinterUri::File {
        path: pty.path.clone(),
    };
    let mut printer = Printer::open(&uri, timeouts()).expect("open the pty");
    let status = printer.status().expect("the device answers");
    assert!(status.paper_out, "{status:?}");
}
