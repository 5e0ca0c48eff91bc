//! Key-value settings kept in the till file: who this till is, how far it has read the
//! feed, the loyalty rules head office sent.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::member::LoyaltyRules;

/// Which store and terminal this file belongs to. Set once by `pos init`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TillIdentity {
    pub store_id: String,
    pub terminal_id: String,
}

const STORE_ID: &str = "store_id";
const TERMINAL_ID: &str = "terminal_id";
const FEED_CURSOR: &str = "feed_cursor";
const LOYALTY_RULES: &str = "loyalty_rules";

/// A setting's value, on any connection or transaction.
pub(crate) fn read_setting(
    conn: &rusqlite::Connection,
    key: &str,
) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT value FROM setting WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// Sets a setting, on any connection or transaction.
pub(crate) fn write_setting(
    conn: &rusqlite::Connection,
    key: &str,
    value: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO setting (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

impl Store {
    pub(crate) fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        read_setting(self.conn(), key)
    }

    pub(crate) fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        write_setting(self.conn(), key, value)
    }

    /// `None` until `pos init` has named the till.
    pub fn identity(&self) -> Result<Option<TillIdentity>, StoreError> {
        match (self.setting(STORE_ID)?, self.setting(TERMINAL_ID)?) {
            (Some(store_id), Some(terminal_id)) => Ok(Some(TillIdentity {
                store_id,
                terminal_id,
            })),
            _ => Ok(None),
        }
    }

    pub fn set_identity(&self, identity: &TillIdentity) -> Result<(), StoreError> {
        self.set_setting(STORE_ID, &identity.store_id)?;
        self.set_setting(TERMINAL_ID, &identity.terminal_id)
    }

    /// How far this till has applied head office's feed (0 = nothing yet).
    pub fn feed_cursor(&self) -> Result<i64, StoreError> {
        match self.setting(FEED_CURSOR)? {
            None => Ok(0),
            Some(v) => v.parse().map_err(|_| StoreError::corrupt("feed cursor", v)),
        }
    }

    pub fn loyalty_rules(&self) -> Result<LoyaltyRules, StoreError> {
        match self.setting(LOYALTY_RULES)? {
            None => Ok(LoyaltyRules::default()),
            Some(v) => {
                serde_json::from_str(&v).map_err(|_| StoreError::corrupt("loyalty rules", v))
            }
        }
    }

    pub fn set_loyalty_rules(&self, rules: &LoyaltyRules) -> Result<(), StoreError> {
        let json = serde_json::to_string(rules).expect("loyalty rules serialise");
        self.set_setting(LOYALTY_RULES, &json)
    }
}

pub(crate) const FEED_CURSOR_KEY: &str = FEED_CURSOR;
pub(crate) const LOYALTY_RULES_KEY: &str = LOYALTY_RULES;
