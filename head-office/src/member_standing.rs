//! What a member carries to the tills besides its record: its spend over the tier
//! window (for the tier progress a till shows; only while tiers by spend are on) and
//! the code of the RFM segment the last run put it in (for promotions for one
//! segment). [`fill`] is called by the feed for every member it publishes, whoever
//! publishes it, so no publisher can send a member without them.

use chrono::{Duration, Utc};
use pos_domain::member::{LoyaltyRules, Member, TierSpend};
use rust_decimal::Decimal;
use tokio_postgres::GenericClient;
use tokio_postgres::types::Json;

use crate::chain_time;
use crate::error::DbError;

/// Sets each member's tier spend (over the window ending on the chain's today) and
/// segment from what head office holds: one round trip for them all.
pub async fn fill(client: &impl GenericClient, members: &mut [&mut Member]) -> Result<(), DbError> {
    if members.is_empty() {
        return Ok(());
    }
    let tiers = client
        .query_opt("SELECT data FROM loyalty_rules", &[])
        .await?
        .map(|r| r.get::<_, Json<LoyaltyRules>>(0).0.tiers)
        .unwrap_or_default();
    let today = chain_time::today(Utc::now());
    let first = today - Duration::days(i64::from(tiers.window_days.max(1)) - 1);
    let ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
    let rows = client
        .query(
            "SELECT m,
                    (SELECT coalesce(sum(s.amount), 0)::text FROM member_spend_by_day s
                     WHERE s.member_id = m AND s.business_date BETWEEN $2 AND $3),
                    (SELECT r.segment_code FROM member_rfm r WHERE r.member_id = m)
             FROM unnest($1::text[]) AS m",
            &[&ids, &first, &today],
        )
        .await?;
    let mut standing = std::collections::HashMap::with_capacity(rows.len());
    for row in &rows {
        let spend: String = row.get(1);
        let spend: Decimal = spend
            .parse()
            .map_err(|_| DbError::Corrupt(format!("member spend {spend:?}")))?;
        standing.insert(
            row.get::<_, String>(0),
            (spend, row.get::<_, Option<String>>(2)),
        );
    }
    for member in members.iter_mut() {
        let Some((spend, segment)) = standing.get(&member.id) else {
            continue;
        };
        member.tier_spend = (!tiers.is_off()).then_some(TierSpend {
            amount: *spend,
            as_of: today,
        });
        member.segment = segment.clone();
    }
    Ok(())
}
