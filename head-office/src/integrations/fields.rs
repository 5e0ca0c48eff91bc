//! The field mapping of a channel's customer, shared by the API's JSON and the CSV
//! import and export: `external_id` (the channel's own id), `phone` and `name` (the
//! member's). Every check names the field it refuses.

use serde_json::{Map, Value};

/// Longest external id, in characters.
pub const EXTERNAL_ID_CHARS_MAX: usize = 64;
/// Longest name, in characters.
pub const NAME_CHARS_MAX: usize = 64;
/// Digits a phone number has, at least and at most (a leading `+` aside).
pub const PHONE_DIGITS: std::ops::RangeInclusive<usize> = 5..=20;

/// The fields a channel may set; a field left out keeps the member's value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerFields {
    pub phone: Option<String>,
    pub name: Option<String>,
}

/// A field the mapping refuses, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: &str, reason: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// An external id: 1 to 64 characters, none of them a space or a control character.
pub fn check_external_id(id: &str) -> Result<(), FieldError> {
    let chars = id.chars().count();
    if chars == 0 || chars > EXTERNAL_ID_CHARS_MAX {
        return Err(FieldError::new(
            "external_id",
            format!("must be 1 to {EXTERNAL_ID_CHARS_MAX} characters, not {chars}"),
        ));
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(FieldError::new(
            "external_id",
            "must hold no space or control character",
        ));
    }
    Ok(())
}

/// A phone number: digits only, a leading `+` allowed, 5 to 20 digits. Matched exactly
/// against members' phones, so it is taken as written.
pub fn check_phone(phone: &str) -> Result<(), FieldError> {
    let digits = phone.strip_prefix('+').unwrap_or(phone);
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !PHONE_DIGITS.contains(&digits.len()) {
        return Err(FieldError::new(
            "phone",
            format!(
                "must be {} to {} digits, optionally after a '+' (no spaces or dashes), not {phone:?}",
                PHONE_DIGITS.start(),
                PHONE_DIGITS.end()
            ),
        ));
    }
    Ok(())
}

/// A name: 1 to 64 characters, no control character, no space at either end.
pub fn check_name(name: &str) -> Result<(), FieldError> {
    let chars = name.chars().count();
    if chars == 0 || chars > NAME_CHARS_MAX {
        return Err(FieldError::new(
            "name",
            format!("must be 1 to {NAME_CHARS_MAX} characters, not {chars}"),
        ));
    }
    if name.chars().any(char::is_control) || name.trim() != name {
        return Err(FieldError::new(
            "name",
            "must hold no control character and no space at either end",
        ));
    }
    Ok(())
}

impl CustomerFields {
    /// Checks every field given.
    pub fn check(&self) -> Result<(), FieldError> {
        if let Some(phone) = &self.phone {
            check_phone(phone)?;
        }
        if let Some(name) = &self.name {
            check_name(name)?;
        }
        Ok(())
    }

    /// The fields of a JSON object: only `phone` and `name`, each a string.
    pub fn from_json(object: &Map<String, Value>) -> Result<CustomerFields, FieldError> {
        let mut fields = CustomerFields::default();
        for (key, value) in object {
            let slot = match key.as_str() {
                "phone" => &mut fields.phone,
                "name" => &mut fields.name,
                other => {
                    return Err(FieldError::new(
                        other,
                        "is not a customer field (the mapping has phone and name)",
                    ));
                }
            };
            let Value::String(text) = value else {
                return Err(FieldError::new(
                    key,
                    format!("must be a string, not {value}"),
                ));
            };
            *slot = Some(text.clone());
        }
        fields.check()?;
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(value: Value) -> Result<CustomerFields, FieldError> {
        CustomerFields::from_json(value.as_object().unwrap())
    }

    #[test]
    fn phones_are_digits_with_an_optional_plus() {
        for good in ["13800138000", "+8613800138000", "12345"] {
            assert_eq!(check_phone(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "1234",
            "138-0013-8000",
            "138 0013 8000",
            "+",
            "1".repeat(21).as_str(),
            "phone",
        ] {
            assert_eq!(check_phone(bad).unwrap_err().field, "phone", "{bad}");
        }
    }

    #[test]
    fn each_refusal_names_its_field() {
        assert_eq!(
            parse(json!({"name": "x".repeat(65)})).unwrap_err().field,
            "name"
        );
        assert_eq!(parse(json!({"name": " 张三"})).unwrap_err().field, "name");
        assert_eq!(parse(json!({"phone": 138})).unwrap_err().field, "phone");
        assert_eq!(parse(json!({"email": "a@b"})).unwrap_err().field, "email");
        assert_eq!(check_external_id("").unwrap_err().field, "external_id");
        assert_eq!(check_external_id("a b").unwrap_err().field, "external_id");
        assert_eq!(
            parse(json!({"phone": "13800138000", "name": "张三"})).unwrap(),
            CustomerFields {
                phone: Some("13800138000".into()),
                name: Some("张三".into())
            }
        );
    }
}
