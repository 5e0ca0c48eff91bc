//! One RFM run: read each member's purchases in the window from `sales_by_member_day`
//! (aliases resolved, members only), score and segment them ([`super::assign`]), and
//! replace `member_rfm` with the result, with the run's row and its per-segment counts;
//! the members whose segment changed go down the feed ([`super::publish`]).
//!
//! Locks: the read is a plain read-only snapshot (ingest and folding go on); the write
//! copies the new rows into a table of their own and puts it in `member_rfm`'s place
//! in one transaction, so readers see the previous run until it commits (waiting only
//! from the swap to the commit, a moment) and no table ingest writes is locked. Two runs at once
//! take turns on an advisory lock. Statements run without the server's request timeout
//! (a run over a million members takes longer than a request may).

use std::collections::BTreeMap;
use std::pin::pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::{SinkExt, TryStreamExt};
use rust_decimal::Decimal;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, IsolationLevel};

use super::{Activity, Averages, Scored, WINDOW_DAYS_MAX, assign, store, window};
use crate::error::DbError;

/// Serialises RFM runs across processes (the command and `serve`'s schedule).
const RFM_LOCK_KEY: i64 = 0x5246_4d5f_5255_4e31;

/// The new rows, copied into a table of their own without indexes, get their indexes
/// built by sorting and take the old table's place: no row of the last run is deleted
/// one by one, and the table is locked only from the `DROP` to the commit.
const SWAP_SQL: &str = "
ALTER TABLE member_rfm_next ADD CONSTRAINT member_rfm_next_pkey PRIMARY KEY (member_id);
CREATE INDEX member_rfm_next_by_segment ON member_rfm_next (segment_code, member_id);
DROP TABLE member_rfm;
ALTER TABLE member_rfm_next RENAME TO member_rfm;
ALTER INDEX member_rfm_next_pkey RENAME TO member_rfm_pkey;
ALTER INDEX member_rfm_next_by_segment RENAME TO member_rfm_by_segment;
ANALYZE member_rfm;";

/// Rows sent to `COPY` per message.
const COPY_CHUNK_BYTES: usize = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum RfmError {
    #[error("window_days: {0} is not from 1 to {WINDOW_DAYS_MAX}")]
    BadWindow(i64),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<tokio_postgres::Error> for RfmError {
    fn from(e: tokio_postgres::Error) -> Self {
        RfmError::Db(e.into())
    }
}

/// What a run did, for the command's output and the log.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub run_id: i64,
    pub as_of: NaiveDate,
    pub window_days: i64,
    pub computed_at: DateTime<Utc>,
    pub members: u64,
    /// Members per segment code, in order of precedence; `""` for no segment.
    pub by_segment: Vec<(String, u64)>,
    pub averages: Averages,
    pub took: Duration,
    /// Reading the figures, scoring them, writing the result.
    pub phases: [Duration; 3],
    /// Members whose segment moved, sent to the tills after the commit (not in `took`).
    pub sent_to_tills: u64,
    pub sending: Duration,
}

/// The members' purchases in the window, aliases resolved, members that exist only,
/// those with a sale that counts only.
const ACTIVITY_SQL: &str = "
SELECT m.id, d.last_purchase, d.frequency, d.monetary::text
FROM (SELECT coalesce(a.member_id, s.member_id) AS member_id,
             max(s.business_date) FILTER (WHERE s.sales_count > 0) AS last_purchase,
             sum(s.sales_count)::int8 AS frequency,
             sum(s.sales_amount) - sum(s.returns_amount) AS monetary
      FROM sales_by_member_day s
      LEFT JOIN member_aliases a ON a.alias_id = s.member_id
      WHERE s.business_date BETWEEN $1 AND $2
      GROUP BY 1) d
JOIN members m ON m.id = d.member_id
WHERE d.last_purchase IS NOT NULL";

/// Runs RFM as of the chain's business day `as_of` over `window_days` days, stamped
/// `now`. Returns what it did.
pub async fn run(
    client: &mut Client,
    now: DateTime<Utc>,
    as_of: NaiveDate,
    window_days: i64,
) -> Result<RunSummary, RfmError> {
    if !(1..=WINDOW_DAYS_MAX).contains(&window_days) {
        return Err(RfmError::BadWindow(window_days));
    }
    let started = Instant::now();
    let (segments, activities) = read(client, as_of, window_days).await?;
    let read_took = started.elapsed();
    let (scored, averages) = assign(activities, as_of, &segments);
    let score_took = started.elapsed() - read_took;
    let mut by_segment: Vec<(String, u64)> = segments.iter().map(|s| (s.code.clone(), 0)).collect();
    by_segment.push((String::new(), 0));
    let tx = client.transaction().await?;
    // work_mem: the new rows are joined with the last run's in memory to note the moves.
    tx.batch_execute(
        "SET LOCAL statement_timeout = 0; SET LOCAL maintenance_work_mem = '256MB';
         SET LOCAL work_mem = '256MB'",
    )
    .await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&RFM_LOCK_KEY])
        .await?;
    let run_id: i64 = tx
        .query_one("SELECT nextval('rfm_runs_id_seq')", &[])
        .await?
        .get(0);
    tx.batch_execute(
        "CREATE TABLE member_rfm_next (LIKE member_rfm INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
    )
    .await?;
    copy_scored(&tx, run_id, &scored).await?;
    super::publish::note_moved(&tx).await?;
    tx.batch_execute(SWAP_SQL).await?;
    let per_segment = per_segment(&scored);
    for (code, count) in by_segment.iter_mut() {
        *count = per_segment.get(code.as_str()).map_or(0, |s| s.members);
    }
    let took = started.elapsed();
    let took_ms = i64::try_from(took.as_millis()).unwrap_or(i64::MAX);
    let params: [&(dyn ToSql + Sync); 9] = [
        &run_id,
        &as_of,
        &(window_days as i32),
        &now,
        &(scored.len() as i64),
        &averages.r.to_string(),
        &averages.f.to_string(),
        &averages.m.to_string(),
        &took_ms,
    ];
    tx.execute(
        "INSERT INTO rfm_runs (id, as_of, window_days, computed_at, members,
                               average_r, average_f, average_m, took_ms)
         VALUES ($1, $2, $3, $4, $5, $6::text::numeric, $7::text::numeric, $8::text::numeric, $9)",
        &params,
    )
    .await?;
    write_segments(&tx, run_id, &per_segment).await?;
    tx.commit().await?;
    let took = started.elapsed();
    // After the commit, in slices: the feed's lock is never held for the whole run.
    let sending = Instant::now();
    let sent_to_tills = super::publish::send_moved(client).await?;
    Ok(RunSummary {
        run_id,
        as_of,
        window_days,
        computed_at: now,
        members: scored.len() as u64,
        by_segment,
        averages,
        took,
        phases: [read_took, score_took, took - read_took - score_took],
        sent_to_tills,
        sending: sending.elapsed(),
    })
}

/// The segments and the members' activities, from one read-only snapshot.
async fn read(
    client: &mut Client,
    as_of: NaiveDate,
    window_days: i64,
) -> Result<(Vec<super::Segment>, Vec<Activity>), RfmError> {
    let (from, to) = window(as_of, window_days);
    let tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    // The sum over every member is a hash in memory, not a sort on disk.
    // JIT compiles for longer than it saves here.
    tx.batch_execute(
        "SET LOCAL statement_timeout = 0; SET LOCAL work_mem = '256MB'; SET LOCAL jit = off",
    )
    .await?;
    let segments = store::load_segments(&tx).await?;
    let params: [&(dyn ToSql + Sync); 2] = [&from, &to];
    let stream = tx.query_raw(ACTIVITY_SQL, params).await?;
    let mut stream = pin!(stream);
    let mut activities = Vec::new();
    while let Some(row) = stream.try_next().await? {
        let monetary: &str = row.get(3);
        let monetary: Decimal = monetary
            .parse()
            .map_err(|e| DbError::Corrupt(format!("a member's spend {monetary:?}: {e}")))?;
        activities.push(Activity {
            member_id: row.get(0),
            last_purchase: row.get(1),
            frequency: row.get(2),
            monetary,
        });
    }
    tx.commit().await?;
    Ok((segments, activities))
}

/// A field of `COPY`'s text format: backslash, tab, newline and carriage return escaped.
fn copy_text(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

async fn copy_scored(
    tx: &tokio_postgres::Transaction<'_>,
    run_id: i64,
    scored: &[Scored],
) -> Result<(), RfmError> {
    let sink = tx
        .copy_in(
            "COPY member_rfm_next (member_id, run_id, last_purchase, recency_days, frequency,
                             monetary, r_score, f_score, m_score, segment_code) FROM STDIN",
        )
        .await?;
    let mut sink = pin!(sink);
    let mut buffer = String::with_capacity(COPY_CHUNK_BYTES + 4096);
    for s in scored {
        let a = &s.activity;
        copy_text(&mut buffer, &a.member_id);
        let segment = s.segment.as_deref().map_or_else(
            || "\\N".to_owned(),
            |code| {
                let mut field = String::new();
                copy_text(&mut field, code);
                field
            },
        );
        buffer.push_str(&format!(
            "\t{run_id}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{segment}\n",
            a.last_purchase,
            s.recency_days,
            a.frequency,
            a.monetary,
            s.scores.r,
            s.scores.f,
            s.scores.m
        ));
        if buffer.len() >= COPY_CHUNK_BYTES {
            sink.send(Bytes::from(std::mem::take(&mut buffer))).await?;
        }
    }
    if !buffer.is_empty() {
        sink.send(Bytes::from(buffer)).await?;
    }
    sink.as_mut().finish().await?;
    Ok(())
}

/// A segment's figures in one run.
#[derive(Debug, Default, Clone, PartialEq)]
struct SegmentFigures {
    members: u64,
    sums: [u64; 3],
}

fn per_segment(scored: &[Scored]) -> BTreeMap<&str, SegmentFigures> {
    let mut out: BTreeMap<&str, SegmentFigures> = BTreeMap::new();
    for s in scored {
        let f = out.entry(s.segment.as_deref().unwrap_or("")).or_default();
        f.members += 1;
        f.sums[0] += u64::from(s.scores.r);
        f.sums[1] += u64::from(s.scores.f);
        f.sums[2] += u64::from(s.scores.m);
    }
    out
}

async fn write_segments(
    tx: &tokio_postgres::Transaction<'_>,
    run_id: i64,
    per_segment: &BTreeMap<&str, SegmentFigures>,
) -> Result<(), RfmError> {
    let (mut codes, mut members) = (Vec::new(), Vec::new());
    let mut averages: [Vec<String>; 3] = Default::default();
    for (code, f) in per_segment {
        codes.push(*code);
        members.push(f.members as i64);
        for (i, sum) in f.sums.iter().enumerate() {
            // At most 5 × members over members: the division cannot overflow.
            let mut average = Decimal::from(*sum)
                .checked_div(Decimal::from(f.members))
                .map_or(Decimal::ZERO, |a| a.round_dp(2));
            average.rescale(2);
            averages[i].push(average.to_string());
        }
    }
    tx.execute(
        "INSERT INTO rfm_run_segments (run_id, segment_code, members, average_r, average_f, average_m)
         SELECT $1, c, n, r::numeric, f::numeric, m::numeric
         FROM unnest($2::text[], $3::int8[], $4::text[], $5::text[], $6::text[]) AS u (c, n, r, f, m)",
        &[&run_id, &codes, &members, &averages[0], &averages[1], &averages[2]],
    )
    .await?;
    Ok(())
}
