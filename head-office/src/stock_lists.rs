//! Lists of the chain's stock as head office holds it, for the JSON API and the CSV
//! exports: lots near their expiry (days left, quantity, value at retail), SKUs a store
//! holds fewer of than the product's safety stock, and the transfers between stores
//! with where each stands. The console's Stock today and Transfers pages show the same.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;

use crate::error::DbError;

/// Most rows one answer of the API holds; past it `more` is true.
pub const ROWS_MAX: i64 = 10_000;
/// Widest "expiring within" window asked (ten years), as on the Stock today page.
pub const EXPIRING_DAYS_MAX: i64 = 3650;

fn money(text: Option<String>) -> Result<Option<Decimal>, DbError> {
    text.map(|t| {
        t.parse()
            .map_err(|_| DbError::Corrupt(format!("an amount {t:?}")))
    })
    .transpose()
}

/// Units of one lot at one store that expire within the window asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NearExpiry {
    pub store_id: String,
    pub sku: String,
    pub name: Option<String>,
    pub lot_no: String,
    pub expiry_date: NaiveDate,
    /// Negative once expired.
    pub days_left: i64,
    pub quantity: i64,
    /// The units at the product's list price; `None` for a SKU the catalog lacks.
    pub retail_value: Option<Decimal>,
}

/// The answer of `GET /v1/stock/near-expiry`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NearExpiryList {
    /// The last expiry date the list takes: today plus the days asked.
    pub expiring_by: NaiveDate,
    pub lots: Vec<NearExpiry>,
    /// The value at retail of every row that matches, listed or not.
    pub retail_value: Decimal,
    pub more: bool,
}

/// Lots held (quantity above 0) at stores $1 (NULL: all) expiring by $2, expired ones
/// included, soonest first; $3 is today.
const NEAR_EXPIRY_SQL: &str = "SELECT s.store_id, s.sku, p.data->>'name', s.lot_no,
            l.expiry_date, (l.expiry_date - $3::date)::int8, s.quantity,
            round((p.data->>'price')::numeric * s.quantity, 2)::text,
            (sum(round((p.data->>'price')::numeric * s.quantity, 2)) OVER ())::text
     FROM stock s
     JOIN lots l ON l.sku = s.sku AND l.lot_no = s.lot_no
     LEFT JOIN products p ON p.sku = s.sku
     WHERE ($1::text[] IS NULL OR s.store_id = ANY($1))
       AND s.quantity > 0 AND l.expiry_date <= $2
     ORDER BY l.expiry_date, s.store_id, s.sku, s.lot_no";

/// The lots of `stores` expiring within `days` of `today`, at most `limit`.
pub async fn near_expiry(
    client: &impl GenericClient,
    stores: Option<&[String]>,
    today: NaiveDate,
    days: i64,
    limit: i64,
) -> Result<NearExpiryList, DbError> {
    let expiring_by = today + chrono::TimeDelta::days(days);
    let rows = client
        .query(
            &format!("{NEAR_EXPIRY_SQL} LIMIT {}", limit.saturating_add(1)),
            &[&stores, &expiring_by, &today],
        )
        .await?;
    let retail_value = money(rows.first().and_then(|r| r.get(8)))?.unwrap_or_default();
    let lots = rows
        .iter()
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|r| {
            Ok(NearExpiry {
                store_id: r.get(0),
                sku: r.get(1),
                name: r.get(2),
                lot_no: r.get(3),
                expiry_date: r.get(4),
                days_left: r.get(5),
                quantity: r.get(6),
                retail_value: money(r.get(7))?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    Ok(NearExpiryList {
        expiring_by,
        more: rows.len() > lots.len(),
        lots,
        retail_value,
    })
}

/// A SKU a store holds fewer of than the product's safety stock (低库存).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LowStock {
    pub store_id: String,
    pub sku: String,
    pub name: Option<String>,
    /// Every lot of the SKU at the store.
    pub quantity: i64,
    pub safety_stock: i64,
    /// What it takes to reach the safety stock.
    pub shortfall: i64,
}

/// The answer of `GET /v1/stock/low`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LowStockList {
    pub skus: Vec<LowStock>,
    pub more: bool,
}

/// SKUs of stores $1 (NULL: all) held below the product's safety stock, the largest
/// shortfall first.
const LOW_SQL: &str = "SELECT s.store_id, s.sku, p.data->>'name', sum(s.quantity)::int8,
            (p.data->>'safety_stock')::int8
     FROM stock s
     JOIN products p ON p.sku = s.sku
     WHERE ($1::text[] IS NULL OR s.store_id = ANY($1))
     GROUP BY s.store_id, s.sku, p.data
     HAVING sum(s.quantity) < (p.data->>'safety_stock')::int8
     ORDER BY (p.data->>'safety_stock')::int8 - sum(s.quantity) DESC, s.store_id, s.sku";

/// The SKUs of `stores` below their safety stock, at most `limit`.
pub async fn low_stock(
    client: &impl GenericClient,
    stores: Option<&[String]>,
    limit: i64,
) -> Result<LowStockList, DbError> {
    let rows = client
        .query(
            &format!("{LOW_SQL} LIMIT {}", limit.saturating_add(1)),
            &[&stores],
        )
        .await?;
    let skus: Vec<LowStock> = rows
        .iter()
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|r| {
            let (quantity, safety_stock): (i64, i64) = (r.get(3), r.get(4));
            LowStock {
                store_id: r.get(0),
                sku: r.get(1),
                name: r.get(2),
                quantity,
                safety_stock,
                shortfall: safety_stock.saturating_sub(quantity),
            }
        })
        .collect();
    Ok(LowStockList {
        more: rows.len() > skus.len(),
        skus,
    })
}

/// Where a transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferState {
    /// Dispatched, not received yet (在途).
    InTransit,
    /// Dispatched and received (已收货).
    Received,
    /// Received while head office has not had the dispatch yet (the sending till is
    /// still to send it).
    DispatchAwaited,
}

impl TransferState {
    pub fn key(self) -> &'static str {
        match self {
            TransferState::InTransit => "in_transit",
            TransferState::Received => "received",
            TransferState::DispatchAwaited => "dispatch_awaited",
        }
    }

    pub fn from_key(key: &str) -> Option<TransferState> {
        [
            TransferState::InTransit,
            TransferState::Received,
            TransferState::DispatchAwaited,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }
}

/// A transfer between two stores, with the units each side's lines add up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub transfer_id: String,
    pub from_store: String,
    pub to_store: String,
    pub dispatched_on: Option<NaiveDate>,
    pub received_on: Option<NaiveDate>,
    pub state: TransferState,
    pub dispatched: Option<i64>,
    pub received: Option<i64>,
    /// Units received less units dispatched, once both are known.
    pub difference: Option<i64>,
}

/// The answer of `GET /v1/transfers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferList {
    pub transfers: Vec<Transfer>,
    pub more: bool,
}

/// Transfers from or to a list of stores ($1, NULL for all), newest first, with the
/// units each side's lines add up to.
const TRANSFERS_SQL: &str = "SELECT transfer_id, from_store, to_store, dispatched_on, received_on,
            (SELECT sum((l->>'quantity')::int8)::int8 FROM jsonb_array_elements(dispatched_lines) l),
            (SELECT sum((l->>'quantity')::int8)::int8 FROM jsonb_array_elements(received_lines) l)
     FROM transfers
     WHERE ($1::text[] IS NULL OR from_store = ANY($1) OR to_store = ANY($1))
       AND ($2::text IS NULL
            OR ($2 = 'in_transit' AND received_on IS NULL)
            OR ($2 = 'received' AND dispatched_on IS NOT NULL AND received_on IS NOT NULL)
            OR ($2 = 'dispatch_awaited' AND dispatched_on IS NULL AND received_on IS NOT NULL))
     ORDER BY coalesce(dispatched_on, received_on) DESC, transfer_id";

/// The transfers from or to `stores` in `state` (any when `None`), at most `limit`.
pub async fn transfers(
    client: &impl GenericClient,
    stores: Option<&[String]>,
    state: Option<TransferState>,
    limit: i64,
) -> Result<TransferList, DbError> {
    let state = state.map(TransferState::key);
    let rows = client
        .query(
            &format!("{TRANSFERS_SQL} LIMIT {}", limit.saturating_add(1)),
            &[&stores, &state],
        )
        .await?;
    let transfers: Vec<Transfer> = rows
        .iter()
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|r| {
            let (dispatched_on, received_on): (Option<NaiveDate>, Option<NaiveDate>) =
                (r.get(3), r.get(4));
            let (dispatched, received): (Option<i64>, Option<i64>) = (r.get(5), r.get(6));
            Transfer {
                transfer_id: r.get(0),
                from_store: r.get(1),
                to_store: r.get(2),
                state: match (dispatched_on, received_on) {
                    (_, None) => TransferState::InTransit,
                    (Some(_), Some(_)) => TransferState::Received,
                    (None, Some(_)) => TransferState::DispatchAwaited,
                },
                dispatched_on,
                received_on,
                dispatched,
                received,
                difference: received.zip(dispatched).map(|(r, d)| r.saturating_sub(d)),
            }
        })
        .collect();
    Ok(TransferList {
        more: rows.len() > transfers.len(),
        transfers,
    })
}
