//! Transfers between stores at head office (调拨): each transfer's dispatch and receipt,
//! kept in `transfers` in the batch's transaction, so head office knows what is in
//! transit and what arrived short. A transfer is dispatched once and received once, from
//! and to the stores its other half names: a document saying otherwise is rejected with
//! the reason, and the rest of the batch goes on. A receipt may come before its dispatch
//! (the sending till was offline); the row waits for the dispatch.

use std::collections::HashMap;

use pos_domain::document::{Document, DocumentBody};
use pos_domain::protocol::IncomingTransfer;
use pos_domain::stock_document::StockLine;
use tokio_postgres::GenericClient;
use tokio_postgres::types::Json;
use uuid::Uuid;

use super::Verdict;
use crate::error::DbError;
use crate::feed::FeedEntry;
use crate::transfer_orders;

/// What head office already holds of a transfer.
#[derive(Debug, Clone, Default)]
struct Known {
    from_store: String,
    to_store: String,
    dispatch: Option<Uuid>,
    receipt: Option<Uuid>,
}

/// A document's half of a transfer: (transfer id, from, to, is it the dispatch).
fn half(doc: &Document) -> Option<(&str, &str, &str, bool)> {
    match &doc.body {
        DocumentBody::TransferDispatch(t) => {
            Some((&t.transfer_id, &doc.store_id, &t.to_store, true))
        }
        DocumentBody::TransferReceipt(t) => {
            Some((&t.transfer_id, &t.from_store, &doc.store_id, false))
        }
        _ => None,
    }
}

/// Rejects the candidates that would dispatch or receive a transfer a second time, or
/// that name other stores than the transfer's other half.
pub(super) async fn check(
    client: &impl GenericClient,
    docs: &[Document],
    verdicts: &mut [Verdict],
) -> Result<(), DbError> {
    let mut ids: Vec<&str> = docs.iter().filter_map(half).map(|h| h.0).collect();
    if ids.is_empty() {
        return Ok(());
    }
    // Two tills of a store may send halves of one transfer at once: each transfer's
    // halves are checked and recorded one batch at a time (ids in order: no deadlock).
    ids.sort_unstable();
    ids.dedup();
    client
        .execute(
            "SELECT pg_advisory_xact_lock(hashtext('transfer:' || id))
             FROM unnest($1::text[]) AS id ORDER BY id",
            &[&ids],
        )
        .await?;
    let rows = client
        .query(
            "SELECT transfer_id, from_store, to_store, dispatch_document, receipt_document
             FROM transfers WHERE transfer_id = ANY($1)",
            &[&ids],
        )
        .await?;
    let mut known: HashMap<String, Known> = rows
        .iter()
        .map(|r| {
            let known = Known {
                from_store: r.get(1),
                to_store: r.get(2),
                dispatch: r.get(3),
                receipt: r.get(4),
            };
            (r.get(0), known)
        })
        .collect();
    // A transfer head office ordered goes between the order's stores from the start.
    let ordered = client
        .query(
            "SELECT transfer_id, from_store, to_store FROM transfer_orders
             WHERE transfer_id = ANY($1)",
            &[&ids],
        )
        .await?;
    for r in &ordered {
        known.entry(r.get(0)).or_insert_with(|| Known {
            from_store: r.get(1),
            to_store: r.get(2),
            ..Known::default()
        });
    }
    for (doc, verdict) in docs.iter().zip(verdicts.iter_mut()) {
        let Some((id, from, to, dispatch)) = half(doc) else {
            continue;
        };
        if *verdict != Verdict::Candidate {
            continue;
        }
        let entry = known.entry(id.to_owned()).or_insert_with(|| Known {
            from_store: from.to_owned(),
            to_store: to.to_owned(),
            ..Known::default()
        });
        let (side, first) = if dispatch {
            ("dispatched", entry.dispatch)
        } else {
            ("received", entry.receipt)
        };
        // A resend of the same document is the insert's to answer (duplicate).
        if let Some(first) = first.filter(|first| *first != doc.id) {
            *verdict = Verdict::Rejected(format!(
                "transfer {id} was already {side} by document {first}; a transfer is {side} once"
            ));
            continue;
        }
        if (entry.from_store.as_str(), entry.to_store.as_str()) != (from, to) {
            *verdict = Verdict::Rejected(format!(
                "transfer {id} goes from {} to {}, not from {from} to {to}",
                entry.from_store, entry.to_store
            ));
            continue;
        }
        if dispatch {
            entry.dispatch = Some(doc.id);
        } else {
            entry.receipt = Some(doc.id);
        }
    }
    Ok(())
}

/// Records the accepted documents' halves of their transfers, and answers the feed
/// entries that tell both stores' tills where the orders among them stand now.
pub(super) async fn record(
    client: &impl GenericClient,
    accepted: &[&Document],
) -> Result<Vec<FeedEntry>, DbError> {
    let mut moved: Vec<&str> = Vec::new();
    for doc in accepted {
        let Some((id, from, to, dispatch)) = half(doc) else {
            continue;
        };
        let lines = match &doc.body {
            DocumentBody::TransferDispatch(t) => serde_json::to_value(&t.lines),
            DocumentBody::TransferReceipt(t) => serde_json::to_value(&t.lines),
            _ => continue,
        }
        .map_err(|e| DbError::Corrupt(format!("a transfer's lines: {e}")))?;
        // The half's own columns; the other half's are left as they are.
        let (document, on, lines_column) = if dispatch {
            ("dispatch_document", "dispatched_on", "dispatched_lines")
        } else {
            ("receipt_document", "received_on", "received_lines")
        };
        client
            .execute(
                &format!(
                    "INSERT INTO transfers (transfer_id, from_store, to_store, {document}, {on},
                                            {lines_column})
                     VALUES ($1, $2, $3, $4, $5, $6)
                     ON CONFLICT (transfer_id) DO UPDATE SET
                         {document} = excluded.{document}, {on} = excluded.{on},
                         {lines_column} = excluded.{lines_column}"
                ),
                &[&id, &from, &to, &doc.id, &doc.business_date, &Json(&lines)],
            )
            .await?;
        moved.push(id);
    }
    let mut entries = Vec::new();
    for id in moved {
        if let Some(order) = transfer_orders::find(client, id, false).await? {
            entries.extend(transfer_orders::feed_entries(&order));
        }
    }
    Ok(entries)
}

/// The transfers dispatched to `store` and not received there yet, oldest first.
pub async fn incoming(
    client: &impl GenericClient,
    store: &str,
) -> Result<Vec<IncomingTransfer>, DbError> {
    let rows = client
        .query(
            "SELECT transfer_id, from_store, dispatched_on, dispatched_lines FROM transfers
             WHERE to_store = $1 AND dispatch_document IS NOT NULL AND receipt_document IS NULL
             ORDER BY dispatched_on, transfer_id",
            &[&store],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let Json(lines): Json<Vec<StockLine>> = r
                .try_get(3)
                .map_err(|e| DbError::Corrupt(format!("a transfer's dispatched lines: {e}")))?;
            Ok(IncomingTransfer {
                transfer_id: r.get(0),
                from_store: r.get(1),
                dispatched_on: r.get(2),
                lines,
            })
        })
        .collect()
}
