//! What a scanned or typed code names, decided once for every screen: a product (by
//! barcode, GTIN or SKU), a product's unit by its UDI (lot, expiry or serial), a
//! receipt (its QR code, the sale's document id), a member (card, phone or id), or
//! nothing the till knows.
//!
//! The GS1 parsing of a UDI is the `scanner` crate's: the caller passes what it parsed
//! (as an [`ItemInput`]), so the till's core needs neither the scanner's serial I/O nor
//! a second parser.

use uuid::Uuid;

use super::{ItemInput, Till, TillError};
use crate::catalog::Product;
use crate::member::Member;

/// A code the cashier scanned or typed, as the till understands it.
#[derive(Debug, Clone, PartialEq)]
pub enum EnteredCode {
    /// A product's barcode, GTIN or SKU (a GS1 code without lot, expiry or serial too).
    Product(Box<EnteredItem>),
    /// A GS1 UDI: a product with its lot, expiry or serial.
    Udi(Box<EnteredItem>),
    /// A receipt's QR code: the id of the sale to look up.
    Receipt(Uuid),
    /// A member's card number, phone or id.
    Member(Box<Member>),
    /// Nothing the till knows (the trimmed text): a name to search, or a mistake.
    Unknown(String),
}

/// A product a code names, with what the code says of the unit.
#[derive(Debug, Clone, PartialEq)]
pub struct EnteredItem {
    pub product: Product,
    /// The code to put on the sale: the GTIN (or the text), and the UDI's lot, expiry,
    /// serial and quantity.
    pub input: ItemInput,
}

impl EnteredCode {
    /// The item to ring up or take back, for a product or a UDI.
    pub fn item(&self) -> Option<&EnteredItem> {
        match self {
            EnteredCode::Product(item) | EnteredCode::Udi(item) => Some(item),
            _ => None,
        }
    }

    /// Whether the code means anything to the till.
    pub fn is_known(&self) -> bool {
        !matches!(self, EnteredCode::Unknown(_))
    }
}

impl Till {
    /// What `text` names. `parsed` is the scanner crate's reading of a GS1 or retail
    /// code (`None` when it did not parse: a SKU, a card number, a receipt's id).
    ///
    /// The order decides codes that could mean two things: a product first (a barcode
    /// is what a counter scans most), then a receipt's id, then a member.
    pub fn classify(
        &self,
        text: &str,
        parsed: Option<ItemInput>,
    ) -> Result<EnteredCode, TillError> {
        let text = text.trim();
        let udi = parsed
            .as_ref()
            .is_some_and(|p| p.lot.is_some() || p.serial.is_some() || p.expiry_date.is_some());
        let input = parsed.unwrap_or_else(|| ItemInput::code(text));
        if let Some(product) = self.store.product_by_code(&input.code)? {
            let item = Box::new(EnteredItem { product, input });
            return Ok(if udi {
                EnteredCode::Udi(item)
            } else {
                EnteredCode::Product(item)
            });
        }
        if let Ok(id) = text.parse::<Uuid>() {
            return Ok(EnteredCode::Receipt(id));
        }
        if let Some(member) = self.store.find_member(text)? {
            return Ok(EnteredCode::Member(Box::new(member)));
        }
        Ok(EnteredCode::Unknown(text.to_string()))
    }
}

#[cfg(test)]
mod tests;
