//! Head-office staff on the JSON API (`/v1/stock/...`): the people of the console, with
//! the console's roles. A request carries the token of a console session (signed in at
//! `/login`): as `Authorization: Bearer <token>`, or the session's cookie from a
//! browser. A till's token is not a staff token. Store managers see only their stores.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::Utc;

use crate::console::session::{self, COOKIE_NAME};
use crate::console::users::User;
use crate::error::{DbError, HttpError};
use crate::state::AppState;

/// A signed-in person calling the API.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: User,
}

impl Staff {
    /// The stores an answer may cover: `asked` when this person sees it (403 otherwise),
    /// else their own stores, `None` for the whole chain.
    pub fn stores(&self, asked: Option<&str>) -> Result<Option<Vec<String>>, HttpError> {
        if let Some(store) = asked
            && !self.user.sees_store(store)
        {
            return Err(HttpError::Forbidden(format!(
                "{} manages {}, not store {store}",
                self.user.name,
                self.user.stores.join(", ")
            )));
        }
        Ok(self.user.stores_to_show(asked.map(str::to_owned)))
    }
}

fn unauthorized(what: &str) -> HttpError {
    HttpError::Unauthorized(format!(
        "{what}: this endpoint is for head-office staff; sign in to the console and send the session's token as `Authorization: Bearer <token>`"
    ))
}

/// The session token of the request: the bearer token, else the session cookie.
fn session_token(parts: &Parts) -> Result<&str, HttpError> {
    if let Some(value) = parts.headers.get(AUTHORIZATION) {
        return value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthorized("the Authorization header must be `Bearer <token>`"));
    }
    session::cookie_value(&parts.headers, COOKIE_NAME)
        .ok_or_else(|| unauthorized("no session token"))
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Staff, HttpError> {
        let token = session_token(parts)?;
        let client = state.pool.get().await.map_err(DbError::from)?;
        match session::live(&**client, token, Utc::now()).await? {
            Some((user, _)) => Ok(Staff { user }),
            None => Err(unauthorized(
                "the token is no live console session (signed out, expired, or a till's token)",
            )),
        }
    }
}
