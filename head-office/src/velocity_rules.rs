//! The chain's velocity thresholds (`velocity_rules`, one row): a member's business day
//! with more redemptions than `max_redemptions`, or with redemptions at
//! `stores_flagged` different stores or more, is flagged at ingest
//! (`ingest/velocity.rs`). Set on the console's loyalty page.

use serde::{Deserialize, Serialize};
use tokio_postgres::GenericClient;

use crate::error::DbError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VelocityRules {
    pub max_redemptions: i32,
    pub stores_flagged: i32,
}

impl Default for VelocityRules {
    /// The migration's: more than 3 redemptions, or redemptions at 2 stores, in a day.
    fn default() -> Self {
        VelocityRules {
            max_redemptions: 3,
            stores_flagged: 2,
        }
    }
}

/// A threshold the chain cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VelocityRulesError {
    #[error("max_redemptions must be a whole number of at least 1")]
    MaxRedemptions,
    #[error("stores_flagged must be a whole number of at least 2")]
    StoresFlagged,
}

impl VelocityRules {
    /// The thresholds as typed in the form.
    pub fn parse(max_redemptions: &str, stores_flagged: &str) -> Result<Self, VelocityRulesError> {
        let max_redemptions = max_redemptions
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or(VelocityRulesError::MaxRedemptions)?;
        let stores_flagged = stores_flagged
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|n| *n >= 2)
            .ok_or(VelocityRulesError::StoresFlagged)?;
        Ok(VelocityRules {
            max_redemptions,
            stores_flagged,
        })
    }
}

pub async fn load(client: &impl GenericClient) -> Result<VelocityRules, DbError> {
    Ok(client
        .query_opt(
            "SELECT max_redemptions, stores_flagged FROM velocity_rules",
            &[],
        )
        .await?
        .map(|r| VelocityRules {
            max_redemptions: r.get(0),
            stores_flagged: r.get(1),
        })
        .unwrap_or_default())
}

/// Saves `rules` (by `user`), returning the ones they replace, locked until the
/// transaction ends.
pub async fn save(
    client: &impl GenericClient,
    rules: &VelocityRules,
    user: &str,
) -> Result<VelocityRules, DbError> {
    let before = client
        .query_opt(
            "SELECT max_redemptions, stores_flagged FROM velocity_rules FOR UPDATE",
            &[],
        )
        .await?
        .map(|r| VelocityRules {
            max_redemptions: r.get(0),
            stores_flagged: r.get(1),
        })
        .unwrap_or_default();
    client
        .execute(
            "INSERT INTO velocity_rules (id, max_redemptions, stores_flagged, updated_at, updated_by)
             VALUES (true, $1, $2, now(), $3)
             ON CONFLICT (id) DO UPDATE SET max_redemptions = excluded.max_redemptions,
                 stores_flagged = excluded.stores_flagged, updated_at = now(),
                 updated_by = excluded.updated_by",
            &[&rules.max_redemptions, &rules.stores_flagged, &user],
        )
        .await?;
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_below_their_least_are_refused_naming_the_field() {
        assert_eq!(
            VelocityRules::parse(" 5 ", "3"),
            Ok(VelocityRules {
                max_redemptions: 5,
                stores_flagged: 3
            })
        );
        assert_eq!(
            VelocityRules::parse("0", "2"),
            Err(VelocityRulesError::MaxRedemptions)
        );
        assert_eq!(
            VelocityRules::parse("3", "1"),
            Err(VelocityRulesError::StoresFlagged)
        );
        assert_eq!(
            VelocityRules::parse("x", "2"),
            Err(VelocityRulesError::MaxRedemptions)
        );
    }
}
