//! Returns (F4): scan the receipt's QR code (the sale id) or type the sale number, pick
//! lines and quantities, refund to the original tenders or in cash. Without a receipt,
//! or to void a sale of today, a manager approves. Any found sale can be reprinted.
//!
//! Without a receipt, items are scanned or typed into a list ([`no_receipt`]); F12 asks
//! for the manager and records the return.

use iced::widget::{button, column, container, row, scrollable, text, text_input};
use iced::{Element, Fill, Length};
use pos_core::document::{Approval, Document, Sale};
use pos_core::returns::{RefundTo, ReturnPlan, ReturnRequestLine};

use super::no_receipt::{self, List};
use super::{Ctx, Event, Go, error_or_approval};
use crate::app::fields::{self, Field};
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::{scanning, ui};

pub const KEY_INPUT: &str = "return-key";
pub const REASON_INPUT: &str = "return-reason";

/// The id of the box of the units to take back of an original line.
pub fn quantity_input(line_no: u32) -> String {
    format!("return-qty-{line_no}")
}

#[derive(Debug, Clone)]
pub enum Message {
    /// Sale id (from the QR code) or sale number typed.
    Key(String),
    /// Look the sale up.
    Find,
    /// Units of an original line to take back.
    Quantity(u32, String),
    /// Take back every unit of every line.
    All,
    /// Where the money goes.
    RefundTo(RefundTo),
    /// Why the goods come back.
    Reason(String),
    /// Record the return.
    Confirm,
    /// Reprint the found sale's receipt.
    Reprint,
    /// Void the found sale (manager; same business day only).
    Void,
    /// The list of items brought back without a receipt.
    NoReceiptList(no_receipt::Message),
    /// Take the listed items back without a receipt (manager; F12).
    NoReceipt,
    /// Back to the sale.
    Back,
}

/// What a manager's approval would let through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Void,
    NoReceipt,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    key: String,
    found: Option<(Box<Document>, Box<Sale>)>,
    quantities: Vec<(u32, String)>,
    refund_to: RefundTo,
    reason: String,
    plan: Option<ReturnPlan>,
    no_receipt: List,
    pending: Option<Pending>,
}

impl State {
    pub fn new(sale_key: Option<String>, ctx: &mut Ctx<'_>) -> (State, Option<Event>) {
        let mut state = State::default();
        let event = sale_key.and_then(|key| {
            state.key = key;
            state.find(ctx)
        });
        (state, event)
    }

    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Key(k) => self.set(|s| s.key = k),
            Message::Find => self.find(ctx),
            Message::Quantity(line, q) => self.set_quantity(line, q, ctx),
            Message::All => self.all(ctx),
            Message::RefundTo(to) => self.set_refund_to(to, ctx),
            Message::Reason(r) => self.set(|s| s.reason = r),
            Message::Confirm => self.confirm(ctx),
            Message::Reprint => self.reprint(),
            Message::Void => self.void(None, ctx),
            Message::NoReceiptList(m) => self.no_receipt.update(m, ctx),
            Message::NoReceipt => self.no_receipt(None, ctx),
            Message::Back => Some(Event::Go(Go::Sale)),
        }
    }

    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        match key {
            // Enter acts on the box that has text: the sale to find, or an item to add.
            Pressed::Enter if self.found.is_none() && self.key.trim().is_empty() => {
                self.no_receipt.update(no_receipt::Message::Add, ctx)
            }
            Pressed::Enter if self.found.is_none() => self.find(ctx),
            Pressed::Enter => self.confirm(ctx),
            Pressed::F(12) if self.found.is_none() => self.no_receipt(None, ctx),
            Pressed::F(1) if self.found.is_some() => self.all(ctx),
            Pressed::F(2) if self.found.is_some() => self.reprint(),
            Pressed::F(3) if self.found.is_some() => self.void(None, ctx),
            Pressed::F(5) if self.found.is_some() => {
                self.set_refund_to(RefundTo::OriginalTenders, ctx)
            }
            Pressed::F(6) if self.found.is_some() => self.set_refund_to(RefundTo::Cash, ctx),
            Pressed::Escape => Some(Event::Go(Go::Sale)),
            _ => None,
        }
    }

    /// The sale to find, then the found sale's quantities or the list without a
    /// receipt, then the reason.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        let mut all = vec![Field::new(KEY_INPUT, &self.key, Message::Key)];
        if self.found.is_some() {
            all.extend(self.quantities.iter().map(|(line_no, q)| {
                let line_no = *line_no;
                Field::new(quantity_input(line_no), q.as_str(), move |v| {
                    Message::Quantity(line_no, v)
                })
            }));
        } else {
            all.extend(fields::map_all(
                self.no_receipt.fields(),
                Message::NoReceiptList,
            ));
        }
        all.push(Field::new(REASON_INPUT, &self.reason, Message::Reason));
        all
    }

    fn set(&mut self, change: impl FnOnce(&mut State)) -> Option<Event> {
        change(self);
        None
    }

    /// A scan: a receipt's QR code (or number) looks the sale up; with no sale found, a
    /// product goes on the list of a return without a receipt. The scanner's keys may
    /// have landed in either box: they are taken out again.
    pub fn scanned(&mut self, code: &str, ctx: &mut Ctx<'_>) -> Option<Event> {
        let code = code.trim();
        self.no_receipt.take_scanned_keys(code);
        if let Some(rest) = self.key.strip_suffix(code) {
            self.key = rest.to_string();
        }
        let entered = scanning::classify(ctx.till, code);
        if self.found.is_none() && entered.is_ok_and(|e| e.item().is_some()) {
            return self.no_receipt.add(code, ctx);
        }
        self.key = code.to_string();
        self.find(ctx)
    }

    fn find(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        match ctx.till.find_sale(&self.key) {
            Ok((doc, sale)) => {
                self.quantities = sale
                    .lines
                    .iter()
                    .map(|l| (l.line_no, String::new()))
                    .collect();
                self.found = Some((Box::new(doc), Box::new(sale)));
                self.plan = None;
                None
            }
            Err(e) => {
                self.found = None;
                Some(Event::Error(e))
            }
        }
    }

    fn request(&self) -> Vec<ReturnRequestLine> {
        self.quantities
            .iter()
            .filter_map(|(line, q)| {
                let quantity: u32 = q.parse().ok().filter(|&q| q > 0)?;
                Some(ReturnRequestLine {
                    original_line_no: *line,
                    quantity,
                })
            })
            .collect()
    }

    fn sale_key(&self) -> Option<String> {
        self.found.as_ref().map(|(doc, _)| doc.id.to_string())
    }

    /// The refund as the till works it out, shown before confirming.
    fn replan(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let key = self.sale_key()?;
        let request = self.request();
        if request.is_empty() {
            self.plan = None;
            return None;
        }
        match ctx.till.plan_return(&key, &request, self.refund_to) {
            Ok(plan) => {
                self.plan = Some(plan);
                None
            }
            Err(e) => {
                self.plan = None;
                Some(Event::Error(e))
            }
        }
    }

    fn set_quantity(&mut self, line: u32, quantity: String, ctx: &mut Ctx<'_>) -> Option<Event> {
        if let Some((_, q)) = self.quantities.iter_mut().find(|(l, _)| *l == line) {
            *q = quantity
                .chars()
                .filter(char::is_ascii_digit)
                .take(4)
                .collect();
        }
        self.replan(ctx)
    }

    fn all(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        if let Some((_, sale)) = &self.found {
            self.quantities = sale
                .lines
                .iter()
                .map(|l| (l.line_no, l.quantity.to_string()))
                .collect();
        }
        self.replan(ctx)
    }

    fn set_refund_to(&mut self, to: RefundTo, ctx: &mut Ctx<'_>) -> Option<Event> {
        self.refund_to = to;
        self.replan(ctx)
    }

    fn confirm(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let key = self.sale_key()?;
        let reason = if self.reason.trim().is_empty() {
            ctx.i18n.t("return.default_reason").to_string()
        } else {
            self.reason.clone()
        };
        match ctx
            .till
            .return_from_sale(&key, &self.request(), self.refund_to, &reason, ctx.now)
        {
            Ok(doc) => Some(Event::Completed(Box::new(doc))),
            Err(e) => Some(Event::Error(e)),
        }
    }

    fn reprint(&self) -> Option<Event> {
        let (doc, _) = self.found.as_ref()?;
        Some(Event::Reprint(doc.clone()))
    }

    fn void(&mut self, approval: Option<&Approval>, ctx: &mut Ctx<'_>) -> Option<Event> {
        let key = self.sale_key()?;
        let reason = if self.reason.trim().is_empty() {
            ctx.i18n.t("return.void_reason").to_string()
        } else {
            self.reason.clone()
        };
        match ctx.till.void_sale(&key, &reason, approval, ctx.now) {
            Ok(doc) => {
                self.found = None;
                Some(Event::Info(
                    ctx.i18n.f("return.voided", &[("no", &doc.sequence)]),
                ))
            }
            Err(e) => {
                self.pending = Some(Pending::Void);
                Some(error_or_approval(e))
            }
        }
    }

    /// Records the listed items as a return without a receipt; the till asks for the
    /// reason and the manager, and checks the list again.
    fn no_receipt(&mut self, approval: Option<&Approval>, ctx: &mut Ctx<'_>) -> Option<Event> {
        let items = self.no_receipt.items();
        match ctx
            .till
            .return_without_receipt(&items, &self.reason, approval, ctx.now)
        {
            Ok(doc) => Some(Event::Completed(Box::new(doc))),
            Err(e) => {
                self.pending = Some(Pending::NoReceipt);
                Some(error_or_approval(e))
            }
        }
    }

    /// The sale found to return from, if any.
    pub fn found(&self) -> Option<&Document> {
        self.found.as_ref().map(|(doc, _)| doc.as_ref())
    }

    /// The list of a return without a receipt.
    pub fn no_receipt_list(&self) -> &List {
        &self.no_receipt
    }

    pub fn approved(&mut self, approval: &Approval, ctx: &mut Ctx<'_>) -> Option<Event> {
        match self.pending.take()? {
            Pending::Void => self.void(Some(approval), ctx),
            Pending::NoReceipt => self.no_receipt(Some(approval), ctx),
        }
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let find = row![
            text_input(i18n.t("return.key_hint"), &self.key)
                .id(KEY_INPUT)
                .on_input(Message::Key)
                .padding(12)
                .size(ui::TEXT),
            button(text(i18n.t("return.find")).size(ui::TEXT))
                .padding([12, 18])
                .on_press(Message::Find),
        ]
        .spacing(10);
        let mut body = column![ui::title(i18n.t("return.title")), find].spacing(12);
        if let Some((doc, sale)) = &self.found {
            body = body.push(self.sale_view(doc, sale, i18n));
        } else {
            body = body.push(self.no_receipt_view(i18n));
        }
        body = body.push(ui::key_button(
            i18n.t("common.back"),
            "Esc",
            Some(Message::Back),
        ));
        container(scrollable(body.padding(20))).width(Fill).into()
    }

    fn sale_view<'a>(
        &'a self,
        doc: &'a Document,
        sale: &'a Sale,
        i18n: I18n,
    ) -> Element<'a, Message> {
        let heading = i18n.f(
            "return.sale",
            &[
                ("no", &doc.sequence),
                ("date", &doc.business_date),
                ("total", &ui::money(sale.total)),
            ],
        );
        let lines = sale.lines.iter().fold(column![].spacing(6), |col, line| {
            let q = self
                .quantities
                .iter()
                .find(|(l, _)| *l == line.line_no)
                .map(|(_, q)| q.as_str())
                .unwrap_or("");
            let line_no = line.line_no;
            col.push(
                row![
                    ui::cell(line.line_no.to_string(), 36.0),
                    text(line.name.as_str()).size(ui::TEXT).width(Fill),
                    ui::cell(format!("×{}", line.quantity), 60.0),
                    ui::cell(ui::money(line.net), 110.0),
                    text_input("0", q)
                        .id(quantity_input(line_no))
                        .on_input(move |v| Message::Quantity(line_no, v))
                        .padding(8)
                        .width(Length::Fixed(80.0)),
                ]
                .spacing(8)
                .align_y(iced::Center),
            )
        });
        let refund_to = [
            (RefundTo::OriginalTenders, "return.to_original", "F5"),
            (RefundTo::Cash, "return.to_cash", "F6"),
        ]
        .into_iter()
        .fold(row![].spacing(8), |r, (to, key, shortcut)| {
            r.push(
                button(text(format!("{} {shortcut}", i18n.t(key))).size(ui::TEXT))
                    .padding([10, 14])
                    .on_press(Message::RefundTo(to))
                    .style(if to == self.refund_to {
                        button::primary
                    } else {
                        ui::key_style
                    }),
            )
        });
        let plan = self.plan.as_ref().map(|p| {
            let tenders = super::payment::tender_summary(
                i18n,
                p.tenders.iter().map(|t| (t.kind, t.amount)),
                " + ",
            );
            column![
                text(i18n.f("return.refund", &[("amount", &ui::money(p.total))]))
                    .size(ui::TITLE)
                    .font(ui::BOLD),
                text(tenders).size(ui::TEXT),
            ]
        });
        let actions = row![
            ui::primary_button(
                i18n.t("return.confirm"),
                "Enter",
                self.plan.as_ref().map(|_| Message::Confirm)
            ),
            ui::key_button(i18n.t("return.all"), "F1", Some(Message::All)),
            ui::key_button(i18n.t("return.reprint"), "F2", Some(Message::Reprint)),
            ui::key_button(i18n.t("return.void"), "F3", Some(Message::Void)),
        ]
        .spacing(10);
        ui::panel(
            column![
                text(heading).size(ui::TEXT).font(ui::BOLD),
                lines,
                refund_to,
                ui::field(
                    i18n.t("return.reason"),
                    "",
                    &self.reason,
                    REASON_INPUT,
                    Message::Reason
                ),
            ]
            .push(plan)
            .push(actions)
            .spacing(12),
        )
        .width(Fill)
        .into()
    }

    fn no_receipt_view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let can_confirm = self.no_receipt.plan().map(|_| Message::NoReceipt);
        ui::panel(
            column![
                text(i18n.t("return.no_receipt_title"))
                    .size(ui::TEXT)
                    .font(ui::BOLD),
                text(i18n.t("return.no_receipt_hint"))
                    .size(ui::SMALL)
                    .color(ui::MUTED),
                self.no_receipt.view(i18n).map(Message::NoReceiptList),
                ui::field(
                    i18n.t("return.reason"),
                    i18n.t("no_receipt.reason_hint"),
                    &self.reason,
                    REASON_INPUT,
                    Message::Reason
                ),
                ui::primary_button(i18n.t("return.no_receipt"), "F12", can_confirm),
            ]
            .spacing(10),
        )
        .width(Fill)
        .into()
    }
}
