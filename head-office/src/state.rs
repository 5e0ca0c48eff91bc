//! What every request handler shares. Its own module so that the handlers (`api`,
//! `auth`) and the server that routes to them all use it without using each other.

use deadpool_postgres::Pool;

use crate::body::BodyLimits;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub body_limits: BodyLimits,
    /// The console's cookies carry `Secure`: set when serving HTTPS.
    pub secure_cookies: bool,
}

impl AppState {
    pub fn new(pool: Pool) -> AppState {
        AppState {
            pool,
            body_limits: BodyLimits::default(),
            secure_cookies: false,
        }
    }
}
