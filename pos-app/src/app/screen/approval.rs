//! The manager's PIN prompt (授权), shown over the screen exactly where the till answered
//! "this needs a manager". Approved, the screen retries what it was doing.

use iced::widget::{button, column, container, row, text};
use iced::{Color, Element, Fill, Theme};
use pos_core::document::Approval;
use pos_core::operator::{ManagerAction, Operator, Role};
use pos_core::till::{Till, TillError};

use crate::app::fields::Field;
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::ui;

pub const PIN_INPUT: &str = "approval-pin";

#[derive(Debug, Clone)]
pub enum Message {
    /// Which manager approves.
    Manager(String),
    /// The manager's PIN.
    Pin(String),
    /// Check the PIN.
    Submit,
    /// Give up; the action is not done.
    Cancel,
}

/// What the prompt decided.
#[derive(Debug)]
pub enum Outcome {
    Waiting,
    Approved(Approval),
    Refused(TillError),
    Cancelled,
}

#[derive(Debug, Clone)]
pub struct Prompt {
    pub action: ManagerAction,
    managers: Vec<Operator>,
    manager_id: Option<String>,
    pin: String,
}

impl Prompt {
    pub fn new(action: ManagerAction, till: &Till) -> Prompt {
        let managers: Vec<Operator> = till
            .operators()
            .unwrap_or_default()
            .into_iter()
            .filter(|o| o.role == Role::Manager)
            .collect();
        let manager_id = managers.first().map(|m| m.id.clone());
        Prompt {
            action,
            managers,
            manager_id,
            pin: String::new(),
        }
    }

    pub fn update(
        &mut self,
        message: Message,
        till: &mut Till,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Outcome {
        match message {
            Message::Manager(id) => self.pick(id),
            Message::Pin(pin) => self.type_pin(pin),
            Message::Submit => self.submit(till, now),
            Message::Cancel => Outcome::Cancelled,
        }
    }

    pub fn key(
        &mut self,
        key: &Pressed,
        till: &mut Till,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Outcome {
        match key {
            Pressed::Enter => self.submit(till, now),
            Pressed::Escape => Outcome::Cancelled,
            _ => Outcome::Waiting,
        }
    }

    /// The PIN box.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        vec![Field::new(PIN_INPUT, &self.pin, Message::Pin)]
    }

    fn pick(&mut self, id: String) -> Outcome {
        self.manager_id = Some(id);
        Outcome::Waiting
    }

    fn type_pin(&mut self, pin: String) -> Outcome {
        self.pin = pin.chars().filter(char::is_ascii_digit).take(8).collect();
        Outcome::Waiting
    }

    fn submit(&mut self, till: &mut Till, now: chrono::DateTime<chrono::Utc>) -> Outcome {
        let Some(id) = self.manager_id.clone() else {
            return Outcome::Cancelled;
        };
        let pin = std::mem::take(&mut self.pin);
        match till.approve(&id, &pin, self.action, now) {
            Ok(approval) => Outcome::Approved(approval),
            Err(e) => Outcome::Refused(e),
        }
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let managers = self.managers.iter().fold(row![].spacing(8), |r, m| {
            let selected = self.manager_id.as_deref() == Some(m.id.as_str());
            r.push(
                button(text(m.name.as_str()).size(ui::TEXT))
                    .padding([10, 16])
                    .on_press(Message::Manager(m.id.clone()))
                    .style(if selected {
                        button::primary
                    } else {
                        ui::key_style
                    }),
            )
        });
        let body = column![
            ui::title(i18n.t("approval.title")),
            text(i18n.f(
                "approval.for",
                &[("action", &i18n.t(action_key(self.action)))]
            ))
            .size(ui::TEXT),
            managers,
            ui::pin_field(i18n.t("approval.pin"), &self.pin, PIN_INPUT, Message::Pin),
            row![
                ui::primary_button(i18n.t("approval.approve"), "Enter", Some(Message::Submit)),
                ui::key_button(i18n.t("common.cancel"), "Esc", Some(Message::Cancel)),
            ]
            .spacing(10),
        ]
        .spacing(14)
        .width(460);
        // A dimmed backdrop keeps the screen behind visible but out of reach.
        container(ui::panel(body))
            .center_x(Fill)
            .center_y(Fill)
            .style(|_: &Theme| container::Style {
                background: Some(Color::from_rgba(0.0, 0.0, 0.0, 0.45).into()),
                ..container::Style::default()
            })
            .into()
    }
}

pub fn action_key(action: ManagerAction) -> &'static str {
    match action {
        ManagerAction::RefundWithoutReceipt => "action.refund_without_receipt",
        ManagerAction::Void => "action.void",
        ManagerAction::PriceOverride => "action.price_override",
        ManagerAction::LineDiscount => "action.line_discount",
        ManagerAction::OrderDiscount => "action.order_discount",
        ManagerAction::LargeRedemption => "action.points_redemption",
        ManagerAction::NoSale => "action.no_sale",
        ManagerAction::PaidOut => "action.paid_out",
        ManagerAction::PointAdjustment => "action.point_adjustment",
        ManagerAction::DailyClose => "action.daily_close",
        ManagerAction::NearExpiryReceipt => "action.near_expiry_receipt",
        ManagerAction::WriteOff => "action.write_off",
        ManagerAction::Stocktake => "action.stocktake",
        ManagerAction::TransferDispatch => "action.transfer_dispatch",
    }
}
