//! Cuts the byte stream from a scanner into codes: at the suffix, or when the line has
//! been idle. Pure: the caller passes the time each chunk arrived.

use super::config::Suffix;
use std::time::{Duration, Instant};

/// The most bytes of one code; more without a suffix is cut off and reported.
pub(crate) const FRAME_BYTES_MAX: usize = 4096;

/// A partial code with a suffix configured but none arriving for this long is reported
/// (scanners send a code in one burst, so the suffix setting is probably wrong).
pub(crate) const PARTIAL_TIMEOUT_MS: u64 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrameEnd {
    /// The configured suffix, or the idle time with [`Suffix::None`].
    Complete,
    /// More than [`FRAME_BYTES_MAX`] bytes without a suffix; the rest up to the next
    /// suffix is dropped.
    Overlong,
    /// A suffix is configured but did not come within [`PARTIAL_TIMEOUT_MS`].
    MissingSuffix,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Frame {
    pub bytes: Vec<u8>,
    pub end: FrameEnd,
}

#[derive(Debug)]
pub(crate) struct Framer {
    suffix: Suffix,
    buf: Vec<u8>,
    last_byte_at: Option<Instant>,
    /// After an overlong frame: drop bytes until the next suffix (or idle gap).
    discarding: bool,
}

impl Framer {
    pub fn new(suffix: Suffix) -> Self {
        Framer {
            suffix,
            buf: Vec::new(),
            last_byte_at: None,
            discarding: false,
        }
    }

    fn quiet_limit(&self) -> Duration {
        match self.suffix {
            Suffix::None { idle_ms } => Duration::from_millis(idle_ms),
            _ => Duration::from_millis(PARTIAL_TIMEOUT_MS),
        }
    }

    /// Bytes that arrived at `at`; returns every code they complete.
    pub fn push(&mut self, bytes: &[u8], at: Instant) -> Vec<Frame> {
        let mut frames = Vec::new();
        // A long pause before these bytes ends what was buffered.
        frames.extend(self.poll(at));
        self.last_byte_at = Some(at);
        let terminator = self.suffix.bytes();
        for &b in bytes {
            if !self.discarding {
                self.buf.push(b);
            }
            let ended = !terminator.is_empty()
                && (if self.discarding {
                    b == *terminator.last().unwrap_or(&b)
                } else {
                    self.buf.ends_with(terminator)
                });
            if ended {
                if !self.discarding {
                    let len = self.buf.len() - terminator.len();
                    self.buf.truncate(len);
                    frames.extend(self.finish(FrameEnd::Complete));
                }
                self.discarding = false;
            } else if self.buf.len() > FRAME_BYTES_MAX {
                self.buf.truncate(FRAME_BYTES_MAX);
                frames.extend(self.finish(FrameEnd::Overlong));
                self.discarding = true;
            }
        }
        frames
    }

    /// Time passed with no bytes: ends a code after the idle time ([`Suffix::None`]) or
    /// reports one whose suffix never came.
    pub fn poll(&mut self, at: Instant) -> Option<Frame> {
        let last = self.last_byte_at?;
        if at.saturating_duration_since(last) < self.quiet_limit() {
            return None;
        }
        self.last_byte_at = None;
        self.discarding = false;
        let end = match self.suffix {
            Suffix::None { .. } => FrameEnd::Complete,
            _ => FrameEnd::MissingSuffix,
        };
        self.finish(end)
    }

    /// When [`Framer::poll`] may next return a code.
    pub fn deadline(&self) -> Option<Instant> {
        if self.buf.is_empty() {
            return None;
        }
        self.last_byte_at?.checked_add(self.quiet_limit())
    }

    /// Takes the buffer as a frame, trimming stray CR/LF (a scanner set to CR LF on a
    /// port configured for CR); nothing left means no frame.
    fn finish(&mut self, end: FrameEnd) -> Option<Frame> {
        let bytes = std::mem::take(&mut self.buf);
        let is_eol = |b: &u8| *b == b'\r' || *b == b'\n';
        let start = bytes.iter().position(|b| !is_eol(b))?;
        let stop = bytes
            .iter()
            .rposition(|b| !is_eol(b))
            .map_or(start, |i| i + 1);
        Some(Frame {
            bytes: bytes[start..stop].to_vec(),
            end,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(frames: &[Frame]) -> Vec<String> {
        frames
            .iter()
            .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
            .collect()
    }

    #[test]
    fn splits_at_each_suffix() {
        let t0 = Instant::now();
        for (suffix, stream) in [
            (Suffix::Cr, &b"AB\rCD\r\rEF"[..]),
            (Suffix::Lf, b"AB\nCD\n\nEF"),
            (Suffix::CrLf, b"AB\r\nCD\r\n\r\nEF"),
            (Suffix::Cr, b"AB\r\nCD\r\n\r\nEF"),
        ] {
            let mut f = Framer::new(suffix);
            assert_eq!(texts(&f.push(stream, t0)), ["AB", "CD"], "{suffix:?}");
            // "EF" waits for its suffix.
            assert_eq!(f.poll(t0 + Duration::from_millis(10)), None);
        }
    }

    #[test]
    fn suffix_split_across_reads() {
        let t0 = Instant::now();
        let mut f = Framer::new(Suffix::CrLf);
        assert!(f.push(b"690123456", t0).is_empty());
        assert!(f.push(b"7892\r", t0).is_empty());
        assert_eq!(texts(&f.push(b"\n", t0)), ["6901234567892"]);
    }

    #[test]
    fn idle_time_ends_a_code_without_suffix() {
        let t0 = Instant::now();
        let mut f = Framer::new(Suffix::None { idle_ms: 50 });
        assert!(f.push(b"6901234", t0).is_empty());
        assert!(f.push(b"567892", t0 + Duration::from_millis(20)).is_empty());
        assert_eq!(f.deadline(), Some(t0 + Duration::from_millis(70)));
        assert_eq!(f.poll(t0 + Duration::from_millis(69)), None);
        let frame = f.poll(t0 + Duration::from_millis(70)).unwrap();
        assert_eq!(
            (frame.bytes.as_slice(), frame.end),
            (&b"6901234567892"[..], FrameEnd::Complete)
        );
        assert_eq!(f.deadline(), None);
        // A gap inside push also ends the earlier code.
        f.push(b"AAAA", t0 + Duration::from_millis(100));
        let frames = f.push(b"BBBB", t0 + Duration::from_millis(200));
        assert_eq!(texts(&frames), ["AAAA"]);
    }

    #[test]
    fn missing_suffix_is_reported_not_joined_to_the_next_code() {
        let t0 = Instant::now();
        let mut f = Framer::new(Suffix::Cr);
        f.push(b"69012", t0);
        let late = t0 + Duration::from_millis(PARTIAL_TIMEOUT_MS);
        let frame = f.poll(late).unwrap();
        assert_eq!(
            (frame.bytes.as_slice(), frame.end),
            (&b"69012"[..], FrameEnd::MissingSuffix)
        );
        assert_eq!(texts(&f.push(b"6901234567892\r", late)), ["6901234567892"]);
    }

    #[test]
    fn overlong_code_is_cut_and_the_rest_dropped() {
        let t0 = Instant::now();
        let mut f = Framer::new(Suffix::Cr);
        let mut stream = vec![b'A'; FRAME_BYTES_MAX + 100];
        stream.extend_from_slice(b"\rNEXT\r");
        let frames = f.push(&stream, t0);
        assert_eq!(frames.len(), 2);
        assert_eq!(frames[0].end, FrameEnd::Overlong);
        assert_eq!(frames[0].bytes.len(), FRAME_BYTES_MAX);
        assert_eq!(frames[1].bytes, b"NEXT");
    }

    proptest! {
        #[test]
        fn any_bytes_and_timing_never_panic(
            chunks in proptest::collection::vec(
                (proptest::collection::vec(any::<u8>(), 0..64), 0u64..3000), 0..40),
            suffix in prop_oneof![
                Just(Suffix::Cr), Just(Suffix::Lf), Just(Suffix::CrLf),
                (1u64..200).prop_map(|idle_ms| Suffix::None { idle_ms })],
        ) {
            let t0 = Instant::now();
            let mut f = Framer::new(suffix);
            let mut at = t0;
            for (bytes, gap_ms) in chunks {
                at += Duration::from_millis(gap_ms);
                for frame in f.push(&bytes, at) {
                    prop_assert!(!frame.bytes.is_empty());
                    prop_assert!(frame.bytes.len() <= FRAME_BYTES_MAX);
                }
                let _ = f.poll(at);
            }
        }

        #[test]
        fn codes_joined_by_the_suffix_come_back_exactly(
            codes in proptest::collection::vec("[0-9A-Za-z()\u{1d}]{1,40}", 0..30),
            suffix in prop_oneof![Just(Suffix::Cr), Just(Suffix::Lf), Just(Suffix::CrLf)],
            cut in any::<proptest::sample::Index>(),
        ) {
            let t0 = Instant::now();
            let stream: Vec<u8> = codes
                .iter()
                .flat_map(|c| c.bytes().chain(suffix.bytes().iter().copied()))
                .collect();
            // However the stream is split into reads, the codes are the same.
            let at = cut.index(stream.len() + 1);
            let mut f = Framer::new(suffix);
            let mut frames = f.push(&stream[..at], t0);
            frames.extend(f.push(&stream[at..], t0));
            prop_assert_eq!(texts(&frames), codes);
        }
    }
}
