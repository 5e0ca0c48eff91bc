//! The `Till` facade: the one API the UI, the command line, the sync agent and the tests
//! use. It owns the open till file and the sale being rung up; every method that depends
//! on time takes `now` as an argument.
//!
//! # Layout
//! - `config`: thresholds and the store's clock rules.
//! - `operators`: login, lock-out and manager approvals.
//! - `sale`: the cart, holding and payment; `members`: the member on the sale;
//!   `organisations`: the organisation buying and the class III qualification rule.
//! - `lots`: the lots a line may take, and choosing one by hand.
//! - `after_sale`: voids and returns.
//! - `drawer`: shifts, paid in/out, X and Z reports.
//! - `receipts`: the durable queue of receipts waiting to print.
//! - `catalog`: loading a catalog file.
//! - `entered_code`: what a scanned or typed code names, for every screen.
//! - `queries`: what the screens read (search, stock alerts, documents, the outbox).

mod after_sale;
mod catalog;
mod config;
mod drawer;
mod entered_code;
mod error;
mod lots;
mod members;
mod operators;
mod organisations;
mod queries;
mod receipts;
mod sale;
mod stock_documents;
mod stock_error;
mod transfers;

pub use after_sale::{NO_RECEIPT_ITEMS_MAX, NoReceiptPlan, ReturnItem};
pub use config::TillConfig;
pub use entered_code::{EnteredCode, EnteredItem};
pub use error::TillError;
pub use lots::LotChoice;
pub use members::MemberPoints;
pub use organisations::AttachedOrganisation;
pub use sale::{ItemInput, ScanOutcome};
pub use stock_documents::{Counted, ExpiredHolding, StockDocumentError};
pub use transfers::{HeldLot, OpenTransferOrders};

use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use uuid::Uuid;

use crate::cart::Cart;
use crate::document::{Approval, Document, DocumentBody};
use crate::operator::{Operator, check_new_operator, pin_is_well_formed};
use crate::store::{Store, TillIdentity};

/// The till: its file, who is logged in and the sale in progress.
pub struct Till {
    store: Store,
    identity: TillIdentity,
    config: TillConfig,
    operator: Option<Operator>,
    cart: Cart,
    member: Option<crate::member::Member>,
    /// The attached member's soonest points to lapse, as of when they were attached.
    member_points_expiring: Option<crate::points_expiry::ExpiringPoints>,
    /// The organisation (机构客户) buying, when the cashier named one.
    organisation: Option<AttachedOrganisation>,
    /// The cashier acknowledged the organisation's qualification warning for this sale.
    qualification_acknowledged: bool,
    /// Approvals given while ringing up the current sale, recorded on it.
    sale_approvals: Vec<Approval>,
    /// Whether the sync agent last reached head office; decides the offline point rules.
    online: bool,
}

impl Till {
    /// Opens an initialised till file.
    pub fn open(path: &Path, config: TillConfig) -> Result<Till, TillError> {
        let store = Store::open_existing(path)?;
        let identity = store.identity()?.ok_or(TillError::NotInitialised)?;
        Ok(Till::over(store, identity, config))
    }

    /// A till over an opened store: nobody logged in, an empty cart, offline.
    fn over(store: Store, identity: TillIdentity, config: TillConfig) -> Till {
        Till {
            store,
            identity,
            config,
            operator: None,
            cart: Cart::default(),
            member: None,
            member_points_expiring: None,
            organisation: None,
            qualification_acknowledged: false,
            sale_approvals: Vec::new(),
            online: false,
        }
    }

    /// Creates a till file for a store and terminal, with its first manager.
    pub fn init(
        path: &Path,
        identity: TillIdentity,
        manager: NewOperator<'_>,
        config: TillConfig,
    ) -> Result<Till, TillError> {
        // Refused before anything is written: a bad PIN must not leave a till file that
        // nobody can log in to (and that a second `init` would find "already there").
        check_identity(&identity)?;
        check_new_operator(manager.id, manager.name)?;
        if !pin_is_well_formed(manager.pin) {
            return Err(TillError::BadPinFormat);
        }
        let store = Store::open(path)?;
        if store.identity()?.is_some() {
            return Err(TillError::AlreadyInitialised {
                path: path.to_path_buf(),
            });
        }
        store.set_identity(&identity)?;
        let mut till = Till::over(store, identity, config);
        till.add_operator(manager)?;
        Ok(till)
    }

    /// Read access for queries (search, stock, documents, outbox).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Write access for the sync agent (acks, feed pages).
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    pub fn identity(&self) -> &TillIdentity {
        &self.identity
    }

    pub fn config(&self) -> &TillConfig {
        &self.config
    }

    pub fn set_config(&mut self, config: TillConfig) {
        self.config = config;
    }

    pub fn is_online(&self) -> bool {
        self.online
    }

    /// The sync agent tells the till whether head office answered its last call.
    pub fn set_online(&mut self, online: bool) {
        self.online = online;
    }

    pub fn operator(&self) -> Option<&Operator> {
        self.operator.as_ref()
    }

    /// The business date (营业日) of a moment: local time minus the day's start hour.
    pub fn business_date(&self, now: DateTime<Utc>) -> NaiveDate {
        self.config.business_date(now)
    }

    pub fn local_time(&self, now: DateTime<Utc>) -> NaiveDateTime {
        self.config.local_time(now)
    }

    fn logged_in(&self) -> Result<&Operator, TillError> {
        self.operator.as_ref().ok_or(TillError::NotLoggedIn)
    }

    /// Writes a document of this till: envelope filled in, checked to add up, committed
    /// with its journal entry, outbox row and effects in one transaction.
    fn commit(
        &mut self,
        now: DateTime<Utc>,
        approvals: Vec<Approval>,
        body: impl FnOnce(&rusqlite::Transaction<'_>, u64, Uuid) -> Result<DocumentBody, TillError>,
    ) -> Result<Document, TillError> {
        let operator_id = self.logged_in()?.id.clone();
        let envelope = Envelope {
            id: new_document_id(now),
            store_id: self.identity.store_id.clone(),
            terminal_id: self.identity.terminal_id.clone(),
            business_date: self.business_date(now),
            created_at: now,
            operator_id,
            approvals,
        };
        let offline = !self.online;
        let id = envelope.id;
        let doc = self.store.commit_document(offline, |tx, sequence| {
            let doc = envelope.into_document(sequence, body(tx, sequence, id)?);
            crate::validate::validate_document(&doc).map_err(|e| TillError::InvalidDocument {
                id: doc.id,
                reason: e.to_string(),
            })?;
            Ok(doc)
        })?;
        Ok(doc)
    }
}

/// Most characters a store id and a terminal id may take together: a card this till
/// issues, `L{store}-{terminal}-{seq:07}`, must stay within the documents' id bound.
pub const IDENTITY_CHARS_MAX: usize = crate::validate::ID_CHARS_MAX - 10;

/// Store and terminal ids as head office takes them (letters, digits, '-', '_'), short
/// enough together for the cards this till issues.
fn check_identity(identity: &TillIdentity) -> Result<(), TillError> {
    let well_formed = |id: &str| {
        !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let (store, terminal) = (&identity.store_id, &identity.terminal_id);
    if well_formed(store)
        && well_formed(terminal)
        && store.len() + terminal.len() <= IDENTITY_CHARS_MAX
    {
        return Ok(());
    }
    Err(TillError::BadIdentity {
        store_id: store.clone(),
        terminal_id: terminal.clone(),
        max: IDENTITY_CHARS_MAX,
    })
}

/// The first operator of a till, or one a manager adds.
#[derive(Debug, Clone, Copy)]
pub struct NewOperator<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub role: crate::operator::Role,
    pub pin: &'a str,
}

struct Envelope {
    id: Uuid,
    store_id: String,
    terminal_id: String,
    business_date: NaiveDate,
    created_at: DateTime<Utc>,
    operator_id: String,
    approvals: Vec<Approval>,
}

impl Envelope {
    fn into_document(self, sequence: u64, body: DocumentBody) -> Document {
        Document {
            id: self.id,
            store_id: self.store_id,
            terminal_id: self.terminal_id,
            sequence,
            business_date: self.business_date,
            created_at: self.created_at,
            operator_id: self.operator_id,
            approvals: self.approvals,
            body,
        }
    }
}

/// A UUIDv7 whose time part is `now`, so ids sort by creation like the sequence does.
pub fn new_document_id(now: DateTime<Utc>) -> Uuid {
    let millis = now.timestamp_millis().max(0) as u64;
    uuid::Builder::from_unix_timestamp_millis(millis, &rand::random::<[u8; 10]>()).into_uuid()
}
