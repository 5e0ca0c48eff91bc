//! `pos simulate`: realistic random sales rung up through the `Till` exactly as the UI
//! would (scan, member, points, tenders, returns). The benchmarks and the crash test use it.

use std::time::Instant;

use anyhow::{Context, bail};
use chrono::{DateTime, Duration, Utc};
use clap::Args;
use pos_core::catalog::Tracking;
use pos_core::data_dir::DataDir;
use pos_core::document::{Document, DocumentBody, Tender, TenderKind};
use pos_core::loyalty::max_points_for_sale;
use pos_core::money::round_cny;
use pos_core::returns::{RefundTo, ReturnRequestLine};
use pos_core::till::{ItemInput, Till, TillError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// How many sales to ring up.
    #[arg(long, default_value_t = 100)]
    pub sales: u64,
    /// Seed of the random choices; the same seed rings up the same sales.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Operator to log in as.
    #[arg(long, default_value = "manager")]
    pub operator: String,
    #[arg(long)]
    pub pin: String,
    /// Simulated time of the first sale (RFC 3339); defaults to now.
    #[arg(long)]
    pub start: Option<DateTime<Utc>>,
    /// Print one line per committed sale (`sale SEQUENCE ID`), for the crash test.
    #[arg(long)]
    pub trace: bool,
}

#[derive(Debug, Default, Serialize)]
struct Summary {
    sales: u64,
    returns: u64,
    skipped_scans: u64,
    total: Decimal,
    points_redeemed: i64,
    elapsed_ms: u128,
}

/// The products and members the simulator picks from.
struct Pool {
    products: Vec<(String, String, Tracking)>,
    members: Vec<String>,
}

pub fn run(data: &DataDir, a: SimulateArgs) -> anyhow::Result<()> {
    let mut till = crate::cli::open_till(data)?;
    let mut now = a.start.unwrap_or_else(Utc::now);
    till.login(&a.operator, &a.pin, now).context("logging in")?;
    if !till.has_open_shift()? {
        till.open_shift(vec![pos_core::document::DenominationCount { denomination: Decimal::ONE_HUNDRED, count: 5 }], now)?;
    }
    let pool = load_pool(&till)?;
    if pool.products.is_empty() {
        bail!("the catalog is empty: run `pos import` first");
    }
    let mut rng = StdRng::seed_from_u64(a.seed);
    let mut summary = Summary::default();
    let mut recent_sales: Vec<Document> = Vec::new();
    let started = Instant::now();
    while summary.sales < a.sales {
        now += Duration::seconds(rng.random_range(20..400));
        if !recent_sales.is_empty() && rng.random_bool(0.05) {
            let sale = &recent_sales[rng.random_range(0..recent_sales.len())];
            if return_one_line(&mut till, sale, &mut rng, now)? {
                summary.returns += 1;
            }
        }
        let Some(doc) = ring_up(&mut till, &pool, &mut rng, now, &mut summary)? else { continue };
        if a.trace {
            println!("sale {} {}", doc.sequence, doc.id);
        }
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
    summary.elapsed_ms = started.elapsed().as_millis();
    println!("{}", serde_json::to_string(&summary)?);
    Ok(())
}

fn load_pool(till: &Till) -> anyhow::Result<Pool> {
    let store = till.store();
    let mut products = Vec::new();
    for (sku, barcode) in store.product_codes(5_000)? {
        let tracking = store.product(&sku)?.map(|p| p.tracking).unwrap_or_default();
        products.push((sku, barcode, tracking));
    }
    Ok(Pool { products, members: store.member_cards(1_000)? })
}

/// One sale; `None` when nothing sellable was picked (e.g. only expired lots).
fn ring_up(
    till: &mut Till,
    pool: &Pool,
    rng: &mut StdRng,
    now: DateTime<Utc>,
    summary: &mut Summary,
) -> anyhow::Result<Option<Document>> {
    till.clear_sale();
    for _ in 0..rng.random_range(1..=5) {
        let (sku, barcode, tracking) = &pool.products[rng.random_range(0..pool.products.len())];
        let mut item = ItemInput { quantity: rng.random_range(1..=3), ..ItemInput::code(barcode.clone()) };
        if *tracking == Tracking::Serial {
            let Some(serial) = till.store().available_serials(sku, 1)?.into_iter().next() else {
                summary.skipped_scans += 1;
                continue;
            };
            item.serial = Some(serial);
            item.quantity = 1;
        }
        match till.scan(&item, now) {
            Ok(_) => {}
            // What a real counter meets too: expired stock, a sold-out serial.
            Err(TillError::ExpiredLot { .. } | TillError::LotRequired { .. } | TillError::SerialAlreadySold { .. }) => {
                summary.skipped_scans += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }
    if till.cart().lines.is_empty() {
        return Ok(None);
    }
    if !pool.members.is_empty() && rng.random_bool(0.4) {
        till.attach_member(&pool.members[rng.random_range(0..pool.members.len())])?;
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
    let reference = |rng: &mut StdRng| Some(format!("{:012}", rng.random_range(0..1_000_000_000_000u64)));
    let tender = |kind, amount| Tender { kind, amount, reference: None, points: 0 };
    match rng.random_range(0..10) {
        0..=3 => {
            let note = [Decimal::from(10), Decimal::from(50), Decimal::from(100)][rng.random_range(0..3)];
            let handed = (due / note).ceil() * note;
            vec![tender(TenderKind::Cash, handed.max(due))]
        }
        4..=5 => vec![Tender { reference: reference(rng), ..tender(TenderKind::WechatPay, due) }],
        6..=7 => vec![Tender { reference: reference(rng), ..tender(TenderKind::Alipay, due) }],
        8 => vec![Tender { reference: reference(rng), ..tender(TenderKind::BankCard, due) }],
        _ => {
            let part = round_cny(due / Decimal::TWO);
            if part.is_zero() {
                return vec![tender(TenderKind::Cash, due)];
            }
            vec![Tender { reference: reference(rng), ..tender(TenderKind::WechatPay, part) }, tender(TenderKind::Cash, due - part)]
        }
    }
}

/// Returns one unit of one line of an earlier sale; `false` when nothing is left to return.
fn return_one_line(till: &mut Till, sale: &Document, rng: &mut StdRng, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let DocumentBody::Sale(s) = &sale.body else { return Ok(false) };
    let line = &s.lines[rng.random_range(0..s.lines.len())];
    let request = [ReturnRequestLine { original_line_no: line.line_no, quantity: 1 }];
    match till.return_from_sale(&sale.id.to_string(), &request, RefundTo::OriginalTenders, "顾客退货", now) {
        Ok(_) => Ok(true),
        Err(TillError::Return(_)) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
