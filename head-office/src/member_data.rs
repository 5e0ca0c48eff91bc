//! What head office holds about one member as a person, for the member's request to see
//! it (个人信息查阅/导出, PIPL art. 45): the profile with the full phone and name, the ids
//! and cards tills gave them before head office merged them, cards head office
//! reissued, and every point-ledger entry with its document. The caller reads it in one
//! snapshot. Not in it yet: the registration documents as the till wrote them and the
//! lines of purchases without points (the device sales record and the trace hold them).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use crate::error::DbError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberExport {
    pub exported_at: DateTime<Utc>,
    pub member: Profile,
    /// Ids and cards tills gave the member offline, merged into this record by phone.
    pub till_ids: Vec<TillId>,
    /// Cards head office gave in place of one a till had issued twice.
    pub card_reissues: Vec<CardReissue>,
    pub point_ledger: Vec<LedgerEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub id: String,
    pub card_no: String,
    pub phone: Option<String>,
    pub name: String,
    pub tier: String,
    pub points_balance: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TillId {
    pub till_member_id: String,
    pub card_no: String,
    pub merged_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardReissue {
    pub till_card_no: String,
    pub card_no: String,
    pub reissued_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    pub document_id: Uuid,
    /// earn, redeem, reverse_earn, refund_redeem, void_earn, void_redeem, adjust.
    pub entry: String,
    pub points: i64,
    pub balance_after: i64,
    pub store_id: String,
    /// The document's kind and business date, where head office has the document.
    pub document_kind: Option<String>,
    pub business_date: Option<NaiveDate>,
    pub recorded_at: DateTime<Utc>,
    /// Who recorded the entry (the document's operator, the console user) and why.
    pub operator_id: Option<String>,
    pub reason: Option<String>,
}

/// The member `id`'s data, or `None` when there is no such member.
pub async fn export(
    client: &impl GenericClient,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Option<MemberExport>, DbError> {
    let Some(row) = client
        .query_opt(
            "SELECT id, card_no, phone, name, tier, points_balance, created_at
             FROM members WHERE id = $1",
            &[&id],
        )
        .await?
    else {
        return Ok(None);
    };
    let member = Profile {
        id: row.get(0),
        card_no: row.get(1),
        phone: row.get(2),
        name: row.get(3),
        tier: row.get(4),
        points_balance: row.get(5),
        created_at: row.get(6),
    };
    let till_ids = client
        .query(
            "SELECT alias_id, card_no, merged_at FROM member_aliases
             WHERE member_id = $1 ORDER BY merged_at, alias_id",
            &[&id],
        )
        .await?
        .iter()
        .map(|r| TillId {
            till_member_id: r.get(0),
            card_no: r.get(1),
            merged_at: r.get(2),
        })
        .collect();
    let card_reissues = client
        .query(
            "SELECT till_card_no, card_no, reissued_at FROM member_card_reissues
             WHERE member_id = $1 ORDER BY reissued_at, id",
            &[&id],
        )
        .await?
        .iter()
        .map(|r| CardReissue {
            till_card_no: r.get(0),
            card_no: r.get(1),
            reissued_at: r.get(2),
        })
        .collect();
    let point_ledger = client
        .query(
            "SELECT l.document_id, l.entry, l.points, l.balance_after, l.store_id, d.kind,
                    d.business_date, l.recorded_at, l.operator_id, l.reason
             FROM point_ledger l LEFT JOIN documents d ON d.id = l.document_id
             WHERE l.member_id = $1 ORDER BY l.recorded_at, l.document_id, l.entry",
            &[&id],
        )
        .await?
        .iter()
        .map(|r| LedgerEntry {
            document_id: r.get(0),
            entry: r.get(1),
            points: r.get(2),
            balance_after: r.get(3),
            store_id: r.get(4),
            document_kind: r.get(5),
            business_date: r.get(6),
            recorded_at: r.get(7),
            operator_id: r.get(8),
            reason: r.get(9),
        })
        .collect();
    Ok(Some(MemberExport {
        exported_at: now,
        member,
        till_ids,
        card_reissues,
        point_ledger,
    }))
}
