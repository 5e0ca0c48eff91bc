//! X report (F8, 交班报表): the business day so far, on screen and printed. Changes nothing.

use iced::widget::{column, container, row, scrollable, text};
use iced::{Element, Fill};
use pos_core::document::ReportTotals;

use super::{Ctx, Event, Go};
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::receipt;
use crate::app::ui;

#[derive(Debug, Clone)]
pub enum Message {
    /// Print the report.
    Print,
    /// Back to the sale.
    Back,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    pub totals: ReportTotals,
}

impl State {
    pub fn new(ctx: &Ctx<'_>) -> (State, Option<Event>) {
        match ctx.till.x_report() {
            Ok(totals) => (State { totals }, None),
            Err(e) => (State::default(), Some(Event::Error(e))),
        }
    }

    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Print => self.print(ctx),
            Message::Back => Some(Event::Go(Go::Sale)),
        }
    }

    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        match key {
            Pressed::Enter => self.print(ctx),
            Pressed::Escape => Some(Event::Go(Go::Sale)),
            _ => None,
        }
    }

    fn print(&self, ctx: &Ctx<'_>) -> Option<Event> {
        let lines = totals_lines(&self.totals, ctx.i18n);
        let title = ctx.i18n.t("report.x_title").to_string();
        Some(Event::PrintReport(Box::new(receipt::report(
            ctx, title, lines,
        ))))
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let body = column![
            ui::title(i18n.t("report.x_title")),
            totals_view(&self.totals, i18n),
            row![
                ui::primary_button(i18n.t("report.print"), "Enter", Some(Message::Print)),
                ui::key_button(i18n.t("common.back"), "Esc", Some(Message::Back)),
            ]
            .spacing(10),
        ]
        .spacing(14)
        .width(640);
        container(scrollable(ui::panel(body)))
            .center_x(Fill)
            .padding(20)
            .into()
    }
}

/// The report as label-value lines, for the screen and the printer alike.
pub fn totals_lines(t: &ReportTotals, i18n: I18n) -> Vec<(String, String)> {
    let mut lines = vec![
        (
            i18n.t("report.sales").to_string(),
            format!("{} / {}", t.sales_count, ui::money(t.sales_total)),
        ),
        (
            i18n.t("report.returns").to_string(),
            format!("{} / {}", t.returns_count, ui::money(t.returns_total)),
        ),
        (
            i18n.t("report.voids").to_string(),
            format!("{} / {}", t.voids_count, ui::money(t.voids_total)),
        ),
        (
            i18n.t("report.discounts").to_string(),
            ui::money(t.discount_total),
        ),
    ];
    for tender in &t.tenders {
        let label = i18n.t(super::payment::tender_key(tender.kind)).to_string();
        lines.push((
            label,
            format!("{} / {}", tender.count, ui::money(tender.amount)),
        ));
    }
    for vat in &t.vat {
        let rate = (vat.rate * rust_decimal::Decimal::ONE_HUNDRED).normalize();
        lines.push((i18n.f("report.vat", &[("rate", &rate)]), ui::money(vat.vat)));
    }
    lines.extend([
        (
            i18n.t("report.points_earned").to_string(),
            t.points_earned.to_string(),
        ),
        (
            i18n.t("report.points_redeemed").to_string(),
            t.points_redeemed.to_string(),
        ),
        (i18n.t("report.float").to_string(), ui::money(t.float)),
        (i18n.t("report.paid_in").to_string(), ui::money(t.paid_in)),
        (i18n.t("report.paid_out").to_string(), ui::money(t.paid_out)),
        (
            i18n.t("report.expected_cash").to_string(),
            ui::money(t.expected_cash),
        ),
    ]);
    lines
}

pub fn totals_view<'a, M: 'a>(totals: &ReportTotals, i18n: I18n) -> Element<'a, M> {
    totals_lines(totals, i18n)
        .into_iter()
        .fold(column![].spacing(4), |col, (label, value)| {
            col.push(ui::pair(label, value))
        })
        .push(text(""))
        .into()
}
