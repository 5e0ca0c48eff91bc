//! Store review (F11), for the store manager: the whole store's daily closes of a business
//! day as head office has them (every terminal's Z), or, offline, this till's own Z
//! reports under a line that says so; operator changes made at this till; documents head
//! office rejected and feed changes this till set aside, with their reasons.

use chrono::NaiveDate;
use iced::widget::{column, container, row, scrollable, text};
use iced::{Element, Fill};
use pos_core::document::{Document, DocumentBody, OperatorChange, TenderTotal, ZReport};
use pos_core::store::{RejectedDocument, SetAsideChange};
use rust_decimal::Decimal;
use sync_agent::protocol::DailyClose;

use super::{Ctx, Event, Go};
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::ui;

/// This till's latest Z reports (one a business day) and operator changes listed.
const LOCAL_SHOWN: usize = 14;

#[derive(Debug, Clone)]
pub enum Message {
    /// Back to the sale.
    Back,
    /// The business day before the one shown (F1).
    PreviousDay,
    /// The business day after the one shown (F2).
    NextDay,
    /// Head office's answer for the store's closes of a day: the closes, or why not.
    StoreCloses {
        date: NaiveDate,
        result: Result<DailyClose, String>,
    },
}

/// What the review knows of the whole store's closes.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreCloses {
    /// No head office is configured: only this till's own closes can be shown.
    NotConnected,
    /// Asked head office; no answer yet.
    Asking,
    /// Head office's answer.
    Known(DailyClose),
    /// Head office could not be asked or refused: the reason.
    Unreachable(String),
}

#[derive(Debug, Clone)]
pub struct State {
    date: NaiveDate,
    store: StoreCloses,
    zs: Vec<(String, NaiveDate, ZReport)>,
    operator_changes: Vec<(Document, OperatorChange)>,
    rejected: Vec<RejectedDocument>,
    set_aside: Vec<SetAsideChange>,
}

impl State {
    /// The review of today's business day; asks head office for the store's closes
    /// when one is configured.
    pub fn new(ctx: &Ctx<'_>) -> (State, Option<Event>) {
        let date = ctx.till.business_date(ctx.now);
        let connected = ctx.config.server.is_some();
        let mut state = State {
            date,
            store: if connected {
                StoreCloses::Asking
            } else {
                StoreCloses::NotConnected
            },
            zs: Vec::new(),
            operator_changes: Vec::new(),
            rejected: Vec::new(),
            set_aside: Vec::new(),
        };
        if let Err(e) = state.load_local(ctx) {
            return (state, Some(Event::Error(e)));
        }
        (state, connected.then_some(Event::FetchStoreCloses(date)))
    }

    fn load_local(&mut self, ctx: &Ctx<'_>) -> Result<(), pos_core::till::TillError> {
        let till = &*ctx.till;
        self.zs = till
            .recent_documents("z_report", LOCAL_SHOWN)?
            .into_iter()
            .filter_map(|d| match d.body {
                DocumentBody::ZReport(z) => Some((d.terminal_id, d.business_date, z)),
                _ => None,
            })
            .collect();
        self.operator_changes = till
            .recent_documents("operator_change", LOCAL_SHOWN)?
            .into_iter()
            .filter_map(|d| match &d.body {
                DocumentBody::OperatorChange(c) => Some((d.clone(), c.clone())),
                _ => None,
            })
            .collect();
        self.rejected = till.rejected_documents()?;
        self.set_aside = till.set_aside_changes()?;
        Ok(())
    }

    /// The business day shown.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// What is known of the whole store's closes.
    pub fn store_closes(&self) -> &StoreCloses {
        &self.store
    }

    /// Nothing here needs the till once the screen is open; the protocol is the same.
    pub fn update(&mut self, message: Message, _ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Back => Some(Event::Go(Go::Sale)),
            Message::PreviousDay => self.move_day(-1),
            Message::NextDay => self.move_day(1),
            Message::StoreCloses { date, result } => {
                // An answer for a day no longer shown is stale.
                if date == self.date && self.store != StoreCloses::NotConnected {
                    self.store = match result {
                        Ok(close) => StoreCloses::Known(close),
                        Err(reason) => StoreCloses::Unreachable(reason),
                    };
                }
                None
            }
        }
    }

    fn move_day(&mut self, days: i64) -> Option<Event> {
        self.date = self.date.checked_add_signed(chrono::Duration::days(days))?;
        if self.store == StoreCloses::NotConnected {
            return None;
        }
        self.store = StoreCloses::Asking;
        Some(Event::FetchStoreCloses(self.date))
    }

    pub fn key(&mut self, key: &Pressed, _ctx: &mut Ctx<'_>) -> Option<Event> {
        match key {
            Pressed::Escape => Some(Event::Go(Go::Sale)),
            Pressed::F(1) => self.move_day(-1),
            Pressed::F(2) => self.move_day(1),
            _ => None,
        }
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let none = |shown: bool| {
            (!shown).then(|| text(i18n.t("review.none")).size(ui::TEXT).color(ui::MUTED))
        };
        let days = row![
            ui::key_button(
                i18n.t("review.previous_day"),
                "F1",
                Some(Message::PreviousDay)
            ),
            ui::key_button(i18n.t("review.next_day"), "F2", Some(Message::NextDay)),
            ui::key_button(i18n.t("common.back"), "Esc", Some(Message::Back)),
        ]
        .spacing(8);
        let body = column![
            ui::title(i18n.t("review.title")),
            days,
            self.store_view(i18n),
            text(i18n.t("review.operator_changes"))
                .size(ui::TEXT)
                .font(ui::BOLD),
            self.operator_changes_view(i18n),
        ]
        .push(none(!self.operator_changes.is_empty()))
        .push(
            text(i18n.t("review.rejected"))
                .size(ui::TEXT)
                .font(ui::BOLD),
        )
        .push(self.rejected_view())
        .push(none(!self.rejected.is_empty()))
        .push(
            text(i18n.t("review.set_aside"))
                .size(ui::TEXT)
                .font(ui::BOLD),
        )
        .push(self.set_aside_view())
        .push(none(!self.set_aside.is_empty()))
        .spacing(12)
        .width(900);
        container(scrollable(body.padding(20)))
            .center_x(Fill)
            .into()
    }

    /// The whole store's closes when head office answered, else this till's own under a
    /// line that says why only this till is shown.
    fn store_view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let heading = || {
            text(i18n.f("review.store_closes", &[("date", &self.date)]))
                .size(ui::TEXT)
                .font(ui::BOLD)
        };
        let only_this_till = |why: String| {
            column![
                heading(),
                text(why).size(ui::TEXT).color(ui::WARN),
                self.local_zs_view(i18n),
            ]
            .push(
                (self.zs_of_the_day().next().is_none())
                    .then(|| text(i18n.t("review.none")).size(ui::TEXT).color(ui::MUTED)),
            )
            .spacing(8)
            .into()
        };
        match &self.store {
            StoreCloses::NotConnected => only_this_till(i18n.t("review.only_this_till").into()),
            StoreCloses::Unreachable(reason) => {
                only_this_till(i18n.f("review.store_unreachable", &[("reason", reason)]))
            }
            StoreCloses::Asking => column![
                heading(),
                text(i18n.t("review.asking"))
                    .size(ui::TEXT)
                    .color(ui::MUTED)
            ]
            .spacing(8)
            .into(),
            StoreCloses::Known(close) => store_close_view(close, heading(), i18n),
        }
    }

    /// This till's Z reports of the business day shown.
    fn zs_of_the_day(&self) -> impl Iterator<Item = &(String, NaiveDate, ZReport)> {
        self.zs.iter().filter(|(_, date, _)| *date == self.date)
    }

    fn local_zs_view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        self.zs_of_the_day()
            .fold(column![].spacing(10), |col, (terminal, date, z)| {
                col.push(z_panel(
                    i18n,
                    i18n.f(
                        "review.z",
                        &[("no", &z.z_no), ("terminal", terminal), ("date", date)],
                    ),
                    z.totals.sales_total,
                    z.variance,
                    &z.totals.tenders,
                ))
            })
            .into()
    }

    fn operator_changes_view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        self.operator_changes
            .iter()
            .fold(column![].spacing(6), |col, (doc, change)| {
                let action = i18n
                    .t(&format!("operator_action.{}", change.action.code()))
                    .to_string();
                col.push(
                    row![
                        ui::cell(doc.created_at.format("%m-%d %H:%M").to_string(), 120.0),
                        ui::cell(doc.operator_id.as_str(), 120.0),
                        ui::cell(action, 120.0),
                        text(format!("{} {}", change.subject_id, change.subject_name))
                            .size(ui::TEXT)
                            .width(Fill),
                    ]
                    .spacing(8),
                )
            })
            .into()
    }

    fn rejected_view(&self) -> Element<'_, Message> {
        self.rejected
            .iter()
            .fold(column![].spacing(6), |col, r| {
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
            })
            .into()
    }

    fn set_aside_view(&self) -> Element<'_, Message> {
        self.set_aside
            .iter()
            .fold(column![].spacing(6), |col, c| {
                col.push(
                    column![
                        text(c.change.as_str()).size(ui::SMALL),
                        text(c.error.as_str()).size(ui::SMALL).color(ui::ERROR),
                    ]
                    .spacing(2),
                )
            })
            .into()
    }
}

/// Every terminal's Z of the day as head office has them, and the store's totals.
fn store_close_view<'a>(
    close: &'a DailyClose,
    heading: iced::widget::Text<'a>,
    i18n: I18n,
) -> Element<'a, Message> {
    let terminals = close
        .terminals
        .iter()
        .fold(column![].spacing(10), |col, t| {
            col.push(z_panel(
                i18n,
                i18n.f(
                    "review.z",
                    &[
                        ("no", &t.z_no),
                        ("terminal", &t.terminal_id),
                        ("date", &close.business_date),
                    ],
                ),
                t.sales_total,
                t.variance,
                &t.tenders,
            ))
        });
    let store_tenders = super::payment::tender_summary(
        i18n,
        close.tenders.iter().map(|x| (x.kind, x.amount)),
        "  ",
    );
    let totals = ui::panel(
        column![
            text(i18n.f("review.store_totals", &[("count", &close.terminals.len())]))
                .size(ui::TEXT)
                .font(ui::BOLD),
            ui::pair(i18n.t("close.variance"), ui::money(close.variance)),
            text(store_tenders).size(ui::SMALL),
        ]
        .spacing(4),
    );
    column![heading, totals, terminals]
        .push(close.terminals.is_empty().then(|| {
            text(i18n.t("review.store_none"))
                .size(ui::TEXT)
                .color(ui::MUTED)
        }))
        .spacing(8)
        .into()
}

/// One terminal's daily close: its heading, takings, cash variance and tenders.
fn z_panel<'a>(
    i18n: I18n,
    heading: String,
    sales_total: Decimal,
    variance: Decimal,
    tenders: &[TenderTotal],
) -> Element<'a, Message> {
    let tenders =
        super::payment::tender_summary(i18n, tenders.iter().map(|t| (t.kind, t.amount)), "  ");
    ui::panel(
        column![
            text(heading).size(ui::TEXT).font(ui::BOLD),
            ui::pair(i18n.t("report.sales"), ui::money(sales_total)),
            ui::pair(i18n.t("close.variance"), ui::money(variance)),
            text(tenders).size(ui::SMALL),
        ]
        .spacing(4),
    )
    .into()
}
