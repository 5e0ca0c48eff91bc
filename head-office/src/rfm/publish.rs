//! A run sends the tills the members whose segment it changed (into, out of or between
//! segments), so a promotion for a segment prices right at every till after its next
//! pull; members whose segment stayed are not sent again. They go down from their rows
//! already in the feed with the new segment put in, in SQL: a first run moves nearly
//! every member, and nothing else of them changed.

use tokio_postgres::Transaction;

use crate::error::DbError;
use crate::feed;

/// Notes the members whose segment in the new rows (`member_rfm_next`) differs from
/// the last run's (`member_rfm`), in a table of the transaction: call it before the new
/// table takes the old one's place.
pub(super) async fn note_moved(tx: &Transaction<'_>) -> Result<(), DbError> {
    tx.batch_execute(
        "CREATE TEMP TABLE rfm_moved ON COMMIT DROP AS
             SELECT member_id FROM member_rfm_next n FULL JOIN member_rfm o USING (member_id)
             WHERE n.segment_code IS DISTINCT FROM o.segment_code;
         ANALYZE rfm_moved;",
    )
    .await?;
    Ok(())
}

/// Sends the noted members again with their segment as `member_rfm` now holds it (none
/// when not scored or no segment's rules matched), from their masked rows in the feed;
/// a member whose row is not a member's (erased) is left as it is. Call it last in the
/// transaction: it takes the feed's lock. Returns the members sent.
pub(super) async fn send_moved(tx: &Transaction<'_>) -> Result<u64, DbError> {
    feed::lock(tx).await?;
    let sent = tx
        .execute(
            "UPDATE feed f SET cursor = nextval('feed_cursor'),
                 change = json_build_object('entity', 'member', 'data',
                     CASE WHEN r.segment_code IS NULL
                          THEN (f.change::jsonb -> 'data') - 'segment'
                          ELSE jsonb_set(f.change::jsonb -> 'data', '{segment}',
                                         to_jsonb(r.segment_code)) END)
             FROM rfm_moved m LEFT JOIN member_rfm r USING (member_id)
             WHERE f.scope = $1 AND f.key = 'member' || chr(31) || m.member_id
               AND f.change::jsonb ->> 'entity' = 'member'",
            &[&feed::CHAIN_SCOPE],
        )
        .await?;
    Ok(sent)
}
