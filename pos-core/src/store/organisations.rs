//! Organisations (机构客户) as head office sent them: found by 统一社会信用代码 or id,
//! or searched by name.

use rusqlite::{OptionalExtension, params};

use super::feed::FeedTransaction;
use super::{Store, StoreError};
use crate::organisation::Organisation;

/// Most organisations a name search lists.
pub const ORGANISATION_HITS_MAX: usize = 20;

fn decode(body: String) -> Result<Organisation, StoreError> {
    serde_json::from_str(&body).map_err(|_| StoreError::corrupt("organisation", body))
}

impl Store {
    /// The organisation whose id or 统一社会信用代码 is exactly `key` (letters in any case).
    pub fn organisation_by_code(&self, key: &str) -> Result<Option<Organisation>, StoreError> {
        let key = key.trim().to_uppercase();
        let body: Option<String> = self
            .conn()
            .prepare_cached("SELECT body FROM organisation WHERE code = ?1 OR upper(id) = ?1")?
            .query_row([&key], |r| r.get(0))
            .optional()?;
        body.map(decode).transpose()
    }

    /// Organisations whose name contains `text`, by name, at most [`ORGANISATION_HITS_MAX`].
    pub fn search_organisations(&self, text: &str) -> Result<Vec<Organisation>, StoreError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Vec::new());
        }
        let pattern = format!(
            "%{}%",
            text.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut stmt = self.conn().prepare_cached(
            "SELECT body FROM organisation WHERE name LIKE ?1 ESCAPE '\\' ORDER BY name, id LIMIT ?2",
        )?;
        let bodies = stmt
            .query_map(params![pattern, ORGANISATION_HITS_MAX as i64], |r| {
                r.get::<_, String>(0)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        bodies.into_iter().map(decode).collect()
    }
}

impl FeedTransaction<'_> {
    /// Keeps an organisation's latest state (the feed sends it whole each time).
    pub fn upsert_organisation(&self, o: &Organisation) -> Result<(), StoreError> {
        let body = serde_json::to_string(o).expect("an organisation serialises");
        self.tx.execute(
            "INSERT INTO organisation (id, code, name, body) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name,
                 body = excluded.body",
            params![o.id, o.code.to_uppercase(), o.name, body],
        )?;
        Ok(())
    }

    /// Forgets an organisation merged into another at head office (a sale in progress
    /// that names it keeps its copy; head office reads the old id as the survivor).
    pub fn forget_organisation(&self, id: &str) -> Result<(), StoreError> {
        self.tx
            .execute("DELETE FROM organisation WHERE id = ?1", [id])?;
        Ok(())
    }
}
