//! AIM symbology identifiers (ISO/IEC 15424): `]` + a code letter + a modifier, sent by
//! the scanner before the data when it is configured to.

use crate::error::ParseError;
use crate::symbology::Symbology;

/// What the data after an AIM identifier is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Content {
    /// EAN/UPC digits in the standard packet (`]E0`): 8 = UPC-E, 12 = UPC-A, 13 = EAN-13.
    EanUpc,
    /// `]E3`: an EAN/UPC followed by its 2- or 5-digit add-on.
    EanUpcWithAddOn,
    Ean8,
    /// A GS1 element string (FNC1 in first position).
    Gs1,
    /// Interleaved 2 of 5; 14 digits are a GTIN-14 (ITF-14).
    Itf,
    /// Plain data.
    Plain,
}

/// A well-formed AIM identifier, e.g. `"]C1"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AimId {
    pub code: char,
    pub modifier: char,
}

impl AimId {
    /// Accepts `"]C1"` or `"C1"`.
    pub fn parse(aim: &str) -> Result<Self, ParseError> {
        let body = aim.strip_prefix(']').unwrap_or(aim);
        let mut chars = body.chars();
        match (chars.next(), chars.next(), chars.next()) {
            (Some(code), Some(modifier), None)
                if code.is_ascii_alphabetic() && modifier.is_ascii_alphanumeric() =>
            {
                Ok(AimId { code, modifier })
            }
            _ => Err(ParseError::BadAimIdentifier {
                aim: aim.to_string(),
            }),
        }
    }

    /// Splits a leading AIM identifier off `text`, if it has one.
    pub fn split(text: &str) -> Option<(Self, &str)> {
        let rest = text.strip_prefix(']')?;
        let mut chars = rest.char_indices();
        let (_, code) = chars.next()?;
        let (_, modifier) = chars.next()?;
        let data_at = chars.next().map_or(rest.len(), |(i, _)| i);
        (code.is_ascii_alphabetic() && modifier.is_ascii_alphanumeric())
            .then_some((AimId { code, modifier }, &rest[data_at..]))
    }

    pub fn classify(self) -> (Symbology, Content) {
        use Content::*;
        match (self.code, self.modifier) {
            ('E', '0') => (Symbology::Ean13, EanUpc),
            ('E', '3') => (Symbology::Ean13, EanUpcWithAddOn),
            ('E', '4') => (Symbology::Ean8, Ean8),
            ('C', '1') => (Symbology::Gs1_128, Gs1),
            ('C', _) => (Symbology::Code128, Plain),
            ('d', '2' | '5') => (Symbology::Gs1DataMatrix, Gs1),
            ('Q', '3' | '4') => (Symbology::QrCode, Gs1),
            ('Q', _) => (Symbology::QrCode, Plain),
            // GS1 DataBar: GS1 data, but not one of our named symbologies.
            ('e', '0') => (Symbology::Unknown, Gs1),
            ('I', _) => (Symbology::Unknown, Itf),
            _ => (Symbology::Unknown, Plain),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_split() {
        assert_eq!(
            AimId::parse("]C1"),
            Ok(AimId {
                code: 'C',
                modifier: '1'
            })
        );
        assert_eq!(
            AimId::parse("d2").map(|a| a.classify().0),
            Ok(Symbology::Gs1DataMatrix)
        );
        for bad in ["", "]", "]C", "]C10", "]1C", "]C ", "]Ω1"] {
            assert!(AimId::parse(bad).is_err(), "{bad:?}");
        }
        let (aim, data) = AimId::split("]E06901234567892").unwrap();
        assert_eq!((aim.code, aim.modifier, data), ('E', '0', "6901234567892"));
        assert_eq!(AimId::split("]Q1").map(|(_, d)| d), Some(""));
        assert!(AimId::split("]é1abc").is_none());
        assert!(AimId::split("6901234567892").is_none());
    }
}
