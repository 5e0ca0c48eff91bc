//! Operators (操作员): roles, PINs hashed with argon2id, lock-out after wrong PINs,
//! which actions need a manager, and the rules for adding and deactivating operators.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// Digits in a PIN.
pub const PIN_DIGITS_MIN: usize = 4;
pub const PIN_DIGITS_MAX: usize = 8;
/// A lock never lasts longer than a day, whatever the settings say.
pub const LOCK_MINUTES_MAX: i64 = 24 * 60;

/// argon2id memory for a PIN hash: a till login, so modest (OWASP's minimum).
const PIN_HASH_MEMORY_KIB: u32 = 19 * 1024;
const PIN_HASH_PASSES: u32 = 2;
const PIN_HASH_LANES: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 收银员
    Cashier,
    /// 店长
    Manager,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Cashier, Role::Manager];

    pub fn code(self) -> &'static str {
        match self {
            Role::Cashier => "cashier",
            Role::Manager => "manager",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Cashier => "收银员",
            Role::Manager => "店长",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// argon2id PHC string.
    pub pin_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("a PIN is 4 to 8 digits")]
    BadFormat,
    #[error("the PIN could not be hashed: {0}")]
    Hashing(String),
}

/// 4 to 8 digits.
pub fn pin_is_well_formed(pin: &str) -> bool {
    (PIN_DIGITS_MIN..=PIN_DIGITS_MAX).contains(&pin.len())
        && pin.bytes().all(|b| b.is_ascii_digit())
}

fn pin_hasher() -> Result<Argon2<'static>, PinError> {
    let params = Params::new(PIN_HASH_MEMORY_KIB, PIN_HASH_PASSES, PIN_HASH_LANES, None)
        .map_err(|e| PinError::Hashing(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a PIN with argon2id. The caller passes fresh random salt (no I/O here).
pub fn hash_pin(pin: &str, salt: [u8; 16]) -> Result<String, PinError> {
    if !pin_is_well_formed(pin) {
        return Err(PinError::BadFormat);
    }
    let salt = SaltString::encode_b64(&salt).map_err(|e| PinError::Hashing(e.to_string()))?;
    let hash = pin_hasher()?
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|e| PinError::Hashing(e.to_string()))?;
    Ok(hash.to_string())
}

/// True when `pin` matches `pin_hash`. A malformed PIN or hash is simply no match.
pub fn verify_pin(pin: &str, pin_hash: &str) -> bool {
    if !pin_is_well_formed(pin) {
        return false;
    }
    let Ok(parsed) = PasswordHash::new(pin_hash) else {
        return false;
    };
    // The parameters come from the hash itself.
    Argon2::default()
        .verify_password(pin.as_bytes(), &parsed)
        .is_ok()
}

/// Characters in an operator id (工号): ASCII letters, digits, `-` and `_`.
pub const OPERATOR_ID_CHARS_MAX: usize = 16;
/// Characters in an operator's name, as shown on screen and receipts.
pub const OPERATOR_NAME_CHARS_MAX: usize = 20;

/// Why a change to the till's operators is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OperatorError {
    #[error("an operator id is 1 to 16 letters, digits, '-' or '_'")]
    BadId,
    #[error("a name is 1 to 20 characters")]
    BadName,
    #[error("the two PINs differ")]
    PinMismatch,
    #[error("operator {operator_id} exists already")]
    DuplicateId { operator_id: String },
    #[error("operator {operator_id} is deactivated")]
    Inactive { operator_id: String },
    #[error("an operator cannot deactivate themself")]
    SelfDeactivation,
    #[error("{operator_id} is the last active manager")]
    LastManager { operator_id: String },
}

/// Checks a new operator's id and name (the PIN is checked when it is hashed).
pub fn check_new_operator(id: &str, name: &str) -> Result<(), OperatorError> {
    let id_ok = (1..=OPERATOR_ID_CHARS_MAX).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !id_ok {
        return Err(OperatorError::BadId);
    }
    let name_chars = name.chars().count();
    let name_ok = (1..=OPERATOR_NAME_CHARS_MAX).contains(&name_chars)
        && name.trim() == name
        && !name.chars().any(char::is_control);
    if !name_ok {
        return Err(OperatorError::BadName);
    }
    Ok(())
}

/// An operator as the managers' list shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorStatus {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// A deactivated operator cannot log in or approve; their documents keep their id.
    pub active: bool,
    /// The end of a lock-out in force at the time asked about.
    pub locked_until: Option<DateTime<Utc>>,
}

/// Whether `actor_id` may deactivate `target`, with `active_managers` active managers on
/// the till (the target included): never oneself, never the last active manager, and an
/// operator only once.
pub fn check_deactivation(
    actor_id: &str,
    target: &OperatorStatus,
    active_managers: usize,
) -> Result<(), OperatorError> {
    if !target.active {
        return Err(OperatorError::Inactive {
            operator_id: target.id.clone(),
        });
    }
    if target.id == actor_id {
        return Err(OperatorError::SelfDeactivation);
    }
    if target.role == Role::Manager && active_managers <= 1 {
        return Err(OperatorError::LastManager {
            operator_id: target.id.clone(),
        });
    }
    Ok(())
}

/// How many wrong PINs lock an operator out, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub lock_minutes: i64,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy {
            max_failures: 5,
            lock_minutes: 15,
        }
    }
}

/// Wrong PINs so far and any lock in force, per operator.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoginState {
    /// Wrong PINs since the last success or lock.
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    #[error("too many wrong PINs; locked until {until}")]
    Locked { until: DateTime<Utc> },
    #[error("wrong PIN; {attempts_left} tries left before the lock")]
    WrongPin { attempts_left: u32 },
}

/// Refuses a login while a lock is in force (the lock ends at `locked_until`).
pub fn check_lock(state: &LoginState, now: DateTime<Utc>) -> Result<(), LoginError> {
    match state.locked_until {
        Some(until) if now < until => Err(LoginError::Locked { until }),
        _ => Ok(()),
    }
}

/// The state after a wrong PIN: one more failure, and a lock once they reach the limit
/// (the count then starts again, so after the lock the operator has a full set of tries).
pub fn record_failure(
    state: &LoginState,
    policy: &LockoutPolicy,
    now: DateTime<Utc>,
) -> LoginState {
    if check_lock(state, now).is_err() {
        return state.clone();
    }
    let failures = state.failures.saturating_add(1);
    if failures < policy.max_failures.max(1) {
        return LoginState {
            failures,
            locked_until: None,
        };
    }
    let minutes = policy.lock_minutes.clamp(0, LOCK_MINUTES_MAX);
    LoginState {
        failures: 0,
        locked_until: Some(now + TimeDelta::minutes(minutes)),
    }
}

/// The state after a right PIN.
pub fn record_success() -> LoginState {
    LoginState::default()
}

/// Wrong PINs still allowed before the lock.
pub fn attempts_left(state: &LoginState, policy: &LockoutPolicy) -> u32 {
    policy.max_failures.max(1).saturating_sub(state.failures)
}

/// What a cashier may not do alone (授权). `code()` is what `Approval::action` records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManagerAction {
    RefundWithoutReceipt,
    Void,
    /// Price override taking the line below list by more than the till's limit.
    PriceOverride,
    /// Line discount above the till's limit.
    LineDiscount,
    /// Order discount above the till's limit.
    OrderDiscount,
    /// Points redemption above the approval threshold.
    LargeRedemption,
    NoSale,
    PaidOut,
    PointAdjustment,
    DailyClose,
    /// Receiving a lot that expires within the near-expiry window.
    NearExpiryReceipt,
    WriteOff,
    Stocktake,
    /// Goods leaving the store on a transfer.
    TransferDispatch,
}

impl ManagerAction {
    pub const ALL: [ManagerAction; 14] = [
        ManagerAction::RefundWithoutReceipt,
        ManagerAction::Void,
        ManagerAction::PriceOverride,
        ManagerAction::LineDiscount,
        ManagerAction::OrderDiscount,
        ManagerAction::LargeRedemption,
        ManagerAction::NoSale,
        ManagerAction::PaidOut,
        ManagerAction::PointAdjustment,
        ManagerAction::DailyClose,
        ManagerAction::NearExpiryReceipt,
        ManagerAction::WriteOff,
        ManagerAction::Stocktake,
        ManagerAction::TransferDispatch,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ManagerAction::RefundWithoutReceipt => "refund_without_receipt",
            ManagerAction::Void => "void",
            ManagerAction::PriceOverride => "price_override",
            ManagerAction::LineDiscount => "line_discount",
            ManagerAction::OrderDiscount => "order_discount",
            ManagerAction::LargeRedemption => "points_redemption",
            ManagerAction::NoSale => "no_sale",
            ManagerAction::PaidOut => "paid_out",
            ManagerAction::PointAdjustment => "point_adjustment",
            ManagerAction::DailyClose => "daily_close",
            ManagerAction::NearExpiryReceipt => "near_expiry_receipt",
            ManagerAction::WriteOff => "write_off",
            ManagerAction::Stocktake => "stocktake",
            ManagerAction::TransferDispatch => "transfer_dispatch",
        }
    }

    pub fn from_code(code: &str) -> Option<ManagerAction> {
        ManagerAction::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// Whether `role` may do `action` without another operator's approval.
pub fn permits(role: Role, action: ManagerAction) -> bool {
    match (role, action) {
        (Role::Manager, _) => true,
        // Every listed action is one a cashier needs a manager for.
        (Role::Cashier, _) => false,
    }
}
