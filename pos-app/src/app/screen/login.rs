//! Login: pick the operator, type the PIN, Enter.

use iced::widget::{button, column, container, row, text};
use iced::{Center, Element, Fill};
use pos_core::operator::{Operator, Role};
use pos_core::till::Till;

use super::{Ctx, Event, Go};
use crate::app::fields::Field;
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::ui;

pub const PIN_INPUT: &str = "login-pin";

#[derive(Debug, Clone)]
pub enum Message {
    /// The cashier picked who they are.
    Operator(String),
    /// The PIN box changed.
    Pin(String),
    /// Log in with the PIN typed.
    Submit,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    operators: Vec<Operator>,
    operator_id: Option<String>,
    pin: String,
}

impl State {
    pub fn new(till: &Till) -> State {
        let operators = till.operators().unwrap_or_default();
        // Cashiers log in far more often than managers: preselect the first cashier.
        let operator_id = operators
            .iter()
            .find(|o| o.role == Role::Cashier)
            .or(operators.first())
            .map(|o| o.id.clone());
        State {
            operators,
            operator_id,
            pin: String::new(),
        }
    }

    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Operator(id) => self.pick(id),
            Message::Pin(pin) => self.type_pin(pin),
            Message::Submit => self.submit(ctx),
        }
    }

    /// Enter logs in; ↑/↓ pick the operator.
    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        match key {
            Pressed::Enter => self.submit(ctx),
            Pressed::Up => self.step(-1),
            Pressed::Down => self.step(1),
            _ => None,
        }
    }

    /// The PIN box.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        vec![Field::new(PIN_INPUT, &self.pin, Message::Pin)]
    }

    fn pick(&mut self, id: String) -> Option<Event> {
        self.operator_id = Some(id);
        None
    }

    /// ↑/↓: the operator before or after the one picked, so nobody needs the mouse.
    pub fn step(&mut self, delta: isize) -> Option<Event> {
        let count = self.operators.len();
        if count == 0 {
            return None;
        }
        let at = self
            .operators
            .iter()
            .position(|o| Some(&o.id) == self.operator_id.as_ref())
            .unwrap_or(0);
        let next = (at as isize + delta).rem_euclid(count as isize) as usize;
        self.pick(self.operators[next].id.clone())
    }

    fn type_pin(&mut self, pin: String) -> Option<Event> {
        self.pin = pin.chars().filter(char::is_ascii_digit).take(8).collect();
        None
    }

    fn submit(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let id = self.operator_id.clone()?;
        let pin = std::mem::take(&mut self.pin);
        if let Err(e) = ctx.till.login(&id, &pin, ctx.now) {
            return Some(Event::Error(e));
        }
        match ctx.till.has_open_shift() {
            Ok(true) => Some(Event::Go(Go::Sale)),
            Ok(false) => Some(Event::Go(Go::ShiftOpen)),
            Err(e) => Some(Event::Error(e)),
        }
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let operators = self.operators.iter().fold(row![].spacing(10), |r, o| {
            let label = format!("{} · {}", o.name, i18n.t(role_key(o.role)));
            let selected = self.operator_id.as_deref() == Some(o.id.as_str());
            r.push(
                button(text(label).size(ui::TEXT))
                    .padding([14, 20])
                    .on_press(Message::Operator(o.id.clone()))
                    .style(if selected {
                        button::primary
                    } else {
                        ui::key_style
                    }),
            )
        });
        let form = column![
            ui::title(i18n.t("login.title")),
            text(i18n.t("login.who")).size(ui::SMALL).color(ui::MUTED),
            operators,
            ui::pin_field(i18n.t("login.pin"), &self.pin, PIN_INPUT, Message::Pin),
            ui::primary_button(i18n.t("login.submit"), "Enter", Some(Message::Submit)),
        ]
        .spacing(16)
        .width(520);
        container(ui::panel(form))
            .center_x(Fill)
            .center_y(Fill)
            .align_x(Center)
            .into()
    }
}

pub fn role_key(role: Role) -> &'static str {
    match role {
        Role::Cashier => "role.cashier",
        Role::Manager => "role.manager",
    }
}
