//! A segment's members as CSV (the console's export of a segment): the rows of
//! `GET /v1/members/segments/{code}`, every one of them, streamed; name and phone
//! masked, text cells through [`text_cell`] like every export.

use std::io::Write;

use tokio_postgres::Client;
use tokio_postgres::types::ToSql;

use super::{ExportError, rows_to_csv, text_cell};
use crate::rfm::read::{MEMBERS_SQL, member_of_row};

pub const SEGMENT_MEMBERS_HEADER: &[&str] = &[
    "member_id",
    "card_no",
    "name",
    "phone",
    "last_purchase",
    "recency_days",
    "frequency",
    "monetary",
    "r_score",
    "f_score",
    "m_score",
];

/// Writes the members of segment `code` in the last run to `out`, with a byte-order mark
/// (a spreadsheet then reads the Chinese right); returns the number of members.
pub async fn export_segment<W: Write>(
    client: &Client,
    code: &str,
    mut out: W,
) -> Result<u64, ExportError> {
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut csv = csv::Writer::from_writer(out);
    let params: [&(dyn ToSql + Sync); 1] = [&code];
    let rows = rows_to_csv(
        client,
        &mut csv,
        SEGMENT_MEMBERS_HEADER,
        MEMBERS_SQL,
        &params,
        |row| {
            let m = member_of_row(row)?;
            Ok(vec![
                text_cell(&m.member_id),
                text_cell(&m.card_no),
                text_cell(&m.name),
                text_cell(&m.phone),
                m.last_purchase.to_string(),
                m.recency_days.to_string(),
                m.frequency.to_string(),
                m.monetary.to_string(),
                m.r_score.to_string(),
                m.f_score.to_string(),
                m.m_score.to_string(),
            ])
        },
    )
    .await?;
    csv.flush()?;
    Ok(rows)
}
