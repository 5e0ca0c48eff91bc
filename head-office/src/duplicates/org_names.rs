//! What makes two organisations likely one, pure: the same 统一社会信用代码 (certain),
//! or the same name once its writing is folded (likely): full-width and half-width
//! forms, spaces, the kind of brackets, and a trailing legal form (有限公司,
//! 有限责任公司, 股份有限公司, 公司). What a bracket holds is kept: "北京协和医院（东院）"
//! is a campus or department of "北京协和医院", not the same customer twice.

use std::collections::{BTreeMap, HashMap};

/// Legal forms dropped from the end of a name, longest first.
/// (集团 is kept: a group and its company are two customers.)
const LEGAL_FORMS: [&str; 4] = ["股份有限公司", "有限责任公司", "有限公司", "公司"];

/// A character as compared: full-width forms and the ideographic space folded to
/// ASCII, every kind of bracket to `(` or `)`.
fn fold(c: char) -> char {
    let c = match c as u32 {
        0x3000 => ' ',
        wide @ 0xFF01..=0xFF5E => char::from_u32(wide - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    match c {
        '[' | '{' | '【' | '〔' | '〖' | '「' => '(',
        ']' | '}' | '】' | '〕' | '〗' | '」' => ')',
        _ => c.to_ascii_lowercase(),
    }
}

/// Separators that never tell two names apart: whitespace and middle dots.
fn ignored(c: char) -> bool {
    c.is_whitespace() || matches!(c, '·' | '•' | '・' | '‧')
}

/// An organisation's name as compared: characters folded ([`fold`]), whitespace and
/// middle dots dropped, then one trailing legal form dropped from the name before its
/// trailing bracket, if any ("上海 仁济医疗器械有限公司" and "上海仁济医疗器械公司" are
/// both "上海仁济医疗器械"). A name that is only a legal form keeps it.
pub fn normalized_org_name(name: &str) -> String {
    let folded: String = name.chars().filter(|c| !ignored(*c)).map(fold).collect();
    let (stem, bracket) = match folded.strip_suffix(')').and_then(|s| s.rfind('(')) {
        Some(open) if open > 0 => folded.split_at(open),
        _ => (folded.as_str(), ""),
    };
    let stem = match LEGAL_FORMS.iter().find_map(|form| stem.strip_suffix(form)) {
        Some(rest) if !rest.is_empty() => rest,
        _ => stem,
    };
    format!("{stem}{bracket}")
}

/// A 统一社会信用代码 as compared: full-width forms folded, separators dropped, letters
/// in upper case.
pub fn normalized_credit_code(code: &str) -> String {
    code.chars()
        .filter(|c| !ignored(*c) && *c != '-')
        .map(|c| fold(c).to_ascii_uppercase())
        .collect()
}

/// Why two organisations are proposed as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgEvidence {
    /// The same 统一社会信用代码: certainly one organisation.
    CreditCode,
    /// The same name as compared ([`normalized_org_name`]): likely one.
    Name,
}

impl OrgEvidence {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            OrgEvidence::CreditCode => "credit_code",
            OrgEvidence::Name => "name",
        }
    }

    pub fn parse(code: &str) -> Option<OrgEvidence> {
        [OrgEvidence::CreditCode, OrgEvidence::Name]
            .into_iter()
            .find(|e| e.code() == code)
    }
}

/// An organisation as the search sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgCandidate {
    pub id: String,
    pub name: String,
    pub credit_code: String,
}

/// A proposed pair: ids in order (`a < b`) and the strongest evidence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OrgPair {
    pub a: String,
    pub b: String,
    pub evidence: OrgEvidence,
}

/// What groups organisations: their folded credit code, or their folded name.
type KeyOf = fn(&OrgCandidate) -> String;

/// The likely duplicates among `orgs`: every organisation sharing a credit code or a
/// name with an older one (the lowest id) is paired with that one, so a group of n
/// gives n - 1 pairs, each merged into the first, never n².
pub fn org_pairs(orgs: &[OrgCandidate]) -> Vec<OrgPair> {
    let mut found: BTreeMap<(String, String), OrgEvidence> = BTreeMap::new();
    let keyed: [(OrgEvidence, KeyOf); 2] = [
        (OrgEvidence::CreditCode, |o| {
            normalized_credit_code(&o.credit_code)
        }),
        (OrgEvidence::Name, |o| normalized_org_name(&o.name)),
    ];
    for (evidence, key_of) in keyed {
        let mut first: HashMap<String, &str> = HashMap::new();
        let mut sorted: Vec<&OrgCandidate> = orgs.iter().collect();
        sorted.sort_by(|x, y| x.id.cmp(&y.id));
        for o in sorted {
            let key = key_of(o);
            if key.is_empty() {
                continue;
            }
            match first.get(key.as_str()) {
                Some(&oldest) if oldest != o.id => {
                    let pair = (oldest.to_owned(), o.id.clone());
                    let known = found.entry(pair).or_insert(evidence);
                    *known = (*known).min(evidence);
                }
                Some(_) => {}
                None => {
                    first.insert(key, &o.id);
                }
            }
        }
    }
    found
        .into_iter()
        .map(|((a, b), evidence)| OrgPair { a, b, evidence })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: &str, name: &str, code: &str) -> OrgCandidate {
        OrgCandidate {
            id: id.into(),
            name: name.into(),
            credit_code: code.into(),
        }
    }

    #[test]
    fn legal_forms_spaces_widths_and_brackets_fold() {
        let same = [
            "上海仁济医疗器械有限公司",
            "上海仁济医疗器械公司",
            "上海 仁济医疗器械有限公司",
            "上海　仁济医疗器械有限责任公司",
            "上海仁济医疗器械股份有限公司",
            " 上海·仁济医疗器械有限公司\t",
        ];
        for name in same {
            assert_eq!(normalized_org_name(name), "上海仁济医疗器械", "{name:?}");
        }
        assert_eq!(
            normalized_org_name("北京协和医院（东院）"),
            normalized_org_name("北京协和医院 (东院)")
        );
        assert_eq!(
            normalized_org_name("北京协和医院【东院】"),
            "北京协和医院(东院)"
        );
        assert_eq!(normalized_org_name("ＡＢＣ Clinic"), "abcclinic");
        assert_eq!(
            normalized_org_name("仁济医疗器械有限公司（浦东分公司）"),
            normalized_org_name("仁济医疗器械公司(浦东分公司)"),
            "the legal form before a trailing bracket"
        );
    }

    #[test]
    fn departments_campuses_and_other_names_stay_apart() {
        let base = normalized_org_name("北京协和医院");
        for other in [
            "北京协和医院（东院）",
            "北京协和医院(心内科)",
            "北京协和医院心内科",
            "北京协和",
            "北京协和医院分公司",
            "上海协和医院",
        ] {
            assert_ne!(normalized_org_name(other), base, "{other:?}");
        }
        assert_ne!(
            normalized_org_name("仁济医疗器械有限公司（浦东分公司）"),
            normalized_org_name("仁济医疗器械有限公司")
        );
        assert_eq!(normalized_org_name("有限公司"), "有限公司", "never empty");
        assert_ne!(
            normalized_org_name("仁济集团有限公司"),
            normalized_org_name("仁济有限公司"),
            "a group is not its company"
        );
    }

    #[test]
    fn credit_codes_fold_case_width_and_separators() {
        for code in [
            "91310000MA1FL0ABCD",
            "91310000ma1fl0abcd",
            "９１３１００００ＭＡ１ＦＬ０ＡＢＣＤ",
            " 9131 0000-MA1F L0AB CD ",
        ] {
            assert_eq!(
                normalized_credit_code(code),
                "91310000MA1FL0ABCD",
                "{code:?}"
            );
        }
    }

    #[test]
    fn each_group_pairs_with_its_oldest_and_a_shared_code_wins() {
        let orgs = [
            org("ORG3", "上海仁济医疗器械公司", "C3"),
            org("ORG1", "上海仁济医疗器械有限公司", "C1"),
            org("ORG2", "上海 仁济医疗器械有限公司", "C2"),
            org("ORG4", "北京协和医院", "C4"),
            org("ORG5", "北京协和医院（东院）", "C5"),
            org("ORG6", "和平诊所", "c1"),
            org("ORG7", "北京协和医院", "C7"),
            org("ORG8", "北京协和医院", "C7"),
        ];
        let pairs: Vec<(String, String, OrgEvidence)> = org_pairs(&orgs)
            .into_iter()
            .map(|p| (p.a, p.b, p.evidence))
            .collect();
        let expected = [
            ("ORG1", "ORG2", OrgEvidence::Name),
            ("ORG1", "ORG3", OrgEvidence::Name),
            ("ORG1", "ORG6", OrgEvidence::CreditCode),
            ("ORG4", "ORG7", OrgEvidence::Name),
            ("ORG4", "ORG8", OrgEvidence::Name),
            ("ORG7", "ORG8", OrgEvidence::CreditCode),
        ]
        .map(|(a, b, e)| (a.to_owned(), b.to_owned(), e));
        assert_eq!(pairs, expected);
        for e in [OrgEvidence::CreditCode, OrgEvidence::Name] {
            assert_eq!(OrgEvidence::parse(e.code()), Some(e));
        }
    }
}
