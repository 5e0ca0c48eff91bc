//! The chain's loyalty rules: set by the console or a command, sent down the feed, and
//! kept over time so a sale's points are checked against the rules of its moment.

use pos_domain::member::LoyaltyRules;
use pos_domain::protocol::Change;
use tokio_postgres::types::Json;
use tokio_postgres::{Client, Transaction};

use crate::error::DbError;
use crate::feed::{self, FeedEntry};

pub async fn set_loyalty_rules(client: &mut Client, rules: &LoyaltyRules) -> Result<(), DbError> {
    let tx = client.transaction().await?;
    save_loyalty_rules(&tx, rules).await?;
    tx.commit().await?;
    Ok(())
}

/// The chain's loyalty rules, when head office has been given any.
pub async fn loyalty_rules(
    client: &impl tokio_postgres::GenericClient,
) -> Result<Option<LoyaltyRules>, DbError> {
    let row = client
        .query_opt("SELECT data FROM loyalty_rules", &[])
        .await?;
    Ok(row.map(|r| r.get::<_, Json<LoyaltyRules>>(0).0))
}

/// Sets the loyalty rules and sends them down the feed, in the caller's transaction.
/// Returns the rules they replaced.
pub async fn save_loyalty_rules(
    tx: &Transaction<'_>,
    rules: &LoyaltyRules,
) -> Result<Option<LoyaltyRules>, DbError> {
    let before = tx
        .query_opt("SELECT data FROM loyalty_rules FOR UPDATE", &[])
        .await?
        .map(|r| r.get::<_, Json<LoyaltyRules>>(0).0);
    tx.execute(
        "INSERT INTO loyalty_rules (data) VALUES ($1) ON CONFLICT (singleton) DO UPDATE SET data = excluded.data",
        &[&Json(rules)],
    )
    .await?;
    // Kept over time: a sale's points are checked against the rules of its moment.
    tx.execute(
        "INSERT INTO loyalty_rules_history (valid_from, data) VALUES (now(), $1)
         ON CONFLICT (valid_from) DO UPDATE SET data = excluded.data",
        &[&Json(rules)],
    )
    .await?;
    feed::publish(
        tx,
        vec![FeedEntry::chain(Change::LoyaltyRules(rules.clone()))],
    )
    .await?;
    Ok(before)
}
