//! Erasing a member's personal data on request (个人信息删除), for admins: the card
//! number typed again to confirm, and a reason (the form is on the member's page,
//! [`super::members`]). `crate::member_erasure` does it (head
//! office, every till through the feed, every integration by an event) and audits it.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;

use super::member_privacy::may_see_personal_data;
use super::members::{Said, member_page};
use crate::console::i18n::Lang;
use crate::console::session::Signed;
use crate::console::table::Params;
use crate::console::{csrf_refused, forbidden, page_error, problem_page, url_part};
use crate::error::DbError;
use crate::member_erasure::{self, EraseError};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    confirm_card: String,
    #[serde(default)]
    reason: String,
}

/// `POST /members/{id}/erase`.
pub async fn erase(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<String>,
    Form(form): Form<EraseForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    if !may_see_personal_data(&signed.user) {
        return forbidden(lang, &signed);
    }
    let done = async {
        let mut client = state.pool.get().await.map_err(DbError::from)?;
        let card: Option<String> = client
            .query_opt("SELECT card_no FROM members WHERE id = $1", &[&id])
            .await
            .map_err(DbError::from)?
            .map(|r| r.get(0));
        let Some(card) = card else {
            return Ok(None);
        };
        if form.confirm_card.trim() != card {
            return Ok(Some(Err("members.erase_card_mismatch")));
        }
        member_erasure::erase(
            &mut client,
            &id,
            &signed.user.name,
            &form.reason,
            Utc::now(),
        )
        .await
        .map(|_| Some(Ok(())))
    }
    .await;
    let refused = match done {
        Ok(Some(Ok(()))) => {
            return (
                StatusCode::SEE_OTHER,
                [(LOCATION, format!("/members/{}", url_part(&id)))],
            )
                .into_response();
        }
        Ok(Some(Err(key))) => key,
        Err(EraseError::BadReason) => "members.erase_bad_reason",
        Err(EraseError::AlreadyErased { .. }) => "members.erase_already",
        Ok(None) | Err(EraseError::NotFound(_)) => {
            return problem_page(
                StatusCode::NOT_FOUND,
                lang,
                Some(&signed),
                "error.not_found",
            );
        }
        Err(EraseError::Db(e)) => return page_error(e),
    };
    let said = Said::refused(lang.t(refused));
    member_page(&state, lang, &signed, &id, &Params::default(), said).await
}
