//! The filter fields pages share: a store id, a date. (The store choice itself is
//! [`super::stores`].)

use chrono::NaiveDate;

use super::i18n::Lang;
use super::table::Params;
use crate::auth::is_valid_id;

/// `field` as a date, `None` when absent; the reason names the field by `label`.
pub fn date(
    lang: Lang,
    params: &Params,
    field: &str,
    label: &str,
) -> Result<Option<NaiveDate>, String> {
    params
        .get(field)
        .map(|text| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| lang.tf("table.bad_date", &[("field", label), ("value", text)]))
        })
        .transpose()
}

/// The `store` asked for, if any; the reason when it cannot be a store id.
pub fn store(lang: Lang, params: &Params) -> Result<Option<String>, String> {
    match params.get("store") {
        None => Ok(None),
        Some(s) if is_valid_id(s) => Ok(Some(s.to_owned())),
        Some(bad) => Err(lang.tf("table.bad_store", &[("value", bad)])),
    }
}
