//! Reading a request body within limits, gunzipping it when it says so.

use std::io::Read;
use std::time::Duration;

use axum::body::Body;
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_ENCODING, CONTENT_LENGTH};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::error::HttpError;

/// Body limits: what comes over the wire, what it may expand to, and how long the
/// client may take to send it (a slow sender must not hold a connection forever).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    pub wire_bytes_max: usize,
    pub decoded_bytes_max: usize,
    pub read_timeout: Duration,
}

impl Default for BodyLimits {
    fn default() -> Self {
        BodyLimits {
            wire_bytes_max: 8 * 1024 * 1024,
            decoded_bytes_max: 32 * 1024 * 1024,
            read_timeout: Duration::from_secs(60),
        }
    }
}

/// The body's bytes, decompressed when `Content-Encoding: gzip`. Too large on the wire
/// or once decompressed is 413; another encoding is 415; a broken gzip stream is 400;
/// a body not complete within the read timeout is 408.
pub async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limits: BodyLimits,
) -> Result<Vec<u8>, HttpError> {
    let too_large = || {
        HttpError::BodyTooLarge(format!(
            "the body is larger than {} bytes (or {} bytes once decompressed)",
            limits.wire_bytes_max, limits.decoded_bytes_max
        ))
    };
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.wire_bytes_max as u64) {
        return Err(too_large());
    }
    let gzip = match headers
        .get(CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("?").trim())
    {
        None | Some("identity") => false,
        Some("gzip") => true,
        Some(other) => {
            return Err(HttpError::UnsupportedEncoding(format!(
                "Content-Encoding {other:?} is not supported; send gzip or nothing"
            )));
        }
    };
    let reading = Limited::new(body, limits.wire_bytes_max).collect();
    let Ok(read) = tokio::time::timeout(limits.read_timeout, reading).await else {
        return Err(HttpError::Timeout(format!(
            "the body did not arrive within {} ms",
            limits.read_timeout.as_millis()
        )));
    };
    let wire = match read {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => return Err(too_large()),
        Err(e) => {
            return Err(HttpError::BadRequest(format!(
                "the body could not be read: {e}"
            )));
        }
    };
    if !gzip {
        return Ok(wire.to_vec());
    }
    let mut decoded = Vec::with_capacity((wire.len() * 4).min(limits.decoded_bytes_max));
    // One byte past the limit tells "exactly at the limit" from "over it". A gzip
    // stream may hold several members back to back (RFC 1952 §2.2); all are read.
    flate2::read::MultiGzDecoder::new(&wire[..])
        .take(limits.decoded_bytes_max as u64 + 1)
        .read_to_end(&mut decoded)
        .map_err(|e| {
            HttpError::Malformed(format!("the gzip body could not be decompressed: {e}"))
        })?;
    if decoded.len() > limits.decoded_bytes_max {
        return Err(too_large());
    }
    Ok(decoded)
}
