//! Member (F2): attach by card number or phone (or scan the member code), or register a
//! new member at the counter, online or not.

use iced::widget::{column, container, row, text};
use iced::{Element, Fill};
use pos_core::member::Tier;
use pos_core::till::{EnteredCode, Till};

use super::{Ctx, Event, Go};
use crate::app::fields::Field;
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::{scanning, ui};

pub const KEY_INPUT: &str = "member-key";
pub const PHONE_INPUT: &str = "member-phone";
pub const NAME_INPUT: &str = "member-name";

#[derive(Debug, Clone)]
pub enum Message {
    /// Card number or phone typed.
    Key(String),
    /// Attach the member found by the key.
    Attach,
    /// New member's phone.
    Phone(String),
    /// New member's name.
    Name(String),
    /// Register the new member and attach them.
    Register,
    /// Back to the sale.
    Back,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    key: String,
    phone: String,
    name: String,
}

impl State {
    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Key(k) => self.set(|s| s.key = k),
            Message::Attach => self.attach(ctx),
            Message::Phone(p) => self.set(|s| s.phone = p),
            Message::Name(n) => self.set(|s| s.name = n),
            Message::Register => self.register(ctx),
            Message::Back => Some(Event::Go(Go::Sale)),
        }
    }

    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        match key {
            Pressed::Enter if !self.phone.is_empty() => self.register(ctx),
            Pressed::Enter => self.attach(ctx),
            Pressed::Escape => Some(Event::Go(Go::Sale)),
            _ => None,
        }
    }

    /// The card or phone to attach, then the new member's phone and name.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        vec![
            Field::new(KEY_INPUT, &self.key, Message::Key),
            Field::new(PHONE_INPUT, &self.phone, Message::Phone),
            Field::new(NAME_INPUT, &self.name, Message::Name),
        ]
    }

    fn set(&mut self, change: impl FnOnce(&mut State)) -> Option<Event> {
        change(self);
        None
    }

    /// A scanned code: the member it names is attached. On this screen a code names a
    /// member first: a card that is also a product's code, or a member id that reads as
    /// a receipt's, still finds its member; a code that names none is not a member.
    pub fn scanned(&mut self, code: &str, ctx: &mut Ctx<'_>) -> Option<Event> {
        match scanning::classify(ctx.till, code) {
            Ok(EnteredCode::Member(member)) => self.attach_key(&member.id, ctx),
            Ok(_) => self.attach_key(code.trim(), ctx),
            Err(e) => Some(Event::Error(e)),
        }
    }

    /// Attaches by card, phone or id.
    pub fn attach_key(&mut self, key: &str, ctx: &mut Ctx<'_>) -> Option<Event> {
        match ctx.till.attach_member(key, ctx.now) {
            Ok(_) => Some(Event::Go(Go::Sale)),
            Err(e) => Some(Event::Error(e)),
        }
    }

    fn attach(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let key = self.key.trim().to_string();
        self.attach_key(&key, ctx)
    }

    fn register(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        match ctx.till.register_member(&self.phone, &self.name, ctx.now) {
            Ok(member) => {
                let note = ctx
                    .i18n
                    .f("member.registered", &[("card", &member.card_no)]);
                Some(Event::Info(note))
            }
            Err(e) => Some(Event::Error(e)),
        }
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let find = column![
            ui::title(i18n.t("member.title")),
            ui::field(
                i18n.t("member.key"),
                i18n.t("member.key_hint"),
                &self.key,
                KEY_INPUT,
                Message::Key
            ),
            ui::primary_button(i18n.t("member.attach"), "Enter", Some(Message::Attach)),
        ]
        .spacing(12);
        let register = column![
            text(i18n.t("member.register_title"))
                .size(ui::TEXT)
                .font(ui::BOLD),
            text(i18n.t("member.register_hint"))
                .size(ui::SMALL)
                .color(ui::MUTED),
            ui::field(
                i18n.t("member.phone"),
                "1xxxxxxxxxx",
                &self.phone,
                PHONE_INPUT,
                Message::Phone
            ),
            ui::field(
                i18n.t("member.name"),
                "",
                &self.name,
                NAME_INPUT,
                Message::Name
            ),
            // Enter registers once a phone is typed (and attaches otherwise).
            ui::key_button(i18n.t("member.register"), "Enter", Some(Message::Register)),
        ]
        .spacing(10);
        let body = column![
            row![ui::panel(find).width(Fill), ui::panel(register).width(Fill)].spacing(14),
            ui::key_button(i18n.t("common.back"), "Esc", Some(Message::Back)),
        ]
        .spacing(14)
        .width(900);
        container(body).center_x(Fill).padding(20).into()
    }
}

/// A tier's name on the till's screen and receipts: the chain's own in this language
/// when head office sent one (its loyalty rules), else the built-in text.
pub fn tier_label(till: &Till, tier: Tier, i18n: I18n) -> String {
    let rules = till.store().loyalty_rules();
    let language = i18n.language().code();
    match rules
        .as_ref()
        .ok()
        .and_then(|r| r.tiers.chain_label(tier, language))
    {
        Some(label) => label.to_owned(),
        None => i18n.t(tier_key(tier)).to_owned(),
    }
}

pub fn tier_key(tier: Tier) -> &'static str {
    match tier {
        Tier::Standard => "tier.standard",
        Tier::Gold => "tier.gold",
        Tier::Platinum => "tier.platinum",
        Tier::Diamond => "tier.diamond",
    }
}
