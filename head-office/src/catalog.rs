//! What head office owns and sends down: products, barcodes, lots, promotions, loyalty
//! rules, a store's stock and serials, and members. Every write publishes its changes
//! to the feed in the same transaction.

use chrono::NaiveDate;
use pos_domain::catalog::{Lot, Product};
use pos_domain::import::CatalogImport;
use pos_domain::member::Member;
use pos_domain::promotion::Promotion;
use pos_domain::protocol::Change;
use tokio_postgres::types::Json;
use tokio_postgres::{Client, Transaction};
use uuid::Uuid;

pub mod codes;
mod loyalty_rules;

pub use loyalty_rules::{loyalty_rules, save_loyalty_rules, set_loyalty_rules};

use crate::auth::is_valid_id;
use crate::error::DbError;
use crate::feed::{self, FeedEntry};
use crate::stock_history::{self, StockHistory};

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("the file holds stock or serials: name the store they belong to (--store)")]
    StoreRequired,
    #[error("store id {0:?} must be 1 to 64 letters, digits, '-' or '_'")]
    BadStore(String),
    #[error(
        "member {member_id}'s card {card_no} already belongs to member {holder_id}; one card number cannot belong to two members (give one of them another card in the file)"
    )]
    CardTaken {
        card_no: String,
        member_id: String,
        holder_id: String,
    },
    #[error(
        "store {store}'s stock already has a history ({history}): the file's stock and serial rows are a store's opening balance, taken once, before any document moves its stock, and never overwrite it; record changes as goods receipts, write-offs or stocktakes at the store's till. Nothing was imported"
    )]
    StockHistory {
        store: String,
        history: StockHistory,
    },
    #[error(
        "{sku} serial {serial} is already head office's, at store {holder}: an opening balance for store {store} adds units no store holds, and never takes one from another store; move it by documents. Nothing was imported"
    )]
    SerialHeld {
        store: String,
        sku: String,
        serial: String,
        holder: String,
    },
    #[error("{0}. Nothing was imported")]
    UnknownSegment(#[from] crate::promotion_segments::UnknownSegment),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<tokio_postgres::Error> for CatalogError {
    fn from(e: tokio_postgres::Error) -> Self {
        CatalogError::Db(e.into())
    }
}

/// How many rows of each kind an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub products: usize,
    pub barcodes: usize,
    pub lots: usize,
    pub stock: usize,
    pub serials: usize,
    pub members: usize,
    pub promotions: usize,
}

/// Writes a parsed catalog file in one transaction: products, barcodes, lots and
/// promotions replace what had the same key; members are created or updated, a balance
/// change going through the point ledger. The stock and serial rows are `store_id`'s
/// opening balance (its stock quantities, its serials available there), taken only
/// while the store's stock has no history; after that the whole import is refused
/// ([`CatalogError::StockHistory`]) and nothing is written.
pub async fn import_catalog(
    client: &mut Client,
    catalog: &CatalogImport,
    store_id: Option<&str>,
) -> Result<ImportSummary, CatalogError> {
    let store = match store_id {
        Some(s) if !is_valid_id(s) => return Err(CatalogError::BadStore(s.to_owned())),
        Some(s) => Some(s),
        None if !catalog.stock.is_empty() || !catalog.serials.is_empty() => {
            return Err(CatalogError::StoreRequired);
        }
        None => None,
    };
    let tx = client.transaction().await?;
    crate::promotion_segments::check(&tx, &catalog.promotions).await??;
    let mut entries = Vec::new();
    entries.extend(upsert_products(&tx, &catalog.products).await?);
    entries.extend(upsert_barcodes(&tx, &catalog.barcodes).await?);
    entries.extend(upsert_lots(&tx, &catalog.lots).await?);
    entries.extend(upsert_promotions(&tx, &catalog.promotions).await?);
    // Members, then the store's history, then its stock: the order ingest locks them in,
    // so the two cannot deadlock.
    let members_before = crate::integrations::import_events::before(&tx, &catalog.members).await?;
    entries.extend(upsert_members(&tx, &catalog.members).await?);
    if let Some(store) = store
        && (!catalog.stock.is_empty() || !catalog.serials.is_empty())
    {
        // Dropping the transaction on refusal rolls back everything written above.
        if let Some(history) = stock_history::open_balance(&tx, store).await? {
            return Err(CatalogError::StockHistory {
                store: store.to_owned(),
                history,
            });
        }
        entries.extend(set_stock(&tx, store, &catalog.stock).await?);
        refuse_held_serials(&tx, store, &catalog.serials).await?;
        entries.extend(add_serials(&tx, store, &catalog.serials).await?);
    }
    feed::publish(&tx, entries).await?;
    crate::integrations::import_events::record(&tx, members_before, &catalog.members).await?;
    tx.commit().await?;
    Ok(ImportSummary {
        products: catalog.products.len(),
        barcodes: catalog.barcodes.len(),
        lots: catalog.lots.len(),
        stock: catalog.stock.len(),
        serials: catalog.serials.len(),
        members: catalog.members.len(),
        promotions: catalog.promotions.len(),
    })
}

async fn upsert_products(
    tx: &Transaction<'_>,
    products: &[Product],
) -> Result<Vec<FeedEntry>, DbError> {
    let skus: Vec<&str> = products.iter().map(|p| p.sku.as_str()).collect();
    let data: Vec<Json<&Product>> = products.iter().map(Json).collect();
    tx.execute(
        "INSERT INTO products (sku, data) SELECT * FROM unnest($1::text[], $2::jsonb[])
         ON CONFLICT (sku) DO UPDATE SET data = excluded.data",
        &[&skus, &data],
    )
    .await?;
    Ok(products
        .iter()
        .map(|p| FeedEntry::chain(Change::Product(p.clone())))
        .collect())
}

async fn upsert_barcodes(
    tx: &Transaction<'_>,
    barcodes: &[(String, String)],
) -> Result<Vec<FeedEntry>, DbError> {
    let skus: Vec<&str> = barcodes.iter().map(|(s, _)| s.as_str()).collect();
    let codes: Vec<&str> = barcodes.iter().map(|(_, b)| b.as_str()).collect();
    tx.execute(
        "INSERT INTO barcodes (sku, barcode) SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT (barcode) DO UPDATE SET sku = excluded.sku",
        &[&skus, &codes],
    )
    .await?;
    Ok(barcodes
        .iter()
        .map(|(sku, barcode)| {
            FeedEntry::chain(Change::Barcode {
                sku: sku.clone(),
                barcode: barcode.clone(),
            })
        })
        .collect())
}

async fn upsert_lots(tx: &Transaction<'_>, lots: &[Lot]) -> Result<Vec<FeedEntry>, DbError> {
    let skus: Vec<&str> = lots.iter().map(|l| l.sku.as_str()).collect();
    let numbers: Vec<&str> = lots.iter().map(|l| l.lot_no.as_str()).collect();
    let expiry: Vec<NaiveDate> = lots.iter().map(|l| l.expiry_date).collect();
    tx.execute(
        "INSERT INTO lots (sku, lot_no, expiry_date) SELECT * FROM unnest($1::text[], $2::text[], $3::date[])
         ON CONFLICT (sku, lot_no) DO UPDATE SET expiry_date = excluded.expiry_date",
        &[&skus, &numbers, &expiry],
    )
    .await?;
    Ok(lots
        .iter()
        .map(|l| FeedEntry::chain(Change::Lot(l.clone())))
        .collect())
}

async fn upsert_promotions(
    tx: &Transaction<'_>,
    promotions: &[Promotion],
) -> Result<Vec<FeedEntry>, DbError> {
    let ids: Vec<&str> = promotions.iter().map(|p| p.id.as_str()).collect();
    let data: Vec<Json<&Promotion>> = promotions.iter().map(Json).collect();
    tx.execute(
        "INSERT INTO promotions (id, data) SELECT * FROM unnest($1::text[], $2::jsonb[])
         ON CONFLICT (id) DO UPDATE SET data = excluded.data",
        &[&ids, &data],
    )
    .await?;
    Ok(promotions
        .iter()
        .map(|p| FeedEntry::chain(Change::Promotion(p.clone())))
        .collect())
}

async fn set_stock(
    tx: &Transaction<'_>,
    store: &str,
    stock: &[pos_domain::import::StockRecord],
) -> Result<Vec<FeedEntry>, DbError> {
    let skus: Vec<&str> = stock.iter().map(|s| s.sku.as_str()).collect();
    let lots: Vec<&str> = stock
        .iter()
        .map(|s| s.lot_no.as_deref().unwrap_or(""))
        .collect();
    let quantities: Vec<i64> = stock.iter().map(|s| s.quantity).collect();
    tx.execute(
        "INSERT INTO stock (store_id, sku, lot_no, quantity)
         SELECT $1, s, l, q FROM unnest($2::text[], $3::text[], $4::int8[]) AS i (s, l, q)
         ON CONFLICT (store_id, sku, lot_no) DO UPDATE SET quantity = excluded.quantity",
        &[&store, &skus, &lots, &quantities],
    )
    .await?;
    Ok(stock
        .iter()
        .map(|s| {
            let change = Change::Stock {
                sku: s.sku.clone(),
                lot_no: s.lot_no.clone(),
                quantity: s.quantity,
            };
            FeedEntry::store(store, change)
        })
        .collect())
}

/// A serial head office already has (held or sold by another store: this one has no
/// history) is not the opening balance's to take.
async fn refuse_held_serials(
    tx: &Transaction<'_>,
    store: &str,
    serials: &[pos_domain::import::SerialRecord],
) -> Result<(), CatalogError> {
    if serials.is_empty() {
        return Ok(());
    }
    let skus: Vec<&str> = serials.iter().map(|s| s.sku.as_str()).collect();
    let numbers: Vec<&str> = serials.iter().map(|s| s.serial.as_str()).collect();
    let held = tx
        .query_opt(
            "SELECT s.sku, s.serial, s.store_id FROM serials s
             JOIN unnest($1::text[], $2::text[]) AS i (sku, serial)
               ON s.sku = i.sku AND s.serial = i.serial
             ORDER BY s.sku, s.serial LIMIT 1",
            &[&skus, &numbers],
        )
        .await?;
    match held {
        None => Ok(()),
        Some(row) => Err(CatalogError::SerialHeld {
            store: store.to_owned(),
            sku: row.get(0),
            serial: row.get(1),
            holder: row.get(2),
        }),
    }
}

async fn add_serials(
    tx: &Transaction<'_>,
    store: &str,
    serials: &[pos_domain::import::SerialRecord],
) -> Result<Vec<FeedEntry>, DbError> {
    let skus: Vec<&str> = serials.iter().map(|s| s.sku.as_str()).collect();
    let numbers: Vec<&str> = serials.iter().map(|s| s.serial.as_str()).collect();
    let lots: Vec<Option<&str>> = serials.iter().map(|s| s.lot_no.as_deref()).collect();
    tx.execute(
        "INSERT INTO serials (store_id, sku, serial, lot_no, available)
         SELECT $1, s, n, l, true FROM unnest($2::text[], $3::text[], $4::text[]) AS i (s, n, l)
         ON CONFLICT (sku, serial) DO UPDATE
             SET store_id = excluded.store_id, lot_no = excluded.lot_no, available = true",
        &[&store, &skus, &numbers, &lots],
    )
    .await?;
    Ok(serials
        .iter()
        .map(|s| {
            let change = Change::Serial {
                sku: s.sku.clone(),
                serial: s.serial.clone(),
                lot_no: s.lot_no.clone(),
                available: true,
            };
            FeedEntry::store(store, change)
        })
        .collect())
}

/// Creates or updates members; a balance that differs from the ledger's is brought to
/// the imported value by an `import` ledger entry.
async fn upsert_members(
    tx: &Transaction<'_>,
    members: &[Member],
) -> Result<Vec<FeedEntry>, CatalogError> {
    if members.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
    let cards: Vec<&str> = members.iter().map(|m| m.card_no.as_str()).collect();
    // A card held by a member the file does not mention stays theirs: the whole import
    // is refused with both names rather than a bare unique-key error.
    if let Some(held) = tx
        .query_opt(
            "SELECT card_no, id FROM members WHERE card_no = ANY($1) AND NOT (id = ANY($2)) LIMIT 1",
            &[&cards, &ids],
        )
        .await?
    {
        let card_no: String = held.get(0);
        let member_id = members
            .iter()
            .find(|m| m.card_no == card_no)
            .map(|m| m.id.clone())
            .unwrap_or_default();
        return Err(CatalogError::CardTaken {
            card_no,
            member_id,
            holder_id: held.get(1),
        });
    }
    let phones: Vec<Option<&str>> = members
        .iter()
        .map(|m| Some(m.phone.as_str()).filter(|p| !p.is_empty()))
        .collect();
    let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    let tiers: Vec<&str> = members.iter().map(|m| m.tier.code()).collect();
    let balances: Vec<i64> = members.iter().map(|m| m.points_balance).collect();
    // The balances before, locked, in a statement of their own: a locking read in the
    // upsert's own statement would not see the rows the upsert changes, and every
    // member would seem new (their whole balance entered in the ledger again).
    let before: std::collections::HashMap<String, i64> = tx
        .query(
            "SELECT id, points_balance FROM members WHERE id = ANY($1) FOR UPDATE",
            &[&ids],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let rows = tx
        .query(
            "INSERT INTO members (id, card_no, phone, name, tier, points_balance)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[])
             ON CONFLICT (id) DO UPDATE SET card_no = excluded.card_no, phone = excluded.phone,
                 name = excluded.name, tier = excluded.tier, points_balance = excluded.points_balance
             RETURNING id, points_balance",
            &[&ids, &cards, &phones, &names, &tiers, &balances],
        )
        .await?;
    let mut ledger_docs = Vec::new();
    let mut ledger_members = Vec::new();
    let mut ledger_points = Vec::new();
    let mut ledger_after = Vec::new();
    for row in rows {
        let id: String = row.get(0);
        let after: i64 = row.get(1);
        let points = after
            .checked_sub(before.get(&id).copied().unwrap_or(0))
            .ok_or_else(|| DbError::Corrupt(format!("member {id}'s balance moves too far")))?;
        if points != 0 {
            ledger_docs.push(Uuid::now_v7());
            ledger_members.push(id);
            ledger_points.push(points);
            ledger_after.push(after);
        }
    }
    tx.execute(
        "INSERT INTO point_ledger (document_id, entry, member_id, till_member_id, points, balance_after, store_id, operator_id, reason)
         SELECT d, 'import', m, m, p, a, '', 'catalog import', 'catalog import' FROM unnest($1::uuid[], $2::text[], $3::int8[], $4::int8[]) AS l (d, m, p, a)",
        &[&ledger_docs, &ledger_members, &ledger_points, &ledger_after],
    )
    .await?;
    Ok(members
        .iter()
        .map(|m| FeedEntry::chain(Change::Member(m.clone())))
        .collect())
}

/// One product as head office holds it.
pub async fn product(
    client: &impl tokio_postgres::GenericClient,
    sku: &str,
) -> Result<Option<Product>, DbError> {
    let row = client
        .query_opt("SELECT data FROM products WHERE sku = $1", &[&sku])
        .await?;
    Ok(row.map(|r| r.get::<_, Json<Product>>(0).0))
}

/// Saves one product, new or changed, and sends it down the feed, in the caller's
/// transaction (with its audit entry). Returns the product it replaced.
pub async fn save_product(
    tx: &Transaction<'_>,
    product: &Product,
) -> Result<Option<Product>, DbError> {
    let before = tx
        .query_opt(
            "SELECT data FROM products WHERE sku = $1 FOR UPDATE",
            &[&product.sku],
        )
        .await?
        .map(|r| r.get::<_, Json<Product>>(0).0);
    let entries = upsert_products(tx, std::slice::from_ref(product)).await?;
    feed::publish(tx, entries).await?;
    Ok(before)
}

/// Removes a product and its barcodes; tills drop them on their next pull.
pub async fn delete_product(client: &mut Client, sku: &str) -> Result<(), DbError> {
    let tx = client.transaction().await?;
    remove_product(&tx, sku).await?;
    tx.commit().await?;
    Ok(())
}

/// [`delete_product`] in the caller's transaction; returns the product removed.
pub async fn remove_product(tx: &Transaction<'_>, sku: &str) -> Result<Option<Product>, DbError> {
    let removed = tx
        .query_opt(
            "DELETE FROM products WHERE sku = $1 RETURNING data",
            &[&sku],
        )
        .await?
        .map(|r| r.get::<_, Json<Product>>(0).0);
    let barcodes = tx
        .query(
            "DELETE FROM barcodes WHERE sku = $1 RETURNING barcode",
            &[&sku],
        )
        .await?;
    let mut entries = vec![FeedEntry::chain(Change::ProductDeleted {
        sku: sku.to_owned(),
    })];
    entries.extend(
        barcodes
            .iter()
            .map(|r| FeedEntry::chain(Change::BarcodeDeleted { barcode: r.get(0) })),
    );
    feed::publish(tx, entries).await?;
    Ok(removed)
}

pub async fn delete_promotion(client: &mut Client, id: &str) -> Result<(), DbError> {
    let tx = client.transaction().await?;
    remove_promotion(&tx, id).await?;
    tx.commit().await?;
    Ok(())
}

/// Every promotion head office holds, by id.
pub async fn promotions(
    client: &impl tokio_postgres::GenericClient,
) -> Result<Vec<Promotion>, DbError> {
    let rows = client
        .query("SELECT data FROM promotions ORDER BY id", &[])
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.get::<_, Json<Promotion>>(0).0)
        .collect())
}

/// One promotion as head office holds it.
pub async fn promotion(
    client: &impl tokio_postgres::GenericClient,
    id: &str,
) -> Result<Option<Promotion>, DbError> {
    let row = client
        .query_opt("SELECT data FROM promotions WHERE id = $1", &[&id])
        .await?;
    Ok(row.map(|r| r.get::<_, Json<Promotion>>(0).0))
}

/// The promotion `id` with its row locked until the caller's transaction ends, so an
/// edit reads the real before and a concurrent edit or deletion waits for it.
pub async fn promotion_for_update(
    tx: &Transaction<'_>,
    id: &str,
) -> Result<Option<Promotion>, DbError> {
    let row = tx
        .query_opt(
            "SELECT data FROM promotions WHERE id = $1 FOR UPDATE",
            &[&id],
        )
        .await?;
    Ok(row.map(|r| r.get::<_, Json<Promotion>>(0).0))
}

/// Adds a promotion that must be new and sends it down the feed, in the caller's
/// transaction: false, with nothing written, when the id is taken (also by a create
/// committed while this one waited for it).
pub async fn add_promotion(tx: &Transaction<'_>, promotion: &Promotion) -> Result<bool, DbError> {
    let inserted = tx
        .execute(
            "INSERT INTO promotions (id, data) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
            &[&promotion.id, &Json(promotion)],
        )
        .await?;
    if inserted == 0 {
        return Ok(false);
    }
    let entry = FeedEntry::chain(Change::Promotion(promotion.clone()));
    feed::publish(tx, vec![entry]).await?;
    Ok(true)
}

/// Saves one promotion, new or changed, and sends it down the feed, in the caller's
/// transaction (with its audit entry). Returns the promotion it replaced.
pub async fn save_promotion(
    tx: &Transaction<'_>,
    promotion: &Promotion,
) -> Result<Option<Promotion>, DbError> {
    let before = tx
        .query_opt(
            "SELECT data FROM promotions WHERE id = $1 FOR UPDATE",
            &[&promotion.id],
        )
        .await?
        .map(|r| r.get::<_, Json<Promotion>>(0).0);
    let entries = upsert_promotions(tx, std::slice::from_ref(promotion)).await?;
    feed::publish(tx, entries).await?;
    Ok(before)
}

/// Removes a promotion; tills drop it on their next pull. Returns the one removed.
pub async fn remove_promotion(
    tx: &Transaction<'_>,
    id: &str,
) -> Result<Option<Promotion>, DbError> {
    let removed = tx
        .query_opt(
            "DELETE FROM promotions WHERE id = $1 RETURNING data",
            &[&id],
        )
        .await?
        .map(|r| r.get::<_, Json<Promotion>>(0).0);
    feed::publish(
        tx,
        vec![FeedEntry::chain(Change::PromotionDeleted {
            id: id.to_owned(),
        })],
    )
    .await?;
    Ok(removed)
}

/// A member as head office knows them, or through an alias of a merged registration.
pub async fn member(client: &Client, id: &str) -> Result<Option<Member>, DbError> {
    let row = client
        .query_opt(
            "SELECT m.id, m.card_no, coalesce(m.phone, ''), m.name, m.tier, m.points_balance
             FROM members m
             WHERE m.id = $1 OR m.id = (SELECT member_id FROM member_aliases WHERE alias_id = $1)",
            &[&id],
        )
        .await?;
    row.as_ref().map(crate::ingest::member_from_row).transpose()
}
