//! The cash drawer (F7): paid in (入款), paid out (出款, manager) and opening the drawer
//! without a sale (开钱箱, manager).

use iced::widget::{column, container, row};
use iced::{Element, Fill};
use pos_core::document::Approval;
use rust_decimal::Decimal;

use super::{Ctx, Event, Go, error_or_approval};
use crate::app::fields::Field;
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::ui;

pub const AMOUNT_INPUT: &str = "drawer-amount";
pub const REASON_INPUT: &str = "drawer-reason";

#[derive(Debug, Clone)]
pub enum Message {
    /// The amount typed.
    Amount(String),
    /// Why the cash moves.
    Reason(String),
    /// Record cash put into the drawer.
    PaidIn,
    /// Record cash taken out (manager).
    PaidOut,
    /// Open the drawer without a sale (manager).
    NoSale,
    /// Back to the sale.
    Back,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    PaidOut,
    NoSale,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    amount: String,
    reason: String,
    pending: Option<Pending>,
}

impl State {
    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Amount(a) => self.set(|s| {
                s.amount = a
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '.')
                    .collect()
            }),
            Message::Reason(r) => self.set(|s| s.reason = r),
            Message::PaidIn => self.paid_in(ctx),
            Message::PaidOut => self.paid_out(None, ctx),
            Message::NoSale => self.no_sale(None, ctx),
            Message::Back => Some(Event::Go(Go::Sale)),
        }
    }

    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        match key {
            Pressed::F(1) => self.paid_in(ctx),
            Pressed::F(2) => self.paid_out(None, ctx),
            Pressed::F(3) => self.no_sale(None, ctx),
            Pressed::Escape => Some(Event::Go(Go::Sale)),
            _ => None,
        }
    }

    /// The amount, then why.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        vec![
            Field::new(AMOUNT_INPUT, &self.amount, Message::Amount),
            Field::new(REASON_INPUT, &self.reason, Message::Reason),
        ]
    }

    fn set(&mut self, change: impl FnOnce(&mut State)) -> Option<Event> {
        change(self);
        None
    }

    fn amount(&self) -> Decimal {
        self.amount.parse().unwrap_or_default()
    }

    fn paid_in(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        match ctx.till.paid_in(self.amount(), &self.reason, ctx.now) {
            Ok(_) => self.done(),
            Err(e) => Some(Event::Error(e)),
        }
    }

    fn paid_out(&mut self, approval: Option<&Approval>, ctx: &mut Ctx<'_>) -> Option<Event> {
        match ctx
            .till
            .paid_out(self.amount(), &self.reason, approval, ctx.now)
        {
            Ok(_) => self.done(),
            Err(e) => {
                self.pending = Some(Pending::PaidOut);
                Some(error_or_approval(e))
            }
        }
    }

    fn no_sale(&mut self, approval: Option<&Approval>, ctx: &mut Ctx<'_>) -> Option<Event> {
        match ctx.till.no_sale(approval, ctx.now) {
            Ok(_) => Some(Event::KickDrawer),
            Err(e) => {
                self.pending = Some(Pending::NoSale);
                Some(error_or_approval(e))
            }
        }
    }

    fn done(&mut self) -> Option<Event> {
        self.amount.clear();
        self.reason.clear();
        Some(Event::KickDrawer)
    }

    pub fn approved(&mut self, approval: &Approval, ctx: &mut Ctx<'_>) -> Option<Event> {
        match self.pending.take()? {
            Pending::PaidOut => self.paid_out(Some(approval), ctx),
            Pending::NoSale => self.no_sale(Some(approval), ctx),
        }
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let body = column![
            ui::title(i18n.t("drawer.title")),
            ui::field(
                i18n.t("drawer.amount"),
                "0.00",
                &self.amount,
                AMOUNT_INPUT,
                Message::Amount
            ),
            ui::field(
                i18n.t("drawer.reason"),
                i18n.t("drawer.reason_hint"),
                &self.reason,
                REASON_INPUT,
                Message::Reason
            ),
            row![
                ui::key_button(i18n.t("drawer.paid_in"), "F1", Some(Message::PaidIn)),
                ui::key_button(i18n.t("drawer.paid_out"), "F2", Some(Message::PaidOut)),
                ui::key_button(i18n.t("drawer.no_sale"), "F3", Some(Message::NoSale)),
            ]
            .spacing(10),
            ui::key_button(i18n.t("common.back"), "Esc", Some(Message::Back)),
        ]
        .spacing(14)
        .width(640);
        container(ui::panel(body)).center_x(Fill).padding(20).into()
    }
}
