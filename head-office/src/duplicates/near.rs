//! What makes two members likely one person, pure: the same name once whitespace and
//! full-width forms are folded, and phones one digit apart or with two neighbouring
//! digits swapped. Candidates are found through keys two such phones share, so a name
//! held by many members is never compared pair by pair.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

/// The full-width forms (U+FF01..=U+FF5E) and the ideographic space, and what they fold
/// to (U+0021..=U+007E, a space): the two strings of SQL's `translate`, so the
/// database groups members by the name this module compares.
pub fn full_width_fold() -> (String, String) {
    let wide: String = std::iter::once('\u{3000}')
        .chain((0xFF01u32..=0xFF5E).filter_map(char::from_u32))
        .collect();
    let narrow: String = std::iter::once(' ')
        .chain((0x21u32..=0x7E).filter_map(char::from_u32))
        .collect();
    (wide, narrow)
}

/// A name as compared: full-width forms folded, every whitespace dropped, ASCII
/// lowercased ("王 芳", "王　芳" and "王芳" are one name; so are "ＬＩ Ｎａ" and "li na").
pub fn normalized_name(name: &str) -> String {
    name.chars()
        .map(|c| match c as u32 {
            0x3000 => ' ',
            wide @ 0xFF01..=0xFF5E => char::from_u32(wide - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A phone as compared: full-width digits folded, only the digits kept, China's 86
/// prefix (of a 13-digit number) dropped.
pub fn normalized_phone(phone: &str) -> String {
    let digits: String = normalized_name(phone)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    match digits
        .strip_prefix("0086")
        .or_else(|| digits.strip_prefix("86"))
    {
        Some(rest) if rest.len() == 11 => rest.to_owned(),
        _ => digits,
    }
}

/// How two phones differ, when they are likely one mistyped for the other. Positions
/// count from 1, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PhoneEvidence {
    /// One digit differs, at `position`.
    OneDigit { position: usize },
    /// The digits at `position` and `position + 1` are swapped.
    AdjacentSwap { position: usize },
}

impl PhoneEvidence {
    /// The stored code: `one_digit:7`, `adjacent_swap:10`.
    pub fn code(self) -> String {
        match self {
            PhoneEvidence::OneDigit { position } => format!("one_digit:{position}"),
            PhoneEvidence::AdjacentSwap { position } => format!("adjacent_swap:{position}"),
        }
    }

    pub fn parse(code: &str) -> Option<PhoneEvidence> {
        let (kind, position) = code.split_once(':')?;
        let position = position.parse().ok()?;
        match kind {
            "one_digit" => Some(PhoneEvidence::OneDigit { position }),
            "adjacent_swap" => Some(PhoneEvidence::AdjacentSwap { position }),
            _ => None,
        }
    }
}

/// How normalized phones `a` and `b` differ, if by one digit or one swap of neighbours;
/// `None` when equal (an exact match is merged at ingest) or further apart.
pub fn phone_evidence(a: &str, b: &str) -> Option<PhoneEvidence> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() || a.is_empty() {
        return None;
    }
    let differ: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match differ.as_slice() {
        [i] => Some(PhoneEvidence::OneDigit { position: i + 1 }),
        [i, j] if *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i] => {
            Some(PhoneEvidence::AdjacentSwap { position: i + 1 })
        }
        _ => None,
    }
}

/// The keys a phone shares with every phone one digit or one adjacent swap away: the
/// phone with one position blanked, and with one pair of neighbours put in order.
fn near_keys(phone: &str) -> Vec<String> {
    let chars: Vec<char> = phone.chars().collect();
    let mut keys = Vec::with_capacity(2 * chars.len());
    for i in 0..chars.len() {
        let mut blanked = chars.clone();
        blanked[i] = '_';
        keys.push(format!("d{}", blanked.iter().collect::<String>()));
        if i + 1 < chars.len() {
            let mut ordered = chars.clone();
            if ordered[i] > ordered[i + 1] {
                ordered.swap(i, i + 1);
            }
            keys.push(format!("s{i}{}", ordered.iter().collect::<String>()));
        }
    }
    keys
}

/// A member as the search sees them: id and normalized phone (one block = one name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub phone: String,
}

/// A likely duplicate: the pair's ids in order (`a < b`) and how their phones differ.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NearPair {
    pub a: String,
    pub b: String,
    pub evidence: String,
}

/// The likely duplicates among members of one name: only members sharing a near key
/// are compared, so the work grows with the block, not with its square.
pub fn pairs_in_block(block: &[Candidate]) -> Vec<NearPair> {
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, c) in block.iter().enumerate() {
        for key in near_keys(&c.phone) {
            by_key.entry(key).or_default().push(i);
        }
    }
    let mut found: BTreeSet<NearPair> = BTreeSet::new();
    for members in by_key.values().filter(|m| m.len() > 1) {
        for (n, &i) in members.iter().enumerate() {
            for &j in &members[n + 1..] {
                let (x, y) = (&block[i], &block[j]);
                if x.id == y.id {
                    continue;
                }
                if let Some(evidence) = phone_evidence(&x.phone, &y.phone) {
                    let (a, b) = if x.id < y.id { (x, y) } else { (y, x) };
                    found.insert(NearPair {
                        a: a.id.clone(),
                        b: b.id.clone(),
                        evidence: evidence.code(),
                    });
                }
            }
        }
    }
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: &str, phone: &str) -> Candidate {
        Candidate {
            id: id.into(),
            phone: phone.into(),
        }
    }

    #[test]
    fn names_fold_whitespace_and_full_width_forms() {
        for same in ["王芳", "王 芳", "王　芳", " 王芳\t"] {
            assert_eq!(normalized_name(same), "王芳", "{same:?}");
        }
        assert_eq!(normalized_name("ＬＩ　Ｎａ"), "lina");
        assert_eq!(normalized_name("Li Na"), "lina");
        assert_ne!(normalized_name("王芳"), normalized_name("汪芳"));
        let (wide, narrow) = full_width_fold();
        assert_eq!(wide.chars().count(), narrow.chars().count());
    }

    #[test]
    fn phones_fold_full_width_digits_separators_and_the_country_code() {
        assert_eq!(normalized_phone("１３８ ００００ １２３４"), "13800001234");
        assert_eq!(normalized_phone("+86 138-0000-1234"), "13800001234");
        assert_eq!(normalized_phone("008613800001234"), "13800001234");
    }

    #[test]
    fn one_digit_or_one_adjacent_swap_is_near_and_nothing_else() {
        let cases = [
            ("13800001234", "13800001239", Some("one_digit:11")),
            ("13800001234", "23800001234", Some("one_digit:1")),
            ("13800001234", "13800001243", Some("adjacent_swap:10")),
            ("13800001234", "31800001234", Some("adjacent_swap:1")),
            ("13800001234", "13800001234", None),
            ("13800001234", "13800001288", None),
            ("13800001234", "13800004231", None),
            ("13800001234", "1380000123", None),
        ];
        for (a, b, expected) in cases {
            assert_eq!(
                phone_evidence(a, b).map(PhoneEvidence::code).as_deref(),
                expected,
                "{a} {b}"
            );
            if let Some(code) = expected {
                assert_eq!(
                    PhoneEvidence::parse(code)
                        .map(PhoneEvidence::code)
                        .as_deref(),
                    Some(code)
                );
            }
        }
    }

    #[test]
    fn a_block_yields_each_near_pair_once_in_id_order() {
        let block = [
            candidate("m3", "13800001234"),
            candidate("m1", "13800001239"),
            candidate("m2", "13800001243"),
            candidate("m4", "13999999999"),
        ];
        assert_eq!(
            pairs_in_block(&block),
            [
                NearPair {
                    a: "m1".into(),
                    b: "m3".into(),
                    evidence: "one_digit:11".into()
                },
                NearPair {
                    a: "m2".into(),
                    b: "m3".into(),
                    evidence: "adjacent_swap:10".into()
                },
            ]
        );
    }

    #[test]
    fn a_large_block_of_one_name_finds_its_pairs_without_comparing_all() {
        // 20,000 members of one name, phones far apart but for one planted pair.
        let mut block: Vec<Candidate> = (0..20_000u64)
            .map(|n| candidate(&format!("m{n}"), &format!("139{:08}", n * 37)))
            .collect();
        block.push(candidate("twin", "13900000073"));
        let pairs = pairs_in_block(&block);
        assert!(
            pairs.iter().any(|p| p.a == "m1" && p.b == "twin"),
            "{pairs:?}"
        );
        assert!(pairs.iter().all(|p| p.a != p.b));
    }
}
