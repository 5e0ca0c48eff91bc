//! A report on receipt paper: the X report (交班) and the Z report (日结). The till
//! hands it over already added up and translated; the printer only lays it out.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One printed report: a heading block, then sections of label/value rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Heading, e.g. "X 报表" or "Z 报表"; printed bold and double size.
    pub title: String,
    pub store_name: String,
    pub terminal_id: String,
    pub operator: String,
    pub business_date: NaiveDate,
    pub printed_at: NaiveDateTime,
    /// The Z number (日结号), for a Z report only.
    pub z_no: Option<u64>,
    /// Labels of the heading fields, in the till's language.
    pub labels: ReportLabels,
    /// Printed in order; a section without rows is left out.
    pub sections: Vec<ReportSection>,
    /// Lines under the last section, e.g. a line for the manager's signature.
    pub footer: Vec<String>,
    /// Prints a "重打印 / REPRINT" mark under the header.
    pub reprint: bool,
}

/// Labels of the fields every report has. [`Default`] gives the Chinese ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLabels {
    pub z_no: String,
    pub business_date: String,
    pub printed_at: String,
    pub terminal: String,
    pub operator: String,
}

impl Default for ReportLabels {
    fn default() -> Self {
        ReportLabels {
            z_no: "日结号".into(),
            business_date: "营业日".into(),
            printed_at: "打印时间".into(),
            terminal: "收银机".into(),
            operator: "操作员".into(),
        }
    }
}

/// A heading and its rows, e.g. "支付方式" with one row per tender.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportSection {
    pub heading: String,
    pub rows: Vec<ReportRow>,
}

/// A label on the left and its value at the right edge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportRow {
    pub label: String,
    pub value: ReportValue,
    /// Printed bold: the figures a manager signs for (expected cash, variance).
    pub bold: bool,
}

/// What a row shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ReportValue {
    /// Already formatted: a count, a range of numbers, points.
    Text(String),
    /// Money, printed with two decimals (half away from zero), without a currency sign.
    Money(Decimal),
}

impl ReportRow {
    /// A row with a formatted value.
    pub fn text(label: impl Into<String>, value: impl ToString) -> ReportRow {
        ReportRow {
            label: label.into(),
            value: ReportValue::Text(value.to_string()),
            bold: false,
        }
    }

    /// A row with an amount of money.
    pub fn money(label: impl Into<String>, amount: Decimal) -> ReportRow {
        ReportRow {
            label: label.into(),
            value: ReportValue::Money(amount),
            bold: false,
        }
    }

    /// The same row, printed bold.
    pub fn bold(self) -> ReportRow {
        ReportRow { bold: true, ..self }
    }
}

impl ReportSection {
    pub fn new(heading: impl Into<String>, rows: Vec<ReportRow>) -> ReportSection {
        ReportSection {
            heading: heading.into(),
            rows,
        }
    }
}
