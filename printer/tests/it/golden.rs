//! Golden receipts for 58 mm and 80 mm paper, captured as a printer receives
//! them: through a real TCP socket and through a real pseudo-terminal.

use crate::common::{assert_golden, fixed_time, hex_dump};
use printer::testing::{collect, contains, find, pty_printer, tcp_printer};
use printer::{
    DrawerPin, PaperWidth, Printer, PrinterUri, SAMPLE_SALE_ID, Timeouts, kick_drawer_bytes,
    render_escpos, render_text, sample_receipt,
};

const ESC_INIT: &[u8] = &[0x1B, b'@'];
const FS_CHINESE: &[u8] = &[0x1C, b'&'];
/// "销售小票" in GB18030.
const TITLE_GB18030: &[u8] = &[0xCF, 0xFA, 0xCA, 0xDB, 0xD0, 0xA1, 0xC6, 0xB1];
/// "血压计" in GB18030.
const BLOOD_PRESSURE_METER_GB18030: &[u8] = &[0xD1, 0xAA, 0xD1, 0xB9, 0xBC, 0xC6];
const BOLD_ON: &[u8] = &[0x1B, b'E', 1];
const DOUBLE_SIZE: &[u8] = &[0x1D, b'!', 0x11];
const QR_PRINT: &[u8] = &[0x1D, b'(', b'k', 3, 0, 49, 81, 48];
const CUT: &[u8] = &[0x1D, b'V', b'A', 0];
/// The drawer pulse the test sends: pin 2, 50 ms on, 500 ms off.
const KICK: &[u8] = &[0x1B, b'p', 0, 25, 250];

/// The QR data store command carrying the sale id.
fn qr_store() -> Vec<u8> {
    let len = SAMPLE_SALE_ID.len() + 3;
    let mut cmd = vec![0x1D, b'(', b'k', len as u8, 0, 49, 80, 48];
    cmd.extend_from_slice(SAMPLE_SALE_ID.as_bytes());
    cmd
}

/// A sale's print job: the receipt, then the drawer kick for the cash.
fn print_sale(uri: &PrinterUri, width: PaperWidth) {
    let mut printer = Printer::open(uri, Timeouts::default()).expect("open the fake printer");
    printer
        .print_receipt(&sample_receipt(fixed_time()), width)
        .expect("print");
    printer
        .kick_drawer(DrawerPin::Pin2, 50, 500)
        .expect("kick the drawer");
}

fn expected_len(width: PaperWidth) -> usize {
    render_escpos(&sample_receipt(fixed_time()), width).len() + KICK.len()
}

fn assert_receipt_bytes(bytes: &[u8]) {
    assert!(bytes.starts_with(ESC_INIT), "starts with ESC @");
    assert_eq!(&bytes[2..4], FS_CHINESE, "FS & right after ESC @");
    let title = find(bytes, TITLE_GB18030).expect("title in GB18030");
    let header = &bytes[..title];
    assert!(
        contains(header, BOLD_ON) && contains(header, DOUBLE_SIZE),
        "bold double title"
    );
    assert!(
        contains(bytes, BLOOD_PRESSURE_METER_GB18030),
        "Chinese product name in GB18030"
    );
    let store = find(bytes, &qr_store()).expect("GS ( k stores the sale id");
    let print = find(bytes, QR_PRINT).expect("GS ( k prints the QR code");
    let cut = find(bytes, CUT).expect("cut");
    assert!(
        store < print && print < cut,
        "QR stored, printed, then the paper is cut"
    );
    assert!(bytes.ends_with(KICK), "the drawer kick follows the receipt");
    assert_eq!(
        &bytes[bytes.len() - KICK.len() - CUT.len()..bytes.len() - KICK.len()],
        CUT
    );
}

fn check_capture(bytes: &[u8], width: PaperWidth, name: &str) {
    assert_receipt_bytes(bytes);
    assert_golden(&format!("{name}.hex"), &hex_dump(bytes));
    assert_golden(
        &format!("{name}.txt"),
        &render_text(&sample_receipt(fixed_time()), width),
    );
}

#[test]
fn receipt_58mm_through_tcp_matches_golden() {
    let (addr, received) = tcp_printer(None);
    let uri = PrinterUri::Tcp {
        host: addr.ip().to_string(),
        port: addr.port(),
    };
    print_sale(&uri, PaperWidth::Mm58);
    let bytes = collect(&received, usize::MAX);
    assert_eq!(bytes.len(), expected_len(PaperWidth::Mm58));
    check_capture(&bytes, PaperWidth::Mm58, "receipt_58mm");
}

#[test]
fn receipt_80mm_through_tcp_matches_golden() {
    let (addr, received) = tcp_printer(None);
    let uri = PrinterUri::Tcp {
        host: addr.ip().to_string(),
        port: addr.port(),
    };
    print_sale(&uri, PaperWidth::Mm80);
    let bytes = collect(&received, usize::MAX);
    assert_eq!(bytes.len(), expected_len(PaperWidth::Mm80));
    check_capture(&bytes, PaperWidth::Mm80, "receipt_80mm");
}

#[test]
fn receipt_58mm_through_serial_pty_matches_golden() {
    let pty = pty_printer(None);
    let uri = PrinterUri::Serial {
        path: pty.path.to_string_lossy().into_owned(),
        baud: 9600,
    };
    print_sale(&uri, PaperWidth::Mm58);
    let bytes = collect(&pty.received, expected_len(PaperWidth::Mm58));
    check_capture(&bytes, PaperWidth::Mm58, "receipt_58mm");
}

#[test]
fn receipt_80mm_through_device_file_pty_matches_golden() {
    let pty = pty_printer(None);
    let uri = PrinterUri::File {
        path: pty.path.clone(),
    };
    print_sale(&uri, PaperWidth::Mm80);
    let bytes = collect(&pty.received, expected_len(PaperWidth::Mm80));
    check_capture(&bytes, PaperWidth::Mm80, "receipt_80mm");
}

#[test]
fn reprint_is_marked() {
    let mut receipt = sample_receipt(fixed_time());
    receipt.reprint = true;
    let text = render_text(&receipt, PaperWidth::Mm58);
    assert!(text.contains("重打印 / REPRINT"), "{text}");
    receipt.reprint = false;
    assert!(!render_text(&receipt, PaperWidth::Mm58).contains("REPRINT"));
}

#[test]
fn drawer_kick_bytes_take_pin_and_pulse() {
    assert_eq!(kick_drawer_bytes(DrawerPin::Pin2, 50, 500), KICK);
    assert_eq!(
        kick_drawer_bytes(DrawerPin::Pin5, 100, 100),
        [0x1B, b'p', 1, 50, 50]
    );
}
