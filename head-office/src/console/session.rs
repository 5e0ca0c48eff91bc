//! Console sessions: a random token in an HttpOnly, SameSite=Strict cookie (Secure under
//! TLS), kept at head office only as SHA-256, with a CSRF token every form carries.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, TimeDelta, Utc};
use subtle::ConstantTimeEq;
use tokio_postgres::GenericClient;

use super::users::{User, user_from_row};
use crate::auth::{new_token, token_sha256};
use crate::error::DbError;
use crate::state::AppState;

/// The session cookie's name.
pub const COOKIE_NAME: &str = "ho_session";
/// Longest a session lives, however busy.
pub const LIFETIME: TimeDelta = TimeDelta::hours(12);
/// A session nobody used for this long has ended.
pub const IDLE: TimeDelta = TimeDelta::minutes(30);

/// A session just opened: the cookie's token (never stored) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf: String,
}

pub async fn open(
    client: &impl GenericClient,
    user_name: &str,
    now: DateTime<Utc>,
) -> Result<NewSession, DbError> {
    let session = NewSession {
        token: new_token(),
        csrf: new_token(),
    };
    client
        .execute(
            "INSERT INTO console_sessions (token_sha256, user_name, csrf, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $4, $5)",
            &[
                &token_sha256(&session.token).as_slice(),
                &user_name,
                &session.csrf,
                &now,
                &(now + LIFETIME),
            ],
        )
        .await?;
    Ok(session)
}

/// Ends the session of `token` (signing out).
pub async fn close(client: &impl GenericClient, token: &str) -> Result<(), DbError> {
    client
        .execute(
            "DELETE FROM console_sessions WHERE token_sha256 = $1",
            &[&token_sha256(token).as_slice()],
        )
        .await?;
    Ok(())
}

/// Removes the sessions that have ended (past their lifetime, or idle too long) by
/// `now`. Returns how many.
pub async fn prune_ended(client: &impl GenericClient, now: DateTime<Utc>) -> Result<u64, DbError> {
    Ok(client
        .execute(
            "DELETE FROM console_sessions WHERE expires_at < $1 OR last_seen_at < $2",
            &[&now, &(now - IDLE)],
        )
        .await?)
}

/// The `Set-Cookie` value that hands the browser its session.
pub fn cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        LIFETIME.num_seconds(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that makes the browser forget its session.
pub fn expired_cookie(secure: bool) -> String {
    format!(
        "{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A form that carries nothing but the session's CSRF token (a button's form).
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// A request from a signed-in person. Pages take it as an argument; without a live
/// session the browser is sent to `/login`.
#[derive(Debug, Clone)]
pub struct Signed {
    pub user: User,
    pub csrf: String,
    pub token: String,
}

impl Signed {
    /// Does a form's CSRF token belong to this session?
    pub fn csrf_matches(&self, sent: &str) -> bool {
        bool::from(self.csrf.as_bytes().ct_eq(sent.as_bytes()))
    }
}

/// Why a request has no session.
pub enum NoSession {
    SignIn,
    Failed(DbError),
}

impl IntoResponse for NoSession {
    fn into_response(self) -> Response {
        match self {
            NoSession::SignIn => Redirect::to("/login").into_response(),
            NoSession::Failed(e) => super::page_error(e).into_response(),
        }
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = NoSession;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Signed, NoSession> {
        let token = cookie_value(&parts.headers, COOKIE_NAME)
            .ok_or(NoSession::SignIn)?
            .to_owned();
        let client = state
            .pool
            .get()
            .await
            .map_err(|e| NoSession::Failed(e.into()))?;
        let (user, csrf) = live(&**client, &token, Utc::now())
            .await
            .map_err(NoSession::Failed)?
            .ok_or(NoSession::SignIn)?;
        Ok(Signed { user, csrf, token })
    }
}

/// The person and CSRF token of the live session of `token` at `now` (an active user,
/// within the session's lifetime, used within [`IDLE`]), which this use keeps alive;
/// `None` when there is none. The console's pages and the staff's JSON API
/// ([`crate::staff`]) both find sessions here.
pub async fn live(
    client: &impl GenericClient,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(User, String)>, DbError> {
    // Touching the session in the same statement that finds it keeps it alive.
    let row = client
        .query_opt(
            "UPDATE console_sessions s SET last_seen_at = $2
             FROM console_users u
             WHERE s.token_sha256 = $1 AND u.name = s.user_name AND u.active
               AND s.expires_at > $2 AND s.last_seen_at > $3
             RETURNING u.name, u.role, u.stores, s.csrf",
            &[&token_sha256(token).as_slice(), &now, &(now - IDLE)],
        )
        .await?;
    row.map(|row| Ok((user_from_row(&row)?, row.get(3))))
        .transpose()
}
