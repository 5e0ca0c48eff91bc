//! A member as people other than admins see them, outside the members page: the card,
//! the name and the phone masked (王小明 -> 王**, 13812345678 -> 138****5678).

pub use pos_domain::member::mask_name;
use pos_domain::member::mask_phone;

/// The card, and the name and phone masked (C-1 王* 138****5678).
pub fn masked_member(card_no: &str, name: &str, phone: Option<&str>) -> String {
    format!(
        "{card_no} {} {}",
        mask_name(name),
        mask_phone(phone.unwrap_or_default())
    )
}
