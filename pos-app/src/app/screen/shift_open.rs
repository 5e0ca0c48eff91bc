//! Opening a shift: count the float (备用金) by denomination and confirm.

use iced::widget::{column, container, text};
use iced::{Element, Fill};

use super::count::{self, Count};
use super::{Ctx, Event, Go};
use crate::app::fields::{self, Field};
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::ui;

#[derive(Debug, Clone)]
pub enum Message {
    /// A denomination count changed.
    Count(count::Message),
    /// Open the shift with this float.
    Confirm,
    /// Log out instead.
    Logout,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    pub count: Count,
}

impl State {
    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Count(m) => self.count_changed(m),
            Message::Confirm => self.confirm(ctx),
            Message::Logout => Some(Event::LoggedOut),
        }
    }

    /// Enter opens the shift; Esc logs out.
    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        match key {
            Pressed::Enter => self.confirm(ctx),
            Pressed::Escape => Some(Event::LoggedOut),
            _ => None,
        }
    }

    /// The count boxes.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        fields::map_all(self.count.fields(), Message::Count)
    }

    fn count_changed(&mut self, message: count::Message) -> Option<Event> {
        self.count.update(message);
        None
    }

    fn confirm(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        match ctx.till.open_shift(self.count.counted(), ctx.now) {
            Ok(_) => Some(Event::Go(Go::Sale)),
            Err(e) => Some(Event::Error(e)),
        }
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let body = column![
            ui::title(i18n.t("shift.title")),
            text(i18n.t("shift.hint")).size(ui::SMALL).color(ui::MUTED),
            self.count.view(i18n).map(Message::Count),
            ui::primary_button(i18n.t("shift.open"), "Enter", Some(Message::Confirm)),
            ui::key_button(i18n.t("common.logout"), "Esc", Some(Message::Logout)),
        ]
        .spacing(14)
        .width(400);
        container(ui::panel(body))
            .center_x(Fill)
            .center_y(Fill)
            .into()
    }
}
