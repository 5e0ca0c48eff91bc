//! The result of reading one code: what it was and what it says.

use crate::check_digit::normalize_gtin14;
use crate::error::ParseError;
use crate::gs1::ai_table::{self, Meaning};
use crate::gs1::date;
use crate::symbology::Symbology;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

// Defined with the GS1 parsing that produces it; also reachable here, where it always was.
pub use crate::gs1::Element;

/// A code that parsed.
///
/// `gtin` holds the code's own GTIN: GTIN-13 for an EAN-13, GTIN-8 for an EAN-8, GTIN-12
/// for a UPC-A and for a UPC-E (expanded to its UPC-A), and the 14 digits of AI (01), or
/// of AI (02) when there is no (01), for a GS1 element string. [`Scan::gtin14`] gives the
/// 14-digit form of any of them for catalog look-ups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    pub symbology: Symbology,
    /// The data as read, without the AIM identifier and surrounding whitespace; a GS
    /// separator stays in as `"\u{1d}"`.
    pub raw: String,
    pub gtin: Option<String>,
    /// AI (10).
    pub lot: Option<String>,
    /// AI (17), a day of 00 read as the last day of the month; else the date of AI (7003).
    pub expiry_date: Option<NaiveDate>,
    /// AI (11), a day of 00 read as the first day of the month.
    pub production_date: Option<NaiveDate>,
    /// AI (21).
    pub serial: Option<String>,
    /// AI (30) or AI (37), whichever comes first.
    pub quantity: Option<u32>,
    /// AI (00).
    pub sscc: Option<String>,
    /// Every GS1 element in the order read; empty for EAN/UPC and plain codes.
    pub elements: Vec<Element>,
}

impl Scan {
    /// A code with no GS1 or GTIN content (a store's own Code 128 label, a QR URL).
    pub(crate) fn plain(symbology: Symbology, raw: &str) -> Self {
        Scan {
            symbology,
            raw: raw.to_string(),
            gtin: None,
            lot: None,
            expiry_date: None,
            production_date: None,
            serial: None,
            quantity: None,
            sscc: None,
            elements: Vec::new(),
        }
    }

    /// Fills the named fields from validated GS1 elements; rejects an AI given twice
    /// with different values (GS1 General Specifications 4.14.1).
    pub(crate) fn from_elements(
        symbology: Symbology,
        raw: &str,
        elements: Vec<Element>,
    ) -> Result<Self, ParseError> {
        for (i, a) in elements.iter().enumerate() {
            if let Some(b) = elements[..i]
                .iter()
                .find(|b| b.ai == a.ai && b.value != a.value)
            {
                return Err(ParseError::DuplicateAi {
                    ai: a.ai.clone(),
                    first: b.value.clone(),
                    second: a.value.clone(),
                });
            }
        }
        let find = |ai: &str| {
            elements
                .iter()
                .find(|e| e.ai == ai)
                .map(|e| e.value.clone())
        };
        let expiry_date = date_of(&elements, "17").or_else(|| {
            find("7003")
                .and_then(|v| date::parse_yymmddhhmm(&v))
                .map(|t| t.date())
        });
        let quantity = elements
            .iter()
            .find(|e| e.ai == "30" || e.ai == "37")
            // At most 8 digits (checked by the AI table), so it fits in a u32.
            .and_then(|e| e.value.parse().ok());
        Ok(Scan {
            symbology,
            raw: raw.to_string(),
            gtin: find("01").or_else(|| find("02")),
            lot: find("10"),
            expiry_date,
            production_date: date_of(&elements, "11"),
            serial: find("21"),
            quantity,
            sscc: find("00"),
            elements,
        })
    }

    /// True when the code was a GS1 element string (it has AIs).
    pub fn is_gs1(&self) -> bool {
        !self.elements.is_empty()
    }

    /// The value of the first element with this AI.
    pub fn element(&self, ai: &str) -> Option<&str> {
        self.elements
            .iter()
            .find(|e| e.ai == ai)
            .map(|e| e.value.as_str())
    }

    /// The GTIN as 14 digits, whatever the carrier (see [`normalize_gtin14`]).
    pub fn gtin14(&self) -> Option<String> {
        self.gtin.as_deref().and_then(normalize_gtin14)
    }

    /// AI (7003), expiry date and time, when the code carries it.
    pub fn expiry_time(&self) -> Option<NaiveDateTime> {
        self.element("7003").and_then(date::parse_yymmddhhmm)
    }

    /// The date of any date AI (`"11"`, `"13"`, `"15"`, `"16"`, `"17"`, `"7006"`), with
    /// GS1's day-00 rule applied.
    pub fn date(&self, ai: &str) -> Option<NaiveDate> {
        date_of(&self.elements, ai)
    }
}

fn date_of(elements: &[Element], ai: &str) -> Option<NaiveDate> {
    let Meaning::Date(zero_day) = ai_table::lookup(ai)?.meaning else {
        return None;
    };
    let value = elements.iter().find(|e| e.ai == ai)?;
    date::parse_yymmdd(&value.value, zero_day)
}
