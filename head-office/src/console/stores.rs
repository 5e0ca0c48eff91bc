//! The store filter of the pages that list by store: a choice of the stores the person
//! may see (every store with an enrolled till for the chain-wide roles, their own for a
//! store manager), never a free text box. The page still checks what it is asked:
//! [`StoreScoped`] refuses another store's page before the page runs.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use tokio_postgres::GenericClient;

use super::i18n::Lang;
use super::session::Signed;
use super::table::{Listing, Params};
use super::users::User;
use crate::auth::HQ_STORE;
use crate::error::DbError;
use crate::state::AppState;

/// A page listed by store: who is signed in and the query, once the query's `store` is
/// one the person may see. Another store's page (or its CSV) is 403, whatever else the
/// query got wrong.
pub struct StoreScoped {
    pub signed: Signed,
    pub params: Params,
}

impl FromRequestParts<AppState> for StoreScoped {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = Lang::of_request(parts);
        let signed = Signed::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Query(raw) = Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let params = Params(raw);
        if let Some(store) = params.get("store")
            && !signed.user.sees_store(store)
        {
            return Err(super::forbidden(lang, &signed));
        }
        Ok(StoreScoped { signed, params })
    }
}

/// What a page listed by store starts with: a connection, and the stores `signed` may
/// pick for its filter. A failure is already the page's answer.
pub async fn open(
    state: &AppState,
    signed: &Signed,
) -> Result<(deadpool_postgres::Object, Vec<String>), Response> {
    let client = state
        .pool
        .get()
        .await
        .map_err(|e| super::page_error(e.into()))?;
    let stores = choosable(&**client, &signed.user)
        .await
        .map_err(super::page_error)?;
    Ok((client, stores))
}

/// The listing of a page whose one filter is the store, titled and labelled by the
/// page's texts `{key}.title` and `{key}.store`.
pub fn store_listing<'a>(
    lang: Lang,
    signed: &'a Signed,
    params: &'a Params,
    (key, path): (&str, &'static str),
    stores: &[String],
) -> Listing<'a> {
    let label = lang.t(&format!("{key}.store"));
    Listing {
        lang,
        signed,
        title: lang.t(&format!("{key}.title")),
        path,
        params,
        fields: select(lang, &label, stores, params.get("store")),
    }
}

/// The stores a page lists: the `store` asked for, else the person's own, `None` for the
/// whole chain ([`StoreScoped`] has checked the person sees it). A malformed id is the
/// reason to refuse the query with.
pub fn shown(lang: Lang, signed: &Signed, params: &Params) -> Result<Option<Vec<String>>, String> {
    let store = params.get("store").map(str::to_owned);
    if let Some(bad) = store.as_deref().filter(|s| !crate::auth::is_valid_id(s)) {
        return Err(lang.tf("table.bad_store", &[("value", bad)]));
    }
    Ok(signed.user.stores_to_show(store))
}

/// The stores `user` may pick, in order.
pub async fn choosable(client: &impl GenericClient, user: &User) -> Result<Vec<String>, DbError> {
    if let Some(own) = user.store_filter() {
        let mut own = own.to_vec();
        own.sort();
        own.dedup();
        return Ok(own);
    }
    all(client).await
}

/// Every store with a till, in order (head office's own terminal left out).
pub async fn all(client: &impl GenericClient) -> Result<Vec<String>, DbError> {
    let rows = client
        .query(
            "SELECT DISTINCT store_id FROM terminals WHERE store_id <> $1 ORDER BY store_id",
            &[&HQ_STORE],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// `<select name="store">`: every store the person may see, `asked` chosen. A store
/// asked for by address that has no till yet is offered too, so the choice shows what
/// the page lists.
pub fn select(lang: Lang, label: &str, stores: &[String], asked: Option<&str>) -> Markup {
    let extra = asked.filter(|a| !stores.iter().any(|s| s == a));
    html! {
        label { (label) " "
            select name="store" {
                option value="" selected[asked.is_none()] { (lang.t("table.all_stores")) }
                @for store in stores.iter().map(String::as_str).chain(extra) {
                    option value=(store) selected[asked == Some(store)] { (store) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_asked_store_is_chosen_and_offered_even_without_a_till() {
        let stores = vec!["S001".to_owned(), "S002".to_owned()];
        let html = select(Lang::En, "Store", &stores, Some("S002")).into_string();
        assert!(
            html.contains(r#"<option value="S002" selected>S002</option>"#),
            "{html}"
        );
        assert!(html.contains(r#"<option value="">"#), "{html}");
        let html = select(Lang::En, "Store", &stores, Some("S009")).into_string();
        assert!(html.contains(r#"<option value="S009" selected>"#), "{html}");
        let html = select(Lang::En, "Store", &stores, None).into_string();
        assert!(html.contains(r#"<option value="" selected>"#), "{html}");
        assert!(!html.contains("S009"));
    }
}
