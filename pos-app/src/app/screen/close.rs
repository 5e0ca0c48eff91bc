//! Closing the day (F9, 日结): count the drawer by denomination, see expected against
//! counted and the variance, confirm (a manager), print and store the Z report.

use iced::widget::{column, container, row, scrollable, text};
use iced::{Element, Fill};
use pos_core::document::{Approval, DocumentBody, ReportTotals, ZReport};
use pos_core::report::z_report;

use super::count::{self, Count};
use super::reports;
use super::{Ctx, Event, Go, error_or_approval};
use crate::app::fields::{self, Field};
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::ui;

#[derive(Debug, Clone)]
pub enum Message {
    /// A denomination count changed.
    Count(count::Message),
    /// Take the Z report with this count.
    Confirm,
    /// After the Z: start a new shift.
    Done,
    /// Back to the sale without closing.
    Back,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    pub count: Count,
    expected: ReportTotals,
    /// The Z taken, once confirmed.
    pub z: Option<ZReport>,
}

impl State {
    pub fn new(ctx: &Ctx<'_>) -> (State, Option<Event>) {
        match ctx.till.x_report() {
            Ok(expected) => (
                State {
                    expected,
                    ..State::default()
                },
                None,
            ),
            Err(e) => (State::default(), Some(Event::Error(e))),
        }
    }

    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Count(m) => self.count_changed(m),
            Message::Confirm => self.confirm(None, ctx),
            Message::Done => Some(Event::Go(Go::ShiftOpen)),
            Message::Back => Some(Event::Go(Go::Sale)),
        }
    }

    /// The count boxes, until the Z is taken.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        if self.z.is_some() {
            return Vec::new();
        }
        fields::map_all(self.count.fields(), Message::Count)
    }

    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        match key {
            Pressed::Enter if self.z.is_some() => Some(Event::Go(Go::ShiftOpen)),
            Pressed::Enter => self.confirm(None, ctx),
            Pressed::Escape if self.z.is_none() => Some(Event::Go(Go::Sale)),
            _ => None,
        }
    }

    fn count_changed(&mut self, message: count::Message) -> Option<Event> {
        self.count.update(message);
        None
    }

    /// Expected against counted, as the Z would record it (the core works it out).
    fn preview(&self) -> ZReport {
        z_report(0, self.expected.clone(), self.count.counted())
    }

    fn confirm(&mut self, approval: Option<&Approval>, ctx: &mut Ctx<'_>) -> Option<Event> {
        if self.z.is_some() {
            return None;
        }
        match ctx.till.z_report(self.count.counted(), approval, ctx.now) {
            Ok(doc) => {
                let DocumentBody::ZReport(z) = doc.body else {
                    return None;
                };
                let report = reports::z_report(ctx, &z, doc.business_date);
                self.z = Some(z);
                Some(Event::PrintReport(Box::new(report)))
            }
            Err(e) => Some(error_or_approval(e)),
        }
    }

    pub fn approved(&mut self, approval: &Approval, ctx: &mut Ctx<'_>) -> Option<Event> {
        self.confirm(Some(approval), ctx)
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        if let Some(z) = &self.z {
            let body = column![
                text(i18n.f("close.z_title", &[("no", &z.z_no)]))
                    .size(ui::TITLE)
                    .font(ui::BOLD),
                text(i18n.t("close.stored")).size(ui::TEXT).color(ui::OK),
                reports::sections_view(reports::z_sections(z, i18n)),
                ui::primary_button(i18n.t("close.done"), "Enter", Some(Message::Done)),
            ]
            .spacing(14)
            .width(640);
            return container(scrollable(ui::panel(body)))
                .center_x(Fill)
                .padding(20)
                .into();
        }
        let preview = self.preview();
        let variance_color = if preview.variance.is_zero() {
            ui::OK
        } else {
            ui::ERROR
        };
        let summary = column![
            ui::pair(
                i18n.t("close.expected"),
                ui::money(preview.totals.expected_cash)
            ),
            ui::pair(i18n.t("close.counted"), ui::money(preview.counted_cash)),
            text(i18n.t("close.variance"))
                .size(ui::TEXT)
                .color(ui::MUTED),
            text(ui::money(preview.variance))
                .size(ui::TOTAL)
                .font(ui::BOLD)
                .color(variance_color),
            reports::sections_view(reports::x_sections(&self.expected, i18n)),
        ]
        .spacing(8);
        let body = column![
            ui::title(i18n.t("close.title")),
            text(i18n.t("close.hint")).size(ui::SMALL).color(ui::MUTED),
            row![
                self.count.view(i18n).map(Message::Count),
                scrollable(summary.padding(iced::Padding {
                    right: 18.0,
                    ..iced::Padding::ZERO
                }))
                .height(420)
            ]
            .spacing(30),
            row![
                ui::primary_button(i18n.t("close.confirm"), "Enter", Some(Message::Confirm)),
                ui::key_button(i18n.t("common.back"), "Esc", Some(Message::Back)),
            ]
            .spacing(10),
        ]
        .spacing(14)
        .width(960);
        container(ui::panel(body)).center_x(Fill).padding(20).into()
    }
}
