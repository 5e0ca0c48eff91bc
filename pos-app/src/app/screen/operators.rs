//! Operators (操作员, manager only; from settings, F2): who may use this till, with role
//! and lock-out; add one, give one a new PIN (which also ends a lock-out), deactivate one
//! (停用: no more logins, their name stays on their documents).
//!
//! Keys: Up/Down choose an operator; F2 new operator; F3 new PIN for the chosen one; F4
//! deactivate the chosen one (F4 again confirms); F5 switches the new operator's role;
//! Tab walks the boxes; Enter saves; Esc cancels a question or goes back to settings.

use pos_core::operator::{OperatorError, OperatorStatus, Role};
use pos_core::till::{NewOperator, TillError};

use super::{Ctx, Event, Go};
use crate::app::fields::Field;
use crate::app::keys::Pressed;

mod view;

pub const ID_INPUT: &str = "operators-id";
pub const NAME_INPUT: &str = "operators-name";
pub const PIN_INPUT: &str = "operators-pin";
pub const PIN_AGAIN_INPUT: &str = "operators-pin-again";

/// Digits kept from a PIN box (the till refuses more than this anyway).
const PIN_CHARS_MAX: usize = pos_core::operator::PIN_DIGITS_MAX;

#[derive(Debug, Clone)]
pub enum Message {
    /// Choose an operator in the list (click).
    Select(String),
    /// The new operator's id (工号).
    Id(String),
    /// The new operator's name.
    Name(String),
    /// The new operator's role.
    Role(Role),
    /// The PIN box.
    Pin(String),
    /// The PIN typed again.
    PinAgain(String),
    /// Fill in a new operator (F2).
    NewOperator,
    /// Give the chosen operator a new PIN (F3).
    ResetPin,
    /// Deactivate the chosen operator: asks first (F4).
    Deactivate,
    /// Yes, deactivate them (F4 again).
    ConfirmDeactivate,
    /// Do not deactivate after all.
    CancelDeactivate,
    /// Save the form (Enter).
    Save,
    /// Back to settings (Esc).
    Back,
}

impl Message {
    /// Whether the cursor should then go to the form's first box (not while typing).
    pub fn moves_focus(&self) -> bool {
        matches!(
            self,
            Message::NewOperator | Message::ResetPin | Message::Save | Message::Role(_)
        )
    }
}

/// What the form on the right does.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Form {
    Add,
    /// A new PIN for this operator.
    ResetPin {
        id: String,
        name: String,
    },
}

/// One line of the list, with the lock's end in the till's local time.
#[derive(Debug, Clone)]
struct Line {
    status: OperatorStatus,
    locked_until: Option<String>,
}

#[derive(Debug, Clone)]
pub struct State {
    lines: Vec<Line>,
    cursor: usize,
    form: Form,
    id: String,
    name: String,
    role: Role,
    pin: String,
    pin_again: String,
    /// The operator a deactivation waits on a confirmation for.
    confirming: Option<String>,
    /// The box the cursor belongs in.
    focus: &'static str,
    /// The manager using the screen, who cannot deactivate themself.
    me: String,
}

impl State {
    pub fn new(ctx: &Ctx<'_>) -> (State, Option<Event>) {
        let mut state = State {
            lines: Vec::new(),
            cursor: 0,
            form: Form::Add,
            id: String::new(),
            name: String::new(),
            role: Role::Cashier,
            pin: String::new(),
            pin_again: String::new(),
            confirming: None,
            focus: ID_INPUT,
            me: ctx
                .till
                .operator()
                .map(|o| o.id.clone())
                .unwrap_or_default(),
        };
        let event = state.reload(ctx);
        (state, event)
    }

    /// The box the app focuses.
    pub fn focus_input(&self) -> &'static str {
        self.focus
    }

    /// The form's boxes: id and name for a new operator, then the PIN twice.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        let mut all = Vec::new();
        if self.form == Form::Add {
            all.push(Field::new(ID_INPUT, &self.id, Message::Id));
            all.push(Field::new(NAME_INPUT, &self.name, Message::Name));
        }
        all.push(Field::new(PIN_INPUT, &self.pin, Message::Pin));
        all.push(Field::new(
            PIN_AGAIN_INPUT,
            &self.pin_again,
            Message::PinAgain,
        ));
        all
    }

    /// The operator the cursor is on.
    pub fn selected(&self) -> Option<&OperatorStatus> {
        self.lines.get(self.cursor).map(|l| &l.status)
    }

    /// Whether a deactivation waits for its confirmation.
    pub fn confirming(&self) -> Option<&str> {
        self.confirming.as_deref()
    }

    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Select(id) => self.select(&id),
            Message::Id(v) => self.set(|s| s.id = v),
            Message::Name(v) => self.set(|s| s.name = v),
            Message::Role(r) => self.set(|s| s.role = r),
            Message::Pin(v) => self.set(|s| s.pin = digits(&v)),
            Message::PinAgain(v) => self.set(|s| s.pin_again = digits(&v)),
            Message::NewOperator => self.new_operator(),
            Message::ResetPin => self.reset_pin_form(),
            Message::Deactivate => self.ask_deactivate(),
            Message::ConfirmDeactivate => self.deactivate(ctx),
            Message::CancelDeactivate => self.set(|s| s.confirming = None),
            Message::Save => self.save(ctx),
            Message::Back => Some(Event::Go(Go::Settings)),
        }
    }

    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        match key {
            Pressed::Up => self.move_cursor(-1),
            Pressed::Down => self.move_cursor(1),
            Pressed::Enter if self.confirming.is_some() => self.deactivate(ctx),
            Pressed::Enter => self.save(ctx),
            Pressed::F(2) => self.new_operator(),
            Pressed::F(3) => self.reset_pin_form(),
            Pressed::F(4) if self.confirming.is_some() => self.deactivate(ctx),
            Pressed::F(4) => self.ask_deactivate(),
            Pressed::F(5) if self.form == Form::Add => self.set(|s| {
                s.role = match s.role {
                    Role::Cashier => Role::Manager,
                    Role::Manager => Role::Cashier,
                }
            }),
            Pressed::Escape if self.confirming.is_some() => self.set(|s| s.confirming = None),
            Pressed::Escape if self.form != Form::Add => self.new_operator(),
            Pressed::Escape => Some(Event::Go(Go::Settings)),
            _ => None,
        }
    }

    fn set(&mut self, change: impl FnOnce(&mut State)) -> Option<Event> {
        change(self);
        None
    }

    /// Reads the list again, keeping the cursor on the same operator where it can.
    fn reload(&mut self, ctx: &Ctx<'_>) -> Option<Event> {
        let keep = self.selected().map(|o| o.id.clone());
        match ctx.till.operator_statuses(ctx.now) {
            Ok(statuses) => {
                self.lines = statuses
                    .into_iter()
                    .map(|status| Line {
                        locked_until: status
                            .locked_until
                            .map(|t| ctx.till.local_time(t).format("%H:%M").to_string()),
                        status,
                    })
                    .collect();
                self.cursor = keep
                    .and_then(|id| self.lines.iter().position(|l| l.status.id == id))
                    .unwrap_or(0);
                None
            }
            Err(e) => Some(Event::Error(e)),
        }
    }

    fn select(&mut self, id: &str) -> Option<Event> {
        if let Some(at) = self.lines.iter().position(|l| l.status.id == id) {
            self.cursor = at;
            self.confirming = None;
        }
        None
    }

    fn move_cursor(&mut self, by: isize) -> Option<Event> {
        let last = self.lines.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(by).min(last);
        self.confirming = None;
        None
    }

    fn clear_pins(&mut self) {
        self.pin.clear();
        self.pin_again.clear();
    }

    fn new_operator(&mut self) -> Option<Event> {
        self.form = Form::Add;
        self.confirming = None;
        self.clear_pins();
        self.focus = ID_INPUT;
        None
    }

    fn reset_pin_form(&mut self) -> Option<Event> {
        let chosen = self.selected()?.clone();
        self.confirming = None;
        self.clear_pins();
        self.focus = PIN_INPUT;
        if !chosen.active {
            return Some(Event::Error(
                OperatorError::Inactive {
                    operator_id: chosen.id,
                }
                .into(),
            ));
        }
        self.form = Form::ResetPin {
            id: chosen.id,
            name: chosen.name,
        };
        None
    }

    fn ask_deactivate(&mut self) -> Option<Event> {
        let id = self.selected()?.id.clone();
        if id == self.me {
            // The till refuses it too; no point asking first.
            return Some(Event::Error(OperatorError::SelfDeactivation.into()));
        }
        self.confirming = Some(id);
        None
    }

    fn deactivate(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let id = self.confirming.take()?;
        if let Err(e) = ctx.till.deactivate_operator(&id, ctx.now) {
            return Some(Event::Error(e));
        }
        let name = self.name_of(&id);
        self.reload(ctx).or_else(|| {
            Some(Event::Info(
                ctx.i18n
                    .f("operators.deactivated", &[("name", &name), ("id", &id)]),
            ))
        })
    }

    fn name_of(&self, id: &str) -> String {
        self.lines
            .iter()
            .find(|l| l.status.id == id)
            .map(|l| l.status.name.clone())
            .unwrap_or_default()
    }

    /// The PIN typed twice, or why not.
    fn typed_pin(&mut self) -> Result<String, TillError> {
        if self.pin != self.pin_again {
            self.clear_pins();
            self.focus = PIN_INPUT;
            return Err(OperatorError::PinMismatch.into());
        }
        Ok(self.pin.clone())
    }

    fn save(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        match self.form.clone() {
            Form::Add => self.add(ctx),
            Form::ResetPin { id, name } => self.reset_pin(&id, &name, ctx),
        }
    }

    fn add(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let pin = match self.typed_pin() {
            Ok(pin) => pin,
            Err(e) => return Some(Event::Error(e)),
        };
        let id = self.id.trim().to_string();
        let name = self.name.trim().to_string();
        let new = NewOperator {
            id: &id,
            name: &name,
            role: self.role,
            pin: &pin,
        };
        if let Err(e) = ctx.till.add_operator_as_manager(new, ctx.now) {
            self.focus = match &e {
                TillError::BadPinFormat => {
                    self.clear_pins();
                    PIN_INPUT
                }
                TillError::Operator(OperatorError::BadName) => NAME_INPUT,
                _ => ID_INPUT,
            };
            return Some(Event::Error(e));
        }
        self.id.clear();
        self.name.clear();
        self.role = Role::Cashier;
        self.clear_pins();
        self.focus = ID_INPUT;
        let reloaded = self.reload(ctx);
        self.select(&id);
        reloaded.or_else(|| {
            Some(Event::Info(
                ctx.i18n
                    .f("operators.added", &[("name", &name), ("id", &id)]),
            ))
        })
    }

    fn reset_pin(&mut self, id: &str, name: &str, ctx: &mut Ctx<'_>) -> Option<Event> {
        let pin = match self.typed_pin() {
            Ok(pin) => pin,
            Err(e) => return Some(Event::Error(e)),
        };
        if let Err(e) = ctx.till.reset_pin(id, &pin, ctx.now) {
            self.clear_pins();
            return Some(Event::Error(e));
        }
        self.new_operator();
        self.reload(ctx).or_else(|| {
            Some(Event::Info(
                ctx.i18n
                    .f("operators.pin_reset", &[("name", &name), ("id", &id)]),
            ))
        })
    }
}

/// The digits of a PIN box, at most as many as a PIN has.
fn digits(typed: &str) -> String {
    typed
        .chars()
        .filter(char::is_ascii_digit)
        .take(PIN_CHARS_MAX)
        .collect()
}
