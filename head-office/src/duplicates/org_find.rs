//! Proposing likely duplicate organisations: every organisation is read (a chain has
//! thousands, not millions) and paired by [`super::org_names`]. A pair proposed once
//! (open, merged or dismissed) is never proposed again.

use std::time::{Duration, Instant};

use tokio_postgres::GenericClient;

use super::org_names::{OrgCandidate, org_pairs};
use crate::error::DbError;

/// What one search did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgSearchSummary {
    /// Organisations read.
    pub examined: u64,
    /// Pairs proposed now (not proposed before).
    pub proposed: u64,
    pub took: Duration,
}

/// Searches every organisation and stores the new proposals.
pub async fn search(client: &impl GenericClient) -> Result<OrgSearchSummary, DbError> {
    let started = Instant::now();
    let orgs: Vec<OrgCandidate> = client
        .query("SELECT id, name, credit_code FROM organisations", &[])
        .await?
        .iter()
        .map(|r| OrgCandidate {
            id: r.get(0),
            name: r.get(1),
            credit_code: r.get(2),
        })
        .collect();
    let pairs = org_pairs(&orgs);
    let a: Vec<&str> = pairs.iter().map(|p| p.a.as_str()).collect();
    let b: Vec<&str> = pairs.iter().map(|p| p.b.as_str()).collect();
    let evidence: Vec<&str> = pairs.iter().map(|p| p.evidence.code()).collect();
    let proposed = if pairs.is_empty() {
        0
    } else {
        client
            .execute(
                "INSERT INTO organisation_duplicate_proposals (organisation_a, organisation_b, evidence)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
                 ON CONFLICT (organisation_a, organisation_b) DO NOTHING",
                &[&a, &b, &evidence],
            )
            .await?
    };
    Ok(OrgSearchSummary {
        examined: orgs.len() as u64,
        proposed,
        took: started.elapsed(),
    })
}
