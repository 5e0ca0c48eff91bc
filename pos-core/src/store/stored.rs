//! A document as the till file keeps it: its canonical JSON, read back.

use super::StoreError;
use crate::document::Document;

pub(crate) fn parse_body(bytes: &[u8]) -> Result<Document, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| {
        StoreError::corrupt(
            "document",
            format!(
                "{e}: {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(80)])
            ),
        )
    })
}
