//! A product's page (商品): admins and merchandisers create, edit and deactivate products
//! with the catalog file's own checks (the list: `catalog_list`; barcodes and lots:
//! `catalog_barcodes`, `catalog_lots`). A change reaches the tills through the feed, like an import, and is
//! written to the audit log in the same transaction.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use maud::{Markup, html};
use pos_domain::catalog::Product;
use pos_domain::import::{product_fields, product_from_fields, product_to_fields};
use serde::Deserialize;
use serde_json::json;

use super::catalog_code_forms::{self as forms, Returned};
use crate::catalog::codes::{barcodes_of, lots_of};
use crate::catalog::{product, remove_product, save_product};
use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::session::{CsrfForm, Signed};
use crate::console::table::Params;
use crate::console::{
    audit, bad_query, csrf_refused, forbidden, page_error, problem_page, url_part,
};
use crate::error::DbError;
use crate::state::AppState;

const PATH: &str = "/catalog";

/// The product form, filled with `values` (in the catalog file's field order).
fn form(
    lang: Lang,
    signed: &Signed,
    values: &[String],
    is_new: bool,
    problem: Option<&str>,
) -> Markup {
    let editable = signed.user.may_edit_catalog();
    let action = if is_new {
        "/catalog/new".to_owned()
    } else {
        format!("/catalog/{}", url_part(&values[0]))
    };
    html! {
        @if let Some(problem) = problem {
            p.problem role="alert" { (problem) }
        }
        form method="post" action=(action) {
            input type="hidden" name="csrf" value=(signed.csrf);
            @for (i, field) in product_fields().iter().enumerate() {
                label {
                    (lang.t(&format!("catalog.{field}"))) " "
                    @if *field == "sku" && !is_new {
                        input name=(field) value=(values[i]) readonly;
                    } @else if editable {
                        input name=(field) value=(values[i]);
                    } @else {
                        input name=(field) value=(values[i]) readonly;
                    }
                }
            }
            @if editable {
                button type="submit" { (lang.t("catalog.save")) }
            }
        }
        @if editable && !is_new {
            form method="post" action={ "/catalog/" (url_part(&values[0])) "/deactivate" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                button type="submit" { (lang.t("catalog.deactivate")) }
            }
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(sku): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    product_page(
        &state,
        lang,
        &signed,
        &sku,
        StatusCode::OK,
        Params(query),
        None,
    )
    .await
}

/// A product's page: its form, then its barcodes and lots, with a notice of what was
/// just done (`done=` in the query) or a barcode or lot form sent back with its reason
/// (and `status`); a barcode or lot CSV when the query asks for one.
pub(super) async fn product_page(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    sku: &str,
    status: StatusCode,
    query: Params,
    returned: Option<Returned>,
) -> Response {
    let notice = query.get("done").and_then(forms::notice_of);
    // The notice is said once; the rest of the query is the tables'.
    let params = Params(query.0.into_iter().filter(|(k, _)| k != "done").collect());
    let found = async {
        let client = state.pool.get().await?;
        let Some(p) = product(&**client, sku).await? else {
            return Ok(None);
        };
        let barcodes = barcodes_of(&**client, sku).await?;
        let lots = lots_of(&**client, sku).await?;
        Ok::<_, DbError>(Some((p, barcodes, lots)))
    };
    match found.await {
        Ok(Some((p, barcodes, lots))) => {
            let mut barcodes = forms::barcodes_table(lang, signed, sku, barcodes);
            let mut lots = forms::lots_table(lang, signed, sku, lots, returned.as_ref());
            for table in [&mut barcodes, &mut lots] {
                match table.prepare(&params) {
                    Ok(true) => return table.csv_response(&format!("product-{}", table.id)),
                    Ok(false) => {}
                    Err(e) => return bad_query(lang, signed, &e.reason(lang)),
                }
            }
            let body = html! {
                @if let Some(key) = notice {
                    p.notice role="status" { (lang.t(key)) }
                }
                (form(lang, signed, &product_to_fields(&p), false, None))
                (forms::barcodes_section(lang, signed, &params, &barcodes, sku, returned.as_ref()))
                (forms::lots_section(lang, signed, &params, &lots, &p, returned.as_ref()))
            };
            let markup = page(lang, Some(signed), &p.name, PATH, body);
            (status, Html(markup.into_string())).into_response()
        }
        Ok(None) => problem_page(StatusCode::NOT_FOUND, lang, Some(signed), "error.not_found"),
        Err(e) => page_error(e),
    }
}

pub async fn new_form(lang: Lang, signed: Signed) -> Response {
    if !signed.user.may_edit_catalog() {
        return forbidden(lang, &signed);
    }
    let mut values = vec![String::new(); product_fields().len()];
    values[6] = "0.13".into();
    values[9] = "none".into();
    values[10] = "0".into();
    let body = form(lang, &signed, &values, true, None);
    Html(page(lang, Some(&signed), &lang.t("catalog.new"), PATH, body).into_string())
        .into_response()
}

/// The form as posted: every product field by name, and the CSRF token.
#[derive(Deserialize)]
pub struct Posted {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    fields: std::collections::HashMap<String, String>,
}

impl Posted {
    fn values(&self) -> Vec<String> {
        product_fields()
            .iter()
            .map(|f| self.fields.get(*f).cloned().unwrap_or_default())
            .collect()
    }
}

pub async fn create(
    state: State<AppState>,
    lang: Lang,
    signed: Signed,
    Form(posted): Form<Posted>,
) -> Response {
    submit(state, lang, signed, None, posted).await
}

pub async fn update(
    state: State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(sku): Path<String>,
    Form(posted): Form<Posted>,
) -> Response {
    submit(state, lang, signed, Some(sku), posted).await
}

/// Why a save did not happen, for the form.
enum Refused {
    Invalid(String),
    Exists,
    Gone,
}

async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    sku: Option<String>,
    posted: Posted,
) -> Response {
    if !signed.csrf_matches(&posted.csrf) {
        return csrf_refused(lang, &signed);
    }
    if !signed.user.may_edit_catalog() {
        return forbidden(lang, &signed);
    }
    let mut values = posted.values();
    if let Some(sku) = &sku {
        // The SKU is the path's: a form cannot move a product to another key.
        values[0] = sku.clone();
    }
    let texts: Vec<&str> = values.iter().map(|v| v.trim()).collect();
    let checked = product_from_fields(&texts);
    let outcome = match checked {
        Err(e) => Ok(Err(Refused::Invalid(e.to_string()))),
        Ok(product) => save(&state, &signed, &product, sku.is_none()).await,
    };
    let is_new = sku.is_none();
    let problem = match outcome {
        Ok(Ok(saved)) => {
            return (
                StatusCode::SEE_OTHER,
                [(LOCATION, format!("{PATH}?saved={}", url_part(&saved)))],
            )
                .into_response();
        }
        Ok(Err(Refused::Invalid(why))) => lang.tf("catalog.invalid", &[("why", &why)]),
        Ok(Err(Refused::Exists)) => lang.tf("catalog.exists", &[("sku", &values[0])]),
        Ok(Err(Refused::Gone)) => {
            return problem_page(
                StatusCode::NOT_FOUND,
                lang,
                Some(&signed),
                "error.not_found",
            );
        }
        Err(e) => return page_error(e),
    };
    let body = form(lang, &signed, &values, is_new, Some(&problem));
    let title = lang.t(if is_new {
        "catalog.new"
    } else {
        "catalog.title"
    });
    (
        StatusCode::BAD_REQUEST,
        Html(page(lang, Some(&signed), &title, PATH, body).into_string()),
    )
        .into_response()
}

/// Saves in one transaction with its audit entry; the SKU saved.
async fn save(
    state: &AppState,
    signed: &Signed,
    product: &Product,
    is_new: bool,
) -> Result<Result<String, Refused>, DbError> {
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    let exists = tx
        .query_opt("SELECT 1 FROM products WHERE sku = $1", &[&product.sku])
        .await?
        .is_some();
    if is_new && exists {
        return Ok(Err(Refused::Exists));
    }
    if !is_new && !exists {
        return Ok(Err(Refused::Gone));
    }
    let before = save_product(&tx, product).await?;
    if before.as_ref() != Some(product) {
        audit::record(
            &*tx,
            Utc::now(),
            &signed.user.name,
            if is_new {
                "product.create"
            } else {
                "product.update"
            },
            &product.sku,
            before.map(|b| json!(b)),
            Some(json!(product)),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(product.sku.clone()))
}

/// Takes a product out of the catalog: the tills drop it on their next pull; its sales
/// stay as they were.
pub async fn deactivate(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(sku): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    if !signed.user.may_edit_catalog() {
        return forbidden(lang, &signed);
    }
    let removed = async {
        let mut client = state.pool.get().await?;
        let tx = client.transaction().await?;
        let removed = remove_product(&tx, &sku).await?;
        if let Some(before) = &removed {
            audit::record(
                &*tx,
                Utc::now(),
                &signed.user.name,
                "product.deactivate",
                &sku,
                Some(json!(before)),
                None,
            )
            .await?;
            tx.commit().await?;
        }
        Ok::<_, DbError>(removed.is_some())
    }
    .await;
    match removed {
        Ok(true) => (
            StatusCode::SEE_OTHER,
            [(LOCATION, format!("{PATH}?removed={}", url_part(&sku)))],
        )
            .into_response(),
        Ok(false) => problem_page(
            StatusCode::NOT_FOUND,
            lang,
            Some(&signed),
            "error.not_found",
        ),
        Err(e) => page_error(e),
    }
}
