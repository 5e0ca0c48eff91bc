//! A run sends the tills the members whose segment it changed (into, out of or between
//! segments), so a promotion for a segment prices right at every till after its next
//! pull; members whose segment stayed are not sent again. They go down from their rows
//! already in the feed with the new segment put in, in SQL: a first run moves nearly
//! every member, and nothing else of them changed. The run notes them in its own
//! transaction (`member_segment_moves`); they are sent after its commit in slices, each
//! its own short transaction under the feed's lock, so ingest never waits long on it,
//! and a send cut short is finished by the next one.

use tokio_postgres::{Client, Transaction};

use crate::error::DbError;
use crate::feed;

/// Members sent per transaction: small enough that the feed is joined through its key.
const MEMBERS_PER_SLICE: i64 = 5_000;

/// Notes the members whose segment in the new rows (`member_rfm_next`) differs from
/// the last run's (`member_rfm`): call it before the new table takes the old one's place.
pub(super) async fn note_moved(tx: &Transaction<'_>) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO member_segment_moves (member_id)
         SELECT member_id FROM member_rfm_next n FULL JOIN member_rfm o USING (member_id)
         WHERE n.segment_code IS DISTINCT FROM o.segment_code
         ON CONFLICT (member_id) DO NOTHING",
        &[],
    )
    .await?;
    Ok(())
}

/// Sends every noted member again with their segment as `member_rfm` now holds it (none
/// when not scored or no segment's rules matched), from their masked rows in the feed;
/// a member whose row is not a member's (erased) is left as it is. Returns the members
/// sent.
pub(super) async fn send_moved(client: &mut Client) -> Result<u64, DbError> {
    let mut sent = 0;
    loop {
        let tx = client.transaction().await?;
        let ids: Vec<String> = tx
            .query(
                "DELETE FROM member_segment_moves WHERE member_id IN
                     (SELECT member_id FROM member_segment_moves ORDER BY member_id LIMIT $1)
                 RETURNING member_id",
                &[&MEMBERS_PER_SLICE],
            )
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if ids.is_empty() {
            tx.commit().await?;
            return Ok(sent);
        }
        feed::lock(&tx).await?;
        sent += tx
            .execute(
                "UPDATE feed f SET cursor = nextval('feed_cursor'),
                     change = json_build_object('entity', 'member', 'data',
                         CASE WHEN r.segment_code IS NULL
                              THEN (f.change::jsonb -> 'data') - 'segment'
                              ELSE jsonb_set(f.change::jsonb -> 'data', '{segment}',
                                             to_jsonb(r.segment_code)) END)
                 FROM unnest($2::text[]) AS m (member_id) LEFT JOIN member_rfm r USING (member_id)
                 WHERE f.scope = $1 AND f.key = 'member' || chr(31) || m.member_id
                   AND f.change::jsonb ->> 'entity' = 'member'",
                &[&feed::CHAIN_SCOPE, &ids],
            )
            .await?;
        tx.commit().await?;
    }
}
