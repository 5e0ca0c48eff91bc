//! Sequence gaps of one terminal: which numbers are missing after a batch. Pure.

use chrono::{DateTime, Utc};

/// A gap that is stored and still open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenGap {
    pub id: i64,
    pub from_sequence: u64,
    pub to_sequence: u64,
    pub detected_at: DateTime<Utc>,
}

/// A gap to store; `detected_at` is `None` for a gap seen for the first time now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapPiece {
    pub from_sequence: u64,
    pub to_sequence: u64,
    pub detected_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct GapChanges {
    /// Open gaps that a late document filled, wholly or partly.
    pub close: Vec<i64>,
    /// New gaps, and what is still missing of closed ones.
    pub open: Vec<GapPiece>,
    pub last_sequence: u64,
}

/// `arrived` are the sequences accepted now; `last_sequence` the highest seen before.
/// A number past the high-water mark opens a gap behind it; a number below it fills
/// part of an open gap, which is closed and re-opened as what is still missing.
pub fn track(last_sequence: u64, open: &[OpenGap], arrived: &[u64]) -> GapChanges {
    let mut arrived = arrived.to_vec();
    arrived.sort_unstable();
    let mut changes = GapChanges {
        last_sequence,
        ..GapChanges::default()
    };
    // Pieces of stored gaps as they shrink: (source id, from, to, detected_at).
    let mut pieces: Vec<(i64, u64, u64, DateTime<Utc>)> = open
        .iter()
        .map(|g| (g.id, g.from_sequence, g.to_sequence, g.detected_at))
        .collect();
    for s in arrived {
        if s > changes.last_sequence {
            if s > changes.last_sequence + 1 {
                changes.open.push(GapPiece {
                    from_sequence: changes.last_sequence + 1,
                    to_sequence: s - 1,
                    detected_at: None,
                });
            }
            changes.last_sequence = s;
            continue;
        }
        let Some(i) = pieces
            .iter()
            .position(|&(_, from, to, _)| from <= s && s <= to)
        else {
            continue;
        };
        let (id, from, to, at) = pieces.swap_remove(i);
        if !changes.close.contains(&id) {
            changes.close.push(id);
        }
        if from < s {
            pieces.push((id, from, s - 1, at));
        }
        if s < to {
            pieces.push((id, s + 1, to, at));
        }
    }
    let mut reopened: Vec<GapPiece> = pieces
        .into_iter()
        .filter(|(id, ..)| changes.close.contains(id))
        .map(|(_, from, to, at)| GapPiece {
            from_sequence: from,
            to_sequence: to,
            detected_at: Some(at),
        })
        .collect();
    reopened.sort_by_key(|p| p.from_sequence);
    changes.open.splice(0..0, reopened);
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gap(id: i64, from: u64, to: u64) -> OpenGap {
        OpenGap {
            id,
            from_sequence: from,
            to_sequence: to,
            detected_at: DateTime::UNIX_EPOCH,
        }
    }

    fn new(from: u64, to: u64) -> GapPiece {
        GapPiece {
            from_sequence: from,
            to_sequence: to,
            detected_at: None,
        }
    }

    fn old(from: u64, to: u64) -> GapPiece {
        GapPiece {
            from_sequence: from,
            to_sequence: to,
            detected_at: Some(DateTime::UNIX_EPOCH),
        }
    }

    #[test]
    fn in_order_leaves_no_gap() {
        assert_eq!(
            track(0, &[], &[1, 2, 3]),
            GapChanges {
                close: vec![],
                open: vec![],
                last_sequence: 3
            }
        );
    }

    #[test]
    fn a_jump_opens_a_gap() {
        let changes = track(2, &[], &[3, 6, 7, 10]);
        assert_eq!(changes.open, vec![new(4, 5), new(8, 9)]);
        assert_eq!(changes.last_sequence, 10);
    }

    #[test]
    fn late_documents_split_and_close_a_gap() {
        let changes = track(10, &[gap(1, 4, 8)], &[6]);
        assert_eq!(changes.close, vec![1]);
        assert_eq!(changes.open, vec![old(4, 5), old(7, 8)]);
        let changes = track(10, &[gap(1, 4, 5)], &[4, 5]);
        assert_eq!(
            changes,
            GapChanges {
                close: vec![1],
                open: vec![],
                last_sequence: 10
            }
        );
    }

    #[test]
    fn a_sequence_outside_any_gap_changes_nothing() {
        assert_eq!(
            track(10, &[gap(1, 4, 5)], &[9]),
            GapChanges {
                last_sequence: 10,
                ..Default::default()
            }
        );
    }
}
