//! A product's lots on its page: admins and merchandisers add one (lot number and
//! expiry, checked as the catalog file checks a lot), change a lot's expiry, or remove
//! a lot no store holds stock of. Each change is audited and goes down the feed.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use pos_domain::catalog::Lot;
use pos_domain::import::lot_from_fields;
use serde::Deserialize;
use serde_json::json;

use super::catalog_code_forms::Returned;
use super::catalog_codes::{Outcome, answer, invalid, refusal_text, refused_before};
use crate::catalog::codes::{add_lot, product_locked, remove_lot, set_lot_expiry};
use crate::console::audit;
use crate::console::i18n::Lang;
use crate::console::session::{CsrfForm, Signed};
use crate::error::DbError;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct LotForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lot_no: String,
    #[serde(default)]
    expiry_date: String,
}

/// The lot the fields describe, checked against its product as the catalog file does.
async fn checked(
    tx: &tokio_postgres::Transaction<'_>,
    lang: Lang,
    sku: &str,
    lot_no: &str,
    expiry: &str,
) -> Result<Result<Lot, Outcome>, DbError> {
    let Some(product) = product_locked(tx, sku).await? else {
        return Ok(Err(Outcome::Gone));
    };
    Ok(lot_from_fields(&[sku, lot_no, expiry], product.tracking)
        .map_err(|e| Outcome::Refused(invalid(lang, &e))))
}

pub async fn add(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(sku): Path<String>,
    Form(form): Form<LotForm>,
) -> Response {
    if let Some(refused) = refused_before(lang, &signed, &form.csrf) {
        return refused;
    }
    let (lot_no, expiry) = (form.lot_no.trim(), form.expiry_date.trim());
    let outcome = async {
        let mut client = state.pool.get().await?;
        let tx = client.transaction().await?;
        let lot = match checked(&tx, lang, &sku, lot_no, expiry).await? {
            Ok(lot) => lot,
            Err(outcome) => return Ok(outcome),
        };
        if let Err(refusal) = add_lot(&tx, &lot).await? {
            return Ok(Outcome::Refused(refusal_text(lang, &refusal, lot_no)));
        }
        let after = json!(lot);
        audit::record(
            &*tx,
            Utc::now(),
            &signed.user.name,
            "lot.add",
            &sku,
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok::<_, DbError>(Outcome::Done("lot_added"))
    }
    .await;
    answer(&state, lang, &signed, &sku, outcome, |reason| Returned {
        form: "lot".into(),
        values: vec![
            ("lot_no", lot_no.to_owned()),
            ("expiry_date", expiry.to_owned()),
        ],
        reason,
    })
    .await
}

#[derive(Deserialize)]
pub struct ExpiryForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    expiry_date: String,
}

/// A new expiry for an existing lot.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path((sku, lot_no)): Path<(String, String)>,
    Form(form): Form<ExpiryForm>,
) -> Response {
    if let Some(refused) = refused_before(lang, &signed, &form.csrf) {
        return refused;
    }
    let expiry = form.expiry_date.trim();
    let outcome = async {
        let mut client = state.pool.get().await?;
        let tx = client.transaction().await?;
        let lot = match checked(&tx, lang, &sku, &lot_no, expiry).await? {
            Ok(lot) => lot,
            Err(outcome) => return Ok(outcome),
        };
        let before = match set_lot_expiry(&tx, &lot).await? {
            Ok(before) => before,
            Err(refusal) => return Ok(Outcome::Refused(refusal_text(lang, &refusal, &lot_no))),
        };
        if before != lot {
            audit::record(
                &*tx,
                Utc::now(),
                &signed.user.name,
                "lot.update",
                &sku,
                Some(json!(before)),
                Some(json!(lot)),
            )
            .await?;
        }
        tx.commit().await?;
        Ok::<_, DbError>(Outcome::Done("lot_changed"))
    }
    .await;
    answer(&state, lang, &signed, &sku, outcome, |reason| Returned {
        form: format!("lot:{lot_no}"),
        values: vec![("expiry_date", expiry.to_owned())],
        reason,
    })
    .await
}

/// Removes a lot no store holds stock or serials of.
pub async fn remove(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path((sku, lot_no)): Path<(String, String)>,
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
        let before = match remove_lot(&tx, &sku, &lot_no).await? {
            Ok(before) => before,
            Err(refusal) => return Ok(Outcome::Refused(refusal_text(lang, &refusal, &lot_no))),
        };
        audit::record(
            &*tx,
            Utc::now(),
            &signed.user.name,
            "lot.remove",
            &sku,
            Some(json!(before)),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok::<_, DbError>(Outcome::Done("lot_removed"))
    }
    .await;
    answer(&state, lang, &signed, &sku, outcome, |reason| Returned {
        form: format!("lot:{lot_no}"),
        values: Vec::new(),
        reason,
    })
    .await
}
