//! Loading a catalog (products, barcodes, lots, stock, serials, members, promotions)
//! into the till file, as set-up and `pos import` do.

use super::{Till, TillError};
use crate::import::CatalogImport;

impl Till {
    /// Writes a whole catalog in one transaction: all of it or, on an error, none.
    pub fn import_catalog(&mut self, catalog: &CatalogImport) -> Result<(), TillError> {
        Ok(self.store.import_catalog(catalog)?)
    }
}
