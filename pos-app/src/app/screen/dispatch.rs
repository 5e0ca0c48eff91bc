//! The screen on show, and the one place that routes to it: each of update, key, scan,
//! approval, tick, boxes, focus and view has one arm per screen.

use iced::widget::{column, container, text};
use iced::{Element, Fill};
use pos_core::document::Approval;
use pos_core::till::Till;

use super::{
    Ctx, Event, Go, alerts, close, drawer, held, login, member, operators, organisation, payment,
    report, returns, review, sale, settings, setup, shift_open, stock,
};
use crate::app::Message;
use crate::app::fields::{self, Field, FieldId};
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::ui;

/// The screen on show, with its state.
#[derive(Debug)]
pub enum Screen {
    Setup(setup::State),
    Settings(settings::State),
    /// The till file cannot be opened: why, and where it is.
    Fatal(String),
    Login(login::State),
    ShiftOpen(shift_open::State),
    Sale(Box<sale::State>),
    Payment(payment::State),
    Member(member::State),
    Organisation(organisation::State),
    Held(held::State),
    Return(returns::State),
    Drawer(drawer::State),
    XReport(report::State),
    Close(Box<close::State>),
    Review(review::State),
    Alerts(alerts::State),
    Operators(operators::State),
    Stock(Box<stock::State>),
}

impl Screen {
    /// The screen `go` names, built from the till's state, and what it has to say at
    /// once. Settings and operators are for managers; anyone else gets a warning and
    /// stays where they are (`None`).
    pub fn open(go: Go, ctx: &mut Ctx<'_>) -> (Option<Screen>, Option<Event>) {
        let manager = ctx
            .till
            .operator()
            .is_some_and(|o| o.role == pos_core::operator::Role::Manager);
        let (screen, event) = match go {
            Go::Login => (Screen::Login(login::State::new(ctx.till)), None),
            Go::ShiftOpen => (Screen::ShiftOpen(shift_open::State::default()), None),
            Go::Sale => (Screen::Sale(Box::new(sale::State::new(ctx))), None),
            Go::Payment => (Screen::Payment(payment::State::new(ctx)), None),
            Go::Member => (Screen::Member(member::State::default()), None),
            Go::Organisation => (Screen::Organisation(organisation::State::default()), None),
            Go::Held => (Screen::Held(held::State::new(ctx)), None),
            Go::Return(key) => {
                let (state, event) = returns::State::new(key, ctx);
                (Screen::Return(state), event)
            }
            Go::Drawer => (Screen::Drawer(drawer::State::default()), None),
            Go::XReport => {
                let (state, event) = report::State::new(ctx);
                (Screen::XReport(state), event)
            }
            Go::Close => {
                let (state, event) = close::State::new(ctx);
                (Screen::Close(Box::new(state)), event)
            }
            Go::Review => {
                let (state, event) = review::State::new(ctx);
                (Screen::Review(state), event)
            }
            Go::Alerts => {
                let (state, event) = alerts::State::new(ctx);
                (Screen::Alerts(state), event)
            }
            Go::Stock(start) => {
                let (state, event) = stock::State::new(start.map(|s| *s), ctx);
                (Screen::Stock(Box::new(state)), event)
            }
            Go::Settings if manager => (
                Screen::Settings(settings::State::new(ctx.config, None)),
                None,
            ),
            Go::Operators if manager => {
                let (state, event) = operators::State::new(ctx);
                (Screen::Operators(state), event)
            }
            Go::Settings | Go::Operators => {
                let key = if go == Go::Settings {
                    "settings.manager_only"
                } else {
                    "operators.manager_only"
                };
                return (None, Some(Event::Warning(ctx.i18n.t(key).to_string())));
            }
        };
        (Some(screen), event)
    }

    /// A screen's own message. Set-up runs without a till; every other screen needs one.
    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_, Option<Till>>) -> Option<Event> {
        match (self, message) {
            (Screen::Setup(s), Message::Setup(m)) => s.update(m, ctx),
            (Screen::Settings(s), Message::Settings(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::Login(s), Message::Login(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::ShiftOpen(s), Message::ShiftOpen(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::Sale(s), Message::Sale(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::Payment(s), Message::Payment(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::Member(s), Message::Member(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::Organisation(s), Message::Organisation(m)) => {
                ctx.with_till(|ctx| s.update(m, ctx))
            }
            (Screen::Held(s), Message::Held(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::Return(s), Message::Return(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::Drawer(s), Message::Drawer(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::XReport(s), Message::XReport(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::Close(s), Message::Close(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::Review(s), Message::Review(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::Alerts(s), Message::Alerts(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::Operators(s), Message::Operators(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            (Screen::Stock(s), Message::Stock(m)) => ctx.with_till(|ctx| s.update(m, ctx)),
            // A message of a screen no longer on show (a click queued behind a key).
            _ => None,
        }
    }

    /// A key with a meaning on this screen (typing went to the active box already).
    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_, Option<Till>>) -> Option<Event> {
        match self {
            Screen::Setup(s) => s.key(key, ctx),
            Screen::Settings(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::Fatal(_) => None,
            Screen::Login(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::ShiftOpen(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::Sale(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::Payment(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::Member(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::Organisation(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::Held(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::Return(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::Drawer(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::XReport(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::Close(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::Review(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::Alerts(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::Operators(s) => ctx.with_till(|ctx| s.key(key, ctx)),
            Screen::Stock(s) => ctx.with_till(|ctx| s.key(key, ctx)),
        }
    }

    /// A scanned code: the screens that take codes act on what the till says it names.
    pub fn scanned(&mut self, code: &str, ctx: &mut Ctx<'_>) -> Option<Event> {
        match self {
            Screen::Sale(s) => s.scanned(code, ctx),
            Screen::Member(s) => s.scanned(code, ctx),
            Screen::Organisation(s) => s.scanned(code, ctx),
            Screen::Return(s) => s.scanned(code, ctx),
            Screen::Stock(s) => s.scanned(code, ctx),
            _ => Some(Event::Warning(ctx.i18n.t("scan.not_here").to_string())),
        }
    }

    /// A manager approved what the screen asked for: it carries on.
    pub fn approved(&mut self, approval: &Approval, ctx: &mut Ctx<'_>) -> Option<Event> {
        match self {
            Screen::Sale(s) => s.approved(approval, ctx),
            Screen::Payment(s) => s.approved(approval, ctx),
            Screen::Return(s) => s.approved(approval, ctx),
            Screen::Drawer(s) => s.approved(approval, ctx),
            Screen::Close(s) => s.approved(approval, ctx),
            Screen::Stock(s) => s.approved(approval, ctx),
            _ => None,
        }
    }

    /// The timer: the sale screen searches once typing pauses.
    pub fn tick(&mut self, ctx: &mut Ctx<'_>) {
        if let Screen::Sale(s) = self {
            s.tick(ctx);
        }
    }

    /// The boxes typed keys may go to, in the order Tab walks them.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        match self {
            Screen::Setup(s) => fields::map_all(s.fields(), Message::Setup),
            Screen::Settings(s) => fields::map_all(s.fields(), Message::Settings),
            Screen::Login(s) => fields::map_all(s.fields(), Message::Login),
            Screen::ShiftOpen(s) => fields::map_all(s.fields(), Message::ShiftOpen),
            Screen::Sale(s) => fields::map_all(s.fields(), Message::Sale),
            Screen::Payment(s) => fields::map_all(s.fields(), Message::Payment),
            Screen::Member(s) => fields::map_all(s.fields(), Message::Member),
            Screen::Organisation(s) => fields::map_all(s.fields(), Message::Organisation),
            Screen::Return(s) => fields::map_all(s.fields(), Message::Return),
            Screen::Drawer(s) => fields::map_all(s.fields(), Message::Drawer),
            Screen::Close(s) => fields::map_all(s.fields(), Message::Close),
            Screen::Operators(s) => fields::map_all(s.fields(), Message::Operators),
            Screen::Stock(s) => fields::map_all(s.fields(), Message::Stock),
            Screen::Fatal(_)
            | Screen::Held(_)
            | Screen::XReport(_)
            | Screen::Review(_)
            | Screen::Alerts(_) => Vec::new(),
        }
    }

    /// Where the cashier types next: the tender's box on the payment screen, the form's
    /// box on the operators screen, else the screen's first box.
    pub fn preferred_field(&self) -> Option<FieldId> {
        match self {
            Screen::Payment(p) => Some(p.focus_input().into()),
            Screen::Operators(o) => Some(o.focus_input().into()),
            _ => self.fields().into_iter().next().map(|f| f.id),
        }
    }

    pub fn view<'a>(&'a self, till: Option<&'a Till>, i18n: I18n) -> Element<'a, Message> {
        match self {
            Screen::Setup(s) => s.view(i18n).map(Message::Setup),
            Screen::Settings(s) => s.view(i18n).map(Message::Settings),
            Screen::Fatal(reason) => fatal_view(reason, i18n),
            Screen::Login(s) => s.view(i18n).map(Message::Login),
            Screen::ShiftOpen(s) => s.view(i18n).map(Message::ShiftOpen),
            Screen::Sale(s) => match till {
                Some(till) => s.view(till, i18n).map(Message::Sale),
                None => column![].into(),
            },
            Screen::Payment(s) => match till {
                Some(till) => s.view(till, i18n).map(Message::Payment),
                None => column![].into(),
            },
            Screen::Member(s) => s.view(i18n).map(Message::Member),
            Screen::Organisation(s) => s.view(i18n).map(Message::Organisation),
            Screen::Held(s) => s.view(i18n).map(Message::Held),
            Screen::Return(s) => s.view(i18n).map(Message::Return),
            Screen::Drawer(s) => s.view(i18n).map(Message::Drawer),
            Screen::XReport(s) => s.view(i18n).map(Message::XReport),
            Screen::Close(s) => s.view(i18n).map(Message::Close),
            Screen::Review(s) => s.view(i18n).map(Message::Review),
            Screen::Alerts(s) => s.view(i18n).map(Message::Alerts),
            Screen::Operators(s) => s.view(i18n).map(Message::Operators),
            Screen::Stock(s) => s.view(i18n).map(Message::Stock),
        }
    }

    /// The sale screen's state, while it is on show.
    pub fn sale(&self) -> Option<&sale::State> {
        match self {
            Screen::Sale(s) => Some(s),
            _ => None,
        }
    }

    pub fn sale_mut(&mut self) -> Option<&mut sale::State> {
        match self {
            Screen::Sale(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_sale(&self) -> bool {
        matches!(self, Screen::Sale(_))
    }
}

fn fatal_view(reason: &str, i18n: I18n) -> Element<'_, Message> {
    container(
        ui::panel(
            column![
                ui::title(i18n.t("fatal.title")),
                text(reason).size(ui::TEXT)
            ]
            .spacing(12),
        )
        .width(800),
    )
    .center_x(Fill)
    .center_y(Fill)
    .into()
}
