//! Member codes head office issues (`pos_domain::member_code`): one sequence for the
//! whole chain (`member_card_no`), whoever asks (ingest for a till's registration or a
//! clashing card, a channel's new customer).

use std::collections::HashSet;

use pos_domain::member_code::head_office_code;
use tokio_postgres::GenericClient;

use crate::error::DbError;

/// `count` new codes that no member holds, neither as its card nor as a joined one (an
/// imported card of the same shape is skipped).
pub async fn issue(client: &impl GenericClient, count: usize) -> Result<Vec<String>, DbError> {
    let mut codes = Vec::with_capacity(count);
    while codes.len() < count {
        let wanted = i64::try_from(count - codes.len()).unwrap_or(i64::MAX);
        let fresh: Vec<String> = client
            .query(
                "SELECT nextval('member_card_no') FROM generate_series(1, $1::int8)",
                &[&wanted],
            )
            .await?
            .iter()
            .map(|r| head_office_code(r.get::<_, i64>(0).unsigned_abs()))
            .collect();
        let taken: HashSet<String> = client
            .query(
                "SELECT card_no FROM members WHERE card_no = ANY($1)
                 UNION SELECT card_no FROM member_cards WHERE card_no = ANY($1)",
                &[&fresh],
            )
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        codes.extend(fresh.into_iter().filter(|c| !taken.contains(c)));
    }
    Ok(codes)
}
