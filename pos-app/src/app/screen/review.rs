//! Store review (F11): this till's Z reports with their totals by tender, and the
//! documents head office rejected, with its reasons.

use iced::widget::{column, container, row, scrollable, text};
use iced::{Element, Fill};
use pos_core::document::{DocumentBody, ZReport};
use pos_core::store::RejectedDocument;

use super::{Ctx, Event, Go};
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::ui;

/// Z reports listed.
const Z_SHOWN: usize = 14;

#[derive(Debug, Clone)]
pub enum Message {
    /// Back to the sale.
    Back,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    zs: Vec<(String, chrono::NaiveDate, ZReport)>,
    rejected: Vec<RejectedDocument>,
}

impl State {
    pub fn new(ctx: &Ctx<'_>) -> (State, Option<Event>) {
        let store = ctx.till.store();
        let zs = store.recent_documents("z_report", Z_SHOWN);
        let rejected = store.rejected_documents();
        match (zs, rejected) {
            (Ok(zs), Ok(rejected)) => {
                let zs = zs
                    .into_iter()
                    .filter_map(|d| match d.body {
                        DocumentBody::ZReport(z) => Some((d.terminal_id, d.business_date, z)),
                        _ => None,
                    })
                    .collect();
                (State { zs, rejected }, None)
            }
            (Err(e), _) | (_, Err(e)) => (State::default(), Some(Event::Error(e.into()))),
        }
    }

    pub fn update(&mut self, message: Message) -> Option<Event> {
        match message {
            Message::Back => Some(Event::Go(Go::Sale)),
        }
    }

    pub fn key(&mut self, key: &Pressed) -> Option<Event> {
        matches!(key, Pressed::Escape).then_some(Event::Go(Go::Sale))
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let zs = self
            .zs
            .iter()
            .fold(column![].spacing(10), |col, (terminal, date, z)| {
                let tenders = super::payment::tender_summary(
                    i18n,
                    z.totals.tenders.iter().map(|t| (t.kind, t.amount)),
                    "  ",
                );
                col.push(ui::panel(
                    column![
                        text(i18n.f(
                            "review.z",
                            &[("no", &z.z_no), ("terminal", terminal), ("date", date)]
                        ))
                        .size(ui::TEXT)
                        .font(ui::BOLD),
                        ui::pair(i18n.t("report.sales"), ui::money(z.totals.sales_total)),
                        ui::pair(i18n.t("close.variance"), ui::money(z.variance)),
                        text(tenders).size(ui::SMALL),
                    ]
                    .spacing(4),
                ))
            });
        let rejected = self.rejected.iter().fold(column![].spacing(6), |col, r| {
            col.push(
                row![
                    ui::cell(format!("#{}", r.sequence), 80.0),
                    ui::cell(r.kind.as_str(), 140.0),
                    text(r.reason.as_str())
                        .size(ui::TEXT)
                        .color(ui::ERROR)
                        .width(Fill),
                ]
                .spacing(8),
            )
        });
        let none = |shown: bool| {
            (!shown).then(|| text(i18n.t("review.none")).size(ui::TEXT).color(ui::MUTED))
        };
        let body = column![
            ui::title(i18n.t("review.title")),
            text(i18n.t("review.zs")).size(ui::TEXT).font(ui::BOLD),
            zs,
        ]
        .push(none(!self.zs.is_empty()))
        .push(
            text(i18n.t("review.rejected"))
                .size(ui::TEXT)
                .font(ui::BOLD),
        )
        .push(rejected)
        .push(none(!self.rejected.is_empty()))
        .push(ui::key_button(
            i18n.t("common.back"),
            "Esc",
            Some(Message::Back),
        ))
        .spacing(12)
        .width(900);
        container(scrollable(body.padding(20)))
            .center_x(Fill)
            .into()
    }
}
