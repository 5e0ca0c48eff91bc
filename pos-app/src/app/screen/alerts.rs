//! Alerts (F10): lots expiring within the warning window, and products below their
//! safety stock, from the till's own data.

use iced::widget::{column, container, row, scrollable, text};
use iced::{Element, Fill};

use super::{Ctx, Event, Go};
use crate::app::i18n::I18n;
use crate::app::keys::Pressed;
use crate::app::ui;

/// Rows listed per alert.
const ROWS_MAX: usize = 200;

#[derive(Debug, Clone)]
pub enum Message {
    /// Back to the sale.
    Back,
}

#[derive(Debug, Clone, PartialEq)]
struct Expiring {
    sku: String,
    name: String,
    lot_no: String,
    expiry_date: chrono::NaiveDate,
    quantity: i64,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    days: i64,
    today: chrono::NaiveDate,
    expiring: Vec<Expiring>,
    low: Vec<(String, String, i64, i64)>,
}

impl State {
    pub fn new(ctx: &Ctx<'_>) -> (State, Option<Event>) {
        let days = ctx.config.till.near_expiry_warn_days;
        let today = ctx.till.business_date(ctx.now);
        let until = today + chrono::Duration::days(days);
        let till = &*ctx.till;
        let expiring = till.lots_expiring(until).map(|lots| {
            lots.into_iter()
                .take(ROWS_MAX)
                .map(|(lot, quantity)| Expiring {
                    name: till
                        .product(&lot.sku)
                        .ok()
                        .flatten()
                        .map(|p| p.name)
                        .unwrap_or_default(),
                    sku: lot.sku,
                    lot_no: lot.lot_no,
                    expiry_date: lot.expiry_date,
                    quantity,
                })
                .collect()
        });
        let low = till.products_below_safety_stock().map(|rows| {
            rows.into_iter()
                .take(ROWS_MAX)
                .map(|(p, stock)| (p.sku, p.name, stock, p.safety_stock))
                .collect()
        });
        match (expiring, low) {
            (Ok(expiring), Ok(low)) => (
                State {
                    days,
                    today,
                    expiring,
                    low,
                },
                None,
            ),
            (Err(e), _) | (_, Err(e)) => (State::default(), Some(Event::Error(e))),
        }
    }

    /// Nothing here needs the till once the screen is open; the protocol is the same.
    pub fn update(&mut self, message: Message, _ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Back => Some(Event::Go(Go::Sale)),
        }
    }

    pub fn key(&mut self, key: &Pressed, _ctx: &mut Ctx<'_>) -> Option<Event> {
        matches!(key, Pressed::Escape).then_some(Event::Go(Go::Sale))
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let expiring = self.expiring.iter().fold(column![].spacing(4), |col, e| {
            col.push(
                row![
                    ui::cell(e.sku.as_str(), 90.0),
                    text(e.name.as_str()).size(ui::TEXT).width(Fill),
                    ui::cell(e.lot_no.as_str(), 120.0),
                    // Already expired lots stand out: they must come off the shelf.
                    text(e.expiry_date.to_string())
                        .size(ui::TEXT)
                        .width(120.0)
                        .color(if e.expiry_date < self.today {
                            ui::ERROR
                        } else {
                            ui::WARN
                        }),
                    ui::cell(e.quantity.to_string(), 60.0),
                ]
                .spacing(8),
            )
        });
        let low = self
            .low
            .iter()
            .fold(column![].spacing(4), |col, (sku, name, stock, safety)| {
                col.push(
                    row![
                        ui::cell(sku.as_str(), 90.0),
                        text(name.as_str()).size(ui::TEXT).width(Fill),
                        text(i18n.f("alerts.stock", &[("stock", stock), ("safety", safety)]))
                            .size(ui::TEXT)
                            .color(ui::WARN),
                    ]
                    .spacing(8),
                )
            });
        let body = column![
            ui::title(i18n.t("alerts.title")),
            text(i18n.f(
                "alerts.expiring",
                &[("days", &self.days), ("count", &self.expiring.len())]
            ))
            .size(ui::TEXT)
            .font(ui::BOLD),
            ui::panel(expiring).width(Fill),
            text(i18n.f("alerts.low", &[("count", &self.low.len())]))
                .size(ui::TEXT)
                .font(ui::BOLD),
            ui::panel(low).width(Fill),
            ui::key_button(i18n.t("common.back"), "Esc", Some(Message::Back)),
        ]
        .spacing(12)
        .width(1000);
        container(scrollable(body.padding(20)))
            .center_x(Fill)
            .into()
    }
}
