use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::loyalty::RedemptionError;
use crate::operator::OperatorError;
use crate::pricing::PricingError;
use crate::returns::ReturnError;
use crate::store::StoreError;
use crate::tender::TenderError;

/// Everything the till can refuse, each with a message a cashier can act on. The UI
/// translates by variant; these English texts are for logs and the command line.
#[derive(Debug, thiserror::Error)]
pub enum TillError {
    #[error("no product has the code {code}")]
    UnknownCode { code: String },
    #[error("quantity must be at least 1")]
    ZeroQuantity,
    #[error("no line {line_no} in this sale")]
    UnknownLine { line_no: u32 },
    #[error("{name} is tracked by lot: scan the UDI code or choose the lot")]
    LotRequired { sku: String, name: String },
    #[error("lot {lot_no} of {sku} is not in the catalog")]
    UnknownLot { sku: String, lot_no: String },
    #[error("lot {lot_no} of {name} expired on {expiry_date}; it cannot be sold")]
    ExpiredLot {
        sku: String,
        name: String,
        lot_no: String,
        expiry_date: NaiveDate,
    },
    #[error("{name} is not tracked by lot; it has no lot to choose")]
    NotLotTracked { sku: String, name: String },
    #[error("serial {serial} belongs to lot {lot_no}; its lot cannot be changed")]
    SerialLotFixed { serial: String, lot_no: String },
    #[error("{name} is tracked by serial: scan the serial number")]
    SerialRequired { sku: String, name: String },
    #[error("serial {serial} is sold once and only one unit per line")]
    SerialQuantity { serial: String },
    #[error("serial {serial} was already sold (sale no. {sequence})")]
    SerialAlreadySold { serial: String, sequence: u64 },
    #[error("serial {serial} is already in this sale")]
    SerialInCart { serial: String },
    #[error("head office reports serial {serial} as sold")]
    SerialSoldElsewhere { serial: String },
    #[error("serial {serial} was sold on sale no. {sequence}: return it against that sale")]
    SerialReturnOnOtherSale { serial: String, sequence: u64 },
    #[error("nobody is logged in")]
    NotLoggedIn,
    #[error("no operator {operator_id}")]
    UnknownOperator { operator_id: String },
    #[error("wrong PIN; {attempts_left} attempts left before the account locks")]
    WrongPin { attempts_left: u32 },
    #[error("too many wrong PINs; locked until {until}")]
    Locked { until: DateTime<Utc> },
    #[error("PIN must be 4 to 8 digits")]
    BadPinFormat,
    #[error(
        "the business day {business_date} is already closed (Z{z_no}); the next daily close is for the next business day"
    )]
    DayAlreadyClosed { business_date: NaiveDate, z_no: u64 },
    #[error("this needs a manager's approval ({action})")]
    ApprovalRequired { action: &'static str },
    #[error("{operator_id} is not a manager")]
    NotAManager { operator_id: String },
    #[error("open a shift first")]
    NoOpenShift,
    #[error("a shift is already open")]
    ShiftAlreadyOpen,
    #[error("the sale is empty")]
    EmptyCart,
    #[error("finish or hold the current sale first")]
    SaleInProgress,
    #[error("attach a member first")]
    NoMember,
    #[error("no member with card or phone {key}")]
    MemberNotFound { key: String },
    #[error("no organisation with code or name {key}")]
    OrganisationNotFound { key: String },
    #[error("{count} organisations match {key}; type more of the name or the code")]
    OrganisationAmbiguous { key: String, count: usize },
    #[error("attach an organisation first")]
    NoOrganisation,
    #[error("the organisation has no department {department}")]
    UnknownDepartment { department: String },
    /// The class III rule refuses the sale; the problem names the qualification and date.
    #[error("not sold: {problem}")]
    QualificationRefused {
        problem: crate::organisation::QualificationProblem,
    },
    /// The till warns instead of refusing: sold once the cashier acknowledges.
    #[error("{problem}: acknowledge the warning to sell")]
    QualificationWarning {
        problem: crate::organisation::QualificationProblem,
    },
    #[error("a member with phone {phone} exists already (card {card_no})")]
    MemberExists { phone: String, card_no: String },
    #[error("a phone number has 11 digits starting with 1")]
    BadPhone,
    #[error("no sale {id}")]
    SaleNotFound { id: String },
    #[error("sale no. {sequence} is already voided")]
    AlreadyVoided { sequence: u64 },
    #[error("sale no. {sequence} has returns; take a return instead of a void")]
    VoidAfterReturn { sequence: u64 },
    #[error("sale no. {sequence} belongs to a closed day; take a return instead")]
    VoidAfterClose { sequence: u64 },
    #[error("sale no. {sequence} was voided; nothing can be returned")]
    ReturnOfVoided { sequence: u64 },
    #[error("at most {max} items in one return without a receipt")]
    TooManyItems { max: usize },
    #[error("at most {max} sales can be held")]
    HeldSalesFull { max: usize },
    #[error("no held sale {id}")]
    HeldSaleNotFound { id: String },
    #[error("amount must be positive: {amount}")]
    NonPositiveAmount { amount: Decimal },
    #[error("{points} points are not worth {amount}")]
    PointsTenderValue { points: i64, amount: Decimal },
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the till is not set up: run `pos init` first")]
    NotInitialised,
    #[error("{path} is already a till; it is never overwritten")]
    AlreadyInitialised { path: std::path::PathBuf },
    #[error(
        "store {store_id:?} / terminal {terminal_id:?}: each must be letters, digits, '-' or '_', and both together at most {max} characters (the till's member cards carry them)"
    )]
    BadIdentity {
        store_id: String,
        terminal_id: String,
        max: usize,
    },
    #[error("the document {id} does not add up: {reason}")]
    InvalidDocument { id: Uuid, reason: String },
    #[error(transparent)]
    Pricing(#[from] PricingError),
    #[error(transparent)]
    Tender(#[from] TenderError),
    #[error(transparent)]
    Redemption(#[from] RedemptionError),
    #[error(transparent)]
    Return(#[from] ReturnError),
    /// Adding, resetting or deactivating an operator was refused.
    #[error(transparent)]
    Operator(#[from] OperatorError),
    /// A goods receipt, write-off or count was refused.
    #[error(transparent)]
    Stock(#[from] super::stock_error::StockDocumentError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<crate::store::CommitError<TillError>> for TillError {
    fn from(e: crate::store::CommitError<TillError>) -> Self {
        match e {
            crate::store::CommitError::Store(e) => TillError::Store(e),
            crate::store::CommitError::Rejected(e) => e,
        }
    }
}
