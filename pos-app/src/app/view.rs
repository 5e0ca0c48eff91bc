//! The window: the screen on show, the banner across the top, the status bar below, and
//! the manager's PIN prompt over everything when one is asked.

use iced::widget::{button, column, container, row, stack, text};
use iced::{Element, Fill, Theme};

use pos_core::till::Till;

use super::{App, Level, Message, keys, ui};

impl App {
    pub fn view(&self) -> Element<'_, Message> {
        let i18n = self.i18n;
        let body = self.screen.view(self.till.as_ref(), i18n);
        let main = column![
            self.banner_view(),
            container(body).height(Fill),
            self.status.view(self.till.as_ref(), self.clock.now(), i18n)
        ];
        let window: Element<'_, Message> = match &self.approval {
            Some(prompt) => stack![
                main,
                iced::widget::opaque(prompt.view(i18n).map(Message::Approval))
            ]
            .into(),
            None => main.into(),
        };
        keys::route(window, Message::Key, Message::FieldClicked).into()
    }

    pub(super) fn banner_view(&self) -> Element<'_, Message> {
        let Some(banner) = &self.banner else {
            return column![].into();
        };
        let color = match banner.level {
            Level::Info => ui::OK,
            Level::Warning => ui::WARN,
            Level::Error => ui::ERROR,
        };
        let reprint = (!self.unprinted.is_empty()).then(|| {
            button(text(self.i18n.t("print.reprint")).size(ui::TEXT))
                .on_press(Message::Reprint)
                .style(ui::key_style)
        });
        // Only a manager may decide receipts will not be printed.
        let manager = self
            .till
            .as_ref()
            .and_then(Till::operator)
            .is_some_and(|o| o.role == pos_core::operator::Role::Manager);
        let forget = (manager && !self.unprinted.is_empty()).then(|| {
            button(text(self.i18n.t("print.forget")).size(ui::TEXT))
                .on_press(Message::ForgetUnprinted)
                .style(ui::key_style)
        });
        let content = row![
            text(banner.text.as_str())
                .size(ui::TEXT)
                .color(iced::Color::WHITE)
                .width(Fill)
        ]
        .push(reprint)
        .push(forget)
        .push(
            button(text("✕").size(ui::TEXT))
                .on_press(Message::DismissBanner)
                .style(button::text),
        )
        .spacing(12)
        .align_y(iced::Center);
        container(content)
            .width(Fill)
            .padding([8, 14])
            .style(move |_: &Theme| container::Style {
                background: Some(color.into()),
                ..container::Style::default()
            })
            .into()
    }
}
