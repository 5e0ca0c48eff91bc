//! The reference consumer (`head-office mirror`): follows the event feed with a key and
//! appends every event once to a CSV file, keeping its cursor next to it.
//!
//! A page is appended and synced to disk before the cursor moves, and on start the
//! cursor is the file's last whole row (a row cut by a crash is dropped first), so a
//! restart or a lost answer neither skips nor repeats an event. `<out>.cursor` holds the
//! same cursor for people and scripts; it is replaced atomically after each page.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::events::{Event, EventPage};

/// The mirror file's columns.
pub const HEADER: [&str; 5] = ["cursor", "kind", "member_id", "recorded_at", "data"];

#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} line {line}: {problem}; it is not a mirror file this consumer wrote")]
    Corrupt {
        path: PathBuf,
        line: u64,
        problem: String,
    },
    #[error("head office refused the request ({status}): {body}")]
    Refused { status: u16, body: String },
}

/// One event as a row of the mirror file.
pub fn csv_row(event: &Event) -> [String; 5] {
    [
        event.cursor.to_string(),
        event.kind.as_str().to_owned(),
        event.member_id.clone().unwrap_or_default(),
        event.recorded_at.to_rfc3339(),
        event.data.to_string(),
    ]
}

/// The mirror file, open for appending.
#[derive(Debug)]
pub struct MirrorFile {
    path: PathBuf,
    file: File,
    cursor: i64,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> MirrorError + '_ {
    move |source| MirrorError::Io {
        path: path.to_owned(),
        source,
    }
}

impl MirrorFile {
    /// Opens (or creates, with its header) the file, drops a last row cut short, and
    /// takes the cursor of its last row (0 when it has none).
    pub fn open(path: &Path) -> Result<MirrorFile, MirrorError> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(io(path))?;
        let mut text = Vec::new();
        file.read_to_end(&mut text).map_err(io(path))?;
        // Rows never hold a raw line break (the data is compact JSON), so a byte after the
        // last '\n' is a row cut short.
        let whole = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        if whole < text.len() {
            file.set_len(whole as u64).map_err(io(path))?;
            file.seek(SeekFrom::End(0)).map_err(io(path))?;
        }
        let mut cursor = 0;
        if whole == 0 {
            let mut csv = csv::Writer::from_writer(&mut file);
            csv.write_record(HEADER).map_err(|e| io(path)(e.into()))?;
            csv.flush().map_err(io(path))?;
            drop(csv);
            file.sync_data().map_err(io(path))?;
        } else {
            let mut csv = csv::Reader::from_reader(&text[..whole]);
            for record in csv.records() {
                let corrupt = |line: u64, problem: String| MirrorError::Corrupt {
                    path: path.to_owned(),
                    line,
                    problem,
                };
                let record = record
                    .map_err(|e| corrupt(e.position().map_or(0, |p| p.line()), e.to_string()))?;
                let line = record.position().map_or(0, |p| p.line());
                let next: i64 = record[0]
                    .parse()
                    .map_err(|_| corrupt(line, format!("cursor {:?}", &record[0])))?;
                if next <= cursor {
                    return Err(corrupt(line, format!("cursor {next} after {cursor}")));
                }
                cursor = next;
            }
        }
        let mirror = MirrorFile {
            path: path.to_owned(),
            file,
            cursor,
        };
        mirror.write_cursor()?;
        Ok(mirror)
    }

    /// The last cursor mirrored.
    pub fn cursor(&self) -> i64 {
        self.cursor
    }

    /// Appends the events after the cursor (an event at or before it is already here),
    /// syncs the file, then moves the cursor.
    pub fn append(&mut self, events: &[Event]) -> Result<usize, MirrorError> {
        let fresh: Vec<&Event> = events.iter().filter(|e| e.cursor > self.cursor).collect();
        let Some(last) = fresh.last().map(|e| e.cursor) else {
            return Ok(0);
        };
        let mut rows = csv::Writer::from_writer(Vec::new());
        for event in &fresh {
            rows.write_record(csv_row(event))
                .map_err(|e| io(&self.path)(e.into()))?;
        }
        let bytes = rows
            .into_inner()
            .map_err(|e| io(&self.path)(e.into_error()))?;
        self.file.write_all(&bytes).map_err(io(&self.path))?;
        self.file.sync_data().map_err(io(&self.path))?;
        self.cursor = last;
        self.write_cursor()?;
        Ok(fresh.len())
    }

    fn write_cursor(&self) -> Result<(), MirrorError> {
        let path = cursor_path(&self.path);
        let temporary = path.with_extension("cursor.tmp");
        let mut file = File::create(&temporary).map_err(io(&temporary))?;
        writeln!(file, "{}", self.cursor).map_err(io(&temporary))?;
        file.sync_data().map_err(io(&temporary))?;
        std::fs::rename(&temporary, &path).map_err(io(&path))
    }
}

/// Where the cursor of `out` is kept: `<out>.cursor`.
pub fn cursor_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".cursor");
    PathBuf::from(name)
}

/// Where and how to read the feed.
#[derive(Debug, Clone)]
pub struct Source {
    /// Head office's base URL (`http://host:port`).
    pub base_url: String,
    pub key: String,
    /// Events per page.
    pub limit: u32,
    /// Seconds an empty page waits for an event (0: plain polling).
    pub wait_secs: u64,
    /// Pause after a failed request before the next try.
    pub retry_pause: Duration,
    /// How long a request may take beyond `wait_secs` before it is given up and tried
    /// again (a stalled line).
    pub request_timeout: Duration,
}

/// One page after `after`. A transport failure or an answer cut short is `Ok(None)`
/// (try again); a refusal (401, 403, 400) is an error.
pub async fn fetch(
    http: &reqwest::Client,
    source: &Source,
    after: i64,
) -> Result<Option<EventPage>, MirrorError> {
    let url = format!(
        "{}/v1/integrations/events?after={after}&limit={}&wait={}",
        source.base_url.trim_end_matches('/'),
        source.limit,
        source.wait_secs
    );
    let request = http
        .get(url)
        .bearer_auth(&source.key)
        .timeout(Duration::from_secs(source.wait_secs) + source.request_timeout);
    let response = match request.send().await {
        Ok(response) => response,
        Err(e) => {
            tracing::warn!(error = %e, "event feed request failed; trying again");
            return Ok(None);
        }
    };
    let status = response.status().as_u16();
    let body = match response.bytes().await {
        Ok(body) => body,
        Err(e) => {
            tracing::warn!(error = %e, "event feed answer cut short; trying again");
            return Ok(None);
        }
    };
    if matches!(status, 400 | 401 | 403) {
        return Err(MirrorError::Refused {
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
        });
    }
    if status != 200 {
        tracing::warn!(status, "event feed answered an error; trying again");
        return Ok(None);
    }
    match serde_json::from_slice(&body) {
        Ok(page) => Ok(Some(page)),
        Err(e) => {
            tracing::warn!(error = %e, "event feed answer unreadable; trying again");
            Ok(None)
        }
    }
}

/// Follows the feed into `mirror` until `done(cursor, caught_up)` says so (checked after
/// each answer; `caught_up`: the page was the last there is). Returns the events added.
pub async fn follow(
    http: &reqwest::Client,
    source: &Source,
    mirror: &mut MirrorFile,
    mut done: impl FnMut(i64, bool) -> bool,
) -> Result<u64, MirrorError> {
    let mut added = 0;
    loop {
        let Some(page) = fetch(http, source, mirror.cursor()).await? else {
            tokio::time::sleep(source.retry_pause).await;
            continue;
        };
        added += mirror.append(&page.events)? as u64;
        if done(mirror.cursor(), !page.more) {
            return Ok(added);
        }
    }
}
