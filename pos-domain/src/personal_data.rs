//! Personal fields a document must be able to lose (个人信息删除). A member registration
//! seals its phone and name: it carries their salted digests, and the document's hash
//! ([`crate::document::Document::canonical_bytes`]) covers the digests, not the values.
//! Erasing the member drops the values and the salt; the hash, so the till's journal and
//! head office's duplicate check, still holds, and without the salt no one can guess the
//! phone back from its digest.
//!
//! A registration written before sealing existed carries its values in its hash: erasing
//! it *redacts* it (values blanked, the hash no longer recomputable), and the checks that
//! walk documents say so instead of calling it broken.

use sha2::{Digest, Sha256};

use crate::document::{MemberRegistration, Seal};

/// Bytes of salt a registration draws (the caller passes them in).
pub const SALT_BYTES: usize = 16;

/// A sealed registration whose values do not match their digests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the registration's salt is not {SALT_BYTES} bytes of hex")]
    BadSalt,
    #[error("the registration carries its {field} without the salt that seals it")]
    NoSalt { field: &'static str },
    #[error("the registration's {field} does not match the digest its document was sealed with")]
    Mismatch { field: &'static str },
}

fn digest(salt: &[u8], field: &str, value: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(field.as_bytes());
    hasher.update([0]);
    hasher.update(value.as_bytes());
    hex::encode(hasher.finalize())
}

impl MemberRegistration {
    /// A registration whose phone and name are sealed with `salt` (random, passed in).
    pub fn sealed(
        member_id: String,
        card_no: String,
        phone: String,
        name: String,
        salt: [u8; SALT_BYTES],
    ) -> MemberRegistration {
        MemberRegistration {
            member_id,
            card_no,
            seal: Some(Seal {
                phone_sha256: digest(&salt, "phone", &phone),
                name_sha256: digest(&salt, "name", &name),
                salt: Some(hex::encode(salt)),
            }),
            phone,
            name,
        }
    }

    /// What the document's hash covers: a sealed registration without its values and
    /// salt; an unsealed one as it is.
    pub fn hashed_form(&self) -> MemberRegistration {
        match &self.seal {
            Some(seal) => MemberRegistration {
                phone: String::new(),
                name: String::new(),
                seal: Some(Seal {
                    salt: None,
                    ..seal.clone()
                }),
                ..self.clone()
            },
            None => self.clone(),
        }
    }

    /// The registration with its personal fields erased: a sealed one keeps its
    /// digests (its hash holds), an unsealed one is redacted (its hash no longer does).
    pub fn erased(&self) -> MemberRegistration {
        MemberRegistration {
            phone: String::new(),
            name: String::new(),
            ..self.hashed_form()
        }
    }

    /// Whether nothing personal is left in it.
    pub fn is_erased(&self) -> bool {
        self.phone.is_empty() && self.name.is_empty()
    }

    /// Checks a sealed registration's values against its digests (an erased one has
    /// none left to check; an unsealed one has no digests).
    pub fn check_seal(&self) -> Result<(), SealError> {
        let Some(seal) = &self.seal else {
            return Ok(());
        };
        let Some(salt) = &seal.salt else {
            return match (self.phone.is_empty(), self.name.is_empty()) {
                (true, true) => Ok(()),
                (false, _) => Err(SealError::NoSalt { field: "phone" }),
                (true, false) => Err(SealError::NoSalt { field: "name" }),
            };
        };
        let salt = hex::decode(salt).map_err(|_| SealError::BadSalt)?;
        if salt.len() != SALT_BYTES {
            return Err(SealError::BadSalt);
        }
        if digest(&salt, "phone", &self.phone) != seal.phone_sha256 {
            return Err(SealError::Mismatch { field: "phone" });
        }
        if digest(&salt, "name", &self.name) != seal.name_sha256 {
            return Err(SealError::Mismatch { field: "name" });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use uuid::Uuid;

    use super::*;
    use crate::document::{Document, DocumentBody};

    fn registration(body: MemberRegistration) -> Document {
        Document {
            id: Uuid::from_u128(7),
            store_id: "S1".into(),
            terminal_id: "T01".into(),
            sequence: 3,
            business_date: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
            created_at: Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap(),
            operator_id: "1001".into(),
            approvals: Vec::new(),
            body: DocumentBody::MemberRegistration(body),
        }
    }

    fn sealed() -> MemberRegistration {
        MemberRegistration::sealed(
            "m-1".into(),
            "LS1-T01-0000003".into(),
            "13812345678".into(),
            "王小明".into(),
            [9; SALT_BYTES],
        )
    }

    #[test]
    fn erasing_a_sealed_registration_keeps_its_hash_and_leaves_nothing_personal() {
        let whole = registration(sealed());
        let DocumentBody::MemberRegistration(body) = &whole.body else {
            unreachable!()
        };
        let erased = registration(body.erased());
        assert_eq!(whole.content_hash(), erased.content_hash());
        let text = String::from_utf8(serde_json::to_vec(&erased).unwrap()).unwrap();
        assert!(
            !text.contains("13812345678") && !text.contains("王小明"),
            "{text}"
        );
        assert!(
            !text.contains(&hex::encode([9u8; SALT_BYTES])),
            "the salt goes too"
        );
        // The hashed bytes never held the values either.
        let hashed = String::from_utf8(whole.canonical_bytes()).unwrap();
        assert!(!hashed.contains("13812345678") && !hashed.contains("王小明"));
        assert_eq!(body.check_seal(), Ok(()));
        assert_eq!(body.erased().check_seal(), Ok(()));
    }

    #[test]
    fn a_changed_value_or_salt_breaks_the_seal() {
        let changed_phone = MemberRegistration {
            phone: "13812345679".into(),
            ..sealed()
        };
        assert_eq!(
            changed_phone.check_seal(),
            Err(SealError::Mismatch { field: "phone" })
        );
        let changed_name = MemberRegistration {
            name: "王小名".into(),
            ..sealed()
        };
        assert_eq!(
            changed_name.check_seal(),
            Err(SealError::Mismatch { field: "name" })
        );
        let mut no_salt = sealed();
        no_salt.seal.as_mut().unwrap().salt = None;
        assert_eq!(
            no_salt.check_seal(),
            Err(SealError::NoSalt { field: "phone" })
        );
        let mut short_salt = sealed();
        short_salt.seal.as_mut().unwrap().salt = Some("0909".into());
        assert_eq!(short_salt.check_seal(), Err(SealError::BadSalt));
    }

    #[test]
    fn an_unsealed_registration_hashes_its_values_so_erasing_it_redacts_it() {
        let old = MemberRegistration {
            member_id: "m-1".into(),
            card_no: "C1".into(),
            phone: "13812345678".into(),
            name: "王小明".into(),
            seal: None,
        };
        let bytes = String::from_utf8(registration(old.clone()).canonical_bytes()).unwrap();
        assert!(
            bytes.contains("13812345678"),
            "written as before sealing existed"
        );
        assert!(!bytes.contains("seal"));
        assert_ne!(
            registration(old.clone()).content_hash(),
            registration(old.erased()).content_hash()
        );
        assert!(old.erased().is_erased());
    }
}
