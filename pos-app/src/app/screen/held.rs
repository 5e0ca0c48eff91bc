//! Held sales (挂单): the parked carts, newest first; pick one to resume it.

use iced::widget::{button, column, container, row, text};
use iced::{Element, Fill};
use pos_core::store::HeldSale;

use super::{Ctx, Event, Go};
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::ui;

#[derive(Debug, Clone)]
pub enum Message {
    /// Resume this held sale.
    Resume(String),
    /// Back to the sale.
    Back,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    held: Vec<HeldSale>,
}

impl State {
    pub fn new(ctx: &Ctx<'_>) -> State {
        State {
            held: ctx.till.held_sales().unwrap_or_default(),
        }
    }

    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Resume(id) => self.resume(&id, ctx),
            Message::Back => Some(Event::Go(Go::Sale)),
        }
    }

    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        match key {
            Pressed::Escape => Some(Event::Go(Go::Sale)),
            // 1-9 picks the n-th held sale.
            Pressed::Char(c @ '1'..='9') => {
                let index = (*c as u8 - b'1') as usize;
                let id = self.held.get(index)?.id.clone();
                self.resume(&id, ctx)
            }
            Pressed::Enter => {
                let id = self.held.first()?.id.clone();
                self.resume(&id, ctx)
            }
            _ => None,
        }
    }

    fn resume(&mut self, id: &str, ctx: &mut Ctx<'_>) -> Option<Event> {
        match ctx.till.resume(id, ctx.now) {
            Ok(()) => Some(Event::Go(Go::Sale)),
            Err(e) => Some(Event::Error(e)),
        }
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let list = self
            .held
            .iter()
            .enumerate()
            .fold(column![].spacing(8), |col, (i, h)| {
                let label = row![
                    text(format!("{}", i + 1)).size(ui::TEXT).width(40.0),
                    text(h.label.as_str()).size(ui::TEXT).width(Fill),
                    text(h.held_at.get(11..16).unwrap_or(&h.held_at)).size(ui::TEXT),
                ]
                .spacing(10);
                col.push(
                    button(label)
                        .padding(14)
                        .width(Fill)
                        .on_press(Message::Resume(h.id.clone()))
                        .style(ui::key_style),
                )
            });
        let empty = self
            .held
            .is_empty()
            .then(|| text(i18n.t("held.none")).size(ui::TEXT).color(ui::MUTED));
        let body = column![ui::title(i18n.t("held.title")), list]
            .push(empty)
            .push(ui::key_button(
                i18n.t("common.back"),
                "Esc",
                Some(Message::Back),
            ))
            .spacing(14)
            .width(700);
        container(ui::panel(body)).center_x(Fill).padding(20).into()
    }
}
