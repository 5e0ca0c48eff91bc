//! What a stock document will change, shown before it is committed (units held now →
//! after, per line; a receipt's shortage and excess, a count's variance and the serials
//! it did not find), and the commit itself through the till's stock functions.

use std::collections::BTreeSet;

use pos_core::catalog::Tracking;
use pos_core::document::Approval;
use pos_core::stock_document::{ReceiptLine, StockLine};
use pos_core::till::{Counted, TillError};

use super::{Draft, Editor, Kind, Outcome};
use crate::app::screen::{Ctx, Event, approval_needed};

/// One line of the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewRow {
    pub sku: String,
    pub name: String,
    /// The lot, or '' for none.
    pub lot: String,
    pub serials: Vec<String>,
    /// Units the till holds now, and after the document.
    pub held: i64,
    pub after: i64,
    /// Translated: expected, shortage and excess; the variance; serials not found.
    pub note: String,
}

impl Editor {
    /// F12: what the document will change, line by line, before anything is written.
    pub(super) fn show_preview(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        self.offer = None;
        if let Some(missing) = self.missing_header() {
            return Some(Event::Warning(
                ctx.i18n
                    .f("stock.fill_in", &[("what", &ctx.i18n.t(missing))]),
            ));
        }
        if self.lines.is_empty() && !(self.kind == Kind::Count && self.full) {
            return Some(Event::Warning(ctx.i18n.t("stock.no_lines").into()));
        }
        match self.preview_rows(ctx) {
            Ok(rows) => {
                self.preview = Some(rows);
                None
            }
            Err(e) => Some(Event::Error(e)),
        }
    }

    /// The box at the top the document cannot go without.
    fn missing_header(&self) -> Option<&'static str> {
        let (reference, party) = self.kind.header_keys();
        let needs_party = matches!(self.kind, Kind::Dispatch | Kind::TransferReceipt);
        match (reference, party) {
            (Some(key), _) if self.kind != Kind::WriteOff && self.reference.trim().is_empty() => {
                Some(key)
            }
            (_, Some(key)) if needs_party && self.party.trim().is_empty() => Some(key),
            _ => None,
        }
    }

    fn preview_rows(&self, ctx: &Ctx<'_>) -> Result<Vec<PreviewRow>, TillError> {
        let store = ctx.till.store();
        let i18n = ctx.i18n;
        let mut rows = Vec::with_capacity(self.lines.len());
        for line in &self.lines {
            let held = store.stock(&line.sku, line.lot.as_deref())?;
            let units = i64::from(line.quantity);
            let (after, note) = match self.kind {
                Kind::Receipt | Kind::TransferReceipt => {
                    let received = receipt_line(line);
                    let note = match line.expected {
                        Some(expected) => i18n.f(
                            "stock.note_expected",
                            &[
                                ("expected", &expected),
                                ("shortage", &received.shortage()),
                                ("excess", &received.excess()),
                            ],
                        ),
                        None => String::new(),
                    };
                    (held + units, note)
                }
                Kind::Dispatch | Kind::WriteOff => (held - units, String::new()),
                Kind::Count => {
                    let mut note = i18n.f(
                        "stock.note_variance",
                        &[("variance", &signed(units - held))],
                    );
                    if line.tracking == Tracking::Serial {
                        let found: BTreeSet<&String> = line.serials.iter().collect();
                        let missing: Vec<String> = store
                            .held_serials(&line.sku, line.lot.as_deref())?
                            .into_iter()
                            .filter(|s| !found.contains(s))
                            .collect();
                        if !missing.is_empty() {
                            note.push_str("  ");
                            note.push_str(
                                &i18n.f("stock.note_missing", &[("serials", &missing.join(", "))]),
                            );
                        }
                    }
                    (units, note)
                }
            };
            rows.push(PreviewRow {
                sku: line.sku.clone(),
                name: line.name.clone(),
                lot: line.lot.clone().unwrap_or_default(),
                serials: line.serials.clone(),
                held,
                after,
                note,
            });
        }
        if self.kind == Kind::Count && self.full {
            self.uncounted_rows(ctx, &mut rows)?;
        }
        Ok(rows)
    }

    /// A full count sets what it did not list to zero: those lines too.
    fn uncounted_rows(&self, ctx: &Ctx<'_>, rows: &mut Vec<PreviewRow>) -> Result<(), TillError> {
        let counted: BTreeSet<(&str, Option<&str>)> = self
            .lines
            .iter()
            .map(|l| (l.sku.as_str(), l.lot.as_deref()))
            .collect();
        for (sku, lot, held) in ctx.till.store().stock_levels()? {
            if held == 0 || counted.contains(&(sku.as_str(), lot.as_deref())) {
                continue;
            }
            let name = ctx.till.product(&sku)?.map(|p| p.name).unwrap_or_default();
            rows.push(PreviewRow {
                note: ctx
                    .i18n
                    .f("stock.note_variance", &[("variance", &signed(-held))]),
                sku,
                name,
                lot: lot.unwrap_or_default(),
                serials: Vec::new(),
                held,
                after: 0,
            });
        }
        Ok(())
    }

    /// Writes the document the preview showed; the till asks for a manager's PIN where
    /// the document needs one, and the commit is tried again once it is given.
    pub(super) fn commit(&mut self, approval: Option<&Approval>, ctx: &mut Ctx<'_>) -> Outcome {
        if self.preview.is_none() {
            return Outcome::Stay(self.show_preview(ctx));
        }
        let (till, now) = (&mut *ctx.till, ctx.now);
        let goods = || self.lines.iter().map(stock_line).collect::<Vec<_>>();
        let received = || self.lines.iter().map(receipt_line).collect::<Vec<_>>();
        let result = match self.kind {
            Kind::Receipt => {
                till.receive_goods(&self.reference, &self.party, received(), approval, now)
            }
            Kind::Dispatch => {
                till.dispatch_transfer(&self.reference, &self.party, goods(), approval, now)
            }
            Kind::TransferReceipt => {
                till.receive_transfer(&self.reference, &self.party, received(), now)
            }
            Kind::Count => {
                let counted = self
                    .lines
                    .iter()
                    .map(|l| Counted {
                        sku: l.sku.clone(),
                        lot: l.lot.clone(),
                        counted: l.quantity,
                        serials: l.serials.clone(),
                    })
                    .collect();
                till.count_stock(self.full, counted, approval, now)
            }
            Kind::WriteOff => till.write_off(self.reason, &self.reference, goods(), approval, now),
        };
        match result {
            Ok(doc) => Outcome::Committed(Box::new(doc)),
            Err(e) => {
                if let Some(action) = approval_needed(&e) {
                    self.awaiting_approval = true;
                    return Outcome::Stay(Some(Event::NeedApproval(action)));
                }
                Outcome::Stay(Some(Event::Error(e)))
            }
        }
    }
}

fn stock_line(line: &Draft) -> StockLine {
    StockLine {
        sku: line.sku.clone(),
        lot: line.lot.clone(),
        expiry_date: line.expiry_date,
        serials: line.serials.clone(),
        quantity: line.quantity,
    }
}

fn receipt_line(line: &Draft) -> ReceiptLine {
    ReceiptLine {
        goods: stock_line(line),
        expected: line.expected,
    }
}

/// A change with its sign: +3, -2, 0.
pub fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}
