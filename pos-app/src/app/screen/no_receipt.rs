//! The list of a return without a receipt, on the returns screen: items scanned or typed
//! one by one (a UDI keeps its lot and serial), quantities editable, lines removable, and
//! the cash refund as the till works it out. The returns screen asks for the reason and
//! the manager, and records it.

use iced::widget::{button, column, row, text, text_input};
use iced::{Element, Fill, Length};
use pos_core::till::{NoReceiptPlan, ReturnItem};

use super::{Ctx, Event};
use crate::app::fields::Field;
use crate::app::i18n::I18n;
use crate::app::scanning;
use crate::app::ui;

pub const CODE_INPUT: &str = "no-receipt-code";

/// The id of the quantity box of the item at this position.
pub fn quantity_input(index: usize) -> String {
    format!("no-receipt-qty-{index}")
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The code box changed.
    Code(String),
    /// Add the code in the box to the list.
    Add,
    /// The quantity of the item at this position changed.
    Quantity(usize, String),
    /// Take the item at this position off the list.
    Remove(usize),
}

/// One item brought back: what was scanned, and the quantity as typed.
#[derive(Debug, Clone, PartialEq)]
struct Item {
    input: pos_core::till::ItemInput,
    sku: String,
    name: String,
    quantity: String,
}

#[derive(Debug, Clone, Default)]
pub struct List {
    code: String,
    items: Vec<Item>,
    /// The till's refund for the list; none while a quantity is not a number yet.
    plan: Option<NoReceiptPlan>,
}

impl List {
    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Code(code) => {
                self.code = code;
                None
            }
            Message::Add => {
                let code = std::mem::take(&mut self.code);
                self.add(&code, ctx)
            }
            Message::Quantity(index, quantity) => self.set_quantity(index, quantity, ctx),
            Message::Remove(index) => self.remove(index, ctx),
        }
    }

    /// The code box, then each item's quantity.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        let mut all = vec![Field::new(CODE_INPUT, &self.code, Message::Code)];
        all.extend(self.items.iter().enumerate().map(|(index, item)| {
            Field::new(quantity_input(index), item.quantity.as_str(), move |q| {
                Message::Quantity(index, q)
            })
        }));
        all
    }

    /// The code being typed.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The items as the till takes them; a quantity that is not a number counts as 0, so
    /// the till says what is wrong.
    pub fn items(&self) -> Vec<ReturnItem> {
        self.items
            .iter()
            .map(|item| ReturnItem {
                item: pos_core::till::ItemInput {
                    quantity: item.quantity.parse().unwrap_or(0),
                    ..item.input.clone()
                },
            })
            .collect()
    }

    /// The refund the till worked out for the list as it stands.
    pub fn plan(&self) -> Option<&NoReceiptPlan> {
        self.plan.as_ref()
    }

    /// Names and quantities on the list, for tests and screenshots.
    pub fn lines(&self) -> Vec<(String, String)> {
        self.items
            .iter()
            .map(|i| (i.name.clone(), i.quantity.clone()))
            .collect()
    }

    /// A scan whose keys also landed in the code box: take them out again.
    pub fn take_scanned_keys(&mut self, code: &str) {
        if let Some(rest) = self.code.strip_suffix(code) {
            self.code = rest.to_string();
        }
    }

    /// Adds a scanned or typed code: one more of the same product and lot, or a new line.
    /// The till checks the whole list first, so an unknown code or a serial twice is
    /// refused and the list stays as it was.
    pub fn add(&mut self, code: &str, ctx: &mut Ctx<'_>) -> Option<Event> {
        let code = code.trim();
        if code.is_empty() {
            return None;
        }
        let (sku, input) = match scanning::classify(ctx.till, code) {
            Ok(entered) => match entered.item() {
                Some(item) => (item.product.sku.clone(), item.input.clone()),
                None => {
                    return Some(Event::Error(pos_core::till::TillError::UnknownCode {
                        code: code.to_string(),
                    }));
                }
            },
            Err(e) => return Some(Event::Error(e)),
        };
        let mut candidate = self.items.clone();
        // Units with a serial are one line each; others of the same lot add up.
        let same = candidate.iter_mut().find(|i| {
            input.serial.is_none()
                && i.input.serial.is_none()
                && i.sku == sku
                && i.input.lot == input.lot
        });
        match same {
            Some(item) => {
                let quantity = item.quantity.parse::<u32>().unwrap_or(0);
                item.quantity = quantity.saturating_add(input.quantity).to_string();
            }
            None => candidate.push(Item {
                quantity: input.quantity.to_string(),
                name: String::new(),
                sku,
                input,
            }),
        }
        let items = self.items.clone();
        self.items = candidate;
        match ctx.till.plan_return_without_receipt(&self.items()) {
            Ok(plan) => {
                for (item, line) in self.items.iter_mut().zip(&plan.lines) {
                    item.name.clone_from(&line.name);
                }
                self.plan = Some(plan);
                None
            }
            Err(e) => {
                self.items = items;
                Some(Event::Error(e))
            }
        }
    }

    fn set_quantity(&mut self, index: usize, quantity: String, ctx: &mut Ctx<'_>) -> Option<Event> {
        let item = self.items.get_mut(index)?;
        item.quantity = quantity
            .chars()
            .filter(char::is_ascii_digit)
            .take(4)
            .collect();
        self.replan(ctx);
        None
    }

    fn remove(&mut self, index: usize, ctx: &mut Ctx<'_>) -> Option<Event> {
        if index < self.items.len() {
            self.items.remove(index);
        }
        self.replan(ctx);
        None
    }

    /// Asks the till for the refund again; while a quantity is being typed there is none.
    fn replan(&mut self, ctx: &mut Ctx<'_>) {
        self.plan = if self.items.is_empty() {
            None
        } else {
            ctx.till.plan_return_without_receipt(&self.items()).ok()
        };
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let add = row![
            text_input(i18n.t("return.code"), &self.code)
                .id(CODE_INPUT)
                .on_input(Message::Code)
                .padding(10)
                .size(ui::TEXT),
            button(text(i18n.t("no_receipt.add")).size(ui::TEXT))
                .padding([10, 18])
                .on_press(Message::Add),
        ]
        .spacing(10);
        let mut body = column![
            text(i18n.t("no_receipt.hint"))
                .size(ui::SMALL)
                .color(ui::MUTED),
            add
        ]
        .spacing(8);
        if self.items.is_empty() {
            body = body.push(
                text(i18n.t("no_receipt.empty"))
                    .size(ui::SMALL)
                    .color(ui::MUTED),
            );
        } else {
            body = body.push(self.header(i18n));
            for (index, item) in self.items.iter().enumerate() {
                body = body.push(self.item_view(index, item, i18n));
            }
        }
        if let Some(plan) = &self.plan {
            body = body.push(
                text(i18n.f("no_receipt.refund", &[("amount", &ui::money(plan.total))]))
                    .size(ui::TITLE)
                    .font(ui::BOLD),
            );
        }
        body.into()
    }

    fn header<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let muted = |key: &'a str| text(i18n.t(key)).size(ui::SMALL).color(ui::MUTED);
        row![
            ui::cell("#", 36.0),
            muted("no_receipt.col_name").width(Fill),
            muted("no_receipt.col_qty").width(Length::Fixed(80.0)),
            muted("no_receipt.col_refund").width(Length::Fixed(110.0)),
            text("").width(Length::Fixed(90.0)),
        ]
        .spacing(8)
        .into()
    }

    fn item_view<'a>(&'a self, index: usize, item: &'a Item, i18n: I18n) -> Element<'a, Message> {
        let mut details = Vec::new();
        if let Some(lot) = &item.input.lot {
            details.push(i18n.f("sale.lot", &[("lot", lot)]));
        }
        if let Some(serial) = &item.input.serial {
            details.push(i18n.f("sale.serial", &[("serial", serial)]));
        }
        let refund = self
            .plan
            .as_ref()
            .and_then(|p| p.lines.get(index))
            .map(|l| ui::money(l.refund))
            .unwrap_or_default();
        row![
            ui::cell(format!("{}", index + 1), 36.0),
            column![
                text(item.name.as_str()).size(ui::TEXT),
                text(details.join("  ")).size(ui::SMALL).color(ui::MUTED),
            ]
            .width(Fill),
            text_input("1", &item.quantity)
                .id(quantity_input(index))
                .on_input(move |q| Message::Quantity(index, q))
                .padding(8)
                .width(Length::Fixed(80.0)),
            ui::cell(refund, 110.0),
            button(text(i18n.t("no_receipt.remove")).size(ui::SMALL))
                .padding([6, 10])
                .width(Length::Fixed(90.0))
                .on_press(Message::Remove(index))
                .style(ui::key_style),
        ]
        .spacing(8)
        .align_y(iced::Center)
        .into()
    }
}
