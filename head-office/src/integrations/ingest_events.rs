//! The events of a batch's accepted documents, written in ingest's transaction:
//! [`before`] notes which members the documents name already exist, before ingest adds
//! any; [`record`], after ingest has applied the documents (and published the tills'
//! feed), writes per document in sequence order the members it created or merged, the
//! sale, return or void itself, and its point-ledger entries.

use std::collections::{HashMap, HashSet};

use pos_domain::document::{Document, DocumentBody, SaleMember};
use serde_json::{Value, json};
use tokio_postgres::GenericClient;
use uuid::Uuid;

use super::events::{self, EventKind, NewEvent};
use crate::error::DbError;

/// The member ids the documents name, and those that existed before ingest applied them
/// (as members or as merged till ids).
#[derive(Debug, Default)]
pub struct Before {
    named: Vec<String>,
    existing: HashSet<String>,
}

/// Every member id a document names: a registration's, a sale's or return's member, a
/// point adjustment's.
fn named_members(doc: &Document) -> Option<&str> {
    fn of(m: &Option<SaleMember>) -> Option<&str> {
        m.as_ref().map(|m| m.member_id.as_str())
    }
    match &doc.body {
        DocumentBody::MemberRegistration(r) => Some(&r.member_id),
        DocumentBody::Sale(s) => of(&s.member),
        DocumentBody::Return(r) => of(&r.member),
        DocumentBody::PointAdjustment(p) => Some(&p.member_id),
        _ => None,
    }
}

pub async fn before(
    client: &impl GenericClient,
    accepted: &[&Document],
) -> Result<Before, DbError> {
    let mut named: Vec<String> = accepted
        .iter()
        .filter_map(|d| named_members(d).map(str::to_owned))
        .collect();
    named.sort();
    named.dedup();
    if named.is_empty() {
        return Ok(Before::default());
    }
    let existing = client
        .query(
            "SELECT id FROM members WHERE id = ANY($1)
             UNION SELECT alias_id FROM member_aliases WHERE alias_id = ANY($1)",
            &[&named],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok(Before { named, existing })
}

/// Writes the events of `accepted` (see the module's comment). Call it last before
/// commit: it takes the events' lock.
pub async fn record(
    client: &impl GenericClient,
    before: Before,
    accepted: &[&Document],
) -> Result<(), DbError> {
    let ids: Vec<Uuid> = accepted.iter().map(|d| d.id).collect();
    let mut created: HashSet<String> = HashSet::new();
    let mut canonical: HashMap<String, String> = HashMap::new();
    if !before.named.is_empty() {
        for row in client
            .query(
                "SELECT id FROM members WHERE id = ANY($1)",
                &[&before.named],
            )
            .await?
        {
            let id: String = row.get(0);
            if !before.existing.contains(&id) {
                created.insert(id.clone());
            }
            canonical.insert(id.clone(), id);
        }
        for row in client
            .query(
                "SELECT alias_id, member_id FROM member_aliases WHERE alias_id = ANY($1)",
                &[&before.named],
            )
            .await?
        {
            canonical.insert(row.get(0), row.get(1));
        }
    }
    let mut merged: HashMap<Uuid, (String, String)> = HashMap::new();
    for row in client
        .query(
            "SELECT document_id, alias_id, member_id FROM member_aliases WHERE document_id = ANY($1)",
            &[&ids],
        )
        .await?
    {
        merged.insert(row.get(0), (row.get(1), row.get(2)));
    }
    let mut points: HashMap<Uuid, Vec<NewEvent>> = HashMap::new();
    for row in client
        .query(
            "SELECT document_id, entry, member_id, points, balance_after, store_id
             FROM point_ledger WHERE document_id = ANY($1) ORDER BY document_id, entry",
            &[&ids],
        )
        .await?
    {
        let document_id: Uuid = row.get(0);
        points.entry(document_id).or_default().push(NewEvent {
            kind: EventKind::PointsChanged,
            member_id: Some(row.get(2)),
            data: json!({
                "document_id": document_id,
                "entry": row.get::<_, String>(1),
                "points": row.get::<_, i64>(3),
                "balance_after": row.get::<_, i64>(4),
                "store_id": row.get::<_, String>(5),
            }),
        });
    }

    let mut out = Vec::new();
    for doc in accepted {
        if let Some(id) = named_members(doc)
            && created.remove(id)
        {
            out.push(NewEvent {
                kind: EventKind::MemberCreated,
                member_id: Some(id.to_owned()),
                data: json!({ "source": "till", "store_id": doc.store_id, "document_id": doc.id }),
            });
        }
        if let Some((alias_id, member_id)) = merged.remove(&doc.id) {
            out.push(NewEvent {
                kind: EventKind::MemberMerged,
                member_id: Some(member_id),
                data: json!({ "alias_id": alias_id, "store_id": doc.store_id, "document_id": doc.id }),
            });
        }
        let member = named_members(doc).map(|id| canonical.get(id).cloned().unwrap_or(id.into()));
        if let Some(event) = document_event(doc, member) {
            out.push(event);
        }
        out.extend(points.remove(&doc.id).unwrap_or_default());
    }
    events::record(client, &out).await
}

/// The sale, return or void `doc` is, as an event; `member` is its member's id at head
/// office (a merged till id resolved).
fn document_event(doc: &Document, member: Option<String>) -> Option<NewEvent> {
    let head = |extra: Value| {
        let mut data = json!({
            "document_id": doc.id,
            "store_id": doc.store_id,
            "terminal_id": doc.terminal_id,
            "sequence": doc.sequence,
            "business_date": doc.business_date,
            "created_at": doc.created_at,
        });
        if let (Value::Object(data), Value::Object(extra)) = (&mut data, extra) {
            data.extend(extra);
        }
        data
    };
    let (kind, data) = match &doc.body {
        DocumentBody::Sale(s) => (
            EventKind::Sale,
            head(json!({
                "total": s.total.to_string(),
                "points_earned": s.points_earned,
                "points_redeemed": s.points_redeemed,
                "lines": s.lines.iter().map(|l| json!({
                    "sku": l.sku, "quantity": l.quantity, "net": l.net.to_string(),
                })).collect::<Vec<_>>(),
            })),
        ),
        DocumentBody::Return(r) => (
            EventKind::Return,
            head(json!({
                "original_sale_id": r.original_sale_id,
                "total": r.total.to_string(),
                "points_reversed": r.points_reversed,
                "points_refunded": r.points_refunded,
                "lines": r.lines.iter().map(|l| json!({
                    "sku": l.sku, "quantity": l.quantity, "refund": l.refund.to_string(),
                })).collect::<Vec<_>>(),
            })),
        ),
        DocumentBody::Void(v) => (
            EventKind::Void,
            head(json!({ "sale_id": v.sale_id, "total": v.total.to_string() })),
        ),
        _ => return None,
    };
    let member = match &doc.body {
        DocumentBody::Sale(_) | DocumentBody::Return(_) => member,
        _ => None,
    };
    Some(NewEvent {
        kind,
        member_id: member,
        data,
    })
}
