//! The X and Z reports as the till shows and prints them: sections of label/value rows
//! built once from the till's totals, so the screen and the paper list the same rows.
//! The till adds up ([`ReportTotals`], [`ZReport`]); this only labels and orders.

use chrono::NaiveDate;
use iced::Element;
use iced::widget::{column, text};
use pos_core::document::{ReportTotals, ZReport};
use printer::{Report, ReportLabels, ReportRow, ReportSection, ReportValue, format_money};
use rust_decimal::Decimal;

use super::Ctx;
use super::payment::tender_key;
use crate::app::i18n::I18n;
use crate::app::ui;

/// The X report (交班) for the printer: the day so far at this terminal.
pub fn x_report(ctx: &Ctx<'_>, totals: &ReportTotals) -> Report {
    let i18n = ctx.i18n;
    Report {
        title: i18n.t("report.x_title").to_string(),
        z_no: None,
        sections: x_sections(totals, i18n),
        footer: Vec::new(),
        ..header(ctx, ctx.till.business_date(ctx.now))
    }
}

/// The Z report (日结) for the printer, for the business day it closed.
pub fn z_report(ctx: &Ctx<'_>, z: &ZReport, business_date: NaiveDate) -> Report {
    let i18n = ctx.i18n;
    Report {
        title: i18n.t("close.z_print_title").to_string(),
        z_no: Some(z.z_no),
        sections: z_sections(z, i18n),
        footer: vec![i18n.t("close.signature").to_string()],
        ..header(ctx, business_date)
    }
}

fn header(ctx: &Ctx<'_>, business_date: NaiveDate) -> Report {
    let i18n = ctx.i18n;
    Report {
        title: String::new(),
        store_name: ctx.config.store_name.clone(),
        terminal_id: ctx.till.identity().terminal_id.clone(),
        operator: ctx
            .till
            .operator()
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        business_date,
        printed_at: ctx.till.local_time(ctx.now),
        z_no: None,
        labels: ReportLabels {
            z_no: i18n.t("report.label_z_no").to_string(),
            business_date: i18n.t("report.label_business_date").to_string(),
            printed_at: i18n.t("report.label_printed_at").to_string(),
            terminal: i18n.t("report.label_terminal").to_string(),
            operator: i18n.t("report.label_operator").to_string(),
        },
        sections: Vec::new(),
        footer: Vec::new(),
        reprint: false,
    }
}

/// Sales, tenders, VAT, points and cash of the X report.
pub fn x_sections(t: &ReportTotals, i18n: I18n) -> Vec<ReportSection> {
    let mut sales = Vec::new();
    if let (Some(first), Some(last)) = (t.first_sequence, t.last_sequence) {
        sales.push(ReportRow::text(
            i18n.t("report.sequences"),
            format!("{first} - {last}"),
        ));
    }
    sales.extend([
        ReportRow::text(i18n.t("report.sales_count"), t.sales_count),
        ReportRow::money(i18n.t("report.sales_total"), t.sales_total),
        ReportRow::text(i18n.t("report.returns_count"), t.returns_count),
        ReportRow::money(i18n.t("report.returns_total"), t.returns_total),
        ReportRow::text(i18n.t("report.voids_count"), t.voids_count),
        ReportRow::money(i18n.t("report.voids_total"), t.voids_total),
        ReportRow::money(i18n.t("report.discounts"), t.discount_total),
    ]);
    let tenders = t
        .tenders
        .iter()
        .map(|tender| {
            let label = i18n.f(
                "report.tender",
                &[
                    ("tender", &i18n.t(tender_key(tender.kind))),
                    ("n", &tender.count),
                ],
            );
            ReportRow::money(label, tender.amount)
        })
        .collect();
    let vat = t
        .vat
        .iter()
        .map(|v| {
            let rate = (v.rate * Decimal::ONE_HUNDRED).normalize();
            let gross = format_money(v.gross);
            let label = i18n.f("report.vat_rate", &[("rate", &rate), ("gross", &gross)]);
            ReportRow::money(label, v.vat)
        })
        .collect();
    let points = vec![
        ReportRow::text(i18n.t("report.points_earned"), t.points_earned),
        ReportRow::text(i18n.t("report.points_redeemed"), t.points_redeemed),
    ];
    let cash = vec![
        ReportRow::money(i18n.t("report.float"), t.float),
        ReportRow::money(i18n.t("report.paid_in"), t.paid_in),
        ReportRow::money(i18n.t("report.paid_out"), t.paid_out),
        ReportRow::money(i18n.t("report.expected_cash"), t.expected_cash).bold(),
    ];
    vec![
        ReportSection::new(i18n.t("report.section_sales"), sales),
        ReportSection::new(i18n.t("report.section_tenders"), tenders),
        ReportSection::new(i18n.t("report.section_vat"), vat),
        ReportSection::new(i18n.t("report.section_points"), points),
        ReportSection::new(i18n.t("report.section_cash"), cash),
    ]
}

/// The X sections with the count: counted cash and variance under the expected cash,
/// then the count by denomination.
pub fn z_sections(z: &ZReport, i18n: I18n) -> Vec<ReportSection> {
    let mut sections = x_sections(&z.totals, i18n);
    if let Some(cash) = sections.last_mut() {
        cash.rows.extend([
            ReportRow::money(i18n.t("close.counted"), z.counted_cash).bold(),
            ReportRow::money(i18n.t("close.variance"), z.variance).bold(),
        ]);
    }
    let counted = z
        .counted
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| {
            let label = i18n.f(
                "close.denomination",
                &[("value", &c.denomination.normalize()), ("n", &c.count)],
            );
            ReportRow::money(label, c.denomination * Decimal::from(c.count))
        })
        .collect();
    sections.push(ReportSection::new(i18n.t("close.section_count"), counted));
    sections
}

/// The sections on screen: each heading in bold over its rows, money with its sign;
/// sections without rows are left out, as on paper.
pub fn sections_view<'a, M: 'a>(sections: Vec<ReportSection>) -> Element<'a, M> {
    sections
        .into_iter()
        .filter(|s| !s.rows.is_empty())
        .fold(column![].spacing(4), |col, section| {
            let heading = text(section.heading).size(ui::TEXT).font(ui::BOLD);
            section
                .rows
                .into_iter()
                .fold(col.push(heading), |col, row| {
                    let value = match row.value {
                        ReportValue::Text(value) => value,
                        ReportValue::Money(amount) => ui::money(amount),
                    };
                    col.push(ui::pair(row.label, value))
                })
                .push(text("").size(ui::SMALL))
        })
        .into()
}
