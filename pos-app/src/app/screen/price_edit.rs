//! The price panel of the sale screen (F6): override a line's price, take a percent or
//! an amount off it, or discount the whole order; each with a reason. Past the
//! cashier's limit the till asks for a manager, and the panel retries once approved.

use iced::widget::{button, column, row, text};
use iced::{Element, Fill};
use pos_core::cart::{ManualPrice, OrderDiscount};
use pos_core::document::Approval;
use rust_decimal::Decimal;

use super::{Ctx, Event, error_or_approval};
use crate::app::fields::Field;
use crate::app::i18n::I18n;
use crate::app::ui;

pub const VALUE_INPUT: &str = "price-value";
pub const REASON_INPUT: &str = "price-reason";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Override,
    PercentOff,
    AmountOff,
    OrderPercent,
}

impl Mode {
    const ALL: [Mode; 4] = [
        Mode::Override,
        Mode::PercentOff,
        Mode::AmountOff,
        Mode::OrderPercent,
    ];

    fn key(self) -> &'static str {
        match self {
            Mode::Override => "price.override",
            Mode::PercentOff => "price.percent_off",
            Mode::AmountOff => "price.amount_off",
            Mode::OrderPercent => "price.order_percent",
        }
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    /// What kind of change.
    Mode(Mode),
    /// The amount, price or percent typed.
    Value(String),
    /// Why (printed on the receipt and kept on the sale).
    Reason(String),
    /// Apply the change.
    Apply,
    /// Remove a manual price from the line.
    Clear,
}

#[derive(Debug, Clone)]
pub struct PriceEdit {
    pub line_no: u32,
    mode: Mode,
    value: String,
    reason: String,
}

/// What the panel did.
pub enum Outcome {
    /// Still open.
    Open(Option<Event>),
    /// Applied: close the panel.
    Done,
}

impl PriceEdit {
    pub fn new(line_no: u32) -> PriceEdit {
        PriceEdit {
            line_no,
            mode: Mode::default(),
            value: String::new(),
            reason: String::new(),
        }
    }

    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Outcome {
        match message {
            Message::Mode(mode) => self.set_mode(mode),
            Message::Value(v) => self.set_value(v),
            Message::Reason(r) => self.set_reason(r),
            Message::Apply => self.apply(None, ctx),
            Message::Clear => self.clear(ctx),
        }
    }

    fn set_mode(&mut self, mode: Mode) -> Outcome {
        self.mode = mode;
        Outcome::Open(None)
    }

    fn set_value(&mut self, value: String) -> Outcome {
        self.value = value
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '.')
            .take(10)
            .collect();
        Outcome::Open(None)
    }

    fn set_reason(&mut self, reason: String) -> Outcome {
        self.reason = reason;
        Outcome::Open(None)
    }

    fn clear(&mut self, ctx: &mut Ctx<'_>) -> Outcome {
        match ctx.till.set_manual_price(self.line_no, None, None, ctx.now) {
            Ok(()) => Outcome::Done,
            Err(e) => Outcome::Open(Some(error_or_approval(e))),
        }
    }

    /// Applies the change, with a manager's approval once one is given.
    pub fn apply(&mut self, approval: Option<&Approval>, ctx: &mut Ctx<'_>) -> Outcome {
        let Ok(value) = self.value.parse::<Decimal>() else {
            return Outcome::Open(Some(Event::Warning(
                ctx.i18n.t("price.bad_value").to_string(),
            )));
        };
        let reason = self.reason.trim().to_string();
        let result = match self.mode {
            Mode::Override => ctx.till.set_manual_price(
                self.line_no,
                Some(ManualPrice::Override {
                    unit_price: value,
                    reason,
                }),
                approval,
                ctx.now,
            ),
            Mode::PercentOff => ctx.till.set_manual_price(
                self.line_no,
                Some(ManualPrice::PercentOff {
                    percent: value,
                    reason,
                }),
                approval,
                ctx.now,
            ),
            Mode::AmountOff => ctx.till.set_manual_price(
                self.line_no,
                Some(ManualPrice::AmountOff {
                    amount: value,
                    reason,
                }),
                approval,
                ctx.now,
            ),
            Mode::OrderPercent => ctx.till.set_order_discount(
                Some(OrderDiscount::Percent {
                    percent: value,
                    reason,
                }),
                approval,
                ctx.now,
            ),
        };
        match result {
            Ok(()) => Outcome::Done,
            Err(e) => Outcome::Open(Some(error_or_approval(e))),
        }
    }

    /// The value, then the reason.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        vec![
            Field::new(VALUE_INPUT, &self.value, Message::Value),
            Field::new(REASON_INPUT, &self.reason, Message::Reason),
        ]
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let modes = Mode::ALL.iter().fold(row![].spacing(6), |r, &m| {
            r.push(
                button(text(i18n.t(m.key())).size(ui::SMALL))
                    .padding([10, 12])
                    .on_press(Message::Mode(m))
                    .style(if m == self.mode {
                        button::primary
                    } else {
                        ui::key_style
                    }),
            )
        });
        let heading = i18n.f("price.title", &[("line", &self.line_no)]);
        column![
            text(heading).size(ui::TEXT).font(ui::BOLD),
            modes,
            row![
                ui::field(
                    i18n.t("price.value"),
                    "0.00",
                    &self.value,
                    VALUE_INPUT,
                    Message::Value
                ),
                ui::field(
                    i18n.t("price.reason"),
                    i18n.t("price.reason_hint"),
                    &self.reason,
                    REASON_INPUT,
                    Message::Reason
                ),
            ]
            .spacing(10),
            row![
                ui::primary_button(i18n.t("price.apply"), "Enter", Some(Message::Apply)),
                ui::key_button(i18n.t("price.clear"), "", Some(Message::Clear)),
            ]
            .spacing(10)
            .width(Fill),
        ]
        .spacing(10)
        .into()
    }
}
