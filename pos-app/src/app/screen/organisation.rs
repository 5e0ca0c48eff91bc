//! Organisation (Ctrl+O): the organisation (机构客户) buying, found by its 统一社会信用代码
//! or id, or by part of its name; then its department. Keyboard first: typing lists the
//! matches, ↑↓ choose, Enter attaches; then ↑↓ and Enter pick the department (or none).
//! Ctrl+D takes the organisation off the sale; Esc goes back.

use iced::widget::{button, column, container, text};
use iced::{Element, Fill};
use pos_core::organisation::Organisation;

use super::{Ctx, Event, Go};
use crate::app::fields::Field;
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::ui;

pub const KEY_INPUT: &str = "organisation-key";

#[derive(Debug, Clone)]
pub enum Message {
    /// Code or name typed.
    Key(String),
    /// Attach the match at this place of the list (clicked).
    Choose(usize),
    /// Name the department at this place (0: none), clicked.
    Department(usize),
    /// Take the organisation off the sale.
    Detach,
    Back,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    key: String,
    hits: Vec<Organisation>,
    cursor: usize,
    /// Set once an organisation is attached: its departments are chosen next.
    departments: Option<Vec<String>>,
}

impl State {
    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Key(k) => self.search(k, ctx),
            Message::Choose(i) => {
                self.cursor = i;
                self.attach(ctx)
            }
            Message::Department(i) => {
                self.cursor = i;
                self.choose_department(ctx)
            }
            Message::Detach => self.detach(ctx),
            Message::Back => Some(Event::Go(Go::Sale)),
        }
    }

    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        let len = match &self.departments {
            Some(d) => d.len() + 1,
            None => self.hits.len(),
        };
        match key {
            Pressed::Up => {
                self.cursor = self.cursor.saturating_sub(1);
                None
            }
            Pressed::Down => {
                self.cursor = (self.cursor + 1).min(len.saturating_sub(1));
                None
            }
            Pressed::Enter if self.departments.is_some() => self.choose_department(ctx),
            Pressed::Enter => self.attach(ctx),
            Pressed::Ctrl('d') => self.detach(ctx),
            Pressed::Escape => Some(Event::Go(Go::Sale)),
            _ => None,
        }
    }

    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        if self.departments.is_some() {
            return Vec::new();
        }
        vec![Field::new(KEY_INPUT, &self.key, Message::Key)]
    }

    /// A scanned code (the 统一社会信用代码 on a licence's QR code, say) names the
    /// organisation to attach.
    pub fn scanned(&mut self, code: &str, ctx: &mut Ctx<'_>) -> Option<Event> {
        self.key = code.trim().to_string();
        self.hits.clear();
        self.cursor = 0;
        self.attach(ctx)
    }

    fn search(&mut self, key: String, ctx: &mut Ctx<'_>) -> Option<Event> {
        self.key = key;
        self.cursor = 0;
        match ctx.till.find_organisations(&self.key) {
            Ok(hits) => {
                self.hits = hits;
                None
            }
            Err(e) => Some(Event::Error(e)),
        }
    }

    /// Attaches the chosen match, else what the box names (a code, or a name only one
    /// organisation has).
    fn attach(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let key = match self.hits.get(self.cursor) {
            Some(o) => o.id.clone(),
            None => self.key.trim().to_string(),
        };
        match ctx.till.attach_organisation(&key) {
            Ok(o) if o.departments.is_empty() => Some(Event::Go(Go::Sale)),
            Ok(o) => {
                self.departments = Some(o.departments);
                self.cursor = 0;
                None
            }
            Err(e) => Some(Event::Error(e)),
        }
    }

    fn choose_department(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let chosen = match (&self.departments, self.cursor) {
            (_, 0) | (None, _) => None,
            (Some(d), i) => d.get(i - 1).cloned(),
        };
        match ctx.till.set_department(chosen.as_deref()) {
            Ok(()) => Some(Event::Go(Go::Sale)),
            Err(e) => Some(Event::Error(e)),
        }
    }

    fn detach(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        ctx.till.detach_organisation();
        Some(Event::Go(Go::Sale))
    }

    fn choice<'a>(label: String, on: bool, message: Message) -> Element<'a, Message> {
        button(text(label).size(ui::TEXT))
            .width(Fill)
            .padding([8, 10])
            .on_press(message)
            .style(if on { button::primary } else { button::text })
            .into()
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let list: Element<'a, Message> = match &self.departments {
            Some(departments) => {
                let none = Self::choice(
                    i18n.t("organisation.no_department").to_string(),
                    self.cursor == 0,
                    Message::Department(0),
                );
                departments
                    .iter()
                    .enumerate()
                    .fold(
                        column![
                            text(i18n.t("organisation.departments")).size(ui::TEXT),
                            none
                        ]
                        .spacing(4),
                        |col, (i, d)| {
                            col.push(Self::choice(
                                d.clone(),
                                self.cursor == i + 1,
                                Message::Department(i + 1),
                            ))
                        },
                    )
                    .into()
            }
            None => self
                .hits
                .iter()
                .enumerate()
                .fold(column![].spacing(4), |col, (i, o)| {
                    col.push(Self::choice(
                        format!("{}  {}", o.name, o.code),
                        i == self.cursor,
                        Message::Choose(i),
                    ))
                })
                .into(),
        };
        let body = column![
            ui::title(i18n.t("organisation.title")),
            ui::field(
                i18n.t("organisation.key"),
                i18n.t("organisation.key_hint"),
                &self.key,
                KEY_INPUT,
                Message::Key
            ),
            list,
            ui::key_button(
                i18n.t("organisation.detach"),
                "Ctrl+D",
                Some(Message::Detach)
            ),
            ui::key_button(i18n.t("common.back"), "Esc", Some(Message::Back)),
        ]
        .spacing(12)
        .width(700);
        container(ui::panel(body)).center_x(Fill).padding(20).into()
    }
}
