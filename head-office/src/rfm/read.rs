//! What the console and the staff API show of the last run: members per segment with
//! their share and average scores (from the run's own counts, a few rows), and a
//! segment's members a page at a time, name and phone masked.

use chrono::{DateTime, NaiveDate, Utc};
use pos_domain::member::mask_phone;
use rust_decimal::Decimal;
use serde::Serialize;
use tokio_postgres::{GenericClient, Row};

use super::rules::{Segment, SegmentText};
use super::store;
use crate::error::DbError;
use crate::masking::mask_name;

/// Members a page shows unless asked otherwise, and at most.
pub const PER_PAGE_DEFAULT: i64 = 50;
pub const PER_PAGE_MAX: i64 = 500;

/// The page asked for, checked: `page` from 1, `per_page` from 1 to [`PER_PAGE_MAX`];
/// a refusal names the field.
pub fn page_of(page: Option<i64>, per_page: Option<i64>) -> Result<(i64, i64), String> {
    let page = page.unwrap_or(1);
    if page < 1 || page > i64::from(i32::MAX) {
        return Err(format!("page: {page} is not a page number from 1"));
    }
    let per_page = per_page.unwrap_or(PER_PAGE_DEFAULT);
    if !(1..=PER_PAGE_MAX).contains(&per_page) {
        return Err(format!(
            "per_page: {per_page} is not from 1 to {PER_PAGE_MAX}"
        ));
    }
    Ok((page, per_page))
}

/// The last run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunInfo {
    pub run_id: i64,
    pub as_of: NaiveDate,
    pub window_days: i32,
    pub computed_at: DateTime<Utc>,
    pub members: i64,
    pub took_ms: i64,
}

/// One segment in the last run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentSummary {
    pub code: String,
    pub precedence: i32,
    pub name_zh: String,
    pub name_en: String,
    pub r_rule: String,
    pub f_rule: String,
    pub m_rule: String,
    pub members: i64,
    /// Percent of the run's scored members, to 0.1.
    pub share_percent: Decimal,
    pub average_r: Decimal,
    pub average_f: Decimal,
    pub average_m: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// `None` before the first run.
    pub run: Option<RunInfo>,
    pub segments: Vec<SegmentSummary>,
    /// Scored members no segment's rules took.
    pub unsegmented: i64,
}

fn numeric(row: &Row, column: usize) -> Result<Decimal, DbError> {
    let text: String = row.get(column);
    text.parse()
        .map_err(|e| DbError::Corrupt(format!("a stored figure {text:?}: {e}")))
}

/// The segments (in order of precedence) with the last run's figures.
pub async fn summary(client: &impl GenericClient) -> Result<Summary, DbError> {
    let run = client
        .query_opt(
            "SELECT id, as_of, window_days, computed_at, members, took_ms
             FROM rfm_runs ORDER BY id DESC LIMIT 1",
            &[],
        )
        .await?
        .map(|r| RunInfo {
            run_id: r.get(0),
            as_of: r.get(1),
            window_days: r.get(2),
            computed_at: r.get(3),
            members: r.get(4),
            took_ms: r.get(5),
        });
    let mut figures = std::collections::HashMap::new();
    if let Some(run) = &run {
        let rows = client
            .query(
                "SELECT segment_code, members, average_r::text, average_f::text, average_m::text
                 FROM rfm_run_segments WHERE run_id = $1",
                &[&run.run_id],
            )
            .await?;
        for r in &rows {
            let averages = [numeric(r, 2)?, numeric(r, 3)?, numeric(r, 4)?];
            figures.insert(r.get::<_, String>(0), (r.get::<_, i64>(1), averages));
        }
    }
    let total = run.as_ref().map_or(0, |r| r.members);
    let share = |n: i64| {
        (Decimal::from(n) * Decimal::ONE_HUNDRED)
            .checked_div(Decimal::from(total))
            .map_or(Decimal::ZERO, |s| {
                let mut s = s.round_dp(1);
                s.rescale(1);
                s
            })
    };
    let segments = store::load_segments(client)
        .await?
        .into_iter()
        .map(|s: Segment| {
            let (members, [r, f, m]) = figures
                .get(&s.code)
                .cloned()
                .unwrap_or((0, [Decimal::ZERO; 3]));
            let SegmentText {
                code,
                precedence: _,
                name_zh,
                name_en,
                r_rule,
                f_rule,
                m_rule,
            } = s.text();
            SegmentSummary {
                code,
                precedence: s.precedence,
                name_zh,
                name_en,
                r_rule,
                f_rule,
                m_rule,
                members,
                share_percent: share(members),
                average_r: r,
                average_f: f,
                average_m: m,
            }
        })
        .collect();
    Ok(Summary {
        run,
        segments,
        unsegmented: figures.get("").map_or(0, |f| f.0),
    })
}

/// A member of a segment as the console and the API show them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentMember {
    pub member_id: String,
    pub card_no: String,
    /// Masked: 王**.
    pub name: String,
    /// Masked: 138****5678.
    pub phone: String,
    pub last_purchase: NaiveDate,
    pub recency_days: i32,
    pub frequency: i64,
    /// Sales less returns in the window.
    pub monetary: Decimal,
    pub r_score: i16,
    pub f_score: i16,
    pub m_score: i16,
}

/// A segment's members, in member id order; the caller adds `LIMIT`/`OFFSET` or not.
pub const MEMBERS_SQL: &str = "
SELECT r.member_id, m.card_no, m.name, coalesce(m.phone, ''), r.last_purchase,
       r.recency_days, r.frequency, r.monetary::text, r.r_score, r.f_score, r.m_score
FROM member_rfm r JOIN members m ON m.id = r.member_id
WHERE r.segment_code = $1
ORDER BY r.member_id";

pub fn member_of_row(row: &Row) -> Result<SegmentMember, DbError> {
    Ok(SegmentMember {
        member_id: row.get(0),
        card_no: row.get(1),
        name: mask_name(row.get(2)),
        phone: mask_phone(row.get(3)),
        last_purchase: row.get(4),
        recency_days: row.get(5),
        frequency: row.get(6),
        monetary: numeric(row, 7)?,
        r_score: row.get(8),
        f_score: row.get(9),
        m_score: row.get(10),
    })
}

/// One page of a segment's members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentMembers {
    pub code: String,
    pub total: i64,
    /// From 1.
    pub page: i64,
    pub per_page: i64,
    pub members: Vec<SegmentMember>,
}

/// Page `page` (from 1) of `per_page` members of segment `code`.
pub async fn members(
    client: &impl GenericClient,
    code: &str,
    page: i64,
    per_page: i64,
) -> Result<SegmentMembers, DbError> {
    let total: i64 = client
        .query_one(
            "SELECT count(*) FROM member_rfm WHERE segment_code = $1",
            &[&code],
        )
        .await?
        .get(0);
    let offset = (page - 1).saturating_mul(per_page);
    let rows = client
        .query(
            &format!("{MEMBERS_SQL} LIMIT $2 OFFSET $3"),
            &[&code, &per_page, &offset],
        )
        .await?;
    Ok(SegmentMembers {
        code: code.to_owned(),
        total,
        page,
        per_page,
        members: rows.iter().map(member_of_row).collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_checked_naming_the_field() {
        assert_eq!(page_of(None, None), Ok((1, PER_PAGE_DEFAULT)));
        assert_eq!(page_of(Some(3), Some(500)), Ok((3, 500)));
        assert!(page_of(Some(0), None).unwrap_err().starts_with("page:"));
        assert!(
            page_of(None, Some(501))
                .unwrap_err()
                .starts_with("per_page:")
        );
        assert!(page_of(None, Some(0)).unwrap_err().starts_with("per_page:"));
    }
}
