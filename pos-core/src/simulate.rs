//! Realistic random sales rung up through the `Till` exactly as the UI would (scan,
//! member, points, tenders, returns). `pos simulate`, the benchmarks and the crash test
//! use it. Time and randomness come in: the same seed and start ring up the same sales.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::catalog::Tracking;
use crate::document::{DenominationCount, Document, DocumentBody, Tender, TenderKind};
use crate::loyalty::max_points_for_sale;
use crate::money::round_cny;
use crate::returns::{RefundTo, ReturnRequestLine};
use crate::till::{ItemInput, Till, TillError};

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SimulateOptions {
    pub sales: u64,
    pub seed: u64,
    /// Operator to log in as, and their PIN.
    pub operator: String,
    pub pin: String,
    /// Simulated time of the first sale.
    pub start: DateTime<Utc>,
}

/// What was rung up.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct SimulateSummary {
    pub sales: u64,
    pub returns: u64,
    pub skipped_scans: u64,
    pub total: Decimal,
    pub points_redeemed: i64,
}

/// The products and members the simulator picks from.
struct Pool {
    products: Vec<(String, String, Tracking)>,
    members: Vec<String>,
}

/// Rings up `options.sales` sales; `on_sale` sees each one right after it is committed.
pub fn simulate(
    till: &mut Till,
    options: &SimulateOptions,
    mut on_sale: impl FnMut(&Document),
) -> Result<SimulateSummary, TillError> {
    let mut now = options.start;
    till.login(&options.operator, &options.pin, now)?;
    if !till.has_open_shift()? {
        till.open_shift(
            vec![DenominationCount {
                denomination: Decimal::ONE_HUNDRED,
                count: 5,
            }],
            now,
        )?;
    }
    let first_sequence = till.store().last_sequence()? + 1;
    let pool = load_pool(till)?;
    if pool.products.is_empty() {
        return Err(TillError::EmptyCart);
    }
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut summary = SimulateSummary::default();
    let mut recent_sales: Vec<Document> = Vec::new();
    while summary.sales < options.sales {
        now += Duration::seconds(rng.random_range(20..400));
        if !recent_sales.is_empty() && rng.random_bool(0.05) {
            let sale = &recent_sales[rng.random_range(0..recent_sales.len())];
            if return_one_line(till, sale, &mut rng, now)? {
                summary.returns += 1;
            }
        }
        let Some(doc) = ring_up(till, &pool, &mut rng, now, &mut summary)? else {
            continue;
        };
        on_sale(&doc);
        if let DocumentBody::Sale(s) = &doc.body {
            summary.total += s.total;
            summary.points_redeemed += s.points_redeemed;
        }
        summary.sales += 1;
        recent_sales.push(doc);
        if recent_sales.len() > 50 {
            recent_sales.remove(0);
        }
    }
    // Simulated customers take no receipt: nothing of theirs is left for the window to
    // reprint (a real receipt still waiting from before stays).
    till.store()
        .forget_unprinted_receipts_from(first_sequence)?;
    Ok(summary)
}

fn load_pool(till: &Till) -> Result<Pool, TillError> {
    let store = till.store();
    let mut products = Vec::new();
    for (sku, barcode) in store.product_codes(5_000)? {
        let tracking = store.product(&sku)?.map(|p| p.tracking).unwrap_or_default();
        products.push((sku, barcode, tracking));
    }
    Ok(Pool {
        products,
        members: store.member_cards(1_000)?,
    })
}

/// One sale; `None` when nothing sellable was picked (e.g. only expired lots).
fn ring_up(
    till: &mut Till,
    pool: &Pool,
    rng: &mut StdRng,
    now: DateTime<Utc>,
    summary: &mut SimulateSummary,
) -> Result<Option<Document>, TillError> {
    till.clear_sale();
    for _ in 0..rng.random_range(1..=5) {
        let (sku, barcode, tracking) = &pool.products[rng.random_range(0..pool.products.len())];
        let mut item = ItemInput {
            quantity: rng.random_range(1..=3),
            ..ItemInput::code(barcode.clone())
        };
        if *tracking == Tracking::Serial {
            // A unit not already in this cart (the same product may be picked twice).
            let in_cart = |s: &String| {
                till.cart()
                    .lines
                    .iter()
                    .any(|l| l.serial.as_ref() == Some(s))
            };
            let Some(serial) = till
                .store()
                .available_serials(sku, 10)?
                .into_iter()
                .find(|s| !in_cart(s))
            else {
                summary.skipped_scans += 1;
                continue;
            };
            item.serial = Some(serial);
            item.quantity = 1;
        }
        match till.scan(&item, now) {
            Ok(_) => {}
            // What a real counter meets too: expired stock, a sold-out serial.
            Err(
                TillError::ExpiredLot { .. }
                | TillError::LotRequired { .. }
                | TillError::SerialAlreadySold { .. },
            ) => {
                summary.skipped_scans += 1;
            }
            Err(e) => return Err(e),
        }
    }
    if till.cart().lines.is_empty() {
        return Ok(None);
    }
    if !pool.members.is_empty() && rng.random_bool(0.4) {
        till.attach_member(&pool.members[rng.random_range(0..pool.members.len())], now)?;
    }
    let total = till.priced(now)?.total;
    let mut tenders = Vec::new();
    let mut due = total;
    if till.member().is_some() && rng.random_bool(0.25) {
        let limits = till.redemption_limits(now)?;
        let rules = till.store().loyalty_rules()?;
        let cap = max_points_for_sale(total, &rules)
            .min(limits.available)
            .min(rules.offline_daily_redeem_limit - limits.redeemed_offline_today)
            .min(rules.approval_threshold_points);
        let points = (cap / rules.points_per_yuan_redeemed) * rules.points_per_yuan_redeemed;
        if points > 0 {
            let tender = till.points_tender(points)?;
            due -= tender.amount;
            tenders.push(tender);
        }
    }
    if due > Decimal::ZERO {
        tenders.extend(money_tenders(due, rng));
    }
    Ok(Some(till.pay(&tenders, None, now)?))
}

/// Cash (rounded up to a note), a wallet, a card, or a split of two.
fn money_tenders(due: Decimal, rng: &mut StdRng) -> Vec<Tender> {
    let reference =
        |rng: &mut StdRng| Some(format!("{:012}", rng.random_range(0..1_000_000_000_000u64)));
    let tender = |kind, amount| Tender {
        kind,
        amount,
        reference: None,
        points: 0,
    };
    match rng.random_range(0..10) {
        0..=3 => {
            let note =
                [Decimal::from(10), Decimal::from(50), Decimal::from(100)][rng.random_range(0..3)];
            let handed = (due / note).ceil() * note;
            vec![tender(TenderKind::Cash, handed.max(due))]
        }
        4..=5 => vec![Tender {
            reference: reference(rng),
            ..tender(TenderKind::WechatPay, due)
        }],
        6..=7 => vec![Tender {
            reference: reference(rng),
            ..tender(TenderKind::Alipay, due)
        }],
        8 => vec![Tender {
            reference: reference(rng),
            ..tender(TenderKind::BankCard, due)
        }],
        _ => {
            let part = round_cny(due / Decimal::TWO);
            if part.is_zero() {
                return vec![tender(TenderKind::Cash, due)];
            }
            vec![
                Tender {
                    reference: reference(rng),
                    ..tender(TenderKind::WechatPay, part)
                },
                tender(TenderKind::Cash, due - part),
            ]
        }
    }
}

/// Returns one unit of one line of an earlier sale; `false` when nothing is left to return.
fn return_one_line(
    till: &mut Till,
    sale: &Document,
    rng: &mut StdRng,
    now: DateTime<Utc>,
) -> Result<bool, TillError> {
    let DocumentBody::Sale(s) = &sale.body else {
        return Ok(false);
    };
    let line = &s.lines[rng.random_range(0..s.lines.len())];
    let request = [ReturnRequestLine {
        original_line_no: line.line_no,
        quantity: 1,
    }];
    match till.return_from_sale(
        &sale.id.to_string(),
        &request,
        RefundTo::OriginalTenders,
        "顾客退货",
        now,
    ) {
        Ok(_) => Ok(true),
        Err(TillError::Return(_)) => Ok(false),
        Err(e) => Err(e),
    }
}
