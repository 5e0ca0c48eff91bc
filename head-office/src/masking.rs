//! A member as people other than admins see them, outside the members page: the card,
//! the name and the phone masked (王小明 -> 王**, 13812345678 -> 138****5678).

use pos_domain::member::mask_phone;

/// 王小明 -> 王**.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count())),
        None => String::new(),
    }
}

/// The card, and the name and phone masked (C-1 王* 138****5678).
pub fn masked_member(card_no: &str, name: &str, phone: Option<&str>) -> String {
    format!(
        "{card_no} {} {}",
        mask_name(name),
        mask_phone(phone.unwrap_or_default())
    )
}
