//! The sale screen's view: the entry box and search hits or the serial list on the left,
//! the lines in the middle, the member, totals and action keys on the right.

use iced::widget::{button, column, container, row, scrollable, text, text_input};
use iced::{Element, Fill, Length};
use pos_core::document::SaleLine;
use pos_core::member::mask_phone;
use pos_core::tier_progress::{TierProgress, grouped_yuan};
use pos_core::till::Till;
use rust_decimal::Decimal;

use super::{ENTRY_INPUT, Go, Message, SerialPick, State};
use crate::app::i18n::I18n;
use crate::app::screen::member::tier_key;
use crate::app::ui;

impl State {
    pub fn view<'a>(&'a self, till: &'a Till, i18n: I18n) -> Element<'a, Message> {
        let entry = text_input(i18n.t("sale.entry_hint"), &self.entry)
            .id(ENTRY_INPUT)
            .on_input(Message::Entry)
            .padding(12)
            .size(ui::TITLE);
        let left = column![entry, self.hits_view(i18n), self.lines_view(i18n)]
            .spacing(10)
            .width(Length::FillPortion(3));
        let right = column![
            self.member_view(till, i18n),
            self.organisation_view(till, i18n),
            self.totals_view(i18n),
            self.actions_view(i18n)
        ]
        .spacing(10)
        .width(Length::FillPortion(2));
        row![left, right]
            .spacing(14)
            .padding(12)
            .height(Fill)
            .into()
    }

    pub(super) fn serials_view<'a>(
        &'a self,
        pick: &'a SerialPick,
        i18n: I18n,
    ) -> Element<'a, Message> {
        let list =
            pick.serials
                .iter()
                .enumerate()
                .fold(column![].spacing(2), |col, (i, serial)| {
                    let label = row![
                        ui::cell(format!("{}", i + 1), 36.0),
                        text(serial.as_str()).size(ui::TEXT)
                    ]
                    .spacing(10);
                    col.push(
                        button(label)
                            .width(Fill)
                            .padding([8, 10])
                            .on_press(Message::PickSerial(serial.clone()))
                            .style(if i == pick.cursor {
                                button::primary
                            } else {
                                button::text
                            }),
                    )
                });
        let title = i18n.f("sale.pick_serial", &[("name", &pick.name)]);
        ui::panel(column![text(title).size(ui::SMALL).color(ui::MUTED), list].spacing(6))
            .width(Fill)
            .into()
    }

    pub(super) fn hits_view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        if let Some(pick) = &self.lots {
            return pick.view(i18n).map(Message::Lot);
        }
        if let Some(pick) = &self.serials {
            return self.serials_view(pick, i18n);
        }
        if self.hits.is_empty() {
            return column![].into();
        }
        let list = self
            .hits
            .iter()
            .enumerate()
            .fold(column![].spacing(2), |col, (i, p)| {
                let label = row![
                    ui::cell(p.sku.as_str(), 90.0),
                    text(p.name.as_str()).size(ui::TEXT).width(Fill),
                    text(ui::money(p.price)).size(ui::TEXT),
                ]
                .spacing(10);
                col.push(
                    button(label)
                        .width(Fill)
                        .padding([8, 10])
                        .on_press(Message::Pick(p.sku.clone()))
                        .style(if i == self.hit_cursor {
                            button::primary
                        } else {
                            button::text
                        }),
                )
            });
        ui::panel(
            column![
                text(i18n.t("sale.hits")).size(ui::SMALL).color(ui::MUTED),
                list
            ]
            .spacing(6),
        )
        .width(Fill)
        .into()
    }

    pub(super) fn lines_view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let header = row![
            ui::cell("#", 36.0),
            text(i18n.t("sale.col_name"))
                .size(ui::SMALL)
                .color(ui::MUTED)
                .width(Fill),
            text(i18n.t("sale.col_qty"))
                .size(ui::SMALL)
                .color(ui::MUTED)
                .width(Length::Fixed(60.0)),
            text(i18n.t("sale.col_price"))
                .size(ui::SMALL)
                .color(ui::MUTED)
                .width(Length::Fixed(100.0)),
            text(i18n.t("sale.col_amount"))
                .size(ui::SMALL)
                .color(ui::MUTED)
                .width(Length::Fixed(110.0)),
        ]
        .spacing(8)
        // Rows sit 8 px in (their highlight's padding) and clear the 14 px scrollbar.
        .padding(iced::Padding {
            left: 8.0,
            right: 22.0,
            ..iced::Padding::ZERO
        });
        let lines = self
            .priced
            .iter()
            .flat_map(|p| p.lines.iter())
            .fold(column![].spacing(2), |col, line| {
                col.push(self.line_view(line, i18n))
            });
        let mut body = column![
            header,
            scrollable(lines.padding(iced::Padding {
                right: 14.0,
                ..iced::Padding::ZERO
            }))
            .height(Fill)
        ]
        .spacing(6);
        if let Some(edit) = &self.edit {
            body = body.push(ui::panel(edit.view(i18n).map(Message::Price)).width(Fill));
        }
        ui::panel(body).width(Fill).height(Fill).into()
    }

    pub(super) fn line_view<'a>(&'a self, line: &'a SaleLine, i18n: I18n) -> Element<'a, Message> {
        let mut details = Vec::new();
        if let Some(lot) = &line.lot {
            details.push(i18n.f("sale.lot", &[("lot", lot)]));
        }
        if let Some(expiry) = &line.expiry_date {
            details.push(i18n.f("sale.expiry", &[("date", expiry)]));
        }
        if let Some(serial) = &line.serial {
            details.push(i18n.f("sale.serial", &[("serial", serial)]));
        }
        for d in &line.discounts {
            details.push(format!(
                "{} -{}",
                d.name,
                pos_core::money::format_cny(d.amount)
            ));
        }
        let marker = if self.selected == Some(line.line_no) {
            "▶"
        } else {
            ""
        };
        let name = column![
            text(line.name.as_str()).size(ui::TEXT),
            text(details.join("  ")).size(ui::SMALL).color(ui::MUTED),
        ];
        let content = row![
            ui::cell(format!("{marker}{}", line.line_no), 36.0),
            container(name).width(Fill),
            ui::cell(line.quantity.to_string(), 60.0),
            ui::cell(pos_core::money::format_cny(line.unit_price), 100.0),
            text(pos_core::money::format_cny(line.net))
                .size(ui::TEXT)
                .font(ui::BOLD)
                .width(Length::Fixed(110.0)),
        ]
        .spacing(8);
        let highlighted = ui::highlighted(content, self.last_scanned == Some(line.line_no));
        button(highlighted)
            .padding(0)
            .width(Fill)
            .style(button::text)
            .on_press(Message::Select(line.line_no))
            .into()
    }

    pub(super) fn member_view<'a>(&'a self, till: &'a Till, i18n: I18n) -> Element<'a, Message> {
        let Some(member) = till.member() else {
            return ui::key_button(i18n.t("sale.member"), "F2", Some(Message::Go(Go::Member)));
        };
        // The balance is what this till knows; offline, head office may know better.
        let (balance, color) = if till.is_online() {
            (
                i18n.f("member.points", &[("points", &member.points_balance)]),
                ui::OK,
            )
        } else {
            (
                i18n.f(
                    "member.points_offline",
                    &[("points", &member.points_balance)],
                ),
                ui::WARN,
            )
        };
        let tier = crate::app::screen::member::tier_label(till, member.tier, i18n);
        let mut info = column![
            row![
                text(member.name.as_str()).size(ui::TEXT).font(ui::BOLD),
                text(tier).size(ui::TEXT).color(ui::ACCENT),
                container(
                    button(text(i18n.t("sale.detach_member")).size(ui::SMALL))
                        .padding([2, 6])
                        .on_press(Message::DetachMember)
                        .style(button::text)
                )
                .align_right(Fill),
            ]
            .spacing(10)
            .align_y(iced::Center),
            text(format!("{}  {}", member.card_no, mask_phone(&member.phone))).size(ui::SMALL),
            text(balance).size(ui::SMALL).color(color),
        ]
        .spacing(2);
        if let Some(e) = till.member_points_expiring() {
            let (points, day) = (e.points.to_string(), e.last_day.to_string());
            let lapse = i18n.f(
                "member.points_expiring",
                &[("points", &points), ("day", &day)],
            );
            info = info.push(text(lapse).size(ui::SMALL).color(ui::WARN));
        }
        // A till file that cannot be read shows no progress; the sale goes on.
        let info = match till.tier_progress() {
            Ok(Some(progress)) => info.push(
                text(progress_line(&progress, i18n))
                    .size(ui::SMALL)
                    .color(ui::MUTED),
            ),
            _ => info,
        };
        ui::panel(info).padding([8, 12]).width(Fill).into()
    }

    /// The organisation buying and its department, or the key to name one.
    fn organisation_view<'a>(&'a self, till: &'a Till, i18n: I18n) -> Element<'a, Message> {
        let Some(attached) = till.organisation() else {
            return ui::key_button(
                i18n.t("sale.organisation"),
                "Ctrl+O",
                Some(Message::Go(Go::Organisation)),
            );
        };
        let department = attached
            .department
            .clone()
            .unwrap_or_else(|| i18n.t("organisation.no_department").to_string());
        let info = column![
            text(attached.organisation.name.as_str())
                .size(ui::TEXT)
                .font(ui::BOLD),
            text(format!("{}  {department}", attached.organisation.code)).size(ui::SMALL),
        ]
        .spacing(2);
        ui::panel(info).padding([8, 12]).width(Fill).into()
    }

    pub(super) fn totals_view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let small = |label: &'a str, value: String| {
            row![
                text(label).size(ui::SMALL).color(ui::MUTED).width(Fill),
                text(value).size(ui::SMALL)
            ]
        };
        if let (Some(done), true) = (
            &self.done,
            self.priced.as_ref().is_none_or(|p| p.lines.is_empty()),
        ) {
            let body = column![
                text(i18n.f("sale.done", &[("no", &done.sequence)]))
                    .size(ui::TEXT)
                    .color(ui::OK),
                small(i18n.t("sale.total"), ui::money(done.total)),
                small(i18n.t("sale.paid"), ui::money(done.paid)),
                row![
                    text(i18n.t("sale.change"))
                        .size(ui::TEXT)
                        .color(ui::MUTED)
                        .width(Fill),
                    text(ui::money(done.change))
                        .size(ui::TOTAL)
                        .font(ui::BOLD)
                        .color(ui::OK),
                ]
                .align_y(iced::Center),
            ]
            .spacing(4);
            return ui::panel(body).padding([8, 12]).width(Fill).into();
        }
        let (subtotal, discount, total, items) = match &self.priced {
            Some(p) => (
                p.subtotal,
                p.discount_total,
                p.total,
                p.lines.iter().map(|l| l.quantity).sum::<u32>(),
            ),
            None => (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, 0),
        };
        let body = column![
            small(i18n.t("sale.items"), items.to_string()),
            small(i18n.t("sale.subtotal"), ui::money(subtotal)),
            small(i18n.t("sale.discount"), ui::money(Decimal::ZERO - discount)),
            row![
                text(i18n.t("sale.total"))
                    .size(ui::TEXT)
                    .color(ui::MUTED)
                    .width(Fill),
                text(ui::money(total))
                    .size(ui::TOTAL)
                    .font(ui::BOLD)
                    .color(ui::ACCENT),
            ]
            .align_y(iced::Center),
        ]
        .spacing(2);
        ui::panel(body).padding([8, 12]).width(Fill).into()
    }

    pub(super) fn actions_view<'a>(&'a self, i18n: I18n) -> Element<'a, Message> {
        let b = |label: &'a str, key: &'a str, msg: Message| ui::key_button(label, key, Some(msg));
        column![
            ui::primary_button(i18n.t("sale.pay"), "F12", Some(Message::Go(Go::Payment))),
            row![
                b(i18n.t("sale.qty_plus"), "+", Message::Plus),
                b(i18n.t("sale.qty_minus"), "-", Message::Minus),
                b(i18n.t("sale.remove"), "Del", Message::Remove),
                b(i18n.t("sale.price"), "F6", Message::EditPrice),
            ]
            .spacing(6),
            row![
                b(i18n.t("sale.hold"), "F3", Message::Hold),
                b(i18n.t("sale.resume"), "F5", Message::Go(Go::Held)),
                b(i18n.t("sale.return"), "F4", Message::Go(Go::Return(None))),
                b(i18n.t("sale.drawer"), "F7", Message::Go(Go::Drawer)),
            ]
            .spacing(6),
            row![
                b(i18n.t("sale.x_report"), "F8", Message::Go(Go::XReport)),
                b(i18n.t("sale.close"), "F9", Message::Go(Go::Close)),
                b(i18n.t("sale.alerts"), "F10", Message::Go(Go::Alerts)),
                b(i18n.t("sale.review"), "F11", Message::Go(Go::Review)),
            ]
            .spacing(6),
            row![
                b(i18n.t("lot_pick.button"), "F1", Message::ChooseLot),
                b(i18n.t("sale.clear"), "Ctrl+N", Message::Clear),
                b(i18n.t("sale.stock"), "Ctrl+K", Message::Go(Go::Stock(None))),
                b(i18n.t("sale.settings"), "Ctrl+S", Message::Go(Go::Settings)),
                b(i18n.t("common.logout"), "Ctrl+L", Message::Logout),
            ]
            .spacing(6),
        ]
        .spacing(6)
        .into()
    }
}

/// 金卡 · 近365天消费 ¥1,234.00 · 距铂金 ¥3,766.00 (or: already the top tier by spend).
pub(crate) fn progress_line(progress: &TierProgress, i18n: I18n) -> String {
    let tier = i18n.t(tier_key(progress.tier));
    let spend = grouped_yuan(progress.spend);
    let days = progress.window_days;
    match progress.next {
        Some((next, left)) => i18n.f(
            "member.tier_progress",
            &[
                ("tier", &tier),
                ("days", &days),
                ("spend", &spend),
                ("next", &i18n.t(tier_key(next))),
                ("left", &grouped_yuan(left)),
            ],
        ),
        None => i18n.f(
            "member.tier_progress_top",
            &[("tier", &tier), ("days", &days), ("spend", &spend)],
        ),
    }
}
