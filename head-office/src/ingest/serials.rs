//! A serial unit is held by one store at a time. A goods receipt or a transfer's receipt
//! that names a unit head office knows another store holds (in stock there) would move
//! it without a document leaving that store: such a document is rejected with the store
//! that holds the unit, and the rest of the batch goes on. A transfer's receipt may name
//! units its sending store still holds as far as head office knows (the dispatch has not
//! arrived yet: the sending till was offline).

use std::collections::HashMap;

use pos_domain::document::{Document, DocumentBody};
use pos_domain::stock_document::ReceiptLine;
use tokio_postgres::GenericClient;

use super::Verdict;
use crate::error::DbError;

/// The lines a document brings units in on, and the store they may come from.
fn arriving(doc: &Document) -> Option<(&[ReceiptLine], Option<&str>)> {
    match &doc.body {
        DocumentBody::GoodsReceipt(r) => Some((&r.lines, None)),
        DocumentBody::TransferReceipt(t) => Some((&t.lines, Some(t.from_store.as_str()))),
        _ => None,
    }
}

/// Rejects the candidates of `store_id` that receive a serial unit held at another store.
pub(super) async fn check(
    client: &impl GenericClient,
    store_id: &str,
    docs: &[Document],
    verdicts: &mut [Verdict],
) -> Result<(), DbError> {
    let mut skus: Vec<&str> = Vec::new();
    let mut numbers: Vec<&str> = Vec::new();
    for (doc, verdict) in docs.iter().zip(verdicts.iter()) {
        let Some((lines, _)) = arriving(doc).filter(|_| *verdict == Verdict::Candidate) else {
            continue;
        };
        for line in lines {
            for serial in &line.goods.serials {
                skus.push(&line.goods.sku);
                numbers.push(serial);
            }
        }
    }
    if skus.is_empty() {
        return Ok(());
    }
    let rows = client
        .query(
            "SELECT s.sku, s.serial, s.store_id FROM serials s
             JOIN unnest($1::text[], $2::text[]) AS i (sku, serial)
               ON s.sku = i.sku AND s.serial = i.serial
             WHERE s.available AND s.store_id <> $3",
            &[&skus, &numbers, &store_id],
        )
        .await?;
    let held: HashMap<(String, String), String> = rows
        .iter()
        .map(|r| ((r.get(0), r.get(1)), r.get(2)))
        .collect();
    if held.is_empty() {
        return Ok(());
    }
    for (doc, verdict) in docs.iter().zip(verdicts.iter_mut()) {
        let Some((lines, from_store)) = arriving(doc).filter(|_| *verdict == Verdict::Candidate)
        else {
            continue;
        };
        let elsewhere = lines.iter().find_map(|line| {
            line.goods.serials.iter().find_map(|serial| {
                let holder = held.get(&(line.goods.sku.clone(), serial.clone()))?;
                (Some(holder.as_str()) != from_store).then_some((&line.goods.sku, serial, holder))
            })
        });
        if let Some((sku, serial, holder)) = elsewhere {
            *verdict = Verdict::Rejected(format!(
                "serial {serial} of {sku} is held at store {holder}, not received here: a unit \
                 another store holds comes only on a transfer from that store (dispatched \
                 there first); check the serial scanned"
            ));
        }
    }
    Ok(())
}
