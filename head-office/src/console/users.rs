//! The console's people and their roles (`head-office user add`).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::TryRngCore;
use tokio_postgres::GenericClient;

use crate::auth::is_valid_id;
use crate::error::DbError;

/// Shortest password the console takes.
pub const PASSWORD_CHARS_MIN: usize = 10;
/// Longest: argon2 hashes anything, but nobody types more.
pub const PASSWORD_CHARS_MAX: usize = 128;

/// What a person may see and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything, including people.
    Admin,
    /// Catalog, prices, promotions and loyalty rules; reads the rest.
    Merchandiser,
    /// Only the stores they are given.
    StoreManager,
    /// Reads everything, changes nothing.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Merchandiser,
        Role::StoreManager,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Merchandiser => "merchandiser",
            Role::StoreManager => "store_manager",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// A signed-in person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// The stores a store manager is given; empty for the chain-wide roles.
    pub stores: Vec<String>,
}

impl User {
    /// May this person see `store`'s pages and exports?
    pub fn sees_store(&self, store: &str) -> bool {
        self.role != Role::StoreManager || self.stores.iter().any(|s| s == store)
    }

    /// The stores this person is limited to, `None` for the whole chain.
    pub fn store_filter(&self) -> Option<&[String]> {
        (self.role == Role::StoreManager).then_some(self.stores.as_slice())
    }

    /// The stores a page lists: the one asked for (already checked with
    /// [`User::sees_store`]), else this person's own, `None` for the whole chain.
    pub fn stores_to_show(&self, asked: Option<String>) -> Option<Vec<String>> {
        match asked {
            Some(store) => Some(vec![store]),
            None => self.store_filter().map(<[String]>::to_vec),
        }
    }

    /// Products, prices, promotions and loyalty rules: admins and merchandisers.
    pub fn may_edit_catalog(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Merchandiser)
    }

    /// Member segments (RFM) cover the whole chain's members: admins, merchandisers and
    /// auditors read them, store managers do not.
    pub fn may_read_segments(&self) -> bool {
        self.role != Role::StoreManager
    }

    /// Changing the segments' rules: admins only.
    pub fn may_edit_segments(&self) -> bool {
        self.role == Role::Admin
    }

    /// Settling point overdrafts with members: admins and the store's managers.
    pub fn may_review_overdraft(&self, store: &str) -> bool {
        match self.role {
            Role::Admin => true,
            Role::StoreManager => self.sees_store(store),
            Role::Merchandiser | Role::Auditor => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unknown names are refused after a real argon2 run only if the decoy parses.
    #[test]
    fn the_decoy_hash_parses_and_matches_no_password() {
        assert!(PasswordHash::new(DECOY_HASH).is_ok());
        assert!(!password_matches(None, ""));
        assert!(!password_matches(None, "correct horse 7"));
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("user name {0:?} must be 1 to 64 letters, digits, '.', '-' or '_'")]
    BadName(String),
    #[error("role {0:?} is not one of admin, merchandiser, store_manager, auditor")]
    BadRole(String),
    #[error("a store manager needs at least one --store; the other roles take none")]
    StoresForRole,
    #[error("store id {0:?} must be 1 to 64 letters, digits, '-' or '_'")]
    BadStore(String),
    #[error("the password must be {PASSWORD_CHARS_MIN} to {PASSWORD_CHARS_MAX} characters")]
    BadPassword,
    #[error("user {0:?} already exists")]
    Exists(String),
    #[error("password hashing: {0}")]
    Hashing(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// 1 to 64 letters, digits, '.', '-' or '_'.
pub fn is_valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// Adds a person with an argon2id hash of `password`.
pub async fn add_user(
    client: &impl GenericClient,
    name: &str,
    role: &str,
    stores: &[String],
    password: &str,
) -> Result<User, UserError> {
    if !is_valid_name(name) {
        return Err(UserError::BadName(name.to_owned()));
    }
    let role = Role::parse(role).ok_or_else(|| UserError::BadRole(role.to_owned()))?;
    if (role == Role::StoreManager) == stores.is_empty() {
        return Err(UserError::StoresForRole);
    }
    if let Some(bad) = stores.iter().find(|s| !is_valid_id(s)) {
        return Err(UserError::BadStore(bad.clone()));
    }
    let chars = password.chars().count();
    if !(PASSWORD_CHARS_MIN..=PASSWORD_CHARS_MAX).contains(&chars) {
        return Err(UserError::BadPassword);
    }
    let hash = hash_password(password)?;
    let inserted = client
        .execute(
            "INSERT INTO console_users (name, role, stores, password_hash) VALUES ($1, $2, $3, $4)
             ON CONFLICT (name) DO NOTHING",
            &[&name, &role.as_str(), &stores, &hash],
        )
        .await
        .map_err(DbError::from)?;
    if inserted == 0 {
        return Err(UserError::Exists(name.to_owned()));
    }
    Ok(User {
        name: name.to_owned(),
        role,
        stores: stores.to_vec(),
    })
}

fn hash_password(password: &str) -> Result<String, UserError> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng
        .try_fill_bytes(&mut salt)
        .map_err(|e| UserError::Hashing(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| UserError::Hashing(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| UserError::Hashing(e.to_string()))
}

/// A hash no password matches, verified for names nobody has so that an unknown name
/// takes as long to refuse as a wrong password.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Lh0yFvR2m3wZV3Q8gS0bE8tR1O0r6H3r5b1cQ0y8Z1s";

/// Does `password` match the stored hash? (CPU-bound: run it off the async threads.)
pub fn password_matches(stored_hash: Option<&str>, password: &str) -> bool {
    let hash = stored_hash.unwrap_or(DECOY_HASH);
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && stored_hash.is_some()
}

/// The active person named `name` and their password hash.
pub async fn find_user(
    client: &impl GenericClient,
    name: &str,
) -> Result<Option<(User, String)>, DbError> {
    let row = client
        .query_opt(
            "SELECT name, role, stores, password_hash FROM console_users WHERE name = $1 AND active",
            &[&name],
        )
        .await?;
    row.map(|r| Ok((user_from_row(&r)?, r.get(3)))).transpose()
}

pub fn user_from_row(row: &tokio_postgres::Row) -> Result<User, DbError> {
    let role: String = row.get(1);
    Ok(User {
        name: row.get(0),
        role: Role::parse(&role)
            .ok_or_else(|| DbError::Corrupt(format!("console role {role:?}")))?,
        stores: row.get(2),
    })
}
