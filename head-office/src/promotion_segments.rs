//! A promotion for an RFM segment names a segment head office defines
//! (`rfm_segments`): one with any other code would never price at any till, so it is
//! refused, by the console's form and by an import alike, with what was named.

use pos_domain::promotion::Promotion;
use tokio_postgres::GenericClient;

use crate::error::DbError;

/// A promotion names a segment that is not defined.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("promotion {promotion}: segment {segment:?} is not an RFM segment head office defines")]
pub struct UnknownSegment {
    pub promotion: String,
    pub segment: String,
}

/// The first promotion naming a segment that is not defined, if any.
pub async fn check(
    client: &impl GenericClient,
    promotions: &[Promotion],
) -> Result<Result<(), UnknownSegment>, DbError> {
    let named: Vec<&str> = promotions
        .iter()
        .filter_map(|p| p.segment.as_deref())
        .collect();
    if named.is_empty() {
        return Ok(Ok(()));
    }
    let defined: Vec<String> = client
        .query(
            "SELECT code FROM rfm_segments WHERE code = ANY($1)",
            &[&named],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let unknown = promotions.iter().find_map(|p| {
        let segment = p.segment.as_deref()?;
        (!defined.iter().any(|d| d == segment)).then(|| UnknownSegment {
            promotion: p.id.clone(),
            segment: segment.to_owned(),
        })
    });
    Ok(unknown.map_or(Ok(()), Err))
}

/// The defined segments' codes and names (zh-CN, English), in order of precedence:
/// what the console's promotion form offers.
pub async fn choices(
    client: &impl GenericClient,
) -> Result<Vec<(String, String, String)>, DbError> {
    let rows = client
        .query(
            "SELECT code, name_zh, name_en FROM rfm_segments ORDER BY precedence",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}
