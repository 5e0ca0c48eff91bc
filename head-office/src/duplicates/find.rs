//! Proposing likely duplicates: the database groups members by folded name (only names
//! held by two or more members come back, block by block in name order); each block is
//! searched for near phones ([`super::near`]). A pair proposed once (open, merged or
//! dismissed) is never proposed again.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use tokio_postgres::GenericClient;

use super::near::{
    Candidate, NearPair, full_width_fold, normalized_name, normalized_phone, pairs_in_block,
};
use crate::error::DbError;

/// What one search did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchSummary {
    /// Members who share their folded name with another member.
    pub examined: u64,
    /// Pairs proposed now (not proposed before).
    pub proposed: u64,
    pub took: Duration,
}

/// Searches every member and stores the new proposals.
pub async fn search(client: &impl GenericClient) -> Result<SearchSummary, DbError> {
    let started = Instant::now();
    let (wide, narrow) = full_width_fold();
    let params: [&(dyn tokio_postgres::types::ToSql + Sync); 2] = [&wide, &narrow];
    let rows = client
        .query_raw(
            "WITH n AS (
                 SELECT id, name, phone,
                        lower(regexp_replace(translate(name, $1, $2), '\\s+', '', 'g')) AS folded
                 FROM members WHERE phone IS NOT NULL AND phone <> '' AND btrim(name) <> ''
             )
             SELECT folded, id, name, phone FROM n
             WHERE folded IN (SELECT folded FROM n GROUP BY folded HAVING count(*) > 1)
             ORDER BY folded, id",
            params,
        )
        .await?;
    let mut rows = std::pin::pin!(rows);
    let (mut examined, mut proposed) = (0u64, 0u64);
    let mut block: Vec<(String, Candidate)> = Vec::new();
    let mut block_key: Option<String> = None;
    let mut pairs: Vec<NearPair> = Vec::new();
    while let Some(row) = rows.try_next().await? {
        let folded: String = row.get(0);
        if block_key.as_deref() != Some(folded.as_str()) {
            pairs.extend(pairs_by_name(std::mem::take(&mut block)));
            block_key = Some(folded);
        }
        examined += 1;
        let name: String = row.get(2);
        block.push((
            normalized_name(&name),
            Candidate {
                id: row.get(1),
                phone: normalized_phone(&row.get::<_, String>(3)),
            },
        ));
        if pairs.len() >= 1_000 {
            proposed += store(client, &std::mem::take(&mut pairs)).await?;
        }
    }
    pairs.extend(pairs_by_name(block));
    proposed += store(client, &pairs).await?;
    Ok(SearchSummary {
        examined,
        proposed,
        took: started.elapsed(),
    })
}

/// The database's block split by the name as this module folds it (the database's
/// fold is what lets it group; this one decides).
fn pairs_by_name(block: Vec<(String, Candidate)>) -> Vec<NearPair> {
    let mut by_name: std::collections::BTreeMap<String, Vec<Candidate>> = Default::default();
    for (name, candidate) in block {
        by_name.entry(name).or_default().push(candidate);
    }
    by_name.values().flat_map(|b| pairs_in_block(b)).collect()
}

/// Stores the pairs not proposed before; returns how many.
async fn store(client: &impl GenericClient, pairs: &[NearPair]) -> Result<u64, DbError> {
    if pairs.is_empty() {
        return Ok(0);
    }
    let a: Vec<&str> = pairs.iter().map(|p| p.a.as_str()).collect();
    let b: Vec<&str> = pairs.iter().map(|p| p.b.as_str()).collect();
    let evidence: Vec<&str> = pairs.iter().map(|p| p.evidence.as_str()).collect();
    Ok(client
        .execute(
            "INSERT INTO member_duplicate_proposals (member_a, member_b, evidence)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
             ON CONFLICT (member_a, member_b) DO NOTHING",
            &[&a, &b, &evidence],
        )
        .await?)
}
