//! The sale screen: scan or type a code, search by name, pinyin initials or SKU, change
//! quantities, remove lines, change a price; the member and the total on the right.
//!
//! Entry box grammar (Enter): a code means what the till says it names (a barcode, SKU
//! or UDI adds the product, a receipt's QR code opens its return, a card or phone
//! attaches the member; see `entry`); `3*code` adds 3; `*3` or `x3` sets the selected
//! line to 3; anything else searches. F1 chooses the selected line's lot
//! ([`lot_pick`]).

use pos_core::catalog::Product;
use pos_core::document::Approval;
use pos_core::pricing::PricedCart;
use pos_core::till::{ItemInput, ScanOutcome, Till, TillError};
use rust_decimal::Decimal;

use super::lot_pick::{self, LotPick};
use super::price_edit::{self, Outcome, PriceEdit};
use super::{Ctx, Event, Go};
use crate::app::fields::{self, Field};
use crate::app::keys::Pressed;
use crate::app::scanning;

mod entry;
mod picks;
mod view;

pub(crate) use entry::{quantity_command, split_quantity};

pub const ENTRY_INPUT: &str = "sale-entry";

#[derive(Debug, Clone)]
pub enum Message {
    /// The entry box changed (typed, pasted or a wedge scanner's keys).
    Entry(String),
    /// Enter: add the code, set a quantity or search.
    Submit,
    /// Add the product picked from the search hits.
    Pick(String),
    /// Select a line (click).
    Select(u32),
    /// Sell this unit of the serial-tracked product being picked.
    PickSerial(String),
    /// One more of the selected line.
    Plus,
    /// One fewer of the selected line.
    Minus,
    /// Remove the selected line.
    Remove,
    /// Open the price panel for the selected line (F6).
    EditPrice,
    /// Open the lot picker for the selected line (F1).
    ChooseLot,
    /// A message of the lot picker.
    Lot(lot_pick::Message),
    /// A message of the price panel.
    Price(price_edit::Message),
    /// Park the sale (F3).
    Hold,
    /// Take the member off the sale.
    DetachMember,
    /// Drop the whole sale (nothing was recorded).
    Clear,
    /// Go to another screen from a button.
    Go(Go),
    /// Log out.
    Logout,
}

/// The last completed sale, shown until the next one starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    pub sequence: u64,
    pub total: Decimal,
    pub paid: Decimal,
    pub change: Decimal,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    pub entry: String,
    hits: Vec<Product>,
    hit_cursor: usize,
    /// The entry changed since the last search; searched once typing pauses.
    search_due: bool,
    /// Ticks since the entry last changed (search waits for a pause).
    quiet_ticks: u8,
    selected: Option<u32>,
    pub last_scanned: Option<u32>,
    pub priced: Option<PricedCart>,
    edit: Option<PriceEdit>,
    /// Serials of a serial-tracked product typed or picked without its UDI.
    serials: Option<SerialPick>,
    /// The lots the selected line may take, while the cashier chooses one.
    lots: Option<LotPick>,
    pub done: Option<Done>,
}

/// The units of a serial-tracked product the till may sell, to pick one from.
#[derive(Debug, Clone, PartialEq)]
pub struct SerialPick {
    pub sku: String,
    pub name: String,
    pub serials: Vec<String>,
    cursor: usize,
}

/// Serials offered at once; more are found by scanning the unit's UDI.
const SERIALS_SHOWN: usize = 9;

impl State {
    pub fn new(ctx: &mut Ctx<'_>) -> State {
        let mut state = State::default();
        state.refresh(ctx);
        state
    }

    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        match message {
            Message::Entry(text) => self.entry_changed(text),
            Message::Submit => self.submit(ctx),
            Message::Pick(sku) => self.pick(sku, ctx),
            Message::Select(line_no) => self.select(line_no),
            Message::PickSerial(serial) => self.pick_serial(serial, ctx),
            Message::Plus => self.step_quantity(1, ctx),
            Message::Minus => self.step_quantity(-1, ctx),
            Message::Remove => self.remove(ctx),
            Message::EditPrice => self.open_price_panel(),
            Message::ChooseLot => self.open_lot_pick(ctx),
            Message::Lot(lot_pick::Message::Choose(lot_no)) => self.choose_lot(&lot_no, ctx),
            Message::Price(m) => self.price_panel(m, ctx),
            Message::Hold => self.hold(ctx),
            Message::DetachMember => self.detach_member(ctx),
            Message::Clear => self.clear(ctx),
            Message::Go(go) => Some(Event::Go(go)),
            Message::Logout => Some(Event::LoggedOut),
        }
    }

    /// Keys with a meaning on this screen.
    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        match key {
            Pressed::Enter if self.edit.is_some() => {
                self.price_panel(price_edit::Message::Apply, ctx)
            }
            Pressed::Enter if self.serials.is_some() => self.pick_serial_at_cursor(ctx),
            Pressed::Enter if self.lots.is_some() => self.choose_lot_at_cursor(ctx),
            // As with serials: the digit also reached the entry box, and was a pick.
            Pressed::Char(c @ '1'..='9')
                if self.lots.is_some() && self.entry.chars().count() <= 1 =>
            {
                self.entry.clear();
                let n = (*c as u8 - b'0') as usize;
                let lot_no = self.lots.as_ref()?.numbered(n)?.to_string();
                self.choose_lot(&lot_no, ctx)
            }
            // The digit may also have reached the focused entry box: it was a pick, not text.
            Pressed::Char(c @ '1'..='9')
                if self.serials.is_some() && self.entry.chars().count() <= 1 =>
            {
                self.entry.clear();
                let index = (*c as u8 - b'1') as usize;
                let serial = self.serials.as_ref()?.serials.get(index)?.clone();
                self.pick_serial(serial, ctx)
            }
            Pressed::Enter => self.submit(ctx),
            Pressed::Escape => self.escape(),
            Pressed::Delete => self.remove(ctx),
            Pressed::Up => self.move_cursor(-1),
            Pressed::Down => self.move_cursor(1),
            // Typed into an empty entry box, + and - step the selected line's quantity.
            Pressed::Char(c @ ('+' | '-')) if self.entry == c.to_string() => {
                self.entry.clear();
                self.step_quantity(if *c == '+' { 1 } else { -1 }, ctx)
            }
            Pressed::F(1) => self.open_lot_pick(ctx),
            Pressed::F(2) => Some(Event::Go(Go::Member)),
            Pressed::F(3) => self.hold(ctx),
            Pressed::F(4) => Some(Event::Go(Go::Return(None))),
            Pressed::F(5) => Some(Event::Go(Go::Held)),
            Pressed::F(6) => self.open_price_panel(),
            Pressed::F(7) => Some(Event::Go(Go::Drawer)),
            Pressed::F(8) => Some(Event::Go(Go::XReport)),
            Pressed::F(9) => Some(Event::Go(Go::Close)),
            Pressed::F(10) => Some(Event::Go(Go::Alerts)),
            Pressed::F(11) => Some(Event::Go(Go::Review)),
            Pressed::F(12) => self.pay(ctx),
            Pressed::Ctrl('n') => self.clear(ctx),
            Pressed::Ctrl('s') => Some(Event::Go(Go::Settings)),
            Pressed::Ctrl('k') => Some(Event::Go(Go::Stock(None))),
            Pressed::Ctrl('o') => Some(Event::Go(Go::Organisation)),
            Pressed::Ctrl('l') => Some(Event::LoggedOut),
            _ => None,
        }
    }

    /// Called on every timer tick: searches once typing has paused.
    pub fn tick(&mut self, ctx: &mut Ctx<'_>) {
        if !self.search_due {
            return;
        }
        self.quiet_ticks = self.quiet_ticks.saturating_add(1);
        if self.quiet_ticks >= 2 {
            self.search(ctx.till);
        }
    }

    /// Re-prices the sale after any change, so the view only draws.
    pub fn refresh(&mut self, ctx: &mut Ctx<'_>) {
        self.priced = ctx.till.priced(ctx.now).ok();
        let lines = &ctx.till.cart().lines;
        if self
            .selected
            .is_none_or(|n| !lines.iter().any(|l| l.line_no == n))
        {
            self.selected = self
                .last_scanned
                .filter(|n| lines.iter().any(|l| l.line_no == *n));
            if self.selected.is_none() {
                self.selected = lines.last().map(|l| l.line_no);
            }
        }
        if !lines.is_empty() {
            self.done = None;
        }
        if self
            .lots
            .as_ref()
            .is_some_and(|p| !lines.iter().any(|l| l.line_no == p.line_no))
        {
            self.lots = None;
        }
    }

    /// The price panel's boxes while it is open, else the entry box.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        match &self.edit {
            Some(edit) => fields::map_all(edit.fields(), Message::Price),
            None => vec![Field::new(ENTRY_INPUT, &self.entry, Message::Entry)],
        }
    }

    /// Whether the price panel is open.
    pub fn editing_price(&self) -> bool {
        self.edit.is_some()
    }

    /// Products found for the entry box.
    pub fn hits(&self) -> &[Product] {
        &self.hits
    }

    fn pick(&mut self, sku: String, ctx: &mut Ctx<'_>) -> Option<Event> {
        self.scan(ItemInput::code(sku), ctx)
    }

    /// Adds a scanned or typed item; a near-expiry lot warns, an expired one is refused.
    pub fn scan(&mut self, input: ItemInput, ctx: &mut Ctx<'_>) -> Option<Event> {
        let result = ctx.till.scan(&input, ctx.now);
        self.entry.clear();
        self.hits.clear();
        self.search_due = false;
        self.lots = None;
        match result {
            Ok(outcome) => {
                self.last_scanned = Some(outcome.line_no);
                self.selected = Some(outcome.line_no);
                self.refresh(ctx);
                near_expiry_warning(&outcome, ctx)
            }
            Err(TillError::SerialRequired { sku, name }) => self.offer_serials(sku, name, ctx),
            Err(e) => Some(Event::Error(e)),
        }
    }

    fn select(&mut self, line_no: u32) -> Option<Event> {
        self.selected = Some(line_no);
        None
    }

    fn move_cursor(&mut self, step: i32) -> Option<Event> {
        if let Some(pick) = self.lots.as_mut() {
            pick.move_cursor(step);
            return None;
        }
        if let Some(pick) = self.serials.as_mut() {
            let last = pick.serials.len() as i32 - 1;
            pick.cursor = (pick.cursor as i32 + step).clamp(0, last.max(0)) as usize;
            return None;
        }
        if !self.hits.is_empty() {
            let last = self.hits.len() as i32 - 1;
            self.hit_cursor = (self.hit_cursor as i32 + step).clamp(0, last) as usize;
            return None;
        }
        let lines: Vec<u32> = self
            .priced
            .iter()
            .flat_map(|p| p.lines.iter().map(|l| l.line_no))
            .collect();
        let at = self
            .selected
            .and_then(|s| lines.iter().position(|&n| n == s))
            .unwrap_or(0) as i32;
        self.selected = lines
            .get((at + step).clamp(0, lines.len() as i32 - 1).max(0) as usize)
            .copied();
        None
    }

    fn selected_quantity(&self, ctx: &Ctx<'_>) -> Option<(u32, u32)> {
        let line_no = self.selected?;
        ctx.till
            .cart()
            .lines
            .iter()
            .find(|l| l.line_no == line_no)
            .map(|l| (line_no, l.quantity))
    }

    fn set_quantity(&mut self, quantity: u32, ctx: &mut Ctx<'_>) -> Option<Event> {
        let (line_no, _) = self.selected_quantity(ctx)?;
        let result = ctx.till.set_quantity(line_no, quantity);
        self.refresh(ctx);
        super::refused(result)
    }

    fn step_quantity(&mut self, step: i64, ctx: &mut Ctx<'_>) -> Option<Event> {
        let (_, quantity) = self.selected_quantity(ctx)?;
        let next = (quantity as i64 + step).max(1) as u32;
        self.set_quantity(next, ctx)
    }

    fn remove(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let line_no = self.selected?;
        let result = ctx.till.remove_line(line_no);
        self.selected = None;
        self.refresh(ctx);
        super::refused(result)
    }

    fn open_price_panel(&mut self) -> Option<Event> {
        self.lots = None;
        self.edit = self.selected.map(PriceEdit::new);
        None
    }

    fn price_panel(&mut self, message: price_edit::Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        let edit = self.edit.as_mut()?;
        let outcome = edit.update(message, ctx);
        self.after_price(outcome, ctx)
    }

    fn after_price(&mut self, outcome: Outcome, ctx: &mut Ctx<'_>) -> Option<Event> {
        self.refresh(ctx);
        match outcome {
            Outcome::Open(event) => event,
            Outcome::Done => {
                self.edit = None;
                None
            }
        }
    }

    /// A manager approved the price change the till asked about: apply it now.
    pub fn approved(&mut self, approval: &Approval, ctx: &mut Ctx<'_>) -> Option<Event> {
        let edit = self.edit.as_mut()?;
        let outcome = edit.apply(Some(approval), ctx);
        self.after_price(outcome, ctx)
    }

    fn escape(&mut self) -> Option<Event> {
        if self.serials.take().is_some() || self.lots.take().is_some() {
            return None;
        }
        if self.edit.take().is_none() {
            self.entry.clear();
            self.hits.clear();
            self.search_due = false;
        }
        None
    }

    fn hold(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        let result = ctx.till.hold(ctx.now);
        self.refresh(ctx);
        match result {
            Ok(()) => Some(Event::Info(ctx.i18n.t("sale.held").to_string())),
            Err(e) => Some(Event::Error(e)),
        }
    }

    fn detach_member(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        ctx.till.detach_member();
        self.refresh(ctx);
        None
    }

    fn clear(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        ctx.till.clear_sale();
        self.edit = None;
        self.last_scanned = None;
        self.refresh(ctx);
        None
    }

    fn pay(&mut self, ctx: &mut Ctx<'_>) -> Option<Event> {
        if ctx.till.cart().lines.is_empty() {
            return Some(Event::Warning(ctx.i18n.t("sale.empty").to_string()));
        }
        Some(Event::Go(Go::Payment))
    }
}

/// The warning a near-expiry lot gives, whether scanned or chosen by hand.
fn near_expiry_warning(outcome: &ScanOutcome, ctx: &Ctx<'_>) -> Option<Event> {
    let (lot, expiry, days) = outcome.near_expiry.as_ref()?;
    Some(Event::Warning(ctx.i18n.f(
        "sale.near_expiry",
        &[
            ("name", &outcome.name),
            ("lot", lot),
            ("expiry", expiry),
            ("days", days),
        ],
    )))
}
