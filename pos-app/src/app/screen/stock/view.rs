//! The stock work screen as drawn: the menu of documents, or a document's boxes, its
//! lines, the lots offered, and the preview of what it will change.

use iced::widget::{Column, button, column, container, row, scrollable, text};
use iced::{Element, Fill, Length};

use super::{
    Draft, ENTRY_INPUT, Editor, Kind, LotOffer, Message, PARTY_INPUT, REFERENCE_INPUT, State,
    reason_key,
};
use crate::app::i18n::I18n;
use crate::app::ui;

impl State {
    pub fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        match &self.editor {
            Some(editor) => editor.view(i18n),
            None => self.menu(i18n),
        }
    }

    fn menu<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let keys = ["F1", "F2", "F3", "F4", "F5"];
        let mut body = column![ui::title(i18n.t("stock.title"))].spacing(12);
        for (kind, key) in Kind::ALL.into_iter().zip(keys) {
            body = body.push(ui::key_button(
                i18n.t(kind.title_key()),
                key,
                Some(Message::Open(kind)),
            ));
        }
        let orders: Vec<_> = super::orders::listed(&self.orders).collect();
        if !orders.is_empty() {
            body = body.push(text(i18n.t("stock.orders")).size(18));
        }
        for (n, (kind, order)) in orders.into_iter().enumerate() {
            let (arrow, other) = match kind {
                Kind::Dispatch => ("→", &order.to_store),
                _ => ("←", &order.from_store),
            };
            let label = format!(
                "{} {} {arrow} {other} · {}",
                i18n.t(kind.title_key()),
                order.transfer_id,
                i18n.f("stock.order_lines", &[("n", &order.lines.len())]),
            );
            let key = (n + 1).to_string();
            body = body.push(ui::key_button(label, key, Some(Message::OpenOrder(n))));
        }
        if self.last.is_some() {
            body = body.push(ui::key_button(
                i18n.t("stock.reprint"),
                "F8",
                Some(Message::Reprint),
            ));
        }
        body = body.push(ui::key_button(
            i18n.t("common.back"),
            "Esc",
            Some(Message::Back),
        ));
        container(ui::panel(body.width(520)))
            .center_x(Fill)
            .padding(20)
            .into()
    }
}

impl Editor {
    fn view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let mut header = row![].spacing(12);
        let (reference, party) = self.kind.header_keys();
        if let Some(label) = reference {
            header = header.push(
                container(ui::field(
                    i18n.t(label),
                    "",
                    &self.reference,
                    REFERENCE_INPUT,
                    Message::Reference,
                ))
                .width(Fill),
            );
        }
        if let Some(label) = party {
            header = header.push(
                container(ui::field(
                    i18n.t(label),
                    "",
                    &self.party,
                    PARTY_INPUT,
                    Message::Party,
                ))
                .width(Fill),
            );
        }
        let mode = match self.kind {
            Kind::WriteOff => i18n.f(
                "stock.reason_is",
                &[("reason", &i18n.t(reason_key(self.reason)))],
            ),
            Kind::Count if self.full => i18n.t("stock.full_count").to_string(),
            Kind::Count => i18n.t("stock.partial_count").to_string(),
            _ => String::new(),
        };
        let hint = if self.kind.incoming() {
            "stock.code_hint_in"
        } else {
            "stock.code_hint"
        };
        let entry = ui::field(
            i18n.t("stock.code"),
            i18n.t(hint),
            &self.entry,
            ENTRY_INPUT,
            Message::Entry,
        );
        let middle: Element<'a, Message> = match (&self.preview, &self.offer) {
            (Some(rows), _) => preview(rows, self.kind, i18n),
            (None, Some(offer)) => {
                column![self.lines_view(i18n), offer_view(offer, self.kind, i18n)]
                    .spacing(10)
                    .into()
            }
            (None, None) => self.lines_view(i18n),
        };
        let mut body = column![ui::title(i18n.t(self.kind.title_key())), header].spacing(12);
        if !mode.is_empty() {
            body = body.push(text(mode).size(ui::TEXT).color(ui::ACCENT));
        }
        let body = body.push(entry).push(middle).push(self.keys(i18n));
        container(ui::panel(body)).padding(20).width(Fill).into()
    }

    fn lines_view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let quantity = if self.kind == Kind::Count {
            "stock.col_counted"
        } else {
            "stock.col_quantity"
        };
        let mut heads = row![
            muted("#", 36.0),
            muted(i18n.t("stock.col_sku"), 110.0),
            muted(i18n.t("stock.col_name"), 300.0),
            muted(i18n.t("stock.col_lot"), 130.0),
            muted(i18n.t("stock.col_expiry"), 120.0),
            muted(i18n.t(quantity), 80.0),
        ]
        .spacing(10);
        if self.kind.incoming() {
            heads = heads.push(muted(i18n.t("stock.col_expected"), 80.0));
        }
        heads = heads.push(muted(i18n.t("stock.col_serials"), 200.0));
        let list = self
            .lines
            .iter()
            .enumerate()
            .fold(Column::new().spacing(2), |col, (i, line)| {
                col.push(self.line_view(i, line))
            });
        ui::panel(column![heads, scrollable(list).height(Length::Fixed(220.0))].spacing(4))
            .width(Fill)
            .into()
    }

    fn line_view<'a>(&'a self, i: usize, line: &'a Draft) -> Element<'a, Message> {
        let mut cells = row![
            ui::cell(format!("{}", i + 1), 36.0),
            ui::cell(line.sku.as_str(), 110.0),
            ui::cell(line.name.as_str(), 300.0),
            ui::cell(line.lot.as_deref().unwrap_or("-"), 130.0),
            ui::cell(
                line.expiry_date.map(|d| d.to_string()).unwrap_or_default(),
                120.0
            ),
            ui::cell(line.quantity.to_string(), 80.0),
        ]
        .spacing(10);
        if self.kind.incoming() {
            let expected = line.expected.map(|e| e.to_string()).unwrap_or_default();
            cells = cells.push(ui::cell(expected, 80.0));
        }
        cells = cells.push(text(line.serials.join(", ")).size(ui::SMALL).width(Fill));
        button(ui::highlighted(cells, self.selected == Some(i)))
            .padding(0)
            .style(button::text)
            .on_press(Message::Select(i))
            .into()
    }

    fn keys<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let b = |label: &'a str, key: &'a str, msg: Message| ui::key_button(label, key, Some(msg));
        let mut keys = row![].spacing(6);
        if self.preview.is_some() {
            keys = keys
                .push(ui::primary_button(
                    i18n.t("stock.commit"),
                    "F12",
                    Some(Message::Commit),
                ))
                .push(b(i18n.t("stock.edit"), "Esc", Message::Edit));
            return keys.into();
        }
        keys = keys.push(ui::primary_button(
            i18n.t("stock.preview"),
            "F12",
            Some(Message::Preview),
        ));
        keys = keys.push(b(i18n.t("stock.remove"), "Del", Message::Remove));
        match self.kind {
            Kind::WriteOff => {
                keys = keys
                    .push(b(i18n.t("stock.load_expired"), "F5", Message::LoadExpired))
                    .push(b(i18n.t("stock.reason"), "F6", Message::NextReason));
            }
            Kind::Count => {
                keys = keys.push(b(
                    i18n.t("stock.full_or_partial"),
                    "F7",
                    Message::ToggleFull,
                ));
            }
            _ => {}
        }
        keys.push(b(i18n.t("common.back"), "Esc", Message::Back))
            .into()
    }
}

/// What the document will change: units held now → after, and what else it records.
fn preview<'a>(rows: &'a [super::PreviewRow], kind: Kind, i18n: I18n) -> Element<'a, Message> {
    let heads = row![
        muted(i18n.t("stock.col_sku"), 110.0),
        muted(i18n.t("stock.col_name"), 280.0),
        muted(i18n.t("stock.col_lot_serial"), 220.0),
        muted(i18n.t("stock.col_held"), 150.0),
        muted(i18n.t("stock.col_note"), 300.0),
    ]
    .spacing(10);
    let list = rows.iter().fold(Column::new().spacing(4), |col, r| {
        let lot_serial = match (r.lot.as_str(), r.serials.is_empty()) {
            ("", true) => "-".to_string(),
            (lot, true) => lot.to_string(),
            ("", false) => r.serials.join(", "),
            (lot, false) => format!("{lot} / {}", r.serials.join(", ")),
        };
        col.push(
            row![
                ui::cell(r.sku.as_str(), 110.0),
                ui::cell(r.name.as_str(), 280.0),
                ui::cell(lot_serial, 220.0),
                ui::cell(format!("{} → {}", r.held, r.after), 150.0),
                text(r.note.as_str())
                    .size(ui::TEXT)
                    .color(ui::ACCENT)
                    .width(Fill),
            ]
            .spacing(10),
        )
    });
    let title = i18n.f(
        "stock.preview_title",
        &[("kind", &i18n.t(kind.title_key()))],
    );
    ui::panel(
        column![
            text(title).size(ui::TEXT).color(ui::MUTED),
            heads,
            scrollable(list).height(Length::Fixed(260.0))
        ]
        .spacing(6),
    )
    .width(Fill)
    .into()
}

/// The lots offered for a product scanned without one; the first is proposed.
fn offer_view<'a>(offer: &'a LotOffer, kind: Kind, i18n: I18n) -> Element<'a, Message> {
    let title = if kind == Kind::Dispatch {
        i18n.f("stock.fefo_title", &[("name", &offer.name)])
    } else {
        i18n.f("stock.lots_title", &[("name", &offer.name)])
    };
    let list = offer.lots.iter().enumerate().fold(
        column![text(title).size(ui::SMALL).color(ui::MUTED)].spacing(2),
        |col, (i, lot)| {
            let proposed = if i == 0 && kind == Kind::Dispatch {
                i18n.t("stock.proposed")
            } else {
                ""
            };
            let label = row![
                ui::cell(format!("{}", i + 1), 36.0),
                ui::cell(lot.lot_no.as_str(), 170.0),
                ui::cell(lot.expiry_date.to_string(), 130.0),
                ui::cell(lot.held.to_string(), 70.0),
                text(proposed).size(ui::TEXT).font(ui::BOLD),
            ]
            .spacing(10);
            col.push(
                button(label)
                    .width(Fill)
                    .padding([6, 10])
                    .on_press(Message::ChooseLot(lot.lot_no.clone()))
                    .style(if i == offer.cursor {
                        button::primary
                    } else {
                        button::text
                    }),
            )
        },
    );
    ui::panel(container(scrollable(list)).max_height(170.0))
        .width(Fill)
        .into()
}

fn muted<'a>(label: &'a str, width: f32) -> Element<'a, Message> {
    text(label)
        .size(ui::SMALL)
        .color(ui::MUTED)
        .width(Length::Fixed(width))
        .into()
}
