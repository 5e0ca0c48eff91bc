//! The segments as stored (`rfm_segments`): read in order of precedence, and one
//! segment's names, precedence and rules changed (by an admin in the console, which
//! audits it in the same transaction; a refused change leaves everything as it was).

use tokio_postgres::{GenericClient, Row, Transaction};

use super::rules::{Rule, Segment, SegmentError, SegmentText};
use crate::error::DbError;

const COLUMNS: &str = "code, precedence, name_zh, name_en, r_rule, f_rule, m_rule";

fn text_of(row: &Row) -> SegmentText {
    SegmentText {
        code: row.get(0),
        precedence: row.get::<_, i32>(1).to_string(),
        name_zh: row.get(2),
        name_en: row.get(3),
        r_rule: row.get(4),
        f_rule: row.get(5),
        m_rule: row.get(6),
    }
}

fn parsed(text: SegmentText) -> Result<Segment, DbError> {
    text.parse()
        .map_err(|e| DbError::Corrupt(format!("segment {}: {e}", text.code)))
}

/// Every segment, in order of precedence.
pub async fn load_segments(client: &impl GenericClient) -> Result<Vec<Segment>, DbError> {
    let rows = client
        .query(
            &format!("SELECT {COLUMNS} FROM rfm_segments ORDER BY precedence"),
            &[],
        )
        .await?;
    rows.iter().map(|r| parsed(text_of(r))).collect()
}

/// One segment, `None` when no segment has the code.
pub async fn load_segment(
    client: &impl GenericClient,
    code: &str,
) -> Result<Option<Segment>, DbError> {
    let row = client
        .query_opt(
            &format!("SELECT {COLUMNS} FROM rfm_segments WHERE code = $1"),
            &[&code],
        )
        .await?;
    row.map(|r| parsed(text_of(&r))).transpose()
}

/// Why a segment was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(transparent)]
    Invalid(#[from] SegmentError),
    #[error("there is no segment {0:?}")]
    Unknown(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<tokio_postgres::Error> for SaveError {
    fn from(e: tokio_postgres::Error) -> Self {
        SaveError::Db(e.into())
    }
}

/// Saves the names, precedence and rules of the segment `text.code` in `tx`; returns
/// the segment as it was before and as it is now (equal when nothing changed). The new
/// rules apply from the next run.
pub async fn save_segment(
    tx: &Transaction<'_>,
    text: &SegmentText,
) -> Result<(Segment, Segment), SaveError> {
    let segment = text.parse()?;
    // Two admins saving at once: the precedence check and the update see each other.
    tx.execute("LOCK TABLE rfm_segments IN SHARE ROW EXCLUSIVE MODE", &[])
        .await?;
    let Some(before) = load_segment(tx, &segment.code).await? else {
        return Err(SaveError::Unknown(segment.code));
    };
    let taken: Option<String> = tx
        .query_opt(
            "SELECT code FROM rfm_segments WHERE precedence = $1 AND code <> $2",
            &[&segment.precedence, &segment.code],
        )
        .await?
        .map(|r| r.get(0));
    if let Some(other) = taken {
        return Err(SegmentError {
            field: "precedence",
            value: segment.precedence.to_string(),
            why: format!("is taken by segment {other}"),
        }
        .into());
    }
    if before != segment {
        tx.execute(
            "UPDATE rfm_segments SET precedence = $2, name_zh = $3, name_en = $4,
                    r_rule = $5, f_rule = $6, m_rule = $7
             WHERE code = $1",
            &[
                &segment.code,
                &segment.precedence,
                &segment.name_zh,
                &segment.name_en,
                &segment.r.text(),
                &segment.f.text(),
                &segment.m.text(),
            ],
        )
        .await?;
    }
    Ok((before, segment))
}

/// The rules in a line: `R high · F any · M 4-5`.
pub fn rules_line(segment: &Segment) -> String {
    let show = |r: Rule| r.text();
    format!(
        "R {} · F {} · M {}",
        show(segment.r),
        show(segment.f),
        show(segment.m)
    )
}
