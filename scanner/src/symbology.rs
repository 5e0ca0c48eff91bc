//! Which kind of barcode a scan came from.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The barcode symbology of a scan, as far as the scanner told us.
///
/// A GS1 element string read without an AIM identifier is reported as
/// [`Symbology::Unknown`] (with its elements parsed): a GS1-128 and a GS1 DataMatrix send
/// the same bytes, so only the AIM identifier can tell them apart. Use
/// [`crate::Scan::is_gs1`] to ask "is this a GS1 element string?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Symbology {
    /// EAN-13 (GTIN-13); a 13-digit code with a leading 0 is reported as [`Symbology::UpcA`].
    Ean13,
    /// EAN-8 (GTIN-8).
    Ean8,
    /// UPC-A (GTIN-12).
    UpcA,
    /// UPC-E, zero-suppressed UPC-A; its GTIN is the expanded UPC-A.
    UpcE,
    /// GS1-128 (AIM `]C1`).
    Gs1_128,
    /// GS1 DataMatrix (AIM `]d2` / `]d5`).
    Gs1DataMatrix,
    /// QR code; with AIM `]Q3` / `]Q4` it carries a GS1 element string.
    QrCode,
    /// Code 128 without the GS1 FNC1 (a store's own labels).
    Code128,
    /// Anything else, or a symbology the scanner did not name.
    Unknown,
}

impl Symbology {
    /// The name people know it by, for messages and the screen.
    pub fn label(self) -> &'static str {
        match self {
            Symbology::Ean13 => "EAN-13",
            Symbology::Ean8 => "EAN-8",
            Symbology::UpcA => "UPC-A",
            Symbology::UpcE => "UPC-E",
            Symbology::Gs1_128 => "GS1-128",
            Symbology::Gs1DataMatrix => "GS1 DataMatrix",
            Symbology::QrCode => "QR code",
            Symbology::Code128 => "Code 128",
            Symbology::Unknown => "unknown symbology",
        }
    }
}

impl fmt::Display for Symbology {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names_are_snake_case() {
        let cases = [
            (Symbology::Ean13, "\"ean13\""),
            (Symbology::Ean8, "\"ean8\""),
            (Symbology::UpcA, "\"upc_a\""),
            (Symbology::UpcE, "\"upc_e\""),
            (Symbology::Gs1_128, "\"gs1_128\""),
            (Symbology::Gs1DataMatrix, "\"gs1_data_matrix\""),
            (Symbology::QrCode, "\"qr_code\""),
            (Symbology::Code128, "\"code128\""),
            (Symbology::Unknown, "\"unknown\""),
        ];
        for (symbology, json) in cases {
            assert_eq!(serde_json::to_string(&symbology).unwrap(), json);
            let back: Symbology = serde_json::from_str(json).unwrap();
            assert_eq!(back, symbology);
        }
    }
}
