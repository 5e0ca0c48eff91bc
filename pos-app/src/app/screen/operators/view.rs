//! The operators screen's view: the operators with their state and the action keys on
//! the left, the form (add one, a new PIN) or the question to confirm on the right.

use iced::widget::{button, column, container, row, scrollable, text};
use iced::{Element, Fill, Length};

use super::*;
use crate::app::i18n::I18n;
use crate::app::screen::login::role_key;
use crate::app::ui;

impl State {
    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let list = column![self.list_view(i18n), self.actions_view(i18n)]
            .spacing(12)
            .width(Fill);
        // A pending deactivation takes the form's place: one question at a time.
        let side = container(
            self.confirm_view(i18n)
                .unwrap_or_else(|| self.form_view(i18n)),
        )
        .width(440);
        let body = column![
            ui::title(i18n.t("operators.title")),
            row![list, side].spacing(20)
        ]
        .spacing(12);
        container(scrollable(body.padding(20))).width(Fill).into()
    }

    fn list_view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let header = row![
            ui::cell(i18n.t("operators.col_id"), 120.0),
            ui::cell(i18n.t("operators.col_name"), 200.0),
            ui::cell(i18n.t("operators.col_role"), 100.0),
            text(i18n.t("operators.col_state"))
                .size(ui::TEXT)
                .width(Fill),
        ]
        .spacing(8);
        let lines = self
            .lines
            .iter()
            .enumerate()
            .fold(column![].spacing(2), |col, (at, line)| {
                let o = &line.status;
                let (state, color) = match (&line.locked_until, o.active) {
                    (_, false) => (i18n.t("operators.inactive_state").to_string(), ui::MUTED),
                    (Some(until), true) => (
                        i18n.f("operators.locked_state", &[("until", until)]),
                        ui::ERROR,
                    ),
                    (None, true) => (i18n.t("operators.active_state").to_string(), ui::OK),
                };
                let content = row![
                    ui::cell(o.id.as_str(), 120.0),
                    ui::cell(o.name.as_str(), 200.0),
                    ui::cell(i18n.t(role_key(o.role)), 100.0),
                    text(state).size(ui::TEXT).color(color).width(Fill),
                ]
                .spacing(8)
                .align_y(iced::Center);
                let chosen = at == self.cursor;
                let line = container(content)
                    .width(Fill)
                    .height(Fill)
                    .align_y(iced::Center)
                    .padding([0, 8])
                    .style(move |_: &iced::Theme| container::Style {
                        background: chosen.then_some(ui::HIGHLIGHT.into()),
                        ..container::Style::default()
                    });
                col.push(
                    button(line)
                        .padding(0)
                        .height(Length::Fixed(ui::BUTTON_HEIGHT))
                        .width(Fill)
                        .on_press(Message::Select(o.id.clone()))
                        .style(button::text),
                )
            });
        ui::panel(column![header, lines].spacing(6))
            .width(Fill)
            .into()
    }

    fn actions_view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let chosen_active = self.selected().is_some_and(|o| o.active);
        let may_deactivate = self.selected().is_some_and(|o| o.active && o.id != self.me);
        row![
            ui::key_button(i18n.t("operators.new"), "F2", Some(Message::NewOperator)),
            ui::key_button(
                i18n.t("operators.reset_pin"),
                "F3",
                chosen_active.then_some(Message::ResetPin)
            ),
            ui::key_button(
                i18n.t("operators.deactivate"),
                "F4",
                may_deactivate.then_some(Message::Deactivate)
            ),
            ui::key_button(i18n.t("common.back"), "Esc", Some(Message::Back)),
        ]
        .spacing(8)
        .into()
    }

    fn confirm_view<'a>(&'a self, i18n: I18n) -> Option<Element<'a, Message>> {
        let id = self.confirming.as_deref()?;
        let name = self.name_of(id);
        let panel = ui::panel(
            column![
                text(i18n.f(
                    "operators.confirm_deactivate",
                    &[("name", &name), ("id", &id)]
                ))
                .size(ui::TEXT)
                .color(ui::ERROR),
                row![
                    ui::primary_button(
                        i18n.t("operators.confirm"),
                        "F4",
                        Some(Message::ConfirmDeactivate)
                    ),
                    ui::key_button(
                        i18n.t("common.cancel"),
                        "Esc",
                        Some(Message::CancelDeactivate)
                    ),
                ]
                .spacing(8),
            ]
            .spacing(10),
        )
        .width(Fill);
        Some(panel.into())
    }

    fn form_view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let pins = column![
            ui::pin_field(i18n.t("operators.pin"), &self.pin, PIN_INPUT, Message::Pin),
            ui::pin_field(
                i18n.t("operators.pin_again"),
                &self.pin_again,
                PIN_AGAIN_INPUT,
                Message::PinAgain
            ),
        ]
        .spacing(10);
        let save = ui::primary_button(i18n.t("operators.save"), "Enter", Some(Message::Save));
        let form = match &self.form {
            Form::Add => {
                let roles = Role::ALL.iter().fold(row![].spacing(8), |r, &role| {
                    r.push(
                        button(text(i18n.t(role_key(role))).size(ui::TEXT))
                            .padding([10, 16])
                            .height(Length::Fixed(ui::BUTTON_HEIGHT))
                            .on_press(Message::Role(role))
                            .style(if role == self.role {
                                button::primary
                            } else {
                                ui::key_style
                            }),
                    )
                });
                column![
                    text(i18n.t("operators.add_title"))
                        .size(ui::TEXT)
                        .font(ui::BOLD),
                    ui::field(
                        i18n.t("operators.id"),
                        i18n.t("operators.id_hint"),
                        &self.id,
                        ID_INPUT,
                        Message::Id
                    ),
                    ui::field(
                        i18n.t("operators.name"),
                        "",
                        &self.name,
                        NAME_INPUT,
                        Message::Name
                    ),
                    text(i18n.t("operators.role"))
                        .size(ui::SMALL)
                        .color(ui::MUTED),
                    roles,
                    pins,
                    save,
                ]
            }
            Form::ResetPin { id, name } => column![
                text(i18n.f("operators.reset_title", &[("name", name), ("id", id)]))
                    .size(ui::TEXT)
                    .font(ui::BOLD),
                text(i18n.t("operators.reset_hint"))
                    .size(ui::SMALL)
                    .color(ui::MUTED),
                pins,
                row![
                    save,
                    ui::key_button(i18n.t("common.cancel"), "Esc", Some(Message::NewOperator)),
                ]
                .spacing(8),
            ],
        };
        ui::panel(form.spacing(10)).width(Fill).into()
    }
}
