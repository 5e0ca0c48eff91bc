//! The events of head office's catalog import (`head-office import`) for its member
//! rows, written in the import's transaction: [`before`] keeps the members as they were,
//! [`record`] (after the tills' feed is published) reports each member created or
//! changed and each balance the import set through the point ledger.

use std::collections::HashMap;

use pos_domain::member::Member;
use serde_json::json;
use tokio_postgres::GenericClient;

use super::events::{self, EventKind, NewEvent};
use crate::error::DbError;

/// The file's members as they were: id -> (phone, name, tier).
#[derive(Debug, Default)]
pub struct Before(HashMap<String, (Option<String>, String, String)>);

pub async fn before(client: &impl GenericClient, members: &[Member]) -> Result<Before, DbError> {
    if members.is_empty() {
        return Ok(Before::default());
    }
    let ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
    let rows = client
        .query(
            "SELECT id, phone, name, tier FROM members WHERE id = ANY($1)",
            &[&ids],
        )
        .await?;
    Ok(Before(
        rows.iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2), r.get(3))))
            .collect(),
    ))
}

/// Writes the events; call it after the tills' feed is published, last before commit.
pub async fn record(
    client: &impl GenericClient,
    before: Before,
    members: &[Member],
) -> Result<(), DbError> {
    if members.is_empty() {
        return Ok(());
    }
    let mut out = Vec::new();
    for m in members {
        let phone = Some(m.phone.clone()).filter(|p| !p.is_empty());
        match before.0.get(&m.id) {
            None => out.push(NewEvent {
                kind: EventKind::MemberCreated,
                member_id: Some(m.id.clone()),
                data: json!({ "source": "import" }),
            }),
            Some((old_phone, old_name, old_tier)) => {
                let changed: Vec<&str> = [
                    ("phone", *old_phone != phone),
                    ("name", *old_name != m.name),
                    ("tier", old_tier != m.tier.code()),
                ]
                .into_iter()
                .filter(|(_, differs)| *differs)
                .map(|(field, _)| field)
                .collect();
                if !changed.is_empty() {
                    out.push(NewEvent {
                        kind: EventKind::MemberChanged,
                        member_id: Some(m.id.clone()),
                        data: json!({ "fields": changed, "source": "import" }),
                    });
                }
            }
        }
    }
    // The ledger rows this transaction wrote (a row's xmin is the transaction that
    // inserted it; ledger rows are never updated).
    let ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
    for row in client
        .query(
            "SELECT document_id, member_id, points, balance_after FROM point_ledger
             WHERE entry = 'import' AND member_id = ANY($1)
               AND xmin::text::bigint = pg_current_xact_id()::text::bigint % 4294967296
             ORDER BY member_id",
            &[&ids],
        )
        .await?
    {
        out.push(NewEvent {
            kind: EventKind::PointsChanged,
            member_id: Some(row.get(1)),
            data: json!({
                "document_id": row.get::<_, uuid::Uuid>(0),
                "entry": "import",
                "points": row.get::<_, i64>(2),
                "balance_after": row.get::<_, i64>(3),
                "store_id": "",
            }),
        });
    }
    events::record(client, &out).await
}
