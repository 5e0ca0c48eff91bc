//! Terminal tokens: 32 random bytes, shown once at enrolment, stored only as SHA-256.
//!
//! A request's token is hashed and looked up by its hash; the stored hash is then
//! compared with the computed one in constant time. Looking up by hash leaks nothing
//! useful through timing: an attacker cannot steer the bytes of a SHA-256.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use rand::TryRngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{DbError, HttpError};

/// The store of the terminal head office writes its own documents under (the
/// console's point adjustments): not a shop, so no page or suggestion counts it as one.
pub const HQ_STORE: &str = "HQ";
use crate::state::AppState;

/// Random bytes in a token.
pub const TOKEN_BYTES: usize = 32;

/// The store and terminal a request's token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terminal {
    pub store_id: String,
    pub terminal_id: String,
}

/// A new token: 32 bytes from the operating system's generator, as 64 hex digits.
pub fn new_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .expect("the operating system's random generator works");
    hex::encode(bytes)
}

pub fn token_sha256(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Enrols (or re-enrols) a terminal and returns its new token; an earlier token of the
/// same terminal stops working. Ids are 1..=64 characters of letters, digits, `-`, `_`.
pub async fn enroll(
    client: &tokio_postgres::Client,
    store_id: &str,
    terminal_id: &str,
) -> Result<String, EnrollError> {
    for (what, id) in [("store", store_id), ("terminal", terminal_id)] {
        if !is_valid_id(id) {
            return Err(EnrollError::BadId {
                what,
                id: id.to_owned(),
            });
        }
    }
    let token = new_token();
    client
        .execute(
            "INSERT INTO terminals (store_id, terminal_id, token_sha256) VALUES ($1, $2, $3)
             ON CONFLICT (store_id, terminal_id) DO UPDATE SET token_sha256 = excluded.token_sha256",
            &[&store_id, &terminal_id, &token_sha256(&token).as_slice()],
        )
        .await
        .map_err(DbError::from)?;
    Ok(token)
}

#[derive(Debug, thiserror::Error)]
pub enum EnrollError {
    #[error("{what} id {id:?} must be 1 to 64 letters, digits, '-' or '_'")]
    BadId { what: &'static str, id: String },
    #[error(transparent)]
    Db(#[from] DbError),
}

pub fn is_valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Finds the terminal a bearer token belongs to.
pub async fn authenticate(
    client: &tokio_postgres::Client,
    token: &str,
) -> Result<Terminal, HttpError> {
    let hash = token_sha256(token);
    let row = client
        .query_opt(
            "SELECT store_id, terminal_id, token_sha256 FROM terminals WHERE token_sha256 = $1",
            &[&hash.as_slice()],
        )
        .await
        .map_err(DbError::from)?;
    let unknown =
        || HttpError::Unauthorized("the token is not known; enrol the terminal again".into());
    let row = row.ok_or_else(unknown)?;
    let stored: &[u8] = row.get(2);
    if !bool::from(stored.ct_eq(hash.as_slice())) {
        return Err(unknown());
    }
    let terminal = Terminal {
        store_id: row.get(0),
        terminal_id: row.get(1),
    };
    note_contact(client, &terminal, Contact::Any).await?;
    Ok(terminal)
}

/// What a terminal's request was, for the console's Tills and sync page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    Any,
    /// A feed pull, with the backlog the till said it holds (`None`: it did not say).
    Pull {
        backlog: Option<i64>,
    },
}

/// Notes that `terminal` called now, at most every 10 s per terminal, so that a busy
/// till does not write on every request. Its own table: never waits for a batch being
/// ingested.
const NOTE_CONTACT: &str =
    "INSERT INTO terminal_contacts AS c (store_id, terminal_id, last_contact_at)
     VALUES ($1, $2, now())
     ON CONFLICT (store_id, terminal_id) DO UPDATE SET last_contact_at = now()
     WHERE c.last_contact_at IS NULL OR c.last_contact_at < now() - interval '10 seconds'";

/// Notes a pull and the backlog the till said ($3, NULL when it said nothing: the
/// backlog it said before is kept with its time), in the same statement and under the
/// same throttle, except that a changed backlog is written at once.
const NOTE_PULL: &str =
    "INSERT INTO terminal_contacts AS c (store_id, terminal_id, last_pull_at, backlog, backlog_at)
     VALUES ($1, $2, now(), $3::bigint, CASE WHEN $3::bigint IS NULL THEN NULL ELSE now() END)
     ON CONFLICT (store_id, terminal_id) DO UPDATE
        SET last_pull_at = now(),
            backlog = coalesce(excluded.backlog, c.backlog),
            backlog_at = coalesce(excluded.backlog_at, c.backlog_at)
     WHERE c.last_pull_at IS NULL OR c.last_pull_at < now() - interval '10 seconds'
        OR (excluded.backlog IS NOT NULL AND excluded.backlog IS DISTINCT FROM c.backlog)";

/// Notes a request of `terminal` (see [`NOTE_CONTACT`] and [`NOTE_PULL`]): one statement.
pub async fn note_contact(
    client: &tokio_postgres::Client,
    terminal: &Terminal,
    contact: Contact,
) -> Result<(), DbError> {
    let ids: [&(dyn tokio_postgres::types::ToSql + Sync); 2] =
        [&terminal.store_id, &terminal.terminal_id];
    match contact {
        Contact::Any => client.execute(NOTE_CONTACT, &ids).await?,
        Contact::Pull { backlog } => {
            client
                .execute(NOTE_PULL, &[ids[0], ids[1], &backlog])
                .await?
        }
    };
    Ok(())
}

/// The token in `Authorization: Bearer <64 hex digits>`.
fn bearer_token(parts: &Parts) -> Result<&str, HttpError> {
    let value = parts
        .headers
        .get(AUTHORIZATION)
        .ok_or_else(|| HttpError::Unauthorized("missing Authorization: Bearer <token>".into()))?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            HttpError::Unauthorized("the Authorization header must be `Bearer <token>`".into())
        })?;
    if token.len() != TOKEN_BYTES * 2 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(HttpError::Unauthorized(
            "the token must be 64 hex digits".into(),
        ));
    }
    Ok(token)
}

impl FromRequestParts<AppState> for Terminal {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts)?;
        let client = state.pool.get().await.map_err(DbError::from)?;
        authenticate(&client, token).await
    }
}

impl Terminal {
    /// Refuses a request about another store (403).
    pub fn require_store(&self, store_id: &str) -> Result<(), HttpError> {
        if self.store_id != store_id {
            return Err(HttpError::Forbidden(format!(
                "this token belongs to store {}, not {store_id}",
                self.store_id
            )));
        }
        Ok(())
    }

    /// Refuses a request about another store or terminal (403).
    pub fn require_terminal(&self, store_id: &str, terminal_id: &str) -> Result<(), HttpError> {
        self.require_store(store_id)?;
        if self.terminal_id != terminal_id {
            return Err(HttpError::Forbidden(format!(
                "this token belongs to terminal {}, not {terminal_id}",
                self.terminal_id
            )));
        }
        Ok(())
    }
}
