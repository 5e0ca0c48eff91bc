//! Arbitrary reports (Chinese and any other text in every field) render without
//! panic, every preview line fits the paper, and the bytes end with a cut.

use chrono::{DateTime, NaiveDateTime};
use printer::{
    PaperWidth, Report, ReportLabels, ReportRow, ReportSection, ReportValue, display_width,
    render_report_escpos, render_report_text,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\\p{Han}]{0,40}",
        "[\\p{Han}a-zA-Z0-9（）：% ]{0,60}",
        any::<String>(),
    ]
}

fn datetime() -> impl Strategy<Value = NaiveDateTime> {
    (0i64..4_000_000_000).prop_filter_map("valid time", |secs| {
        DateTime::from_timestamp(secs, 0).map(|t| t.naive_utc())
    })
}

fn value() -> impl Strategy<Value = ReportValue> {
    prop_oneof![
        text().prop_map(ReportValue::Text),
        (any::<i64>(), 0u32..=6).prop_map(|(n, s)| ReportValue::Money(Decimal::new(n, s))),
    ]
}

fn row() -> impl Strategy<Value = ReportRow> {
    (text(), value(), any::<bool>()).prop_map(|(label, value, bold)| ReportRow {
        label,
        value,
        bold,
    })
}

fn section() -> impl Strategy<Value = ReportSection> {
    (text(), proptest::collection::vec(row(), 0..6))
        .prop_map(|(heading, rows)| ReportSection { heading, rows })
}

fn labels() -> impl Strategy<Value = ReportLabels> {
    (text(), text(), text(), text(), text()).prop_map(
        |(z_no, business_date, printed_at, terminal, operator)| ReportLabels {
            z_no,
            business_date,
            printed_at,
            terminal,
            operator,
        },
    )
}

fn report() -> impl Strategy<Value = Report> {
    (
        (text(), text(), text(), text(), datetime()),
        (proptest::option::of(any::<u64>()), labels(), any::<bool>()),
        proptest::collection::vec(section(), 0..5),
        proptest::collection::vec(text(), 0..3),
    )
        .prop_map(
            |(
                (title, store_name, terminal_id, operator, printed_at),
                (z_no, labels, reprint),
                sections,
                footer,
            )| Report {
                title,
                store_name,
                terminal_id,
                operator,
                business_date: printed_at.date(),
                printed_at,
                z_no,
                labels,
                sections,
                footer,
                reprint,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_report_line_fits_the_paper(report in report()) {
        for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
            let text = render_report_text(&report, width);
            for line in text.lines() {
                prop_assert!(display_width(line) <= width.columns(), "{line:?} on {width:?}");
                prop_assert!(!line.chars().any(char::is_control), "{line:?} has a control character");
            }
        }
    }

    #[test]
    fn report_bytes_start_with_init_and_end_with_cut(report in report()) {
        for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
            let bytes = render_report_escpos(&report, width);
            prop_assert!(bytes.starts_with(&[0x1B, b'@', 0x1C, b'&']));
            prop_assert!(bytes.ends_with(&[0x1D, b'V', b'A', 0]));
        }
    }
}
