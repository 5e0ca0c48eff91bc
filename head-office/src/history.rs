//! A chain's worth of sales history for the console's page-speed benchmark
//! (`head-office generate-history`, `cargo bench -p head-office --bench console_pages`):
//! a catalog, members, and `stores` stores × `days` days of sales with promotions,
//! member points, returns, voids and a Z report per store and day. Every document goes
//! through [`ingest_batch`] like a till's, so the aggregates, stock, ledger and feed are
//! exactly what real tills would leave. Seeded: the same spec gives the same history.
//!
//! The test strips (血糖试纸, one SKU in twelve) are class II, lot-tracked devices: each
//! month of production is a lot (`L202611`), and every store sells the month's lot, so
//! a lot of a popular strip is sold in every store (the recall benchmark's lot).

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate, NaiveTime, TimeZone};
use pos_domain::catalog::{DeviceClass, Lot, Product, Tracking};
use pos_domain::document::{
    DenominationCount, Document, DocumentBody, LineDiscount, Return, ReturnLine, Sale, SaleLine,
    SaleMember, Tender, TenderKind, VatAmount, Void,
};
use pos_domain::import::CatalogImport;
use pos_domain::member::{Member, Tier};
use pos_domain::money::vat_included;
use pos_domain::promotion::{Promotion, PromotionKind, Target};
use pos_domain::protocol::{BatchRequest, DocumentStatus};
use pos_domain::report::{report_totals, z_report};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use tokio_postgres::Client;
use uuid::Uuid;

use crate::auth::{self, EnrollError};
use crate::catalog::{CatalogError, import_catalog};
use crate::chain_time;
use crate::error::DbError;
use crate::ingest::ingest_batch;

/// What to generate.
#[derive(Debug, Clone)]
pub struct HistorySpec {
    pub stores: u32,
    pub days: u32,
    pub sales_per_store_day: u32,
    pub skus: u32,
    pub members: u32,
    /// The last business day generated; the first is `days - 1` before it.
    pub last_day: NaiveDate,
    pub seed: u64,
}

impl HistorySpec {
    /// The head office: 50 stores × one year, about 10 million sale lines
    /// (220 sales a store a day of 1–4 lines, 2.5 on average).
    pub fn chain_year(last_day: NaiveDate) -> HistorySpec {
        HistorySpec {
            stores: 50,
            days: 365,
            sales_per_store_day: 220,
            skus: 2_000,
            members: 50_000,
            last_day,
            seed: 7,
        }
    }

    pub fn store_id(n: u32) -> String {
        format!("S{:03}", n + 1)
    }
}

/// What was generated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistorySummary {
    pub documents: u64,
    pub sales: u64,
    pub sale_lines: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("the generated catalog: {0}")]
    Catalog(#[from] CatalogError),
    #[error("enrolling a generated terminal: {0}")]
    Enroll(#[from] EnrollError),
    /// A generated document head office refused: a fault of the generator.
    #[error("head office rejected generated document {sequence} of {store}: {reason}")]
    Rejected {
        store: String,
        sequence: u64,
        reason: String,
    },
}

const TERMINAL: &str = "T01";
const CATEGORIES: [&str; 12] = [
    "血压计",
    "血糖仪",
    "血糖试纸",
    "口罩",
    "体温计",
    "轮椅",
    "制氧机",
    "雾化器",
    "护理用品",
    "康复器材",
    "助听器",
    "医用敷料",
];

fn price_of(sku_index: u32) -> Decimal {
    const PRICES: [i64; 8] = [590, 1_250, 2_990, 4_950, 8_950, 19_900, 39_900, 129_900];
    Decimal::new(PRICES[sku_index as usize % PRICES.len()], 2)
}

/// A generated amount: prices are at most 1,299 yuan and a sale at most 4 lines of 3,
/// so no sum comes near what a decimal holds.
fn bounded(amount: Option<Decimal>) -> Decimal {
    amount.expect("a generated amount is far below the largest decimal")
}

fn sum(amounts: impl Iterator<Item = Decimal>) -> Decimal {
    bounded(
        amounts
            .into_iter()
            .try_fold(Decimal::ZERO, Decimal::checked_add),
    )
}

fn category_of(sku_index: u32) -> &'static str {
    CATEGORIES[sku_index as usize % CATEGORIES.len()]
}

fn sku_of(sku_index: u32) -> String {
    format!("G{:05}", sku_index + 1)
}

/// The category whose products are lot-tracked class II devices: the test strips.
const LOT_TRACKED_CATEGORY: usize = 2;
/// A lot may be sold this many days after the month it was made in.
const LOT_SHELF_DAYS: u64 = 730;

fn is_lot_tracked(sku_index: u32) -> bool {
    sku_index as usize % CATEGORIES.len() == LOT_TRACKED_CATEGORY
}

/// The lot a store sells on `date`: the month's, with its expiry.
fn lot_of(date: NaiveDate) -> (String, NaiveDate) {
    let made = date.with_day(1).unwrap_or(date);
    let expiry = made
        .checked_add_days(Days::new(LOT_SHELF_DAYS))
        .unwrap_or(made);
    (format!("L{}{:02}", made.year(), made.month()), expiry)
}

/// Every lot of the lot-tracked products sold from `first` to `last`.
fn lots(spec: &HistorySpec, first: NaiveDate, last: NaiveDate) -> Vec<Lot> {
    let mut months = Vec::new();
    let mut date = first;
    while date <= last {
        let lot = lot_of(date);
        if months.last() != Some(&lot) {
            months.push(lot);
        }
        date = match date.checked_add_days(Days::new(1)) {
            Some(next) => next,
            None => break,
        };
    }
    (0..spec.skus)
        .filter(|i| is_lot_tracked(*i))
        .flat_map(|i| {
            months.iter().map(move |(lot_no, expiry_date)| Lot {
                sku: sku_of(i),
                lot_no: lot_no.clone(),
                expiry_date: *expiry_date,
            })
        })
        .collect()
}

fn vat_rate() -> Decimal {
    Decimal::new(13, 2)
}

/// The catalog, a 10%-off promotion per category, and the members, in one import; the
/// lots of the days `first` to `last`.
fn catalog(spec: &HistorySpec, first: NaiveDate, last: NaiveDate) -> CatalogImport {
    let products = (0..spec.skus)
        .map(|i| {
            let strip = is_lot_tracked(i);
            Product {
                sku: sku_of(i),
                name: format!("{} {}", category_of(i), sku_of(i)),
                pinyin: String::new(),
                category: category_of(i).into(),
                unit: "件".into(),
                price: price_of(i),
                vat_rate: vat_rate(),
                device_class: strip.then_some(DeviceClass::II),
                registration_no: Some("国械注准20202070001".into()),
                tracking: if strip { Tracking::Lot } else { Tracking::None },
                safety_stock: 5,
                model_spec: strip.then(|| "50片/盒".into()),
                manufacturer: strip.then(|| "江苏鱼跃医疗设备股份有限公司".into()),
                manufacturer_licence: strip.then(|| "苏食药监械生产许20010020号".into()),
                warranty_months: None,
            }
        })
        .collect();
    let promotions = CATEGORIES
        .iter()
        .enumerate()
        .map(|(i, category)| Promotion {
            id: format!("P{:02}", i + 1),
            name: format!("{category}九折"),
            kind: PromotionKind::PercentOff {
                target: Target::Category((*category).into()),
                percent: Decimal::TEN,
            },
            priority: 1,
            stackable: true,
            valid_from: None,
            valid_to: None,
            segment: None,
        })
        .collect();
    let members = (0..spec.members).map(member).collect();
    CatalogImport {
        products,
        lots: lots(spec, first, last),
        promotions,
        members,
        ..CatalogImport::default()
    }
}

fn member(n: u32) -> Member {
    Member {
        id: format!("M{:07}", n + 1),
        card_no: format!("C{:09}", n + 1),
        phone: format!("139{:08}", n + 1),
        name: "会员".into(),
        tier: Tier::Standard,
        points_balance: 0,
        phone_key: None,
        tier_spend: None,
        segment: None,
    }
}

/// One store's till on one day: its documents in sequence order.
struct TillDay<'a> {
    spec: &'a HistorySpec,
    store: String,
    date: NaiveDate,
    next_sequence: u64,
    documents: Vec<Document>,
}

impl TillDay<'_> {
    fn document(&mut self, rng: &mut StdRng, minute_of_day: u32, body: DocumentBody) {
        let local = self.date.and_time(
            NaiveTime::from_num_seconds_from_midnight_opt(minute_of_day * 60, 0)
                .expect("a minute of the day"),
        );
        let created_at = chain_time::offset()
            .from_local_datetime(&local)
            .single()
            .expect("a fixed offset has one local time")
            .to_utc();
        self.documents.push(Document {
            // A UUIDv7 of the document's own time, as the till makes them.
            id: uuid::Builder::from_unix_timestamp_millis(
                created_at.timestamp_millis().unsigned_abs(),
                &rng.random(),
            )
            .into_uuid(),
            store_id: self.store.clone(),
            terminal_id: TERMINAL.into(),
            sequence: self.next_sequence,
            business_date: self.date,
            created_at,
            operator_id: "cashier-1".into(),
            approvals: vec![],
            body,
        });
        self.next_sequence += 1;
    }

    fn sale(&self, rng: &mut StdRng) -> Sale {
        let line_count = rng.random_range(1..=4u32);
        let lines: Vec<SaleLine> = (0..line_count)
            .map(|n| {
                // Popular goods sell far more: the square skews picks to low indexes.
                let pick: f64 = rng.random::<f64>();
                let sku_index = ((pick * pick) * f64::from(self.spec.skus)) as u32;
                let quantity = if rng.random_bool(0.8) {
                    1
                } else {
                    rng.random_range(2..=3)
                };
                let unit_price = price_of(sku_index);
                let gross = bounded(unit_price.checked_mul(Decimal::from(quantity)));
                let discounts = if rng.random_bool(0.15) {
                    let index = sku_index as usize % CATEGORIES.len();
                    vec![LineDiscount {
                        source: "promotion".into(),
                        promotion_id: format!("P{:02}", index + 1),
                        name: format!("{}九折", CATEGORIES[index]),
                        amount: (gross / Decimal::TEN).round_dp(2),
                    }]
                } else {
                    vec![]
                };
                let discount = sum(discounts.iter().map(|d| d.amount));
                let (lot, expiry_date) = if is_lot_tracked(sku_index) {
                    let (lot, expiry) = lot_of(self.date);
                    (Some(lot), Some(expiry))
                } else {
                    (None, None)
                };
                SaleLine {
                    line_no: n + 1,
                    sku: sku_of(sku_index),
                    name: format!("{} {}", category_of(sku_index), sku_of(sku_index)),
                    category: category_of(sku_index).into(),
                    unit: "件".into(),
                    quantity,
                    lot,
                    expiry_date,
                    serial: None,
                    registration_no: Some("国械注准20202070001".into()),
                    unit_price,
                    gross,
                    discounts,
                    net: bounded(gross.checked_sub(discount)),
                    vat_rate: vat_rate(),
                    points_multiplier: Decimal::ONE,
                }
            })
            .collect();
        let subtotal = sum(lines.iter().map(|l| l.gross));
        let total = sum(lines.iter().map(|l| l.net));
        let member = rng.random_bool(0.3).then(|| {
            let m = member(rng.random_range(0..self.spec.members.max(1)));
            SaleMember {
                member_id: m.id,
                card_no: m.card_no,
                tier: Tier::Standard,
            }
        });
        let points_earned = if member.is_some() {
            total.trunc().try_into().unwrap_or(0)
        } else {
            0
        };
        let (kind, reference) = if rng.random_bool(0.6) {
            (TenderKind::Cash, None)
        } else {
            (
                TenderKind::WechatPay,
                Some(format!("wx{:016x}", rng.random::<u64>())),
            )
        };
        Sale {
            shift_id: Uuid::nil(),
            vat: vec![VatAmount {
                rate: vat_rate(),
                gross: total,
                vat: vat_included(total, vat_rate()),
            }],
            subtotal,
            discount_total: bounded(subtotal.checked_sub(total)),
            total,
            lines,
            tenders: vec![Tender {
                kind,
                amount: total,
                reference,
                points: 0,
            }],
            cash_rounding: Decimal::ZERO,
            change: Decimal::ZERO,
            member,
            points_earned,
            points_redeemed: 0,
            organisation: None,
        }
    }

    /// A day: sales from 09:00 to 21:00, about one in a hundred taken back in part,
    /// one in two hundred voided, and the Z report at 21:30.
    fn ring_up(&mut self, rng: &mut StdRng, summary: &mut HistorySummary) {
        let sales = self.spec.sales_per_store_day.max(1);
        for n in 0..sales {
            let minute = 9 * 60 + n * 12 * 60 / sales;
            let sale = self.sale(rng);
            summary.sales += 1;
            summary.sale_lines += sale.lines.len() as u64;
            let first_line = sale.lines[0].clone();
            let total = sale.total;
            self.document(rng, minute, DocumentBody::Sale(sale));
            let (sale_id, sale_sequence) = {
                let doc = self.documents.last().expect("just pushed");
                (doc.id, doc.sequence)
            };
            if rng.random_bool(0.005) {
                let void = Void {
                    shift_id: Uuid::nil(),
                    sale_id,
                    sale_sequence,
                    total,
                    reason: "收错商品".into(),
                };
                self.document(rng, minute + 1, DocumentBody::Void(void));
            } else if rng.random_bool(0.01) {
                let refund = first_line.net;
                let ret = Return {
                    shift_id: Uuid::nil(),
                    original_sale_id: Some(sale_id),
                    lines: vec![ReturnLine {
                        original_line_no: Some(first_line.line_no),
                        sku: first_line.sku,
                        name: first_line.name,
                        quantity: first_line.quantity,
                        lot: first_line.lot,
                        serial: None,
                        refund,
                        vat_rate: vat_rate(),
                    }],
                    total: refund,
                    vat: vec![VatAmount {
                        rate: vat_rate(),
                        gross: refund,
                        vat: vat_included(refund, vat_rate()),
                    }],
                    tenders: vec![Tender {
                        kind: TenderKind::Cash,
                        amount: refund,
                        reference: None,
                        points: 0,
                    }],
                    cash_rounding: Decimal::ZERO,
                    member: None,
                    points_reversed: 0,
                    points_refunded: 0,
                    reason: "质量问题".into(),
                };
                self.document(rng, minute + 1, DocumentBody::Return(ret));
            }
        }
        let totals = report_totals(&self.documents, Decimal::new(500, 0));
        let counted = counted_as_notes(totals.expected_cash);
        let z_no = u64::from(self.date.num_days_from_ce().unsigned_abs());
        self.document(
            rng,
            21 * 60 + 30,
            DocumentBody::ZReport(z_report(z_no, totals, counted)),
        );
        summary.documents += self.documents.len() as u64;
    }
}

/// Cash counted in yuan notes and jiao coins (to the jiao below what was expected).
fn counted_as_notes(expected: Decimal) -> Vec<DenominationCount> {
    let jiao = (expected.max(Decimal::ZERO) * Decimal::TEN).trunc();
    let yuan = (jiao / Decimal::TEN).trunc();
    let rest = jiao - yuan * Decimal::TEN;
    vec![
        DenominationCount {
            denomination: Decimal::ONE,
            count: u32::try_from(yuan).unwrap_or(0),
        },
        DenominationCount {
            denomination: Decimal::new(1, 1),
            count: u32::try_from(rest).unwrap_or(0),
        },
    ]
}

/// Generates the history into a migrated, empty head office through `clients` (one
/// worker each; stores are shared out among them). Calls `progress` after each day.
pub async fn generate(
    clients: &mut [&mut Client],
    spec: &HistorySpec,
    progress: &(dyn Fn(NaiveDate, HistorySummary) + Sync),
) -> Result<HistorySummary, HistoryError> {
    let Some(first) = clients.first_mut() else {
        return Ok(HistorySummary::default());
    };
    let first_day = spec
        .last_day
        .checked_sub_days(Days::new(u64::from(spec.days.saturating_sub(1))))
        .unwrap_or(spec.last_day);
    import_catalog(first, &catalog(spec, first_day, spec.last_day), None).await?;
    for n in 0..spec.stores {
        auth::enroll(first, &HistorySpec::store_id(n), TERMINAL).await?;
    }
    let workers = clients.len() as u32;
    let mut next_sequence: HashMap<u32, u64> = (0..spec.stores).map(|n| (n, 1)).collect();
    let mut total = HistorySummary::default();
    let mut date = first_day;
    while date <= spec.last_day {
        let mut rngs: Vec<StdRng> = (0..spec.stores)
            .map(|n| {
                StdRng::seed_from_u64(
                    spec.seed ^ (u64::from(n) << 32) ^ date.num_days_from_ce() as u64,
                )
            })
            .collect();
        let mut days: Vec<(u32, TillDay, HistorySummary)> = (0..spec.stores)
            .map(|n| {
                let mut day = TillDay {
                    spec,
                    store: HistorySpec::store_id(n),
                    date,
                    next_sequence: next_sequence[&n],
                    documents: Vec::new(),
                };
                let mut summary = HistorySummary::default();
                day.ring_up(&mut rngs[n as usize], &mut summary);
                (n, day, summary)
            })
            .collect();
        let mut sending = Vec::new();
        for (w, client) in clients.iter_mut().enumerate() {
            let mine: Vec<&TillDay> = days
                .iter()
                .filter(|(n, _, _)| n % workers == w as u32)
                .map(|(_, day, _)| day)
                .collect();
            sending.push(send(client, mine));
        }
        for result in futures_util::future::join_all(sending).await {
            result?;
        }
        for (n, day, summary) in days.drain(..) {
            next_sequence.insert(n, day.next_sequence);
            total.documents += summary.documents;
            total.sales += summary.sales;
            total.sale_lines += summary.sale_lines;
        }
        // Fold as a running head office would, so the queue never holds a year.
        crate::aggregates::fold(&mut *clients[0]).await?;
        progress(date, total);
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    Ok(total)
}

/// Each till-day as one batch (a day is under the batch limit), every document accepted.
async fn send(client: &mut Client, days: Vec<&TillDay<'_>>) -> Result<(), HistoryError> {
    for day in days {
        let batch = BatchRequest {
            store_id: day.store.clone(),
            terminal_id: TERMINAL.into(),
            documents: day.documents.clone(),
        };
        let response = ingest_batch(client, &batch).await?;
        if let Some(bad) = response
            .results
            .iter()
            .find(|r| r.status != DocumentStatus::Accepted)
        {
            return Err(HistoryError::Rejected {
                store: day.store.clone(),
                sequence: bad.sequence,
                reason: bad.reason.clone().unwrap_or_default(),
            });
        }
    }
    Ok(())
}
