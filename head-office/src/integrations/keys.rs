//! Integration keys: one per integration (the online shop, the CRM, the ERP), shown once
//! when an admin adds it and stored only as SHA-256, like a terminal's token.
//!
//! A key is `int_` and 64 hex digits: a till's token (64 bare hex digits) or a console
//! session is never one, and a key is never either of those, so no endpoint takes
//! another's credentials. A key may use only its scopes (403 otherwise); a revoked key
//! is unknown (401).

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use subtle::ConstantTimeEq;
use tokio_postgres::GenericClient;

use crate::auth::{TOKEN_BYTES, new_token, token_sha256};
use crate::error::{DbError, HttpError};
use crate::state::AppState;

/// What every key starts with.
pub const KEY_PREFIX: &str = "int_";

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Read a channel customer's member (`GET /v1/integrations/customers/{id}`), and
    /// the member's current fields joined to the events.
    CustomersRead,
    /// Create and update customers (`PUT /v1/integrations/customers/{id}`).
    CustomersWrite,
    /// Read the event feed.
    EventsRead,
}

impl Scope {
    pub const ALL: [Scope; 3] = [
        Scope::CustomersRead,
        Scope::CustomersWrite,
        Scope::EventsRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::CustomersRead => "customers:read",
            Scope::CustomersWrite => "customers:write",
            Scope::EventsRead => "events:read",
        }
    }

    pub fn parse(text: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// An integration as listed (never with its key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    pub id: i64,
    pub name: String,
    pub channel: String,
    pub scopes: Vec<Scope>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("name {0:?} must be 1 to 64 letters, digits, '-', '_' or '.'")]
    BadName(String),
    #[error(
        "channel {0:?} must be 1 to 32 lowercase letters, digits, '-' or '_' (for example shop, crm, erp)"
    )]
    BadChannel(String),
    #[error("scope {0:?} is none of customers:read, customers:write, events:read")]
    BadScope(String),
    #[error("give at least one scope (customers:read, customers:write, events:read)")]
    NoScope,
    #[error("an integration named {0:?} already exists")]
    NameTaken(String),
    #[error("no integration is named {0:?}")]
    Unknown(String),
    #[error("integration {0:?} is already revoked")]
    AlreadyRevoked(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<tokio_postgres::Error> for KeyError {
    fn from(e: tokio_postgres::Error) -> Self {
        KeyError::Db(e.into())
    }
}

pub fn is_valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

pub fn is_valid_channel(channel: &str) -> bool {
    (1..=32).contains(&channel.len())
        && channel
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_'))
}

/// Parses scope names (`customers:write` ...), sorted, each once.
pub fn parse_scopes<S: AsRef<str>>(names: &[S]) -> Result<Vec<Scope>, KeyError> {
    let mut scopes = names
        .iter()
        .map(|n| {
            Scope::parse(n.as_ref().trim()).ok_or_else(|| KeyError::BadScope(n.as_ref().into()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    scopes.sort();
    scopes.dedup();
    if scopes.is_empty() {
        return Err(KeyError::NoScope);
    }
    Ok(scopes)
}

/// Adds an integration and returns its key, shown this once.
pub async fn add(
    client: &impl GenericClient,
    name: &str,
    channel: &str,
    scopes: &[Scope],
    created_by: &str,
) -> Result<String, KeyError> {
    if !is_valid_name(name) {
        return Err(KeyError::BadName(name.into()));
    }
    if !is_valid_channel(channel) {
        return Err(KeyError::BadChannel(channel.into()));
    }
    if scopes.is_empty() {
        return Err(KeyError::NoScope);
    }
    let key = format!("{KEY_PREFIX}{}", new_token());
    let scope_names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let inserted = client
        .execute(
            "INSERT INTO integrations (name, channel, scopes, key_sha256, created_by)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING",
            &[
                &name,
                &channel,
                &scope_names,
                &token_sha256(&key).as_slice(),
                &created_by,
            ],
        )
        .await?;
    if inserted == 0 {
        return Err(KeyError::NameTaken(name.into()));
    }
    Ok(key)
}

/// Revokes `name`'s key: it answers 401 from now on.
pub async fn revoke(
    client: &impl GenericClient,
    name: &str,
    revoked_by: &str,
) -> Result<Integration, KeyError> {
    let row = client
        .query_opt(
            "UPDATE integrations SET revoked_at = now(), revoked_by = $2
             WHERE name = $1 AND revoked_at IS NULL
             RETURNING id, name, channel, scopes, created_by, created_at, revoked_at",
            &[&name, &revoked_by],
        )
        .await?;
    match row {
        Some(row) => integration_from_row(&row),
        None => match find(client, name).await? {
            Some(_) => Err(KeyError::AlreadyRevoked(name.into())),
            None => Err(KeyError::Unknown(name.into())),
        },
    }
}

pub async fn find(
    client: &impl GenericClient,
    name: &str,
) -> Result<Option<Integration>, KeyError> {
    let row = client
        .query_opt(
            "SELECT id, name, channel, scopes, created_by, created_at, revoked_at
             FROM integrations WHERE name = $1",
            &[&name],
        )
        .await?;
    row.as_ref().map(integration_from_row).transpose()
}

/// Every integration, revoked ones too, by name.
pub async fn list(client: &impl GenericClient) -> Result<Vec<Integration>, KeyError> {
    let rows = client
        .query(
            "SELECT id, name, channel, scopes, created_by, created_at, revoked_at
             FROM integrations ORDER BY name",
            &[],
        )
        .await?;
    rows.iter().map(integration_from_row).collect()
}

fn integration_from_row(row: &tokio_postgres::Row) -> Result<Integration, KeyError> {
    let names: Vec<String> = row.get(3);
    let scopes = names
        .iter()
        .map(|n| {
            Scope::parse(n).ok_or_else(|| DbError::Corrupt(format!("integration scope {n:?}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Integration {
        id: row.get(0),
        name: row.get(1),
        channel: row.get(2),
        scopes,
        created_by: row.get(4),
        created_at: row.get(5),
        revoked_at: row.get(6),
    })
}

/// The integration a request's key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub name: String,
    pub channel: String,
    pub scopes: Vec<Scope>,
}

impl Caller {
    /// 403 unless the key has `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), HttpError> {
        if self.scopes.contains(&scope) {
            return Ok(());
        }
        Err(HttpError::Forbidden(format!(
            "integration {}'s key lacks the scope {}; an admin can add an integration with it",
            self.name,
            scope.as_str()
        )))
    }

    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

fn unauthorized(what: &str) -> HttpError {
    HttpError::Unauthorized(format!(
        "{what}: this endpoint is for integrations; send the integration's key as `Authorization: Bearer int_...`"
    ))
}

/// The key in `Authorization: Bearer int_<64 hex digits>`.
fn bearer_key(parts: &Parts) -> Result<&str, HttpError> {
    let value = parts
        .headers
        .get(AUTHORIZATION)
        .ok_or_else(|| unauthorized("no Authorization header"))?;
    let key = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| unauthorized("the Authorization header must be `Bearer <key>`"))?;
    let well_formed = key.strip_prefix(KEY_PREFIX).is_some_and(|hex| {
        hex.len() == TOKEN_BYTES * 2 && hex.bytes().all(|b| b.is_ascii_hexdigit())
    });
    if !well_formed {
        return Err(unauthorized("that is not an integration key"));
    }
    Ok(key)
}

/// Finds the live integration `key` belongs to (a revoked one is not found).
pub async fn authenticate(client: &impl GenericClient, key: &str) -> Result<Caller, HttpError> {
    let hash = token_sha256(key);
    let row = client
        .query_opt(
            "SELECT name, channel, scopes, key_sha256 FROM integrations
             WHERE key_sha256 = $1 AND revoked_at IS NULL",
            &[&hash.as_slice()],
        )
        .await
        .map_err(DbError::from)?;
    let unknown = || unauthorized("the key is not known or was revoked");
    let row = row.ok_or_else(unknown)?;
    let stored: &[u8] = row.get(3);
    if !bool::from(stored.ct_eq(hash.as_slice())) {
        return Err(unknown());
    }
    let names: Vec<String> = row.get(2);
    Ok(Caller {
        name: row.get(0),
        channel: row.get(1),
        scopes: names.iter().filter_map(|n| Scope::parse(n)).collect(),
    })
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, HttpError> {
        let key = bearer_key(parts)?;
        let client = state.pool.get().await.map_err(DbError::from)?;
        authenticate(&**client, key).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_sorted_once_and_refuse_strangers() {
        assert_eq!(
            parse_scopes(&["events:read", "customers:write", "events:read"]).unwrap(),
            vec![Scope::CustomersWrite, Scope::EventsRead]
        );
        assert!(
            matches!(parse_scopes(&["customers:delete"]), Err(KeyError::BadScope(s)) if s == "customers:delete")
        );
        assert!(matches!(parse_scopes::<&str>(&[]), Err(KeyError::NoScope)));
    }

    #[test]
    fn channels_are_short_lowercase_words() {
        assert!(is_valid_channel("shop"));
        assert!(is_valid_channel("crm-2"));
        assert!(!is_valid_channel("Shop"));
        assert!(!is_valid_channel(""));
        assert!(!is_valid_channel(&"a".repeat(33)));
    }
}
