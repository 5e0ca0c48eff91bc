//! Golden X/Z reports for 58 mm and 80 mm paper, captured through a real TCP
//! socket as a printer receives them, and their layout rules.

use crate::common::{assert_golden, fixed_time, hex_dump};
use encoding_rs::GB18030;
use printer::testing::{collect, contains, find, tcp_printer};
use printer::{
    PaperWidth, Printer, PrinterUri, ReportRow, ReportSection, Timeouts, display_width,
    render_report_escpos, render_report_text, sample_z_report,
};
use rust_decimal_macros::dec;

const ESC_INIT_CHINESE: &[u8] = &[0x1B, b'@', 0x1C, b'&'];
const DOUBLE_SIZE: &[u8] = &[0x1D, b'!', 0x11];
const CUT: &[u8] = &[0x1D, b'V', b'A', 0];
/// `GS ( k`: no QR code on a report.
const QR: &[u8] = &[0x1D, b'(', b'k'];

fn print_through_tcp(width: PaperWidth) -> Vec<u8> {
    let (addr, received) = tcp_printer(None);
    let uri = PrinterUri::Tcp {
        host: addr.ip().to_string(),
        port: addr.port(),
    };
    let mut printer = Printer::open(&uri, Timeouts::default()).expect("open the fake printer");
    printer
        .print_report(&sample_z_report(fixed_time()), width)
        .expect("print the report");
    drop(printer);
    collect(&received, usize::MAX)
}

fn check(width: PaperWidth, name: &str) {
    let bytes = print_through_tcp(width);
    assert_eq!(
        bytes,
        render_report_escpos(&sample_z_report(fixed_time()), width)
    );
    assert!(bytes.starts_with(ESC_INIT_CHINESE), "ESC @ then FS &");
    assert!(bytes.ends_with(CUT), "cut at the end");
    assert!(!contains(&bytes, QR), "no QR code");
    let title = find(&bytes, &GB18030.encode("Z 报表").0).expect("title in GB18030");
    assert!(contains(&bytes[..title], DOUBLE_SIZE), "double-size title");
    let text = render_report_text(&sample_z_report(fixed_time()), width);
    for line in text.lines() {
        assert!(display_width(line) <= width.columns(), "{line:?}");
    }
    assert_golden(&format!("{name}.hex"), &hex_dump(&bytes));
    assert_golden(&format!("{name}.txt"), &text);
}

#[test]
fn z_report_58mm_through_tcp_matches_golden() {
    check(PaperWidth::Mm58, "report_z_58mm");
}

#[test]
fn z_report_80mm_through_tcp_matches_golden() {
    check(PaperWidth::Mm80, "report_z_80mm");
}

#[test]
fn values_end_at_the_right_edge_after_chinese_labels() {
    let text = render_report_text(&sample_z_report(fixed_time()), PaperWidth::Mm58);
    let variance = text
        .lines()
        .find(|l| l.starts_with("差额"))
        .expect("variance row");
    assert_eq!(display_width(variance), 32, "{variance:?}");
    assert!(variance.ends_with(" -1.50"), "{variance:?}");
    let wechat = text
        .lines()
        .find(|l| l.starts_with("微信支付（4 笔）"))
        .expect("tender row");
    assert!(wechat.ends_with(" 2010.00") && display_width(wechat) == 32);
}

#[test]
fn a_section_without_rows_prints_nothing_and_no_line_is_blank() {
    let mut report = sample_z_report(fixed_time());
    report.sections.push(ReportSection::new("空的分区", vec![]));
    for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
        let text = render_report_text(&report, width);
        assert!(!text.contains("空的分区") && !text.contains("未用到的分区"));
        assert!(text.lines().all(|l| !l.trim().is_empty()), "{text}");
    }
}

#[test]
fn x_report_has_no_z_number_and_reprint_is_marked() {
    let mut report = sample_z_report(fixed_time());
    report.title = "X 报表".into();
    report.z_no = None;
    let text = render_report_text(&report, PaperWidth::Mm80);
    assert!(!text.contains("日结号"), "{text}");
    assert!(!text.contains("REPRINT"));
    report.reprint = true;
    assert!(render_report_text(&report, PaperWidth::Mm80).contains("重打印 / REPRINT"));
}

#[test]
fn a_value_wider_than_the_paper_goes_below_its_label() {
    let mut report = sample_z_report(fixed_time());
    report.sections = vec![ReportSection::new(
        "销售",
        vec![
            ReportRow::text("流水号", "9".repeat(40)),
            ReportRow::money("销售金额", dec!(123456789012.345)),
        ],
    )];
    let text = render_report_text(&report, PaperWidth::Mm58);
    assert!(text.lines().all(|l| display_width(l) <= 32), "{text}");
    assert!(text.contains("123456789012.35"), "{text}");
}
