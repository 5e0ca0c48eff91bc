//! X report (F8, 交班报表): the business day so far, on screen and printed with the
//! same rows ([`reports`]). Changes nothing.

use iced::widget::{column, container, row, scrollable};
use iced::{Element, Fill};
use pos_core::document::ReportTotals;

use super::reports;
use super::{Ctx, Event, Go};
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
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
        let report = reports::x_report(ctx, &self.totals);
        Some(Event::PrintReport(Box::new(report)))
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let body = column![
            ui::title(i18n.t("report.x_title")),
            reports::sections_view(reports::x_sections(&self.totals, i18n)),
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
