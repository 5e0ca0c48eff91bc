//! A page's query as sent, and links that carry it on with a change.

use super::TableError;

/// A page's query string as sent: every pair kept, so links can carry it on.
#[derive(Debug, Clone, Default)]
pub struct Params(pub Vec<(String, String)>);

/// The first value posted or sent under `name`, trimmed; `None` when absent.
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim())
}

impl Params {
    /// A query from (name, value) pairs, as tests write one.
    #[cfg(test)]
    pub fn of(pairs: &[(&str, &str)]) -> Params {
        Params(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    /// The value of `key`, trimmed; `None` when absent or blank.
    pub fn get(&self, key: &str) -> Option<&str> {
        field(&self.0, key).filter(|v| !v.is_empty())
    }

    /// This query with `key` set to `value` (or left out when `None`), as `?a=b&...`.
    pub fn with(&self, changes: &[(&str, Option<&str>)]) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .0
            .iter()
            .filter(|(k, v)| !v.trim().is_empty() && !changes.iter().any(|(c, _)| c == k))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        pairs.extend(changes.iter().filter_map(|(k, v)| v.map(|v| (*k, v))));
        let encoded: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        format!("?{}", encoded.join("&"))
    }

    /// Was the CSV asked for? Any other `format` is an error.
    pub fn wants_csv(&self) -> Result<bool, TableError> {
        match self.get("format") {
            None => Ok(false),
            Some("csv") => Ok(true),
            Some(other) => Err(TableError::BadFormat(other.to_owned())),
        }
    }
}

/// Percent-encodes a query component (RFC 3986 unreserved characters stay).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
