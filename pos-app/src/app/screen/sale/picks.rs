//! Choosing by hand on the sale screen: the lot of a lot-tracked line (F1) and the serial
//! of a serial-tracked product scanned by its plain barcode.

use super::*;

impl State {
    /// A serial-tracked product came without its serial: offer the units in stock.
    pub(super) fn offer_serials(
        &mut self,
        sku: String,
        name: String,
        ctx: &mut Ctx<'_>,
    ) -> Option<Event> {
        let serials = ctx
            .till
            .available_serials(&sku, SERIALS_SHOWN)
            .unwrap_or_default();
        if serials.is_empty() {
            return Some(Event::Error(TillError::SerialRequired { sku, name }));
        }
        self.serials = Some(SerialPick {
            sku,
            name,
            serials,
            cursor: 0,
        });
        None
    }

    /// The selected line's lots, to choose one (F1).
    pub(super) fn open_lot_pick(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let Some(line_no) = self.selected else {
            return Some(Event::Warning(
                ctx.i18n.t("lot_pick.select_line").to_string(),
            ));
        };
        match LotPick::open(line_no, ctx) {
            Ok(pick) if pick.choices.is_empty() => Some(Event::Warning(
                ctx.i18n.f("lot_pick.none", &[("name", &pick.name)]),
            )),
            Ok(pick) => {
                self.serials = None;
                self.edit = None;
                self.hits.clear();
                self.lots = Some(pick);
                None
            }
            Err(e) => Some(Event::Error(e)),
        }
    }

    /// The lot picker, when one is open.
    pub fn lot_pick(&self) -> Option<&LotPick> {
        self.lots.as_ref()
    }

    /// Puts the picker's line on a lot. A refusal (an expired lot) keeps the picker
    /// open; a near-expiry lot warns as a scan does.
    pub(super) fn choose_lot(&mut self, lot_no: &str, ctx: &mut Ctx<'_>) -> Option<Event> {
        let result = self.lots.as_mut()?.choose(lot_no, ctx);
        match result {
            Ok(outcome) => {
                self.lots = None;
                self.selected = Some(outcome.line_no);
                self.refresh(ctx);
                near_expiry_warning(&outcome, ctx).or_else(|| {
                    Some(Event::Info(ctx.i18n.f(
                        "lot_pick.chosen",
                        &[("line", &outcome.line_no), ("lot", &lot_no)],
                    )))
                })
            }
            Err(e) => Some(Event::Error(e)),
        }
    }

    pub(super) fn choose_lot_at_cursor(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let lot_no = self.lots.as_ref()?.at_cursor()?.to_string();
        self.choose_lot(&lot_no, ctx)
    }

    /// The serial picker, when one is open.
    pub fn serial_pick(&self) -> Option<&SerialPick> {
        self.serials.as_ref()
    }

    pub(super) fn pick_serial(&mut self, serial: String, ctx: &mut Ctx<'_>) -> Option<Event> {
        let pick = self.serials.take()?;
        let input = ItemInput {
            serial: Some(serial),
            ..ItemInput::code(pick.sku)
        };
        self.scan(input, ctx)
    }

    pub(super) fn pick_serial_at_cursor(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let pick = self.serials.as_ref()?;
        let serial = pick.serials.get(pick.cursor)?.clone();
        self.pick_serial(serial, ctx)
    }
}
