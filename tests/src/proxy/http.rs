//! Just enough HTTP/1.1 framing for the proxy: read one request or response off a
//! stream (head, then a body by Content-Length, chunked, or until close) and keep its
//! raw bytes to pass on untouched.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

/// Largest head accepted.
const HEAD_BYTES_MAX: usize = 64 * 1024;
/// Largest body accepted (head office's own limit is far below).
const BODY_BYTES_MAX: usize = 128 * 1024 * 1024;

/// One request or response: its head (start line and headers, ending in an empty
/// line) and its body as it was on the wire.
#[derive(Debug, Clone)]
pub struct Message {
    pub head: String,
    pub body: Vec<u8>,
}

impl Message {
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.head.len() + self.body.len());
        out.extend_from_slice(self.head.as_bytes());
        out.extend_from_slice(&self.body);
        out
    }

    pub fn start_line(&self) -> &str {
        self.head.lines().next().unwrap_or_default()
    }

    /// The first value of a header (name compared without case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    /// For a request: (method, path without the query).
    pub fn method_and_path(&self) -> (&str, &str) {
        let mut parts = self.start_line().split(' ');
        let method = parts.next().unwrap_or_default();
        let target = parts.next().unwrap_or_default();
        (method, target.split('?').next().unwrap_or_default())
    }

    /// For a response: the status code.
    pub fn status(&self) -> u16 {
        self.start_line()
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }
}

fn invalid(message: impl Into<String>) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message.into())
}

/// The next request on a connection; `None` when the client closed it between requests.
pub async fn read_request<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Option<Message>> {
    let Some(head) = read_head(r).await? else {
        return Ok(None);
    };
    let mut message = Message {
        head,
        body: Vec::new(),
    };
    message.body = read_body(r, &message, false).await?;
    Ok(Some(message))
}

/// A response; an early close is an error.
pub async fn read_response<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Message> {
    let head = read_head(r)
        .await?
        .ok_or_else(|| invalid("the server closed the connection without answering"))?;
    let mut message = Message {
        head,
        body: Vec::new(),
    };
    message.body = read_body(r, &message, true).await?;
    Ok(message)
}

async fn read_head<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Option<String>> {
    let mut head = String::new();
    loop {
        let before = head.len();
        let n = r.read_line(&mut head).await?;
        if n == 0 {
            return if head.is_empty() {
                Ok(None)
            } else {
                Err(invalid("the connection closed inside a head"))
            };
        }
        if head.len() > HEAD_BYTES_MAX {
            return Err(invalid("head too large"));
        }
        if &head[before..] == "\r\n" {
            if before == 0 {
                // A stray empty line between messages.
                head.clear();
                continue;
            }
            return Ok(Some(head));
        }
    }
}

async fn read_body<R: AsyncBufRead + Unpin>(
    r: &mut R,
    m: &Message,
    response: bool,
) -> std::io::Result<Vec<u8>> {
    if response && matches!(m.status(), 100..=199 | 204 | 304) {
        return Ok(Vec::new());
    }
    if m.header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        return read_chunked(r).await;
    }
    if let Some(length) = m.header("content-length") {
        let length: usize = length.parse().map_err(|_| invalid("bad Content-Length"))?;
        if length > BODY_BYTES_MAX {
            return Err(invalid("body too large"));
        }
        let mut body = vec![0; length];
        r.read_exact(&mut body).await?;
        return Ok(body);
    }
    if !response {
        return Ok(Vec::new());
    }
    let mut body = Vec::new();
    r.take(BODY_BYTES_MAX as u64).read_to_end(&mut body).await?;
    Ok(body)
}

/// A chunked body, raw (sizes and trailers included), so it is passed on as it came.
async fn read_chunked<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Vec<u8>> {
    let mut raw = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await? == 0 {
            return Err(invalid("the connection closed inside a chunked body"));
        }
        raw.extend_from_slice(line.as_bytes());
        let size_text = line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
        if raw.len() + size > BODY_BYTES_MAX {
            return Err(invalid("body too large"));
        }
        if size == 0 {
            // Trailers, up to the empty line.
            loop {
                let mut trailer = String::new();
                if r.read_line(&mut trailer).await? == 0 {
                    return Err(invalid("the connection closed inside trailers"));
                }
                raw.extend_from_slice(trailer.as_bytes());
                if trailer == "\r\n" {
                    return Ok(raw);
                }
            }
        }
        let start = raw.len();
        raw.resize(start + size + 2, 0);
        r.read_exact(&mut raw[start..]).await?;
    }
}

/// A complete response made up by the proxy, closing the connection.
pub fn canned(status: u16, reason: &str, extra_headers: &[(&str, String)], json: &str) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        json.len()
    );
    for (name, value) in extra_headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(json.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::BufReader;

    #[tokio::test]
    async fn reads_requests_back_to_back_and_keeps_their_bytes() {
        let wire = b"POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /v1/feed?cursor=3 HTTP/1.1\r\nhost: x\r\n\r\n";
        let mut r = BufReader::new(&wire[..]);
        let first = read_request(&mut r).await.unwrap().unwrap();
        assert_eq!(first.method_and_path(), ("POST", "/v1/batches"));
        assert_eq!(first.body, b"hello");
        let second = read_request(&mut r).await.unwrap().unwrap();
        assert_eq!(second.method_and_path(), ("GET", "/v1/feed"));
        assert_eq!(second.header("HOST"), Some("x"));
        assert!(read_request(&mut r).await.unwrap().is_none());
        let mut both = first.bytes();
        both.extend(second.bytes());
        assert_eq!(both, wire);
    }

    #[tokio::test]
    async fn reads_a_chunked_response_raw() {
        let wire = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        let response = read_response(&mut BufReader::new(&wire[..])).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.bytes(), wire);
    }

    #[tokio::test]
    async fn a_close_inside_a_message_is_an_error() {
        let wire = b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhalf";
        assert!(read_response(&mut BufReader::new(&wire[..])).await.is_err());
        assert!(read_response(&mut BufReader::new(&b""[..])).await.is_err());
    }
}
