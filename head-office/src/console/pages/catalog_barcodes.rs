//! A product's barcodes on its page: admins and merchandisers add one (checked as the
//! catalog file checks a barcode; one held by another SKU is refused naming it) or
//! remove one. Each change is audited and goes down the feed to the tills.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use pos_domain::import::barcode_from_fields;
use serde::Deserialize;
use serde_json::json;

use super::catalog_code_forms::Returned;
use super::catalog_codes::{Outcome, answer, invalid, refusal_text, refused_before};
use crate::catalog::codes::{add_barcode, product_locked, remove_barcode};
use crate::console::audit;
use crate::console::i18n::Lang;
use crate::console::session::{CsrfForm, Signed};
use crate::error::DbError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct BarcodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    barcode: String,
}

pub async fn add(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(sku): Path<String>,
    Form(form): Form<BarcodeForm>,
) -> Response {
    if let Some(refused) = refused_before(lang, &signed, &form.csrf) {
        return refused;
    }
    let typed = form.barcode.trim();
    let outcome = async {
        let mut client = state.pool.get().await?;
        let tx = client.transaction().await?;
        if product_locked(&tx, &sku).await?.is_none() {
            return Ok(Outcome::Gone);
        }
        let barcode = match barcode_from_fields(&[&sku, typed]) {
            Ok((_, barcode)) => barcode,
            Err(e) => return Ok(Outcome::Refused(invalid(lang, &e))),
        };
        match add_barcode(&tx, &sku, &barcode).await? {
            Err(refusal) => return Ok(Outcome::Refused(refusal_text(lang, &refusal, &barcode))),
            // It had it already: nothing changed, nothing to log.
            Ok(false) => {}
            Ok(true) => {
                let after = json!({ "sku": sku, "barcode": barcode });
                audit::record(
                    &*tx,
                    Utc::now(),
                    &signed.user.name,
                    "barcode.add",
                    &sku,
                    None,
                    Some(after),
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok::<_, DbError>(Outcome::Done("barcode_added"))
    }
    .await;
    answer(&state, lang, &signed, &sku, outcome, |reason| Returned {
        form: "barcode".into(),
        values: vec![("barcode", typed.to_owned())],
        reason,
    })
    .await
}

pub async fn remove(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path((sku, barcode)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = refused_before(lang, &signed, &form.csrf) {
        return refused;
    }
    let outcome = async {
        let mut client = state.pool.get().await?;
        let tx = client.transaction().await?;
        if product_locked(&tx, &sku).await?.is_none() {
            return Ok(Outcome::Gone);
        }
        if let Err(refusal) = remove_barcode(&tx, &sku, &barcode).await? {
            return Ok(Outcome::Refused(refusal_text(lang, &refusal, &barcode)));
        }
        let before = json!({ "sku": sku, "barcode": barcode });
        audit::record(
            &*tx,
            Utc::now(),
            &signed.user.name,
            "barcode.remove",
            &sku,
            Some(before),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok::<_, DbError>(Outcome::Done("barcode_removed"))
    }
    .await;
    answer(&state, lang, &signed, &sku, outcome, |reason| Returned {
        form: "barcode".into(),
        values: Vec::new(),
        reason,
    })
    .await
}
