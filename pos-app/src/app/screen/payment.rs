//! Payment (F12): cash with change, bank card, WeChat Pay, Alipay (with a reference),
//! points within the loyalty rules; several tenders split a sale. The sale completes as
//! soon as the tenders cover it.

use iced::widget::{button, column, container, row, text};
use iced::{Element, Fill, Length};
use pos_core::document::{Approval, Tender, TenderKind};
use pos_core::tender::{Settlement, TenderError, settle};
use pos_core::till::{Till, TillError};
use rust_decimal::Decimal;

use super::{Ctx, Event, Go, error_or_approval};
use crate::app::fields::Field;
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::ui;

pub const AMOUNT_INPUT: &str = "pay-amount";
pub const POINTS_INPUT: &str = "pay-points";
pub const REFERENCE_INPUT: &str = "pay-reference";

#[derive(Debug, Clone)]
pub enum Message {
    /// Choose how the next part is paid.
    Kind(TenderKind),
    /// The amount typed.
    Amount(String),
    /// The card slip or wallet transaction reference.
    Reference(String),
    /// Points to redeem.
    Points(String),
    /// Add the tender (and complete the sale when covered).
    Add,
    /// Take back a tender added by mistake.
    RemoveTender(usize),
    /// The cashier read the organisation's qualification warning and sells anyway (F8).
    Acknowledge,
    /// Back to the sale; nothing is paid.
    Back,
}

#[derive(Debug, Clone)]
pub struct State {
    total: Decimal,
    tenders: Vec<Tender>,
    kind: TenderKind,
    amount: String,
    /// What is still due, shown in the empty amount box.
    rest: String,
    reference: String,
    points: String,
    /// The member's points as the till knows them, and whether the till is offline.
    points_known: Option<(i64, bool)>,
    /// The till gave a qualification warning (a till set to warn): F8 sells anyway.
    warning: bool,
}

impl State {
    pub fn new(ctx: &Ctx<'_>) -> State {
        let total = ctx
            .till
            .priced(ctx.now)
            .map(|p| p.total)
            .unwrap_or_default();
        let points_known = ctx
            .till
            .member()
            .map(|m| (m.points_balance, !ctx.till.is_online()));
        let mut state = State {
            total,
            tenders: Vec::new(),
            kind: TenderKind::Cash,
            amount: String::new(),
            rest: String::new(),
            reference: String::new(),
            points: String::new(),
            points_known,
            warning: false,
        };
        state.prefill(ctx.till);
        state
    }

    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Kind(kind) => self.choose(kind, ctx),
            Message::Amount(a) => self.set(|s| s.amount = digits(&a)),
            Message::Reference(r) => self.set(|s| s.reference = r),
            Message::Points(p) => {
                self.set(|s| s.points = p.chars().filter(char::is_ascii_digit).take(9).collect())
            }
            Message::Add => self.add(ctx),
            Message::RemoveTender(i) => self.remove_tender(i, ctx),
            Message::Acknowledge => self.acknowledge(ctx),
            Message::Back => Some(Event::Go(Go::Sale)),
        }
    }

    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        match key {
            Pressed::F(1) => self.choose(TenderKind::Cash, ctx),
            Pressed::F(2) => self.choose(TenderKind::BankCard, ctx),
            Pressed::F(3) => self.choose(TenderKind::WechatPay, ctx),
            Pressed::F(4) => self.choose(TenderKind::Alipay, ctx),
            Pressed::F(5) => self.choose(TenderKind::Points, ctx),
            Pressed::F(8) => self.acknowledge(ctx),
            Pressed::Enter | Pressed::F(12) => self.add(ctx),
            Pressed::Escape => Some(Event::Go(Go::Sale)),
            _ => None,
        }
    }

    fn set(&mut self, change: impl FnOnce(&mut State)) -> Option<Event> {
        change(self);
        None
    }

    /// The box the cashier types into next: the amount (all selected, so typing
    /// replaces the suggested rest), or the points.
    pub fn focus_input(&self) -> &'static str {
        if self.kind == TenderKind::Points {
            POINTS_INPUT
        } else {
            AMOUNT_INPUT
        }
    }

    /// The boxes of the chosen tender, the one typed into first listed first.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        let amount = Field::new(AMOUNT_INPUT, &self.amount, Message::Amount);
        match self.kind {
            TenderKind::Points => vec![Field::new(POINTS_INPUT, &self.points, Message::Points)],
            TenderKind::Cash => vec![amount],
            _ => vec![
                amount,
                Field::new(REFERENCE_INPUT, &self.reference, Message::Reference),
            ],
        }
    }

    fn settlement(&self, till: &Till) -> Result<Settlement, TenderError> {
        settle(self.total, &self.tenders, till.config().cash_rounding())
    }

    /// What is still to pay, as the core works it out.
    fn remaining(&self, till: &Till) -> Decimal {
        match self.settlement(till) {
            Err(TenderError::Short { missing, .. }) => missing,
            _ => Decimal::ZERO,
        }
    }

    /// Clears the boxes for the next tender. The amount box stays empty and shows what
    /// is still due: Enter on it tenders exactly that, typing replaces it.
    fn prefill(&mut self, till: &Till) {
        self.rest = pos_core::money::format_cny(self.remaining(till));
        self.amount.clear();
        self.reference.clear();
        self.points.clear();
    }

    fn choose(&mut self, kind: TenderKind, ctx: &mut Ctx<'_>) -> Option<Event> {
        if kind == TenderKind::Points && ctx.till.member().is_none() {
            return Some(Event::Error(TillError::NoMember));
        }
        self.kind = kind;
        self.prefill(ctx.till);
        None
    }

    fn add(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let tender = match self.tender(ctx) {
            Ok(Some(tender)) => tender,
            Ok(None) => return self.pay(None, ctx),
            Err(event) => return Some(event),
        };
        self.tenders.push(tender);
        match self.settlement(ctx.till) {
            Ok(_) => self.pay(None, ctx),
            Err(TenderError::Short { .. }) => {
                // The rest is most often cash.
                self.kind = TenderKind::Cash;
                self.prefill(ctx.till);
                None
            }
            Err(e) => {
                self.tenders.pop();
                Some(Event::Error(TillError::Tender(e)))
            }
        }
    }

    /// The tender typed, `None` when nothing was typed (then Enter completes the sale).
    fn tender(&self, ctx: &Ctx<'_>) -> Result<Option<Tender>, Event> {
        if self.kind == TenderKind::Points {
            let points: i64 = match self.points.parse() {
                Ok(p) if p > 0 => p,
                _ => return Ok(None),
            };
            return ctx
                .till
                .points_tender(points)
                .map(Some)
                .map_err(Event::Error);
        }
        let amount = if self.amount.trim().is_empty() {
            self.remaining(ctx.till)
        } else {
            self.amount.parse().unwrap_or_default()
        };
        if amount <= Decimal::ZERO {
            return Ok(None);
        }
        let reference = Some(self.reference.trim().to_string()).filter(|r| !r.is_empty());
        Ok(Some(Tender {
            kind: self.kind,
            amount,
            reference,
            points: 0,
        }))
    }

    fn remove_tender(&mut self, index: usize, ctx: &mut Ctx<'_>) -> Option<Event> {
        if index < self.tenders.len() {
            self.tenders.remove(index);
        }
        self.prefill(ctx.till);
        None
    }

    /// Completes the sale with the tenders given; the till may ask for a manager
    /// (a large points redemption), then [`State::approved`] retries.
    /// A qualification warning waits for F8 (see [`State::acknowledge`]).
    fn pay(&mut self, approval: Option<&Approval>, ctx: &mut Ctx<'_>) -> Option<Event> {
        match ctx.till.pay(&self.tenders, approval, ctx.now) {
            Ok(doc) => Some(Event::Completed(Box::new(doc))),
            Err(e @ TillError::QualificationWarning { .. }) => {
                self.warning = true;
                Some(Event::Error(e))
            }
            Err(e) => Some(error_or_approval(e)),
        }
    }

    /// After the till's qualification warning: the cashier sells anyway, and the sale
    /// records that it was sold under warning. Nothing without a warning shown.
    fn acknowledge(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        if !std::mem::take(&mut self.warning) {
            return None;
        }
        ctx.till.acknowledge_qualification_warning();
        self.pay(None, ctx)
    }

    pub fn approved(&mut self, approval: &Approval, ctx: &mut Ctx<'_>) -> Option<Event> {
        self.pay(Some(approval), ctx)
    }

    pub fn view<'a>(&'a self, till: &'a Till, i18n: I18n) -> Element<'a, Message> {
        let kinds = [
            (TenderKind::Cash, "F1"),
            (TenderKind::BankCard, "F2"),
            (TenderKind::WechatPay, "F3"),
            (TenderKind::Alipay, "F4"),
            (TenderKind::Points, "F5"),
        ]
        .into_iter()
        .fold(row![].spacing(8), |r, (kind, key)| {
            let label = column![
                text(i18n.t(tender_key(kind))).size(ui::TEXT),
                text(key).size(ui::SMALL)
            ];
            r.push(
                button(label)
                    .padding([8, 14])
                    .height(ui::BUTTON_HEIGHT)
                    .width(Fill)
                    .on_press(Message::Kind(kind))
                    .style(if kind == self.kind {
                        button::primary
                    } else {
                        ui::key_style
                    }),
            )
        });
        let input: Element<'a, Message> = match self.kind {
            TenderKind::Points => {
                let known = self.points_known.map(|(points, offline)| {
                    let key = if offline {
                        "member.points_offline"
                    } else {
                        "member.points"
                    };
                    text(i18n.f(key, &[("points", &points)]))
                        .size(ui::SMALL)
                        .color(ui::MUTED)
                });
                column![ui::field(
                    i18n.t("pay.points"),
                    "0",
                    &self.points,
                    POINTS_INPUT,
                    Message::Points
                )]
                .push(known)
                .spacing(6)
                .into()
            }
            TenderKind::Cash => ui::field(
                i18n.t("pay.amount"),
                &self.rest,
                &self.amount,
                AMOUNT_INPUT,
                Message::Amount,
            ),
            _ => row![
                ui::field(
                    i18n.t("pay.amount"),
                    &self.rest,
                    &self.amount,
                    AMOUNT_INPUT,
                    Message::Amount
                ),
                ui::field(
                    i18n.t("pay.reference"),
                    i18n.t("pay.reference_hint"),
                    &self.reference,
                    REFERENCE_INPUT,
                    Message::Reference
                ),
            ]
            .spacing(10)
            .into(),
        };
        let tenders = self
            .tenders
            .iter()
            .enumerate()
            .fold(column![].spacing(4), |col, (i, t)| {
                let mut label = format!("{}  {}", i18n.t(tender_key(t.kind)), ui::money(t.amount));
                if t.points > 0 {
                    label.push_str(&format!(
                        "  ({})",
                        i18n.f("pay.points_used", &[("points", &t.points)])
                    ));
                }
                if let Some(r) = &t.reference {
                    label.push_str(&format!("  #{r}"));
                }
                col.push(
                    row![
                        text(label).size(ui::TEXT).width(Fill),
                        button(text("✕").size(ui::TEXT))
                            .on_press(Message::RemoveTender(i))
                            .style(button::text)
                    ]
                    .spacing(8),
                )
            });
        let remaining = self.remaining(till);
        let summary = column![
            ui::pair(i18n.t("pay.total"), ui::money(self.total)),
            tenders,
            text(i18n.t("pay.remaining"))
                .size(ui::TEXT)
                .color(ui::MUTED),
            text(ui::money(remaining))
                .size(ui::TOTAL)
                .font(ui::BOLD)
                .color(ui::ACCENT),
        ]
        .spacing(8);
        let warning = self.warning.then(|| {
            ui::key_button(
                i18n.t("organisation.acknowledge"),
                "F8",
                Some(Message::Acknowledge),
            )
        });
        let body = column![
            ui::title(i18n.t("pay.title")),
            kinds,
            input,
            row![
                ui::primary_button(i18n.t("pay.add"), "Enter", Some(Message::Add)),
                ui::key_button(i18n.t("common.back"), "Esc", Some(Message::Back)),
            ]
            .spacing(10),
        ]
        .push(warning)
        .spacing(14)
        .width(Length::FillPortion(3));
        let layout = row![
            ui::panel(body).width(Length::FillPortion(3)),
            ui::panel(summary).width(Length::FillPortion(2))
        ]
        .spacing(14)
        .padding(20);
        container(layout).width(Fill).into()
    }
}

fn digits(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .take(12)
        .collect()
}

/// "现金 ¥20.40 + 银行卡 ¥9.14": each tender's name and amount, joined by `separator`.
pub fn tender_summary(
    i18n: I18n,
    tenders: impl IntoIterator<Item = (TenderKind, Decimal)>,
    separator: &str,
) -> String {
    tenders
        .into_iter()
        .map(|(kind, amount)| format!("{} {}", i18n.t(tender_key(kind)), ui::money(amount)))
        .collect::<Vec<_>>()
        .join(separator)
}

pub fn tender_key(kind: TenderKind) -> &'static str {
    match kind {
        TenderKind::Cash => "tender.cash",
        TenderKind::BankCard => "tender.bank_card",
        TenderKind::WechatPay => "tender.wechat_pay",
        TenderKind::Alipay => "tender.alipay",
        TenderKind::Points => "tender.points",
    }
}
