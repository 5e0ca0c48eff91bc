//! The GS1 application identifiers this crate knows, after the GS1 General
//! Specifications (section 3, "GS1 Application Identifier definitions").
//!
//! Each entry gives the format ("N" digits, "X" the 82-character set, "Y" the 39-character
//! set; a fixed or maximum length; a leading part that must be digits), whether the
//! value ends in a GS1 check digit, and whether it is a date. Patterns with `n` (for
//! example `310n`) stand for ten AIs whose last digit is a decimal-point position or a
//! sequence number.

/// Which characters a value may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Charset {
    /// Digits 0-9 only.
    Numeric,
    /// GS1 AI encodable character set 82 (digits, letters and `!"%&'()*+,-./:;<=>?_`).
    Cset82,
    /// GS1 AI encodable character set 39 (digits, capitals, `#`, `-`, `/`).
    Cset39,
}

/// What a day of 00 means in a YYMMDD date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ZeroDay {
    /// End dates (expiry, best before, due): the last day of the month.
    LastOfMonth,
    /// Start dates (production, packaging): the first day of the month.
    FirstOfMonth,
    /// The day must be given.
    NotAllowed,
}

/// How the value is to be read beyond its character set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Meaning {
    Text,
    /// YYMMDD.
    Date(ZeroDay),
    /// YYMMDD or YYMMDDYYMMDD (AI 7007, a harvest date range).
    DateRange,
    /// YYMMDDhhmm (AI 7003, expiry date and time).
    DateTimeMinutes,
    /// YYMMDDhh with optional mm and ss (AI 8008).
    DateTimeHours,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AiDef {
    /// The AI; `n` stands for any digit.
    pub pattern: &'static str,
    /// The GS1 data title.
    pub title: &'static str,
    pub charset: Charset,
    /// How many leading characters must be digits (for formats like N3+X..9).
    pub numeric_prefix: usize,
    pub min_len: usize,
    pub max_len: usize,
    /// How many leading digits end in a GS1 check digit; 0 for none.
    pub check_len: usize,
    pub meaning: Meaning,
}

impl AiDef {
    pub fn is_fixed_length(&self) -> bool {
        self.min_len == self.max_len
    }
}

const fn def(
    pattern: &'static str,
    title: &'static str,
    charset: Charset,
    min_len: usize,
    max_len: usize,
) -> AiDef {
    AiDef {
        pattern,
        title,
        charset,
        numeric_prefix: 0,
        min_len,
        max_len,
        check_len: 0,
        meaning: Meaning::Text,
    }
}

/// Fixed-length digits.
const fn n(pattern: &'static str, title: &'static str, len: usize) -> AiDef {
    def(pattern, title, Charset::Numeric, len, len)
}

/// Variable-length digits, up to `max`.
const fn nv(pattern: &'static str, title: &'static str, max: usize) -> AiDef {
    def(pattern, title, Charset::Numeric, 1, max)
}

/// Variable-length CSET 82 text, up to `max`.
const fn x(pattern: &'static str, title: &'static str, max: usize) -> AiDef {
    def(pattern, title, Charset::Cset82, 1, max)
}

/// Fixed-length digits ending in a check digit.
const fn checked(pattern: &'static str, title: &'static str, len: usize) -> AiDef {
    AiDef {
        check_len: len,
        ..n(pattern, title, len)
    }
}

const fn date(pattern: &'static str, title: &'static str, zero_day: ZeroDay) -> AiDef {
    AiDef {
        meaning: Meaning::Date(zero_day),
        ..n(pattern, title, 6)
    }
}

/// `prefix` digits followed by CSET 82 text, `min..=max` characters in all.
const fn nx(
    pattern: &'static str,
    title: &'static str,
    prefix: usize,
    min: usize,
    max: usize,
) -> AiDef {
    AiDef {
        numeric_prefix: prefix,
        ..def(pattern, title, Charset::Cset82, min, max)
    }
}

use Charset::*;
use ZeroDay::*;

/// Every known AI. GS1 AIs are prefix-free, so looking up the first 2, 3, then 4 digits
/// finds at most one entry.
pub(crate) const AI_TABLE: &[AiDef] = &[
    checked("00", "SSCC", 18),
    checked("01", "GTIN", 14),
    checked("02", "CONTENT", 14),
    checked("03", "MTO GTIN", 14),
    x("10", "BATCH/LOT", 20),
    date("11", "PROD DATE", FirstOfMonth),
    date("12", "DUE DATE", LastOfMonth),
    date("13", "PACK DATE", FirstOfMonth),
    date("15", "BEST BEFORE or BEST BY", LastOfMonth),
    date("16", "SELL BY", LastOfMonth),
    date("17", "USE BY OR EXPIRY", LastOfMonth),
    n("20", "VARIANT", 2),
    x("21", "SERIAL", 20),
    x("22", "CPV", 20),
    x("235", "TPX", 28),
    x("240", "ADDITIONAL ID", 30),
    x("241", "CUST. PART No.", 30),
    nv("242", "MTO VARIANT", 6),
    x("243", "PCN", 20),
    x("250", "SECONDARY SERIAL", 30),
    x("251", "REF. TO SOURCE", 30),
    AiDef {
        check_len: 13,
        ..nx("253", "GDTI", 13, 13, 30)
    },
    x("254", "GLN EXTENSION COMPONENT", 20),
    AiDef {
        check_len: 13,
        ..def("255", "GCN", Numeric, 13, 25)
    },
    nv("30", "VAR. COUNT", 8),
    n("310n", "NET WEIGHT (kg)", 6),
    n("311n", "LENGTH (m)", 6),
    n("312n", "WIDTH (m)", 6),
    n("313n", "HEIGHT (m)", 6),
    n("314n", "AREA (m2)", 6),
    n("315n", "NET VOLUME (l)", 6),
    n("316n", "NET VOLUME (m3)", 6),
    n("320n", "NET WEIGHT (lb)", 6),
    n("321n", "LENGTH (in)", 6),
    n("322n", "LENGTH (ft)", 6),
    n("323n", "LENGTH (yd)", 6),
    n("324n", "WIDTH (in)", 6),
    n("325n", "WIDTH (ft)", 6),
    n("326n", "WIDTH (yd)", 6),
    n("327n", "HEIGHT (in)", 6),
    n("328n", "HEIGHT (ft)", 6),
    n("329n", "HEIGHT (yd)", 6),
    n("330n", "GROSS WEIGHT (kg)", 6),
    n("331n", "LENGTH (m), log", 6),
    n("332n", "WIDTH (m), log", 6),
    n("333n", "HEIGHT (m), log", 6),
    n("334n", "AREA (m2), log", 6),
    n("335n", "VOLUME (l), log", 6),
    n("336n", "VOLUME (m3), log", 6),
    n("337n", "KG PER m2", 6),
    n("340n", "GROSS WEIGHT (lb)", 6),
    n("341n", "LENGTH (in), log", 6),
    n("342n", "LENGTH (ft), log", 6),
    n("343n", "LENGTH (yd), log", 6),
    n("344n", "WIDTH (in), log", 6),
    n("345n", "WIDTH (ft), log", 6),
    n("346n", "WIDTH (yd), log", 6),
    n("347n", "HEIGHT (in), log", 6),
    n("348n", "HEIGHT (ft), log", 6),
    n("349n", "HEIGHT (yd), log", 6),
    n("350n", "AREA (in2)", 6),
    n("351n", "AREA (ft2)", 6),
    n("352n", "AREA (yd2)", 6),
    n("353n", "AREA (in2), log", 6),
    n("354n", "AREA (ft2), log", 6),
    n("355n", "AREA (yd2), log", 6),
    n("356n", "NET WEIGHT (t oz)", 6),
    n("357n", "NET VOLUME (oz)", 6),
    n("360n", "NET VOLUME (qt)", 6),
    n("361n", "NET VOLUME (gal.)", 6),
    n("362n", "VOLUME (qt), log", 6),
    n("363n", "VOLUME (gal.), log", 6),
    n("364n", "VOLUME (in3)", 6),
    n("365n", "VOLUME (ft3)", 6),
    n("366n", "VOLUME (yd3)", 6),
    n("367n", "VOLUME (in3), log", 6),
    n("368n", "VOLUME (ft3), log", 6),
    n("369n", "VOLUME (yd3), log", 6),
    nv("37", "COUNT", 8),
    nv("390n", "AMOUNT", 15),
    def("391n", "AMOUNT (with ISO currency)", Numeric, 4, 18),
    nv("392n", "PRICE", 15),
    def("393n", "PRICE (with ISO currency)", Numeric, 4, 18),
    n("394n", "PRCNT OFF", 4),
    n("395n", "PRICE/UoM", 6),
    x("400", "ORDER NUMBER", 30),
    x("401", "GINC", 30),
    checked("402", "GSIN", 17),
    x("403", "ROUTE", 30),
    checked("410", "SHIP TO LOC", 13),
    checked("411", "BILL TO", 13),
    checked("412", "PURCHASE FROM", 13),
    checked("413", "SHIP FOR LOC", 13),
    checked("414", "LOC No.", 13),
    checked("415", "PAY TO", 13),
    checked("416", "PROD/SERV LOC", 13),
    checked("417", "PARTY", 13),
    x("420", "SHIP TO POST", 20),
    nx("421", "SHIP TO POST (with ISO country)", 3, 4, 12),
    n("422", "ORIGIN", 3),
    def("423", "COUNTRY - INITIAL PROCESS", Numeric, 3, 15),
    n("424", "COUNTRY - PROCESS", 3),
    def("425", "COUNTRY - DISASSEMBLY", Numeric, 3, 15),
    n("426", "COUNTRY - FULL PROCESS", 3),
    x("427", "ORIGIN SUBDIVISION", 3),
    n("7001", "NSN", 13),
    x("7002", "MEAT CUT", 30),
    AiDef {
        meaning: Meaning::DateTimeMinutes,
        ..n("7003", "EXPIRY TIME", 10)
    },
    nv("7004", "ACTIVE POTENCY", 4),
    x("7005", "CATCH AREA", 12),
    date("7006", "FIRST FREEZE DATE", NotAllowed),
    AiDef {
        meaning: Meaning::DateRange,
        ..def("7007", "HARVEST DATE", Numeric, 6, 12)
    },
    x("7008", "AQUATIC SPECIES", 3),
    x("7009", "FISHING GEAR TYPE", 10),
    x("7010", "PROD METHOD", 2),
    x("7020", "REFURB LOT", 20),
    x("7021", "FUNC STAT", 20),
    x("7022", "REV STAT", 20),
    x("7023", "GIAI - ASSEMBLY", 30),
    nx("703n", "PROCESSOR #", 3, 4, 30),
    nx("7040", "UIC+EXT", 1, 4, 4),
    x("710", "NHRN PZN", 20),
    x("711", "NHRN CIP", 20),
    x("712", "NHRN CN", 20),
    x("713", "NHRN DRN", 20),
    x("714", "NHRN AIM", 20),
    x("715", "NHRN NDC", 20),
    x("7240", "PROTOCOL", 20),
    n("8001", "DIMENSIONS", 14),
    x("8002", "CMT No.", 20),
    AiDef {
        check_len: 14,
        ..nx("8003", "GRAI", 14, 14, 30)
    },
    x("8004", "GIAI", 30),
    n("8005", "PRICE PER UNIT", 6),
    AiDef {
        check_len: 14,
        ..n("8006", "ITIP", 18)
    },
    x("8007", "IBAN", 34),
    AiDef {
        meaning: Meaning::DateTimeHours,
        ..def("8008", "PROD TIME", Numeric, 8, 12)
    },
    x("8009", "OPTSEN", 50),
    def("8010", "CPID", Cset39, 1, 30),
    nv("8011", "CPID SERIAL", 12),
    x("8012", "VERSION", 20),
    x("8013", "GMN", 25),
    checked("8017", "GSRN - PROVIDER", 18),
    checked("8018", "GSRN - RECIPIENT", 18),
    nv("8019", "SRIN", 10),
    x("8020", "REF No.", 25),
    AiDef {
        check_len: 14,
        ..n("8026", "ITIP CONTENT", 18)
    },
    x("8110", "COUPON (North America)", 70),
    n("8111", "POINTS", 4),
    x("8112", "PAPERLESS COUPON (North America)", 70),
    x("8200", "PRODUCT URL", 70),
    x("90", "INTERNAL", 30),
    x("91", "INTERNAL", 90),
    x("92", "INTERNAL", 90),
    x("93", "INTERNAL", 90),
    x("94", "INTERNAL", 90),
    x("95", "INTERNAL", 90),
    x("96", "INTERNAL", 90),
    x("97", "INTERNAL", 90),
    x("98", "INTERNAL", 90),
    x("99", "INTERNAL", 90),
];

/// The first two digits of the AIs whose length is predefined by GS1 (General
/// Specifications figure 7.8.5.2-1); only these need no FNC1 / GS after their value.
/// The parser is more lenient (any fixed-length value is taken by its length), so this
/// list only checks the table.
#[cfg(test)]
const PREDEFINED_LENGTH_PREFIXES: &[&str] = &[
    "00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "31",
    "32", "33", "34", "35", "36", "41",
];

/// True when GS1 lets the next AI follow this one without a separator.
#[cfg(test)]
fn has_predefined_length(ai: &str) -> bool {
    PREDEFINED_LENGTH_PREFIXES.iter().any(|p| ai.starts_with(p))
}

fn matches(pattern: &str, ai: &str) -> bool {
    pattern.len() == ai.len()
        && pattern
            .bytes()
            .zip(ai.bytes())
            .all(|(p, a)| p == a || (p == b'n' && a.is_ascii_digit()))
}

/// The definition of exactly this AI (`"17"`, `"3103"`), if it is known.
pub(crate) fn lookup(ai: &str) -> Option<&'static AiDef> {
    AI_TABLE.iter().find(|d| matches(d.pattern, ai))
}

/// The AI at the start of `digits`: tries the first 2, 3 and 4 characters.
pub(crate) fn lookup_prefix(digits: &str) -> Option<(&str, &'static AiDef)> {
    (2..=4)
        .filter(|&len| digits.is_char_boundary(len) && digits.len() >= len)
        .map(|len| &digits[..len])
        .filter(|ai| ai.bytes().all(|b| b.is_ascii_digit()))
        .find_map(|ai| lookup(ai).map(|d| (ai, d)))
}

/// The GS1 data title of an AI (`"17"` -> `"USE BY OR EXPIRY"`), for screens and logs.
pub fn ai_title(ai: &str) -> Option<&'static str> {
    lookup(ai).map(|d| d.title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_prefix_free() {
        // Expand the `n` patterns and check no AI is a prefix of another.
        let mut all: Vec<String> = Vec::new();
        for d in AI_TABLE {
            if let Some(stem) = d.pattern.strip_suffix('n') {
                all.extend((0..10).map(|i| format!("{stem}{i}")));
            } else {
                all.push(d.pattern.to_string());
            }
        }
        for a in &all {
            for b in &all {
                assert!(
                    a == b || !b.starts_with(a.as_str()),
                    "{a} is a prefix of {b}"
                );
            }
        }
    }

    #[test]
    fn lengths_are_consistent() {
        for d in AI_TABLE {
            assert!(d.min_len >= 1 && d.min_len <= d.max_len, "{}", d.pattern);
            assert!(d.check_len <= d.min_len, "{}", d.pattern);
            assert!(d.numeric_prefix <= d.min_len, "{}", d.pattern);
            assert!((2..=4).contains(&d.pattern.len()), "{}", d.pattern);
            // The predefined-length AIs are all fixed length.
            if has_predefined_length(d.pattern) {
                assert!(d.is_fixed_length(), "{}", d.pattern);
            }
        }
    }

    #[test]
    fn finds_ais_of_every_length() {
        assert_eq!(
            lookup_prefix("0106901234567892").map(|(a, _)| a),
            Some("01")
        );
        assert_eq!(lookup_prefix("240ABC").map(|(a, _)| a), Some("240"));
        assert_eq!(lookup_prefix("3103000123").map(|(a, _)| a), Some("3103"));
        assert_eq!(
            lookup_prefix("70032612311200").map(|(a, _)| a),
            Some("7003")
        );
        assert_eq!(lookup_prefix("8020REF").map(|(a, _)| a), Some("8020"));
        assert_eq!(lookup_prefix("49"), None);
        assert_eq!(lookup_prefix("1"), None);
        assert_eq!(ai_title("17"), Some("USE BY OR EXPIRY"));
        assert_eq!(ai_title("3922"), Some("PRICE"));
        assert_eq!(ai_title("3170"), None);
    }
}
