//! Counting the drawer by denomination (面额), for the float and for the close.

use iced::widget::{column, row, text, text_input};
use iced::{Element, Length};
use pos_core::document::DenominationCount;
use pos_core::report::cash_counted;
use rust_decimal::Decimal;

use crate::app::fields::Field;
use crate::app::i18n::I18n;
use crate::app::ui;

/// Ids of the count boxes; the first gets the focus, Tab moves on.
pub const COUNT_INPUTS: [&str; 8] = [
    "count-0", "count-1", "count-2", "count-3", "count-4", "count-5", "count-6", "count-7",
];

/// Notes and coins in a Chinese drawer, largest first, in fen.
const DENOMINATIONS_FEN: [i64; 8] = [10_000, 5_000, 2_000, 1_000, 500, 100, 50, 10];

#[derive(Debug, Clone)]
pub enum Message {
    /// The count of the n-th denomination changed.
    Count(usize, String),
}

#[derive(Debug, Clone, Default)]
pub struct Count {
    counts: [String; 8],
}

impl Count {
    pub fn update(&mut self, message: Message) {
        let Message::Count(index, value) = message;
        if let Some(slot) = self.counts.get_mut(index) {
            *slot = value.chars().filter(char::is_ascii_digit).take(5).collect();
        }
    }

    /// One box per denomination, largest first.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        self.counts
            .iter()
            .enumerate()
            .map(|(i, count)| {
                Field::new(COUNT_INPUTS[i], count.as_str(), move |v| {
                    Message::Count(i, v)
                })
            })
            .collect()
    }

    /// Sets a count directly (keyboard entry and tests).
    pub fn set(&mut self, denomination: Decimal, count: u32) {
        if let Some(i) = DENOMINATIONS_FEN
            .iter()
            .position(|&d| Decimal::new(d, 2) == denomination)
        {
            self.counts[i] = count.to_string();
        }
    }

    pub fn counted(&self) -> Vec<DenominationCount> {
        DENOMINATIONS_FEN
            .iter()
            .zip(&self.counts)
            .filter_map(|(&fen, count)| {
                let count: u32 = count.parse().ok().filter(|&c| c > 0)?;
                Some(DenominationCount {
                    denomination: Decimal::new(fen, 2).normalize(),
                    count,
                })
            })
            .collect()
    }

    /// The cash these notes and coins make, as the core adds it up.
    pub fn total(&self) -> Decimal {
        cash_counted(&self.counted())
    }

    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let rows = DENOMINATIONS_FEN.iter().zip(&self.counts).enumerate().fold(
            column![].spacing(6),
            |col, (i, (&fen, count))| {
                col.push(
                    row![
                        text(ui::money(Decimal::new(fen, 2)))
                            .size(ui::TEXT)
                            .width(Length::Fixed(110.0)),
                        text("×").size(ui::TEXT),
                        text_input("0", count)
                            .id(COUNT_INPUTS[i])
                            .on_input(move |v| Message::Count(i, v))
                            .padding(8)
                            .size(ui::TEXT)
                            .width(Length::Fixed(110.0)),
                    ]
                    .spacing(10)
                    .align_y(iced::Center),
                )
            },
        );
        column![
            rows,
            ui::pair(i18n.t("count.total"), ui::money(self.total())),
        ]
        .spacing(12)
        .width(Length::Fixed(360.0))
        .into()
    }
}
