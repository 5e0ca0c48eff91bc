//! Errors: [`DbError`] for database work, [`HttpError`] for what a client is told.
//! Every HTTP error answer is an [`ApiError`] JSON body with a stable code.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use pos_domain::protocol::ApiError;

/// A database failure: the pool could not give a connection, or a statement failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    #[error("database pool: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("database pool set-up: {0}")]
    PoolSetup(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
}

impl DbError {
    /// True for failures a retry of the whole transaction can cure: deadlock,
    /// serialization failure, or a unique key taken by a concurrent transaction.
    pub fn is_retryable(&self) -> bool {
        use tokio_postgres::error::SqlState;
        let DbError::Postgres(e) = self else {
            return false;
        };
        matches!(
            e.code(),
            Some(c) if *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::UNIQUE_VIOLATION
        )
    }
}

impl DbError {
    /// True when PostgreSQL cancelled the statement because it ran past
    /// `statement_timeout` (see [`crate::db::REQUEST_STATEMENT_TIMEOUT`]).
    pub fn is_statement_timeout(&self) -> bool {
        let DbError::Postgres(e) = self else {
            return false;
        };
        e.code() == Some(&tokio_postgres::error::SqlState::QUERY_CANCELED)
    }
}

/// What went wrong with a request, as the client sees it.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    BodyTooLarge(String),
    #[error("{0}")]
    TooManyDocuments(String),
    #[error("{0}")]
    Malformed(String),
    #[error("{0}")]
    UnsupportedEncoding(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Timeout(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
}

impl HttpError {
    pub fn status(&self) -> StatusCode {
        match self {
            HttpError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            HttpError::Forbidden(_) => StatusCode::FORBIDDEN,
            HttpError::BodyTooLarge(_) | HttpError::TooManyDocuments(_) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            HttpError::Malformed(_) | HttpError::BadRequest(_) => StatusCode::BAD_REQUEST,
            HttpError::UnsupportedEncoding(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            HttpError::NotFound(_) => StatusCode::NOT_FOUND,
            HttpError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            HttpError::Conflict(_) => StatusCode::CONFLICT,
            HttpError::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            HttpError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            HttpError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code in [`ApiError::error`].
    pub fn code(&self) -> &'static str {
        match self {
            HttpError::Unauthorized(_) => "unauthorized",
            HttpError::Forbidden(_) => "forbidden",
            HttpError::BodyTooLarge(_) => "body_too_large",
            HttpError::TooManyDocuments(_) => "too_many_documents",
            HttpError::Malformed(_) => "malformed",
            HttpError::UnsupportedEncoding(_) => "unsupported_encoding",
            HttpError::BadRequest(_) => "bad_request",
            HttpError::NotFound(_) => "not_found",
            HttpError::MethodNotAllowed(_) => "method_not_allowed",
            HttpError::Conflict(_) => "conflict",
            HttpError::Timeout(_) => "timeout",
            HttpError::Unavailable(_) => "unavailable",
            HttpError::Internal(_) => "internal",
        }
    }
}

impl From<DbError> for HttpError {
    fn from(e: DbError) -> Self {
        // The detail goes to the log, not to the client.
        tracing::error!(error = %e, "database failure");
        if e.is_statement_timeout() {
            return HttpError::Unavailable(
                "the database took too long to answer; retry later".into(),
            );
        }
        match e {
            DbError::Pool(_) => {
                HttpError::Unavailable("the database is not reachable; retry later".into())
            }
            _ => HttpError::Internal(
                "head office could not complete the request; retry later".into(),
            ),
        }
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ApiError {
            error: self.code().into(),
            message: self.to_string(),
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}
