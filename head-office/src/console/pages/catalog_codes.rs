//! What the barcode and lot forms of a product's page share: who may send them, the
//! answer to a change (back to the page with a notice, or the form again with its
//! reason), and the words for a refusal.

use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};

use super::catalog::product_page;
use super::catalog_code_forms::Returned;
use crate::catalog::codes::CodeRefusal;
use crate::console::i18n::Lang;
use crate::console::session::Signed;
use crate::console::table::Params;
use crate::console::{csrf_refused, forbidden, page_error, problem_page, url_part};
use crate::error::DbError;
use crate::state::AppState;

/// How a change ended, before it is answered.
pub enum Outcome {
    /// Made (or nothing to make): back to the page with this notice.
    Done(&'static str),
    /// Refused with this reason; nothing was written.
    Refused(String),
    /// No such product.
    Gone,
}

/// The CSRF token first, then the role: `Some` answer when the change may not be made.
pub fn refused_before(lang: Lang, signed: &Signed, csrf: &str) -> Option<Response> {
    if !signed.csrf_matches(csrf) {
        return Some(csrf_refused(lang, signed));
    }
    if !signed.user.may_edit_catalog() {
        return Some(forbidden(lang, signed));
    }
    None
}

/// The answer to a change of `sku`'s barcodes or lots; a refusal sends `form` back with
/// its reason.
pub async fn answer(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    sku: &str,
    outcome: Result<Outcome, DbError>,
    form: impl FnOnce(String) -> Returned,
) -> Response {
    match outcome {
        Ok(Outcome::Done(done)) => (
            StatusCode::SEE_OTHER,
            [(LOCATION, format!("/catalog/{}?done={done}", url_part(sku)))],
        )
            .into_response(),
        Ok(Outcome::Refused(reason)) => {
            let returned = form(reason);
            product_page(
                state,
                lang,
                signed,
                sku,
                StatusCode::BAD_REQUEST,
                Params::default(),
                Some(returned),
            )
            .await
        }
        Ok(Outcome::Gone) => {
            problem_page(StatusCode::NOT_FOUND, lang, Some(signed), "error.not_found")
        }
        Err(e) => page_error(e),
    }
}

/// A refusal in the person's language, naming what it is about.
pub fn refusal_text(lang: Lang, refusal: &CodeRefusal, code: &str) -> String {
    match refusal {
        CodeRefusal::BarcodeTaken { holder } => {
            lang.tf("codes.barcode_taken", &[("barcode", code), ("sku", holder)])
        }
        CodeRefusal::NoSuchBarcode => lang.tf("codes.no_barcode", &[("barcode", code)]),
        CodeRefusal::LotExists => lang.tf("codes.lot_exists", &[("lot", code)]),
        CodeRefusal::NoSuchLot => lang.tf("codes.no_lot", &[("lot", code)]),
        CodeRefusal::LotHeld { stores } => lang.tf(
            "codes.lot_held",
            &[("lot", code), ("stores", &stores.join(", "))],
        ),
    }
}

/// The catalog file's reason for a field, as the form shows it.
pub fn invalid(lang: Lang, why: &pos_domain::import::ImportError) -> String {
    lang.tf("codes.invalid", &[("why", &why.to_string())])
}
