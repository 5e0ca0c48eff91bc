//! A run sends the tills the members whose segment it changed (into, out of or between
//! segments), so a promotion for a segment prices right at every till after its next
//! pull; members whose segment stayed are not sent again. The members go down from
//! their rows already in the feed with the new segment put in
//! ([`crate::feed::republish_segments`]): a first run moves nearly every member, and
//! nothing else of them changed.

use tokio_postgres::Transaction;

use crate::error::DbError;

/// Members whose segment in the new rows (`member_rfm_next`) differs from the last
/// run's (`member_rfm`): call it before the new table takes the old one's place.
pub(super) async fn changed_segments(tx: &Transaction<'_>) -> Result<Vec<String>, DbError> {
    let rows = tx
        .query(
            "SELECT member_id FROM member_rfm_next n FULL JOIN member_rfm o USING (member_id)
             WHERE n.segment_code IS DISTINCT FROM o.segment_code",
            &[],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}
