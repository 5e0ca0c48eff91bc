//! The filter fields pages share: a store the person may see, a date, a date range.

use chrono::NaiveDate;
use maud::{Markup, html};
use tokio_postgres::GenericClient;

use super::i18n::Lang;
use super::table::Params;
use super::users::User;
use crate::auth::is_valid_id;
use crate::error::DbError;

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

/// The stores `user` may choose from: every enrolled store for head-office staff, their
/// own for a store manager.
pub async fn visible_stores(
    client: &impl GenericClient,
    user: &User,
) -> Result<Vec<String>, DbError> {
    if let Some(own) = user.store_filter() {
        return Ok(own.to_vec());
    }
    let rows = client
        .query(
            "SELECT DISTINCT store_id FROM terminals WHERE store_id <> $1 ORDER BY 1",
            &[&super::adjustment::HQ_STORE],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// A `<select name="store">` of `stores`, with "all" first, the asked one chosen.
pub fn store_select(lang: Lang, label: &str, stores: &[String], chosen: Option<&str>) -> Markup {
    html! {
        label { (label) " "
            select name="store" {
                option value="" selected[chosen.is_none()] { (lang.t("filters.all_stores")) }
                @for s in stores {
                    option value=(s) selected[chosen == Some(s.as_str())] { (s) }
                }
            }
        }
    }
}
