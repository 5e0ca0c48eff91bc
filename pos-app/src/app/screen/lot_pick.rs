//! The lot picker of the sale screen (F1): the selected line's lots as the till knows
//! them, earliest expiry first, with expiry date and stock. Expired lots are listed but
//! the till refuses them with the same message as a scan; a near-expiry lot warns.
//!
//! Keys: a number or ↑↓ then Enter chooses, Esc cancels.

use iced::widget::{button, column, row, text};
use iced::{Element, Fill};
use pos_core::catalog::ExpiryCheck;
use pos_core::till::{LotChoice, ScanOutcome, TillError};

use super::Ctx;
use crate::app::i18n::I18n;
use crate::app::ui;

#[derive(Debug, Clone)]
pub enum Message {
    /// Put the line on this lot (a click on its row).
    Choose(String),
}

/// The lots one line may take, and which one the cursor is on.
#[derive(Debug, Clone, PartialEq)]
pub struct LotPick {
    pub line_no: u32,
    pub name: String,
    /// The line's lot when the picker opened.
    pub current: Option<String>,
    pub choices: Vec<LotChoice>,
    cursor: usize,
}

impl LotPick {
    /// The picker for a line, with the cursor on its current lot; the till refuses a
    /// line that is not lot-tracked. No lots at all is a warning for the caller.
    pub fn open(line_no: u32, ctx: &Ctx<'_>) -> Result<LotPick, TillError> {
        let choices = ctx.till.lot_choices(line_no, ctx.now)?;
        let line = ctx
            .till
            .cart()
            .lines
            .iter()
            .find(|l| l.line_no == line_no)
            .ok_or(TillError::UnknownLine { line_no })?;
        let cursor = choices
            .iter()
            .position(|c| Some(&c.lot_no) == line.lot.as_ref())
            .unwrap_or(0);
        Ok(LotPick {
            line_no,
            name: line.product.name.clone(),
            current: line.lot.clone(),
            choices,
            cursor,
        })
    }

    /// The lot under the cursor.
    pub fn at_cursor(&self) -> Option<&str> {
        self.choices.get(self.cursor).map(|c| c.lot_no.as_str())
    }

    /// The lot shown with number `n` (1-based).
    pub fn numbered(&self, n: usize) -> Option<&str> {
        let index = n.checked_sub(1)?;
        self.choices.get(index).map(|c| c.lot_no.as_str())
    }

    pub fn move_cursor(&mut self, step: i32) {
        let last = self.choices.len() as i32 - 1;
        self.cursor = (self.cursor as i32 + step).clamp(0, last.max(0)) as usize;
    }

    /// Asks the till to put the line on `lot_no`; the cursor follows the choice, so after
    /// a refusal the cashier moves on from there.
    pub fn choose(&mut self, lot_no: &str, ctx: &mut Ctx<'_>) -> Result<ScanOutcome, TillError> {
        if let Some(index) = self.choices.iter().position(|c| c.lot_no == lot_no) {
            self.cursor = index;
        }
        ctx.till.set_line_lot(self.line_no, lot_no, ctx.now)
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let header = row![
            ui::cell("#", 36.0),
            muted(i18n.t("lot_pick.col_lot"), 170.0),
            muted(i18n.t("lot_pick.col_expiry"), 130.0),
            muted(i18n.t("lot_pick.col_stock"), 70.0),
        ]
        .spacing(10)
        .padding([0, 10]);
        let list = self
            .choices
            .iter()
            .enumerate()
            .fold(column![header].spacing(2), |col, (i, choice)| {
                col.push(self.choice_view(i, choice, i18n))
            });
        let title = i18n.f("lot_pick.title", &[("name", &self.name)]);
        ui::panel(column![text(title).size(ui::SMALL).color(ui::MUTED), list].spacing(6))
            .width(Fill)
            .into()
    }

    fn choice_view<'a>(
        &'a self,
        index: usize,
        choice: &'a LotChoice,
        i18n: I18n,
    ) -> Element<'a, Message> {
        let (status, color) = match choice.expiry {
            ExpiryCheck::Expired => (i18n.t("lot_pick.expired").to_string(), ui::ERROR),
            ExpiryCheck::NearExpiry { days_left } => {
                (i18n.f("lot_pick.near", &[("days", &days_left)]), ui::WARN)
            }
            ExpiryCheck::Ok => (String::new(), ui::MUTED),
        };
        let current = if self.current.as_ref() == Some(&choice.lot_no) {
            i18n.t("lot_pick.current")
        } else {
            ""
        };
        let label = row![
            ui::cell(format!("{}", index + 1), 36.0),
            ui::cell(choice.lot_no.as_str(), 170.0),
            ui::cell(choice.expiry_date.to_string(), 130.0),
            ui::cell(choice.stock.to_string(), 70.0),
            text(status).size(ui::SMALL).color(color).width(Fill),
            text(current).size(ui::SMALL).color(ui::ACCENT),
        ]
        .spacing(10)
        .align_y(iced::Center);
        button(label)
            .width(Fill)
            .padding([8, 10])
            .on_press(Message::Choose(choice.lot_no.clone()))
            .style(if index == self.cursor {
                button::primary
            } else {
                button::text
            })
            .into()
    }
}

fn muted<'a>(label: &'a str, width: f32) -> Element<'a, Message> {
    text(label)
        .size(ui::SMALL)
        .color(ui::MUTED)
        .width(iced::Length::Fixed(width))
        .into()
}
