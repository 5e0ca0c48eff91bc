//! The change feed: one row per changed thing (product, stock line, member...) holding
//! its latest [`Change`] and the cursor of that change.
//!
//! A till from zero reads every row once; later it reads rows whose cursor moved past
//! its own. Cursors come from a sequence under a transaction-scoped advisory lock taken
//! just before commit, so transactions publish in cursor order and a reader never sees
//! cursor N while a smaller cursor is still uncommitted.

use std::collections::HashMap;
use std::io::Write;

use pos_domain::protocol::{Change, FEED_LIMIT_MAX};
use tokio_postgres::types::Json;
use tokio_postgres::{GenericClient, Transaction};

use crate::error::DbError;

/// Advisory lock key for feed writers ("FEED").
const FEED_LOCK_KEY: i64 = 0x4645_4544;

/// Scope of a change every store receives.
pub const CHAIN_SCOPE: &str = "";

/// One change to publish. A later entry with the same scope and key replaces an
/// earlier one.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    pub scope: String,
    pub key: String,
    pub change: Change,
}

impl FeedEntry {
    /// A change for every store; its key names what it replaces.
    pub fn chain(change: Change) -> FeedEntry {
        FeedEntry {
            scope: CHAIN_SCOPE.into(),
            key: key_of(&change),
            change,
        }
    }

    /// A change for one store (its stock and serials).
    pub fn store(store_id: &str, change: Change) -> FeedEntry {
        FeedEntry {
            scope: store_id.into(),
            key: key_of(&change),
            change,
        }
    }
}

/// What a change replaces: a product and its deletion share a key, and so on.
pub fn key_of(change: &Change) -> String {
    const SEP: char = '\u{1f}';
    match change {
        Change::Product(p) => format!("product{SEP}{}", p.sku),
        Change::ProductDeleted { sku } => format!("product{SEP}{sku}"),
        Change::Barcode { barcode, .. } | Change::BarcodeDeleted { barcode } => {
            format!("barcode{SEP}{barcode}")
        }
        Change::Lot(l) => format!("lot{SEP}{}{SEP}{}", l.sku, l.lot_no),
        Change::LotDeleted { sku, lot_no } => format!("lot{SEP}{sku}{SEP}{lot_no}"),
        Change::Stock { sku, lot_no, .. } => {
            format!("stock{SEP}{sku}{SEP}{}", lot_no.as_deref().unwrap_or(""))
        }
        Change::Serial { sku, serial, .. } => format!("serial{SEP}{sku}{SEP}{serial}"),
        Change::Member(m) => format!("member{SEP}{}", m.id),
        // Replaces the member's own row: the feed keeps nothing of them but their id.
        Change::MemberErased { member_id, .. } => format!("member{SEP}{member_id}"),
        Change::MemberAlias { alias_id, .. } => format!("alias{SEP}{alias_id}"),
        Change::MemberCard { card_no, .. } => format!("card{SEP}{card_no}"),
        Change::MemberPointsExpiring { member_id, .. } => format!("member_points{SEP}{member_id}"),
        Change::MemberLookupKey { .. } => "member_lookup_key".into(),
        Change::Promotion(p) => format!("promotion{SEP}{}", p.id),
        Change::PromotionDeleted { id } => format!("promotion{SEP}{id}"),
        Change::LoyaltyRules(_) => "loyalty_rules".into(),
        Change::TransferOrder(o) => format!("transfer_order{SEP}{}", o.transfer_id),
        Change::Organisation(o) => format!("organisation{SEP}{}", o.id),
        // Replaces the merged organisation's own row.
        Change::OrganisationMerged { merged_id, .. } => format!("organisation{SEP}{merged_id}"),
        // Only a till reads this; head office cannot write it (serializing it fails).
        Change::Unknown => "unknown".into(),
    }
}

/// Publishes `entries` with new cursors. Call it last in the transaction: the lock it
/// takes is held until commit. A member goes down masked, with its phone's key: no
/// till receives a full phone number or name, whoever publishes it; and with its tier
/// spend and segment as head office holds them now (`member_standing`).
pub async fn publish(tx: &Transaction<'_>, mut entries: Vec<FeedEntry>) -> Result<(), DbError> {
    if entries.is_empty() {
        return Ok(());
    }
    let members: Vec<String> = entries
        .iter()
        .filter_map(|e| match &e.change {
            Change::Member(m) => Some(m.id.clone()),
            _ => None,
        })
        .collect();
    if !members.is_empty() {
        let (key, erased) = lookup_key_and_erased(tx, &members).await?;
        // A late document of an erased member changes its balance: the tills, which
        // forgot the member, are not told of them again (their row keeps the erasure).
        entries.retain(|e| !matches!(&e.change, Change::Member(m) if erased.contains(&m.id)));
        let mut sent: Vec<&mut pos_domain::member::Member> = entries
            .iter_mut()
            .filter_map(|e| match &mut e.change {
                Change::Member(m) => Some(m),
                _ => None,
            })
            .collect();
        crate::member_standing::fill(tx, &mut sent).await?;
        mask_members(&mut entries, &key);
    }
    write(tx, entries).await
}

/// Every member in `entries` as the tills may see them.
fn mask_members(entries: &mut [FeedEntry], lookup_key: &str) {
    for e in entries {
        if let Change::Member(m) = &e.change {
            e.change = Change::Member(m.for_tills(lookup_key));
        }
    }
}

/// Writes `entries` (already masked) with new cursors, under the feed's lock.
async fn write(tx: &Transaction<'_>, entries: Vec<FeedEntry>) -> Result<(), DbError> {
    if entries.is_empty() {
        return Ok(());
    }
    // One row per key: ON CONFLICT DO UPDATE may not touch a row twice in one statement.
    let mut latest: HashMap<(String, String), usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        latest.insert((e.scope.clone(), e.key.clone()), i);
    }
    let mut keep: Vec<usize> = latest.into_values().collect();
    keep.sort_unstable();
    let scopes: Vec<&str> = keep.iter().map(|&i| entries[i].scope.as_str()).collect();
    let keys: Vec<&str> = keep.iter().map(|&i| entries[i].key.as_str()).collect();
    let changes: Vec<Json<&Change>> = keep.iter().map(|&i| Json(&entries[i].change)).collect();
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&FEED_LOCK_KEY])
        .await?;
    tx.execute(
        "INSERT INTO feed (scope, key, cursor, change)
         SELECT scope, key, nextval('feed_cursor'), change
         FROM unnest($1::text[], $2::text[], $3::json[]) AS c (scope, key, change)
         ON CONFLICT (scope, key) DO UPDATE SET cursor = excluded.cursor, change = excluded.change",
        &[&scopes, &keys, &changes],
    )
    .await?;
    Ok(())
}

/// Takes the feed's lock for a writer that sets cursors in SQL of its own (an RFM
/// run's members): call it last in the transaction, like [`publish`].
pub async fn lock(tx: &Transaction<'_>) -> Result<(), DbError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&FEED_LOCK_KEY])
        .await?;
    Ok(())
}

/// The lookup key, and which of `members` were erased: one round trip.
async fn lookup_key_and_erased(
    client: &impl GenericClient,
    members: &[String],
) -> Result<(String, Vec<String>), DbError> {
    let row = client
        .query_one(
            "SELECT value, ARRAY(SELECT id FROM members WHERE id = ANY($1) AND erased_at IS NOT NULL)
             FROM chain_secrets WHERE name = 'member_lookup_key'",
            &[&members],
        )
        .await?;
    Ok((row.get(0), row.get(1)))
}

/// The chain's key of members' phones (made by migration 18).
pub async fn member_lookup_key(client: &impl GenericClient) -> Result<String, DbError> {
    let row = client
        .query_one(
            "SELECT value FROM chain_secrets WHERE name = 'member_lookup_key'",
            &[],
        )
        .await?;
    Ok(row.get(0))
}

/// Sends the lookup key and every member again, masked (the migration that started
/// masking: rows published before it held full numbers).
pub async fn republish_members(tx: &Transaction<'_>) -> Result<(), DbError> {
    let key = member_lookup_key(tx).await?;
    write(
        tx,
        vec![FeedEntry::chain(Change::MemberLookupKey {
            key: key.clone(),
        })],
    )
    .await?;
    let rows = tx
        .query(
            "SELECT id, card_no, coalesce(phone, ''), name, tier, points_balance FROM members",
            &[],
        )
        .await?;
    // Published in slices: a chain's million members in one statement would hold all
    // their JSON at once.
    for slice in rows.chunks(10_000) {
        let mut entries = Vec::with_capacity(slice.len());
        for row in slice {
            let tier: String = row.get(4);
            let tier = pos_domain::member::Tier::from_code(&tier)
                .ok_or_else(|| DbError::Corrupt(format!("member tier {tier:?}")))?;
            entries.push(FeedEntry::chain(Change::Member(
                pos_domain::member::Member {
                    id: row.get(0),
                    card_no: row.get(1),
                    phone: row.get(2),
                    name: row.get(3),
                    tier,
                    points_balance: row.get(5),
                    phone_key: None,
                    tier_spend: None,
                    segment: None,
                },
            )));
        }
        // Written without `publish`'s check for erased members: this runs in migration
        // 18, before erasure (and its column) existed.
        mask_members(&mut entries, &key);
        write(tx, entries).await?;
    }
    Ok(())
}

/// One page of the feed as the JSON body of a [`FeedPage`](pos_domain::protocol::FeedPage), written from the stored
/// change texts without decoding them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPageJson {
    pub body: Vec<u8>,
    pub changes: usize,
    pub next_cursor: i64,
    pub more: bool,
}

/// Up to `limit` changes after `cursor` for `store_id` (chain-wide and the store's own),
/// in cursor order, as the JSON of a [`FeedPage`](pos_domain::protocol::FeedPage). `limit` is cut to [`FEED_LIMIT_MAX`].
///
/// Each stored change is the JSON of a [`Change`] (`{"entity":..,"data":..}`); a page
/// change is that object with `"cursor"` put first, which is what
/// [`FeedChange`](pos_domain::protocol::FeedChange) flattens to, so the bytes are spliced rather than decoded and encoded again.
pub async fn read_page(
    client: &mut tokio_postgres::Client,
    store_id: &str,
    cursor: i64,
    limit: u32,
) -> Result<FeedPageJson, DbError> {
    let limit = i64::from(limit.clamp(1, FEED_LIMIT_MAX));
    let tx = client.build_transaction().read_only(true).start().await?;
    // Two ordered index range scans merged, so other stores' rows are never walked
    // over and no more than `limit + 1` rows of each are read (the one past says `more`). Right after a large import
    // the table has no statistics yet; the planner then guesses a few hundred rows and
    // prefers a bitmap scan that reads and sorts every row after the cursor, for every
    // page (20 s instead of 1 s for a 200,000-SKU feed): these two settings rule that out.
    tx.batch_execute("SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off")
        .await?;
    let rows = tx
        .query(
            "SELECT cursor, change::text FROM (
                 (SELECT cursor, change FROM feed WHERE scope = $1 AND cursor > $3
                  ORDER BY cursor LIMIT $4)
                 UNION ALL
                 (SELECT cursor, change FROM feed WHERE scope = $2 AND cursor > $3
                  ORDER BY cursor LIMIT $4)
             ) AS f ORDER BY cursor LIMIT $4",
            &[&CHAIN_SCOPE, &store_id, &cursor, &(limit + 1)],
        )
        .await?;
    tx.commit().await?;
    let more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    let texts: Vec<(i64, &str)> = rows
        .iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect::<Result<_, tokio_postgres::Error>>()?;
    let next_cursor = texts.last().map_or(cursor, |(c, _)| *c);
    let body = page_json(&texts, next_cursor, more)?;
    Ok(FeedPageJson {
        body,
        changes: texts.len(),
        next_cursor,
        more,
    })
}

/// The JSON of a page from (cursor, stored change JSON) pairs.
fn page_json(changes: &[(i64, &str)], next_cursor: i64, more: bool) -> Result<Vec<u8>, DbError> {
    let size: usize = changes.iter().map(|(_, c)| c.len() + 24).sum();
    let mut body = Vec::with_capacity(size + 64);
    body.extend_from_slice(b"{\"changes\":[");
    for (i, (cursor, change)) in changes.iter().enumerate() {
        // What follows the object's `{`: its first member and the rest.
        let members = change
            .trim_start()
            .strip_prefix('{')
            .map(str::trim_start)
            .filter(|m| m.starts_with('"'))
            .ok_or_else(|| DbError::Corrupt(format!("feed change {cursor} is not an object")))?;
        if i > 0 {
            body.push(b',');
        }
        write!(body, "{{\"cursor\":{cursor},{members}").expect("writing to a Vec");
    }
    write!(body, "],\"next_cursor\":{next_cursor},\"more\":{more}}}").expect("writing to a Vec");
    Ok(body)
}

#[cfg(test)]
mod tests {
    use pos_domain::protocol::{FeedChange, FeedPage};

    use super::*;

    fn stock(sku: &str, quantity: i64) -> Change {
        Change::Stock {
            sku: sku.into(),
            lot_no: None,
            quantity,
        }
    }

    #[test]
    fn a_spliced_page_is_the_page_serde_writes() {
        let a = serde_json::to_string(&stock("A", 1)).unwrap();
        let b = serde_json::to_string(&Change::ProductDeleted { sku: "B".into() }).unwrap();
        let body = page_json(&[(3, &a), (7, &b)], 7, true).unwrap();
        let expected = FeedPage {
            changes: vec![
                FeedChange {
                    cursor: 3,
                    change: stock("A", 1),
                },
                FeedChange {
                    cursor: 7,
                    change: Change::ProductDeleted { sku: "B".into() },
                },
            ],
            next_cursor: 7,
            more: true,
        };
        assert_eq!(
            String::from_utf8(body).unwrap(),
            serde_json::to_string(&expected).unwrap()
        );
    }

    #[test]
    fn a_change_stored_as_jsonb_printed_it_still_reads_back() {
        // Rows written before migration 2 print as jsonb did: keys sorted, spaces.
        let c = r#" { "data": {"sku": "C", "lot_no": "L1", "quantity": -2}, "entity": "stock"}"#;
        let body = page_json(&[(9, c)], 9, false).unwrap();
        let page: FeedPage = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            page.changes,
            vec![FeedChange {
                cursor: 9,
                change: Change::Stock {
                    sku: "C".into(),
                    lot_no: Some("L1".into()),
                    quantity: -2,
                },
            }]
        );
    }

    #[test]
    fn an_empty_page_is_the_page_serde_writes() {
        let body = page_json(&[], 42, false).unwrap();
        let expected = FeedPage {
            changes: vec![],
            next_cursor: 42,
            more: false,
        };
        assert_eq!(body, serde_json::to_vec(&expected).unwrap());
    }

    #[test]
    fn a_stored_change_that_is_not_an_object_is_corrupt() {
        for bad in ["[1]", "{}", " { } ", "\"x\"", ""] {
            assert!(
                matches!(page_json(&[(1, bad)], 1, false), Err(DbError::Corrupt(_))),
                "{bad:?}"
            );
        }
    }
}
