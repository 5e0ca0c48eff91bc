//! Stock work (库存作业, Ctrl+K from the sale screen): the store's stock documents at the
//! counter — goods received (收货入库, F1), a transfer dispatched (调拨出库, F2) or
//! received (调拨入库, F3), a count (盘点, F4) and a write-off (报损, F5).
//!
//! Each document is built by scanning, like a sale: a GS1 UDI fills SKU, lot, expiry and
//! serial; a barcode or SKU adds a line (`3*code` adds three); `*3` sets the selected
//! line's quantity (the count, for a stocktake) and `=10` its expected quantity (a
//! receipt). A lot-tracked product scanned without its lot offers the lots the store
//! knows — for a dispatch the held lots, earliest expiry first (FEFO), the first one
//! proposed: Enter takes it, a number or a scanned UDI takes another. F12 shows what the
//! document will change, line by line (units held now → after; shortage and excess, or
//! the variance); F12 again commits it, through the manager's PIN when the till asks for
//! one, and its slip prints. The screen can be opened with a transfer already filled in
//! ([`Start`]).

mod commit;
mod lines;
mod orders;
mod view;

use chrono::NaiveDate;
use pos_core::catalog::Tracking;
use pos_core::document::{Approval, Document};
use pos_core::stock_document::{StockLine, WriteOffReason};
use pos_core::till::{HeldLot, OpenTransferOrders};

use super::{Ctx, Event, Go};
use crate::app::fields::Field;
use crate::app::keys::Pressed;

pub use commit::{PreviewRow, signed as commit_signed};

pub const ENTRY_INPUT: &str = "stock-entry";
pub const REFERENCE_INPUT: &str = "stock-reference";
pub const PARTY_INPUT: &str = "stock-party";

/// The stock documents the screen writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 收货入库
    Receipt,
    /// 调拨出库
    Dispatch,
    /// 调拨入库
    TransferReceipt,
    /// 盘点
    Count,
    /// 报损
    WriteOff,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Receipt,
        Kind::Dispatch,
        Kind::TransferReceipt,
        Kind::Count,
        Kind::WriteOff,
    ];

    /// The translation key of its name.
    pub fn title_key(self) -> &'static str {
        match self {
            Kind::Receipt => "stock.receipt",
            Kind::Dispatch => "stock.dispatch",
            Kind::TransferReceipt => "stock.transfer_receipt",
            Kind::Count => "stock.count",
            Kind::WriteOff => "stock.write_off",
        }
    }

    /// Its key on the stock work menu.
    pub fn menu_key(self) -> u8 {
        match self {
            Kind::Receipt => 1,
            Kind::Dispatch => 2,
            Kind::TransferReceipt => 3,
            Kind::Count => 4,
            Kind::WriteOff => 5,
        }
    }

    /// Goods coming in: a line may say what was expected.
    fn incoming(self) -> bool {
        matches!(self, Kind::Receipt | Kind::TransferReceipt)
    }

    /// The labels of the two boxes at the top: what the document refers to (or the
    /// write-off's note), and the other party. A count has neither.
    pub fn header_keys(self) -> (Option<&'static str>, Option<&'static str>) {
        match self {
            Kind::Receipt => (Some("stock.reference"), Some("stock.supplier")),
            Kind::Dispatch => (Some("stock.transfer_id"), Some("stock.to_store")),
            Kind::TransferReceipt => (Some("stock.transfer_id"), Some("stock.from_store")),
            Kind::Count => (None, None),
            Kind::WriteOff => (Some("stock.note"), None),
        }
    }
}

/// A document to open with what the caller knows already: a transfer order's id, the
/// other store and the ordered lines (a dispatch head office sent through the feed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Start {
    pub kind: Kind,
    /// The delivery note or the transfer's id.
    pub reference: String,
    /// The supplier, or the other store of a transfer.
    pub party: String,
    pub lines: Vec<StockLine>,
}

impl Start {
    /// A dispatch of transfer `transfer_id` to `to_store` of `lines`.
    pub fn dispatch(transfer_id: &str, to_store: &str, lines: Vec<StockLine>) -> Start {
        Start {
            kind: Kind::Dispatch,
            reference: transfer_id.to_owned(),
            party: to_store.to_owned(),
            lines,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    /// Start a document of this kind (the menu).
    Open(Kind),
    /// Open head office's transfer order listed at this place on the menu (from 0).
    OpenOrder(usize),
    /// The code box changed.
    Entry(String),
    /// The reference box changed (delivery note, transfer id, note).
    Reference(String),
    /// The other party's box changed (supplier, store).
    Party(String),
    /// Enter in the code box.
    Submit,
    Select(usize),
    /// Remove the selected line.
    Remove,
    /// Take this lot for the product being added.
    ChooseLot(String),
    /// Write-off: load the expired lots the store holds.
    LoadExpired,
    /// Write-off: the next reason.
    NextReason,
    /// Count: full or partial.
    ToggleFull,
    /// Show what the document will change.
    Preview,
    /// Commit what the preview showed.
    Commit,
    /// Back from the preview to the lines.
    Edit,
    /// Print the last document's slip again.
    Reprint,
    Back,
}

/// One line being put together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub sku: String,
    pub name: String,
    pub tracking: Tracking,
    pub lot: Option<String>,
    pub expiry_date: Option<NaiveDate>,
    pub serials: Vec<String>,
    /// Units (counted, for a stocktake).
    pub quantity: u32,
    /// What the delivery note or the dispatch said (goods coming in).
    pub expected: Option<u32>,
}

/// The lots offered for a lot-tracked product scanned without its lot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotOffer {
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    /// Earliest expiry first; the first is the proposal.
    pub lots: Vec<HeldLot>,
    pub cursor: usize,
}

/// A document being put together.
#[derive(Debug, Clone)]
pub struct Editor {
    pub kind: Kind,
    pub reference: String,
    pub party: String,
    pub reason: WriteOffReason,
    pub full: bool,
    pub entry: String,
    pub lines: Vec<Draft>,
    pub selected: Option<usize>,
    pub offer: Option<LotOffer>,
    /// What the document will change, once asked for (F12); any edit drops it.
    pub preview: Option<Vec<PreviewRow>>,
    /// A commit waits for the manager's PIN.
    awaiting_approval: bool,
}

#[derive(Debug, Clone, Default)]
pub struct State {
    /// The document being put together; none: the menu.
    pub editor: Option<Editor>,
    /// The last document committed here, for its slip's reprint.
    pub last: Option<Box<Document>>,
    /// Head office's transfer orders this till has still to carry out.
    pub orders: OpenTransferOrders,
}

impl State {
    /// The menu, or the document `start` names with what it fills in.
    pub fn new(start: Option<Start>, ctx: &mut Ctx<'_>) -> (State, Option<Event>) {
        let mut state = State::default();
        let refused = state.refresh_orders(ctx);
        let event = start.and_then(|start| state.start(start, ctx));
        (state, event.or(refused))
    }

    pub fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Option<Event> {
        if let Message::Open(kind) = message {
            self.editor = Some(Editor::new(kind));
            return None;
        }
        if let Message::OpenOrder(n) = message {
            return self.open_order(n, ctx);
        }
        match (&mut self.editor, message) {
            (_, Message::Reprint) => self.reprint(),
            (None, Message::Back) => Some(Event::Go(Go::Sale)),
            (None, _) => None,
            (Some(_), Message::Back) => {
                self.editor = None;
                self.refresh_orders(ctx)
            }
            (Some(editor), message) => {
                let outcome = editor.update(message, ctx);
                self.after(outcome, ctx)
            }
        }
    }

    pub fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Option<Event> {
        let Some(editor) = &mut self.editor else {
            return match key {
                Pressed::F(n) => {
                    let kind = Kind::ALL.into_iter().find(|k| k.menu_key() == *n);
                    match (kind, n) {
                        (Some(kind), _) => self.update(Message::Open(kind), ctx),
                        (None, 8) => self.reprint(),
                        _ => None,
                    }
                }
                Pressed::Escape => Some(Event::Go(Go::Sale)),
                Pressed::Char(c @ '1'..='9') => {
                    let n = c.to_digit(10).map_or(0, |d| d as usize - 1);
                    self.open_order(n, ctx)
                }
                _ => None,
            };
        };
        if *key == Pressed::Escape && editor.offer.is_none() && editor.preview.is_none() {
            self.editor = None;
            return self.refresh_orders(ctx);
        }
        let outcome = editor.key(key, ctx);
        self.after(outcome, ctx)
    }

    /// A scanned code: a line of the document being put together.
    pub fn scanned(&mut self, code: &str, ctx: &mut Ctx<'_>) -> Option<Event> {
        match &mut self.editor {
            Some(editor) => editor.code(code, 1, ctx),
            None => Some(Event::Warning(ctx.i18n.t("scan.not_here").to_string())),
        }
    }

    /// The manager approved the commit the till asked about: commit it now.
    pub fn approved(&mut self, approval: &Approval, ctx: &mut Ctx<'_>) -> Option<Event> {
        let editor = self.editor.as_mut()?;
        if !std::mem::take(&mut editor.awaiting_approval) {
            return None;
        }
        let outcome = editor.commit(Some(approval), ctx);
        self.after(outcome, ctx)
    }

    /// The code box, then the boxes at the top.
    pub fn fields(&self) -> Vec<Field<'_, Message>> {
        let Some(editor) = &self.editor else {
            return Vec::new();
        };
        let mut fields = vec![Field::new(ENTRY_INPUT, &editor.entry, Message::Entry)];
        if editor.kind.header_keys().0.is_some() {
            fields.push(Field::new(
                REFERENCE_INPUT,
                &editor.reference,
                Message::Reference,
            ));
        }
        if editor.kind.header_keys().1.is_some() {
            fields.push(Field::new(PARTY_INPUT, &editor.party, Message::Party));
        }
        fields
    }

    fn start(&mut self, start: Start, ctx: &mut Ctx<'_>) -> Option<Event> {
        let mut editor = Editor::new(start.kind);
        editor.reference = start.reference;
        editor.party = start.party;
        let mut refused = None;
        for line in start.lines {
            match editor.prefilled(line, ctx) {
                Ok(()) => {}
                Err(e) => refused = refused.or(Some(Event::Error(e))),
            }
        }
        self.editor = Some(editor);
        refused
    }

    /// A committed document closes the editor and is kept for its reprint.
    fn after(&mut self, outcome: Outcome, ctx: &Ctx<'_>) -> Option<Event> {
        match outcome {
            Outcome::Stay(event) => event,
            Outcome::Committed(doc) => {
                self.editor = None;
                self.last = Some(doc.clone());
                // An order carried out leaves the menu. The document is committed
                // whatever the list says: a failed read keeps the old list until the
                // next return to the menu reads it again.
                let _ = self.refresh_orders(ctx);
                Some(Event::StockDone(doc))
            }
        }
    }

    fn reprint(&self) -> Option<Event> {
        self.last.clone().map(Event::Reprint)
    }
}

/// What an editor's action came to.
enum Outcome {
    Stay(Option<Event>),
    Committed(Box<Document>),
}

impl Editor {
    fn new(kind: Kind) -> Editor {
        Editor {
            kind,
            reference: String::new(),
            party: String::new(),
            reason: if kind == Kind::WriteOff {
                WriteOffReason::Expired
            } else {
                WriteOffReason::Damaged
            },
            full: false,
            entry: String::new(),
            lines: Vec::new(),
            selected: None,
            offer: None,
            preview: None,
            awaiting_approval: false,
        }
    }

    fn update(&mut self, message: Message, ctx: &mut Ctx<'_>) -> Outcome {
        let event = match message {
            Message::Entry(text) => {
                self.entry = text;
                None
            }
            Message::Reference(text) => self.edit(|e| e.reference = text),
            Message::Party(text) => self.edit(|e| e.party = text),
            Message::Submit => self.submit(ctx),
            Message::Select(i) => {
                self.selected = Some(i);
                None
            }
            Message::Remove => self.remove(),
            Message::ChooseLot(lot) => self.choose_lot(&lot, ctx),
            Message::LoadExpired => self.load_expired(ctx),
            Message::NextReason => self.next_reason(),
            Message::ToggleFull => self.edit(|e| e.full = !e.full),
            Message::Preview => self.show_preview(ctx),
            Message::Commit => return self.commit(None, ctx),
            Message::Edit => {
                self.preview = None;
                None
            }
            Message::Open(_) | Message::OpenOrder(_) | Message::Reprint | Message::Back => None,
        };
        Outcome::Stay(event)
    }

    fn key(&mut self, key: &Pressed, ctx: &mut Ctx<'_>) -> Outcome {
        let event = match key {
            Pressed::F(12) if self.preview.is_some() => return self.commit(None, ctx),
            Pressed::F(12) => self.show_preview(ctx),
            Pressed::Escape if self.offer.take().is_some() => None,
            Pressed::Escape => {
                self.preview = None;
                None
            }
            // A digit that also reached the empty code box picks a lot offered.
            Pressed::Char(c @ '1'..='9')
                if self.offer.is_some() && self.entry.chars().count() <= 1 =>
            {
                self.entry.clear();
                let n = (*c as u8 - b'1') as usize;
                let lot = self
                    .offer
                    .as_ref()
                    .and_then(|o| o.lots.get(n))
                    .map(|l| l.lot_no.clone());
                lot.and_then(|lot| self.choose_lot(&lot, ctx))
            }
            Pressed::Enter => self.submit(ctx),
            Pressed::Up => self.move_cursor(-1),
            Pressed::Down => self.move_cursor(1),
            Pressed::Delete => self.remove(),
            Pressed::F(5) if self.kind == Kind::WriteOff => self.load_expired(ctx),
            Pressed::F(6) if self.kind == Kind::WriteOff => self.next_reason(),
            Pressed::F(7) if self.kind == Kind::Count => self.edit(|e| e.full = !e.full),
            _ => None,
        };
        Outcome::Stay(event)
    }

    /// A change to the document: the preview no longer shows it.
    fn edit(&mut self, change: impl FnOnce(&mut Editor)) -> Option<Event> {
        change(self);
        self.preview = None;
        None
    }

    fn next_reason(&mut self) -> Option<Event> {
        self.edit(|e| {
            e.reason = match e.reason {
                WriteOffReason::Expired => WriteOffReason::Damaged,
                WriteOffReason::Damaged => WriteOffReason::Recalled,
                WriteOffReason::Recalled => WriteOffReason::Expired,
            }
        })
    }

    fn move_cursor(&mut self, step: i32) -> Option<Event> {
        if let Some(offer) = &mut self.offer {
            let last = offer.lots.len() as i32 - 1;
            offer.cursor = (offer.cursor as i32 + step).clamp(0, last.max(0)) as usize;
            return None;
        }
        let last = self.lines.len() as i32 - 1;
        let at = self.selected.unwrap_or(0) as i32;
        self.selected = (last >= 0).then(|| (at + step).clamp(0, last) as usize);
        None
    }

    fn remove(&mut self) -> Option<Event> {
        let i = self.selected?;
        if i < self.lines.len() {
            self.lines.remove(i);
        }
        self.selected = self.lines.len().checked_sub(1).map(|last| i.min(last));
        self.preview = None;
        None
    }
}

/// The translation key of a write-off reason.
pub fn reason_key(reason: WriteOffReason) -> &'static str {
    match reason {
        WriteOffReason::Expired => "stock.reason_expired",
        WriteOffReason::Damaged => "stock.reason_damaged",
        WriteOffReason::Recalled => "stock.reason_recalled",
    }
}

#[cfg(test)]
mod tests;
