//! Lays a report out in lines that fit the paper, with the same helpers as the
//! receipt: the heading fields, then each section's heading and its rows with the
//! value at the right edge. Sections without rows are left out, so no empty line
//! stands where a figure should be.

use crate::layout::{BOLD, Block, Layout, PLAIN, format_money};
use crate::receipt::PaperWidth;
use crate::report::{Report, ReportValue};

/// Lays out the whole report.
pub(crate) fn layout_report(report: &Report, width: PaperWidth) -> Vec<Block> {
    let mut out = Layout::new(width);
    out.title(&report.title, &report.store_name);
    if report.reprint {
        out.reprint_mark();
    }
    out.rule();
    let labels = &report.labels;
    let mut field = |label: &str, value: String| {
        out.wrapped(&format!("{label}: {value}"), PLAIN);
    };
    if let Some(z_no) = report.z_no {
        field(&labels.z_no, z_no.to_string());
    }
    field(&labels.business_date, report.business_date.to_string());
    field(
        &labels.printed_at,
        report.printed_at.format("%Y-%m-%d %H:%M:%S").to_string(),
    );
    field(&labels.terminal, report.terminal_id.clone());
    field(&labels.operator, report.operator.clone());
    for section in report.sections.iter().filter(|s| !s.rows.is_empty()) {
        out.rule();
        out.wrapped(&section.heading, BOLD);
        for row in &section.rows {
            let value = match &row.value {
                ReportValue::Text(text) => text.clone(),
                ReportValue::Money(amount) => format_money(*amount),
            };
            out.row(&row.label, &value, if row.bold { BOLD } else { PLAIN });
        }
    }
    if !report.footer.is_empty() {
        out.rule();
    }
    for line in &report.footer {
        out.wrapped(line, PLAIN);
    }
    out.into_blocks()
}
