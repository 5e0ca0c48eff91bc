//! Sales figures kept up to date at ingest: per store and hour, per store and day, per
//! SKU and day or month, per promotion and day (see `migrations/0005_sales_aggregates.sql`).
//! The dashboard and the reports read these, never the raw documents.
//!
//! [`Tally`] is pure: it adds up what a set of documents contributes to each row, with
//! checked sums. Ingest appends its batch's sales, returns and voids to a queue
//! ([`enqueue`], one row of ids, so no batch waits on another's aggregate rows and the
//! till's request adds nothing up); [`fold`] tallies the queued documents from the store
//! and [`write`]s the sums, in one statement per table in key order — `serve` folds every
//! second ([`keep_folding`]) and the pages fold a round before they read. [`rebuild`]
//! recomputes every row from the stored documents with the same code. [`members`] keeps
//! each member's days for the RFM run (`crate::rfm`).

pub mod device_sales;
pub mod members;
mod queue;
pub mod read;
mod rebuild;
pub mod trace;
mod write;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use pos_domain::document::{Document, DocumentBody, Return, Sale};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use queue::{enqueue, fold, fold_round, keep_folding};
pub use rebuild::{FOLDED_KINDS, Parts, add_stored_parts, rebuild};
pub(crate) use rebuild::{sale_of, stored};
pub use write::write;

use crate::chain_time;

/// The scope of the chain's own rows (a store's rows carry its id).
pub const CHAIN: &str = "";

/// A sum went past what the tables hold: the document is refused, like any other whose
/// effects head office cannot apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("its sales figures ({what}) add up past the largest number head office keeps")]
pub struct TallyOverflow {
    pub what: &'static str,
}

/// A store's activity in one bucket (an hour or a day).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreFigures {
    pub sales_count: i64,
    pub sales_amount: Decimal,
    pub returns_count: i64,
    pub returns_amount: Decimal,
    pub voids_count: i64,
    pub voids_amount: Decimal,
    /// Discount given on sales, less that of voided sales.
    pub discount_amount: Decimal,
}

impl StoreFigures {
    /// These figures and `other` added up.
    pub fn added(&self, other: &StoreFigures) -> Result<StoreFigures, TallyOverflow> {
        let mut sum = self.clone();
        add_store(&mut sum, other)?;
        Ok(sum)
    }

    /// Sales less returns and voids; `None` past what a decimal holds.
    pub fn net_amount(&self) -> Option<Decimal> {
        self.sales_amount
            .checked_sub(self.returns_amount)?
            .checked_sub(self.voids_amount)
    }

    /// Sales amount per sale, to the fen; `None` without sales.
    pub fn average_basket(&self) -> Option<Decimal> {
        if self.sales_count == 0 {
            return None;
        }
        self.sales_amount
            .checked_div(Decimal::from(self.sales_count))
            .map(|a| a.round_dp(2))
    }
}

/// One SKU in one period: sold net of voids, and returned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuFigures {
    pub quantity: i64,
    pub amount: Decimal,
    pub discount: Decimal,
    pub returned_quantity: i64,
    pub returned_amount: Decimal,
}

/// One promotion in one day: the lines it applied to and what it gave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionFigures {
    pub lines: i64,
    pub quantity: i64,
    pub discount: Decimal,
    /// Net amount of the lines the promotion applied to.
    pub sales_amount: Decimal,
}

/// (store, business date, hour of the chain's day)
pub type HourKey = (String, NaiveDate, i16);
/// (store, business date)
pub type DayKey = (String, NaiveDate);
/// (scope, period, SKU or promotion id)
pub type ScopedKey = (String, NaiveDate, String);
/// (scope, period, SKU, category): a SKU's sales count under the category their lines
/// carried, so a product moved to another category is mixed right on either side of the
/// move. Returns carry no category: theirs is empty.
pub type SkuKey = (String, NaiveDate, String, String);

/// What some documents add to each row, keyed in the tables' primary-key order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub store_hours: BTreeMap<HourKey, StoreFigures>,
    pub store_days: BTreeMap<DayKey, StoreFigures>,
    pub sku_days: BTreeMap<SkuKey, SkuFigures>,
    pub sku_months: BTreeMap<SkuKey, SkuFigures>,
    pub promotion_days: BTreeMap<ScopedKey, PromotionFigures>,
}

/// +1 for what a document adds, -1 for what a void takes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sign {
    Add,
    TakeBack,
}

impl Tally {
    pub fn is_empty(&self) -> bool {
        // Every document that adds anything adds to its store's hour.
        self.store_hours.is_empty()
    }

    /// Adds one document. A void needs the sale it voids (`voided_sale`); other kinds
    /// than sales, returns and voids add nothing.
    pub fn add(&mut self, doc: &Document, voided_sale: Option<&Sale>) -> Result<(), TallyOverflow> {
        let hour = chain_time::hour_of(doc.created_at) as i16;
        let mut store = StoreFigures::default();
        match &doc.body {
            DocumentBody::Sale(sale) => {
                store.sales_count = 1;
                store.sales_amount = sale.total;
                store.discount_amount = sale.discount_total;
                self.add_sale_lines(doc, sale, Sign::Add)?;
            }
            DocumentBody::Return(ret) => {
                store.returns_count = 1;
                store.returns_amount = ret.total;
                self.add_return_lines(doc, ret)?;
            }
            DocumentBody::Void(void) => {
                store.voids_count = 1;
                store.voids_amount = void.total;
                if let Some(sale) = voided_sale {
                    store.discount_amount = -sale.discount_total;
                    self.add_sale_lines(doc, sale, Sign::TakeBack)?;
                }
            }
            _ => return Ok(()),
        }
        let hour_key = (doc.store_id.clone(), doc.business_date, hour);
        add_store(self.store_hours.entry(hour_key).or_default(), &store)?;
        let day_key = (doc.store_id.clone(), doc.business_date);
        add_store(self.store_days.entry(day_key).or_default(), &store)
    }

    fn add_sale_lines(
        &mut self,
        doc: &Document,
        sale: &Sale,
        sign: Sign,
    ) -> Result<(), TallyOverflow> {
        for line in &sale.lines {
            let discount = line
                .discounts
                .iter()
                .try_fold(Decimal::ZERO, |sum, d| sum.checked_add(d.amount))
                .ok_or(TallyOverflow { what: "discount" })?;
            let sku = SkuFigures {
                quantity: signed(i64::from(line.quantity), sign),
                amount: signed_money(line.net, sign),
                discount: signed_money(discount, sign),
                ..SkuFigures::default()
            };
            self.add_sku(doc, &line.sku, &line.category, &sku)?;
            for d in &line.discounts {
                if d.promotion_id.is_empty() {
                    continue;
                }
                let promotion = PromotionFigures {
                    lines: signed(1, sign),
                    quantity: signed(i64::from(line.quantity), sign),
                    discount: signed_money(d.amount, sign),
                    sales_amount: signed_money(line.net, sign),
                };
                for scope in [doc.store_id.as_str(), CHAIN] {
                    let key = (scope.to_string(), doc.business_date, d.promotion_id.clone());
                    add_promotion(self.promotion_days.entry(key).or_default(), &promotion)?;
                }
            }
        }
        Ok(())
    }

    fn add_return_lines(&mut self, doc: &Document, ret: &Return) -> Result<(), TallyOverflow> {
        for line in &ret.lines {
            let sku = SkuFigures {
                returned_quantity: i64::from(line.quantity),
                returned_amount: line.refund,
                ..SkuFigures::default()
            };
            self.add_sku(doc, &line.sku, "", &sku)?;
        }
        Ok(())
    }

    fn add_sku(
        &mut self,
        doc: &Document,
        sku: &str,
        category: &str,
        figures: &SkuFigures,
    ) -> Result<(), TallyOverflow> {
        let month = first_of_month(doc.business_date);
        for scope in [doc.store_id.as_str(), CHAIN] {
            let key = |period| {
                (
                    scope.to_owned(),
                    period,
                    sku.to_owned(),
                    category.to_owned(),
                )
            };
            add_sku(
                self.sku_days.entry(key(doc.business_date)).or_default(),
                figures,
            )?;
            let in_month = key(month);
            add_sku(self.sku_months.entry(in_month).or_default(), figures)?;
        }
        Ok(())
    }
}

pub fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("every month has a first day")
}

fn signed(n: i64, sign: Sign) -> i64 {
    match sign {
        Sign::Add => n,
        // Quantities come from u32 fields: negating one cannot overflow.
        Sign::TakeBack => -n,
    }
}

/// A decimal's negation only flips its sign: it cannot overflow.
fn signed_money(amount: Decimal, sign: Sign) -> Decimal {
    match sign {
        Sign::Add => amount,
        Sign::TakeBack => -amount,
    }
}

fn sum_money(a: Decimal, b: Decimal, what: &'static str) -> Result<Decimal, TallyOverflow> {
    a.checked_add(b).ok_or(TallyOverflow { what })
}

fn sum_count(a: i64, b: i64, what: &'static str) -> Result<i64, TallyOverflow> {
    a.checked_add(b).ok_or(TallyOverflow { what })
}

fn add_store(to: &mut StoreFigures, add: &StoreFigures) -> Result<(), TallyOverflow> {
    to.sales_count = sum_count(to.sales_count, add.sales_count, "sales count")?;
    to.sales_amount = sum_money(to.sales_amount, add.sales_amount, "sales amount")?;
    to.returns_count = sum_count(to.returns_count, add.returns_count, "returns count")?;
    to.returns_amount = sum_money(to.returns_amount, add.returns_amount, "returns amount")?;
    to.voids_count = sum_count(to.voids_count, add.voids_count, "voids count")?;
    to.voids_amount = sum_money(to.voids_amount, add.voids_amount, "voids amount")?;
    to.discount_amount = sum_money(to.discount_amount, add.discount_amount, "discount")?;
    Ok(())
}

pub fn add_sku(to: &mut SkuFigures, add: &SkuFigures) -> Result<(), TallyOverflow> {
    to.quantity = sum_count(to.quantity, add.quantity, "quantity")?;
    to.amount = sum_money(to.amount, add.amount, "amount")?;
    to.discount = sum_money(to.discount, add.discount, "discount")?;
    to.returned_quantity = sum_count(
        to.returned_quantity,
        add.returned_quantity,
        "returned quantity",
    )?;
    to.returned_amount = sum_money(to.returned_amount, add.returned_amount, "returned amount")?;
    Ok(())
}

fn add_promotion(to: &mut PromotionFigures, add: &PromotionFigures) -> Result<(), TallyOverflow> {
    to.lines = sum_count(to.lines, add.lines, "promotion lines")?;
    to.quantity = sum_count(to.quantity, add.quantity, "promotion quantity")?;
    to.discount = sum_money(to.discount, add.discount, "promotion discount")?;
    to.sales_amount = sum_money(to.sales_amount, add.sales_amount, "promoted sales")?;
    Ok(())
}

#[cfg(test)]
mod tests;
