//! The open organisation proposals as the console lists them, with the evidence: both
//! organisations' names, credit codes, kinds, departments and how many contacts and
//! qualifications each has. A proposal whose organisation is gone (merged elsewhere) is
//! not listed.

use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;

use super::org_names::OrgEvidence;
use crate::error::DbError;

/// Proposals on one page of the console.
pub const LISTED_MAX: i64 = 200;

/// One side of a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSide {
    pub id: String,
    pub name: String,
    pub credit_code: String,
    pub kind: String,
    pub departments: Vec<String>,
    pub contacts: i64,
    pub qualifications: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgProposal {
    pub id: i64,
    pub a: OrgSide,
    pub b: OrgSide,
    pub evidence: Option<OrgEvidence>,
    pub proposed_at: DateTime<Utc>,
}

/// The open proposals, oldest first, at most [`LISTED_MAX`].
pub async fn open(client: &impl GenericClient) -> Result<Vec<OrgProposal>, DbError> {
    let side = |o: &str| {
        format!(
            "{o}.id, {o}.name, {o}.credit_code, {o}.kind, {o}.departments,
             (SELECT count(*) FROM organisation_contacts c WHERE c.organisation_id = {o}.id),
             (SELECT count(*) FROM organisation_qualifications q WHERE q.organisation_id = {o}.id)"
        )
    };
    let rows = client
        .query(
            &format!(
                "SELECT p.id, p.evidence, p.proposed_at, {}, {}
                 FROM organisation_duplicate_proposals p
                 JOIN organisations a ON a.id = p.organisation_a
                 JOIN organisations b ON b.id = p.organisation_b
                 WHERE p.status = 'open'
                 ORDER BY p.id LIMIT $1",
                side("a"),
                side("b")
            ),
            &[&LISTED_MAX],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let side = |at: usize| OrgSide {
                id: r.get(at),
                name: r.get(at + 1),
                credit_code: r.get(at + 2),
                kind: r.get(at + 3),
                departments: r.get(at + 4),
                contacts: r.get(at + 5),
                qualifications: r.get(at + 6),
            };
            OrgProposal {
                id: r.get(0),
                evidence: OrgEvidence::parse(r.get(1)),
                proposed_at: r.get(2),
                a: side(3),
                b: side(10),
            }
        })
        .collect())
}

/// One open proposal's pair (`organisation_a`, `organisation_b`), if open.
pub async fn open_pair(
    client: &impl GenericClient,
    id: i64,
) -> Result<Option<(String, String)>, DbError> {
    Ok(client
        .query_opt(
            "SELECT organisation_a, organisation_b FROM organisation_duplicate_proposals
             WHERE id = $1 AND status = 'open'",
            &[&id],
        )
        .await?
        .map(|r| (r.get(0), r.get(1))))
}

/// Dismisses an open proposal (the pair is not proposed again); false when it was not
/// open.
pub async fn dismiss(
    client: &impl GenericClient,
    id: i64,
    by: &str,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(client
        .execute(
            "UPDATE organisation_duplicate_proposals
             SET status = 'dismissed', decided_by = $2, decided_at = $3
             WHERE id = $1 AND status = 'open'",
            &[&id, &by, &at],
        )
        .await?
        == 1)
}
