//! What a document does besides being recorded: stock by store, SKU and lot; members'
//! points; the state of serial-tracked units. Defined once, here. The till's store
//! writes these moves into its file when it commits a document, and head office's ingest
//! applies the same moves to its database, so the two cannot drift.

use std::collections::HashMap;

use thiserror::Error;
use uuid::Uuid;

use crate::document::{Document, DocumentBody, Sale, SaleLine, SaleMember};
use crate::stock_document::StockLine;

/// A change of stock (negative for a sale).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockMove {
    pub store_id: String,
    pub sku: String,
    pub lot_no: Option<String>,
    pub quantity: i64,
}

/// Why a member's points move: the point ledger's entry kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PointReason {
    Earn,
    Redeem,
    ReverseEarn,
    RefundRedeem,
    VoidEarn,
    VoidRedeem,
    Adjust,
}

impl PointReason {
    /// The name both ledgers store.
    pub fn as_str(self) -> &'static str {
        match self {
            PointReason::Earn => "earn",
            PointReason::Redeem => "redeem",
            PointReason::ReverseEarn => "reverse_earn",
            PointReason::RefundRedeem => "refund_redeem",
            PointReason::VoidEarn => "void_earn",
            PointReason::VoidRedeem => "void_redeem",
            PointReason::Adjust => "adjust",
        }
    }
}

/// A change of one member's points. `member_id` is the id the document names (the
/// till's); head office resolves it to its own member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointMove {
    pub member_id: String,
    pub points: i64,
    pub reason: PointReason,
}

/// Where a serial-tracked unit stands after a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SerialState {
    /// Sold: it may not be sold again until it comes back.
    Sold,
    /// Back in the store's stock: returned, or its sale voided.
    Available,
    /// Received into the store's stock (a goods receipt): the store holds it now.
    Received,
    /// Written off: out of stock for good, never sold.
    WrittenOff,
    /// Dispatched on a transfer: in transit, held by neither store until received.
    Dispatched,
}

impl SerialState {
    /// Does the store hold the unit, ready to sell, after this?
    pub fn in_stock(self) -> bool {
        matches!(self, SerialState::Available | SerialState::Received)
    }
}

/// A serial-tracked unit changing state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialMove {
    pub store_id: String,
    pub sku: String,
    pub serial: String,
    pub lot_no: Option<String>,
    pub state: SerialState,
}

/// Everything a document changes besides itself, in the order it changes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocumentEffects {
    pub stock: Vec<StockMove>,
    /// Within a document, redemptions come before earnings, so an overdraft is seen
    /// against the balance the member had at the counter.
    pub points: Vec<PointMove>,
    pub serials: Vec<SerialMove>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EffectError {
    /// Only a number no validated document holds (i64::MIN) has no negative.
    #[error("{field} {points} cannot be taken back")]
    PointsNotReversible { field: &'static str, points: i64 },
}

/// The effects of `doc`. A void reverses its sale, so it needs the sale it names:
/// `voided_sale` (without it a void moves nothing, as when the sale is unknown).
pub fn effects_of(
    doc: &Document,
    voided_sale: Option<&Sale>,
) -> Result<DocumentEffects, EffectError> {
    let mut fx = Effects {
        store_id: &doc.store_id,
        out: DocumentEffects::default(),
    };
    match &doc.body {
        DocumentBody::Sale(sale) => {
            fx.lines(&sale.lines, Direction::Out);
            if let Some(m) = &sale.member {
                fx.points(
                    m,
                    PointReason::Redeem,
                    negate(sale.points_redeemed, "points_redeemed")?,
                );
                fx.points(m, PointReason::Earn, sale.points_earned);
            }
        }
        DocumentBody::Return(ret) => {
            for l in &ret.lines {
                fx.line(&l.sku, &l.lot, &l.serial, l.quantity, Direction::In);
            }
            if let Some(m) = &ret.member {
                fx.points(m, PointReason::RefundRedeem, ret.points_refunded);
                fx.points(
                    m,
                    PointReason::ReverseEarn,
                    negate(ret.points_reversed, "points_reversed")?,
                );
            }
        }
        DocumentBody::Void(_) => {
            if let Some(sale) = voided_sale {
                fx.lines(&sale.lines, Direction::In);
                if let Some(m) = &sale.member {
                    fx.points(m, PointReason::VoidRedeem, sale.points_redeemed);
                    fx.points(
                        m,
                        PointReason::VoidEarn,
                        negate(sale.points_earned, "points_earned")?,
                    );
                }
            }
        }
        DocumentBody::PointAdjustment(adj) => {
            fx.push_points(&adj.member_id, PointReason::Adjust, adj.points)
        }
        DocumentBody::ShiftOpen(_)
        | DocumentBody::ShiftClose(_)
        | DocumentBody::PaidIn(_)
        | DocumentBody::PaidOut(_)
        | DocumentBody::MemberRegistration(_)
        | DocumentBody::ZReport(_)
        | DocumentBody::OperatorChange(_) => {}
        DocumentBody::GoodsReceipt(receipt) => {
            for l in &receipt.lines {
                fx.goods(&l.goods, 1, SerialState::Received);
            }
        }
        DocumentBody::WriteOff(write_off) => {
            for l in &write_off.lines {
                fx.goods(l, -1, SerialState::WrittenOff);
            }
        }
        DocumentBody::TransferDispatch(transfer) => {
            for l in &transfer.lines {
                fx.goods(l, -1, SerialState::Dispatched);
            }
        }
        DocumentBody::TransferReceipt(transfer) => {
            for l in &transfer.lines {
                fx.goods(&l.goods, 1, SerialState::Received);
            }
        }
        DocumentBody::Stocktake(count) => {
            for l in &count.lines {
                if l.variance() != 0 {
                    fx.stock(&l.sku, &l.lot, l.variance());
                }
                for serial in &l.missing_serials {
                    fx.serial(&l.sku, &l.lot, serial, SerialState::WrittenOff);
                }
            }
        }
    }
    Ok(fx.out)
}

/// The effects of one till's documents, in order; a void reverses the sale it names
/// among them (one whose sale is not among them moves nothing).
pub fn effects_of_documents(documents: &[Document]) -> Result<Vec<DocumentEffects>, EffectError> {
    let sales: HashMap<Uuid, &Sale> = documents
        .iter()
        .filter_map(|d| match &d.body {
            DocumentBody::Sale(sale) => Some((d.id, sale)),
            _ => None,
        })
        .collect();
    documents
        .iter()
        .map(|doc| {
            let voided = match &doc.body {
                DocumentBody::Void(v) => sales.get(&v.sale_id).copied(),
                _ => None,
            };
            effects_of(doc, voided)
        })
        .collect()
}

fn negate(points: i64, field: &'static str) -> Result<i64, EffectError> {
    points
        .checked_neg()
        .ok_or(EffectError::PointsNotReversible { field, points })
}

#[derive(Clone, Copy)]
enum Direction {
    /// Leaves the store's stock (a sale).
    Out,
    /// Comes back (a return, a voided sale).
    In,
}

struct Effects<'a> {
    store_id: &'a str,
    out: DocumentEffects,
}

impl Effects<'_> {
    fn lines(&mut self, lines: &[SaleLine], direction: Direction) {
        for l in lines {
            self.line(&l.sku, &l.lot, &l.serial, l.quantity, direction);
        }
    }

    fn line(
        &mut self,
        sku: &str,
        lot_no: &Option<String>,
        serial: &Option<String>,
        quantity: u32,
        direction: Direction,
    ) {
        let (quantity, state) = match direction {
            Direction::Out => (-i64::from(quantity), SerialState::Sold),
            Direction::In => (i64::from(quantity), SerialState::Available),
        };
        self.stock(sku, lot_no, quantity);
        if let Some(serial) = serial {
            self.serial(sku, lot_no, serial, state);
        }
    }

    /// A stock document's line: its units in (`sign` 1) or out (-1), each serial to
    /// `state`. A line of no units (announced, not delivered) moves nothing.
    fn goods(&mut self, line: &StockLine, sign: i64, state: SerialState) {
        if line.quantity > 0 {
            self.stock(&line.sku, &line.lot, sign * i64::from(line.quantity));
        }
        for serial in &line.serials {
            self.serial(&line.sku, &line.lot, serial, state);
        }
    }

    fn stock(&mut self, sku: &str, lot_no: &Option<String>, quantity: i64) {
        self.out.stock.push(StockMove {
            store_id: self.store_id.to_owned(),
            sku: sku.to_owned(),
            lot_no: lot_no.clone(),
            quantity,
        });
    }

    fn serial(&mut self, sku: &str, lot_no: &Option<String>, serial: &str, state: SerialState) {
        self.out.serials.push(SerialMove {
            store_id: self.store_id.to_owned(),
            sku: sku.to_owned(),
            serial: serial.to_owned(),
            lot_no: lot_no.clone(),
            state,
        });
    }

    fn points(&mut self, member: &SaleMember, reason: PointReason, points: i64) {
        self.push_points(&member.member_id, reason, points);
    }

    /// A move of zero points is no move: the ledger keeps only changes.
    fn push_points(&mut self, member_id: &str, reason: PointReason, points: i64) {
        if points != 0 {
            self.out.points.push(PointMove {
                member_id: member_id.to_owned(),
                points,
                reason,
            });
        }
    }
}
