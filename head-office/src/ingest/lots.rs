//! Lots head office learns from the goods that arrive: a goods receipt or a transfer's
//! receipt naming a lot the catalog does not list yet, with its expiry, adds the lot to
//! the catalog in the batch's transaction and sends it down the feed, so every store's
//! till knows it (to count it, to sell it first-expiry-first-out) and the stock pages
//! show its expiry. A lot already listed keeps the catalog's expiry.

use chrono::NaiveDate;
use pos_domain::catalog::Lot;
use pos_domain::document::{Document, DocumentBody};
use pos_domain::protocol::Change;
use tokio_postgres::GenericClient;

use crate::error::DbError;
use crate::feed::FeedEntry;

/// Adds the accepted receipts' lots the catalog lacks; their feed entries.
pub(super) async fn learn(
    client: &impl GenericClient,
    accepted: &[&Document],
) -> Result<Vec<FeedEntry>, DbError> {
    let (mut skus, mut numbers, mut expiries) = (Vec::new(), Vec::new(), Vec::new());
    for doc in accepted {
        let lines = match &doc.body {
            DocumentBody::GoodsReceipt(r) => &r.lines,
            DocumentBody::TransferReceipt(t) => &t.lines,
            _ => continue,
        };
        for line in lines {
            if let (Some(lot), Some(expiry)) = (&line.goods.lot, line.goods.expiry_date) {
                skus.push(line.goods.sku.as_str());
                numbers.push(lot.as_str());
                expiries.push(expiry);
            }
        }
    }
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    let rows = client
        .query(
            "INSERT INTO lots (sku, lot_no, expiry_date)
             SELECT DISTINCT ON (s, n) s, n, e FROM unnest($1::text[], $2::text[], $3::date[]) AS u (s, n, e)
             ORDER BY s, n
             ON CONFLICT (sku, lot_no) DO NOTHING
             RETURNING sku, lot_no, expiry_date",
            &[&skus, &numbers, &expiries],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            FeedEntry::chain(Change::Lot(Lot {
                sku: r.get(0),
                lot_no: r.get(1),
                expiry_date: r.get::<_, NaiveDate>(2),
            }))
        })
        .collect())
}
