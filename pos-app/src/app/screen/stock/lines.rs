//! The lines of a stock document: codes typed or scanned (the till's one reading of a
//! code, as on the sale screen), quantities keyed, the lot offered for a lot-tracked
//! product without one (FEFO for a dispatch), the expired lots a write-off loads.

use pos_core::catalog::{Product, Tracking};
use pos_core::stock_document::StockLine;
use pos_core::till::{EnteredItem, HeldLot, TillError};

use super::{Draft, Editor, Kind, LotOffer};
use crate::app::scanning;
use crate::app::screen::sale::{quantity_command, split_quantity};
use crate::app::screen::{Ctx, Event};

impl Editor {
    /// Enter: a quantity or expected quantity for the selected line, the lot offered,
    /// or a code.
    pub(super) fn submit(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let entry = self.entry.trim().to_string();
        if entry.is_empty() {
            let lot = self.offer.as_ref()?.lots.get(self.offer.as_ref()?.cursor)?;
            let lot = lot.lot_no.clone();
            return self.choose_lot(&lot, ctx);
        }
        self.entry.clear();
        if let Some(quantity) = quantity_command(&entry) {
            return self.set_quantity(quantity, ctx);
        }
        if let Some(expected) = entry.strip_prefix('=') {
            return self.set_expected(expected.trim(), ctx);
        }
        let (times, code) = split_quantity(&entry);
        self.code(code, times, ctx)
    }

    /// A code typed or scanned, `times` over: its product's line.
    pub(super) fn code(&mut self, code: &str, times: u32, ctx: &mut Ctx<'_>) -> Option<Event> {
        self.offer = None;
        match scanning::classify(ctx.till, code) {
            Ok(entered) => match entered.item() {
                Some(item) => self.add(item.clone(), times, ctx),
                None => Some(Event::Warning(
                    ctx.i18n.f("stock.unknown_code", &[("code", &code.trim())]),
                )),
            },
            Err(e) => Some(Event::Error(e)),
        }
    }

    /// A product's units: a serial-tracked one needs its serial (its UDI), a lot-tracked
    /// one its lot (from the UDI, else offered).
    fn add(&mut self, item: EnteredItem, times: u32, ctx: &mut Ctx<'_>) -> Option<Event> {
        let EnteredItem { product, input } = item;
        let quantity = times.saturating_mul(input.quantity).max(1);
        let mut lot = input.lot.filter(|l| !l.trim().is_empty());
        match product.tracking {
            Tracking::Serial => {
                let Some(serial) = input.serial else {
                    return Some(Event::Warning(
                        ctx.i18n
                            .f("stock.serial_needed", &[("name", &product.name)]),
                    ));
                };
                // A unit leaving or counted sits on the lot head office lists it under.
                if lot.is_none() && !self.kind.incoming() {
                    lot = match ctx.till.store().serial_lot(&product.sku, &serial) {
                        Ok(lot) => lot,
                        Err(e) => return Some(Event::Error(TillError::Store(e))),
                    };
                }
                self.put(&product, lot, input.expiry_date, Some(serial), 1, ctx)
            }
            Tracking::Lot if lot.is_none() => self.offer_lots(&product, quantity, ctx),
            Tracking::Lot => self.put(&product, lot, input.expiry_date, None, quantity, ctx),
            Tracking::None => self.put(&product, None, None, None, quantity, ctx),
        }
    }

    /// Units on the line of their SKU and lot (a new one if none): a serial once.
    fn put(
        &mut self,
        product: &Product,
        lot: Option<String>,
        expiry_date: Option<chrono::NaiveDate>,
        serial: Option<String>,
        quantity: u32,
        ctx: &Ctx<'_>,
    ) -> Option<Event> {
        self.preview = None;
        let at = self
            .lines
            .iter()
            .position(|l| l.sku == product.sku && l.lot == lot);
        let Some(at) = at else {
            self.lines.push(Draft {
                sku: product.sku.clone(),
                name: product.name.clone(),
                tracking: product.tracking,
                lot,
                expiry_date,
                quantity,
                serials: serial.into_iter().collect(),
                expected: None,
            });
            self.selected = Some(self.lines.len() - 1);
            return None;
        };
        self.selected = Some(at);
        let line = &mut self.lines[at];
        line.expiry_date = line.expiry_date.or(expiry_date);
        match serial {
            Some(serial) if line.serials.contains(&serial) => Some(Event::Warning(
                ctx.i18n.f("stock.serial_twice", &[("serial", &serial)]),
            )),
            Some(serial) => {
                line.serials.push(serial);
                line.quantity = line.serials.len() as u32;
                None
            }
            None => {
                line.quantity = line.quantity.saturating_add(quantity);
                None
            }
        }
    }

    /// The lots of a product scanned without one: for a dispatch the lots held and not
    /// expired, earliest expiry first (the first is proposed); otherwise every lot the
    /// till knows, with what it holds.
    fn offer_lots(&mut self, product: &Product, quantity: u32, ctx: &Ctx<'_>) -> Option<Event> {
        let lots = match self.kind {
            Kind::Dispatch => ctx.till.lots_held_fefo(&product.sku, ctx.now),
            _ => known_lots(&product.sku, ctx),
        };
        let lots = match lots {
            Ok(lots) => lots,
            Err(e) => return Some(Event::Error(e)),
        };
        if lots.is_empty() {
            return Some(Event::Warning(
                ctx.i18n.f("stock.no_lots", &[("name", &product.name)]),
            ));
        }
        self.offer = Some(LotOffer {
            sku: product.sku.clone(),
            name: product.name.clone(),
            quantity,
            lots,
            cursor: 0,
        });
        None
    }

    /// The lot chosen for the product being added.
    pub(super) fn choose_lot(&mut self, lot_no: &str, ctx: &mut Ctx<'_>) -> Option<Event> {
        let offer = self.offer.take()?;
        let lot = offer.lots.iter().find(|l| l.lot_no == lot_no)?;
        let product = match ctx.till.product(&offer.sku) {
            Ok(Some(product)) => product,
            Ok(None) => return None,
            Err(e) => return Some(Event::Error(e)),
        };
        let (lot_no, expiry) = (lot.lot_no.clone(), lot.expiry_date);
        self.put(
            &product,
            Some(lot_no),
            Some(expiry),
            None,
            offer.quantity,
            ctx,
        )
    }

    fn set_quantity(&mut self, quantity: u32, ctx: &Ctx<'_>) -> Option<Event> {
        let line = self.lines.get_mut(self.selected?)?;
        if line.tracking == Tracking::Serial {
            return Some(Event::Warning(
                ctx.i18n.f("stock.serial_needed", &[("name", &line.name)]),
            ));
        }
        line.quantity = quantity;
        self.preview = None;
        None
    }

    fn set_expected(&mut self, text: &str, ctx: &Ctx<'_>) -> Option<Event> {
        if !self.kind.incoming() {
            return Some(Event::Warning(ctx.i18n.t("stock.expected_here").into()));
        }
        let Ok(expected) = text.parse::<u32>() else {
            return Some(Event::Warning(
                ctx.i18n.f("stock.not_a_number", &[("text", &text)]),
            ));
        };
        let line = self.lines.get_mut(self.selected?)?;
        line.expected = Some(expected);
        self.preview = None;
        None
    }

    /// A write-off of every expired lot the store holds, serials included.
    pub(super) fn load_expired(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let held = match ctx.till.expired_holdings(ctx.now) {
            Ok(held) => held,
            Err(e) => return Some(Event::Error(e)),
        };
        if held.is_empty() {
            return Some(Event::Info(ctx.i18n.t("stock.nothing_expired").into()));
        }
        let mut loaded = 0;
        for holding in held {
            if self
                .lines
                .iter()
                .any(|l| l.sku == holding.sku && l.lot.as_deref() == Some(&holding.lot))
            {
                continue;
            }
            if let Err(e) = self.prefilled(holding.line(), ctx) {
                return Some(Event::Error(e));
            }
            loaded += 1;
        }
        Some(Event::Info(
            ctx.i18n.f("stock.expired_loaded", &[("count", &loaded)]),
        ))
    }

    /// A whole line the caller already knows (a transfer order's, an expired lot's). A
    /// dispatch's line of a lot-tracked product without its lot takes the held lots
    /// first expiry first (FEFO), as many units from each as it holds; what no lot
    /// covers stays without a lot, for the manager to scan.
    pub(super) fn prefilled(&mut self, line: StockLine, ctx: &Ctx<'_>) -> Result<(), TillError> {
        let product = ctx.till.product(&line.sku)?;
        let name = product
            .as_ref()
            .map_or_else(|| line.sku.clone(), |p| p.name.clone());
        let tracking = product.map_or(Tracking::None, |p| p.tracking);
        let mut draft = Draft {
            name,
            tracking,
            sku: line.sku,
            lot: line.lot,
            expiry_date: line.expiry_date,
            serials: line.serials,
            quantity: line.quantity,
            expected: None,
        };
        if self.kind == Kind::Dispatch && tracking == Tracking::Lot && draft.lot.is_none() {
            for lot in ctx.till.lots_held_fefo(&draft.sku, ctx.now)? {
                if draft.quantity == 0 {
                    break;
                }
                // What earlier lines of the document already take of this lot.
                let drafted: u32 = self
                    .lines
                    .iter()
                    .filter(|l| l.sku == draft.sku && l.lot.as_deref() == Some(&lot.lot_no))
                    .map(|l| l.quantity)
                    .sum();
                let free = u32::try_from(lot.held)
                    .unwrap_or(u32::MAX)
                    .saturating_sub(drafted);
                let take = free.min(draft.quantity);
                if take == 0 {
                    continue;
                }
                draft.quantity -= take;
                self.add_line(Draft {
                    lot: Some(lot.lot_no),
                    expiry_date: Some(lot.expiry_date),
                    quantity: take,
                    ..draft.clone()
                });
            }
        }
        if draft.quantity > 0 || draft.lot.is_some() || tracking != Tracking::Lot {
            self.add_line(draft);
        }
        self.selected = self.lines.len().checked_sub(1);
        self.preview = None;
        Ok(())
    }
}

impl Editor {
    /// A prefilled line joins the line of the same SKU and lot, if there is one: a
    /// document holds one line per SKU and lot.
    fn add_line(&mut self, draft: Draft) {
        let same = self
            .lines
            .iter_mut()
            .find(|l| l.sku == draft.sku && l.lot == draft.lot);
        match same {
            Some(line) => {
                line.quantity = line.quantity.saturating_add(draft.quantity);
                line.serials.extend(draft.serials);
            }
            None => self.lines.push(draft),
        }
    }
}

/// Every lot of a SKU the till knows, earliest expiry first, with what it holds.
fn known_lots(sku: &str, ctx: &Ctx<'_>) -> Result<Vec<HeldLot>, TillError> {
    let store = ctx.till.store();
    let mut lots = store
        .lots(sku)?
        .into_iter()
        .map(|lot| {
            Ok(HeldLot {
                held: store.stock(sku, Some(&lot.lot_no))?,
                lot_no: lot.lot_no,
                expiry_date: lot.expiry_date,
            })
        })
        .collect::<Result<Vec<_>, TillError>>()?;
    lots.sort_by(|a, b| (a.expiry_date, &a.lot_no).cmp(&(b.expiry_date, &b.lot_no)));
    Ok(lots)
}
