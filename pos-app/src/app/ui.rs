//! Shared look: large touch-friendly buttons that show their key, money, panels, the
//! banner. Colours and sizes live here so screens stay about content.

use iced::widget::{button, column, container, row, text, text_input};
use iced::{Background, Border, Color, Element, Fill, Font, Length, Theme, font};
use rust_decimal::Decimal;

/// The CJK font Debian's fonts-noto-cjk installs; set as the default font.
pub const CJK_FONT: Font = Font::with_name("Noto Sans CJK SC");
pub const BOLD: Font = Font {
    weight: font::Weight::Bold,
    ..CJK_FONT
};

pub const TEXT: f32 = 18.0;
pub const SMALL: f32 = 14.0;
pub const TITLE: f32 = 26.0;
pub const TOTAL: f32 = 52.0;
/// Touch targets at least this tall.
pub const BUTTON_HEIGHT: f32 = 56.0;

pub const ACCENT: Color = Color::from_rgb(0.05, 0.42, 0.75);
pub const OK: Color = Color::from_rgb(0.10, 0.55, 0.25);
pub const WARN: Color = Color::from_rgb(0.85, 0.55, 0.05);
pub const ERROR: Color = Color::from_rgb(0.80, 0.15, 0.15);
pub const MUTED: Color = Color::from_rgb(0.45, 0.47, 0.50);
pub const HIGHLIGHT: Color = Color::from_rgb(1.0, 0.96, 0.75);
pub const PANEL: Color = Color::from_rgb(0.96, 0.97, 0.98);

/// Money as the till shows it: `¥ 12.30`.
pub fn money(amount: Decimal) -> String {
    format!("¥{}", pos_core::money::format_cny(amount))
}

/// A big button: the action on top, its key below, so the cashier learns the keys.
pub fn key_button<'a, M: Clone + 'a>(
    label: impl iced::widget::text::IntoFragment<'a>,
    key: impl iced::widget::text::IntoFragment<'a>,
    on_press: Option<M>,
) -> Element<'a, M> {
    let content = column![text(label).size(TEXT), text(key).size(SMALL).color(MUTED)].spacing(2);
    button(content)
        .padding([6, 12])
        .height(BUTTON_HEIGHT)
        .width(Fill)
        .on_press_maybe(on_press)
        .style(key_style)
        .into()
}

/// White keys with a border, like a keyboard's: readable, and clearly pressable.
pub fn key_style(theme: &Theme, status: button::Status) -> button::Style {
    let background = match status {
        button::Status::Hovered => Color::from_rgb(0.92, 0.95, 1.0),
        button::Status::Pressed => Color::from_rgb(0.84, 0.90, 1.0),
        button::Status::Disabled => PANEL,
        button::Status::Active => Color::WHITE,
    };
    button::Style {
        background: Some(Background::Color(background)),
        text_color: if status == button::Status::Disabled {
            MUTED
        } else {
            Color::BLACK
        },
        border: Border {
            radius: 6.0.into(),
            width: 1.0,
            color: Color::from_rgb(0.75, 0.78, 0.82),
        },
        ..button::secondary(theme, status)
    }
}

/// The main action of a screen.
pub fn primary_button<'a, M: Clone + 'a>(
    label: &'a str,
    key: &'a str,
    on_press: Option<M>,
) -> Element<'a, M> {
    let content = column![
        text(label).size(TEXT + 2.0).font(BOLD),
        text(key).size(SMALL)
    ]
    .spacing(2);
    button(content)
        .padding([8, 18])
        .height(BUTTON_HEIGHT)
        .width(Fill)
        .on_press_maybe(on_press)
        .style(button::primary)
        .into()
}

/// A labelled text box. It shows its screen's text; the id is how the app types into it
/// and moves the cursor there (see `app::fields`).
pub fn field<'a, M: Clone + 'a>(
    label: &'a str,
    placeholder: &'a str,
    value: &'a str,
    id: impl Into<iced::widget::Id>,
    on_input: impl Fn(String) -> M + 'a,
) -> Element<'a, M> {
    labelled(
        label,
        text_input(placeholder, value).id(id).on_input(on_input),
    )
}

/// The label above a text box, both in the app's sizes.
fn labelled<'a, M: Clone + 'a>(
    label: &'a str,
    input: iced::widget::TextInput<'a, M>,
) -> Element<'a, M> {
    column![
        text(label).size(SMALL).color(MUTED),
        input.padding(10).size(TEXT)
    ]
    .spacing(4)
    .into()
}

/// A PIN box: digits hidden.
pub fn pin_field<'a, M: Clone + 'a>(
    label: &'a str,
    value: &'a str,
    id: &'static str,
    on_input: impl Fn(String) -> M + 'a,
) -> Element<'a, M> {
    column![
        text(label).size(SMALL).color(MUTED),
        text_input("••••", value)
            .id(id)
            .secure(true)
            .on_input(on_input)
            .padding(10)
            .size(TITLE)
    ]
    .spacing(4)
    .into()
}

/// A panel with a light background and rounded corners.
pub fn panel<'a, M: 'a>(content: impl Into<Element<'a, M>>) -> container::Container<'a, M> {
    container(content)
        .padding(14)
        .style(|_: &Theme| container::Style {
            background: Some(Background::Color(PANEL)),
            border: Border {
                radius: 8.0.into(),
                width: 1.0,
                color: Color::from_rgb(0.86, 0.88, 0.90),
            },
            ..container::Style::default()
        })
}

/// A screen title.
pub fn title<'a, M: 'a>(label: &'a str) -> Element<'a, M> {
    text(label).size(TITLE).font(BOLD).into()
}

/// A label and a value on one line, the value right-aligned.
pub fn pair<'a, M: 'a>(
    label: impl text::IntoFragment<'a>,
    value: impl text::IntoFragment<'a>,
) -> Element<'a, M> {
    row![text(label).size(TEXT).width(Fill), text(value).size(TEXT)]
        .spacing(8)
        .into()
}

/// Background colour of a highlighted row.
pub fn highlighted<'a, M: 'a>(content: impl Into<Element<'a, M>>, on: bool) -> Element<'a, M> {
    container(content)
        .width(Fill)
        .padding([6, 8])
        .style(move |_: &Theme| container::Style {
            background: on.then_some(Background::Color(HIGHLIGHT)),
            ..container::Style::default()
        })
        .into()
}

/// Fixed-width column in a table row.
pub fn cell<'a, M: 'a>(value: impl text::IntoFragment<'a>, width: f32) -> Element<'a, M> {
    text(value).size(TEXT).width(Length::Fixed(width)).into()
}
