//! A segment's names, precedence and rules, changed by an admin under the segment's
//! members: checked field by field (a refused change names the field and changes
//! nothing), saved with its audit entry in one transaction. The new rules apply from
//! the next RFM run.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use serde_json::json;

use super::segments::{PATH, form, members_body};
use crate::console::i18n::Lang;
use crate::console::layout::page;
use crate::console::session::Signed;
use crate::console::table::field;
use crate::console::{audit, csrf_refused, forbidden, page_error, problem_page, url_part};
use crate::error::DbError;
use crate::rfm::read;
use crate::rfm::store::{self, SaveError};
use crate::rfm::{Segment, SegmentText};
use crate::state::AppState;

/// `POST /segments/{code}`.
pub async fn save(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(code): Path<String>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Response {
    let posted_value = |name: &str| field(&posted, name).unwrap_or_default().to_owned();
    if !signed.csrf_matches(&posted_value("csrf")) {
        return csrf_refused(lang, &signed);
    }
    if !signed.user.may_edit_segments() {
        return forbidden(lang, &signed);
    }
    let text = SegmentText {
        code: code.clone(),
        precedence: posted_value("precedence"),
        name_zh: posted_value("name_zh"),
        name_en: posted_value("name_en"),
        r_rule: posted_value("r_rule"),
        f_rule: posted_value("f_rule"),
        m_rule: posted_value("m_rule"),
    };
    match saved(&state, &signed, &text).await {
        Ok(()) => (
            StatusCode::SEE_OTHER,
            [(LOCATION, format!("{PATH}/{}?saved=1", url_part(&code)))],
        )
            .into_response(),
        Err(SaveError::Unknown(_)) => problem_page(
            StatusCode::NOT_FOUND,
            lang,
            Some(&signed),
            "segments.not_found",
        ),
        Err(SaveError::Invalid(e)) => {
            let problem = lang.tf(
                "segments.invalid",
                &[
                    ("field", &lang.t(&format!("segments.{}", e.field))),
                    ("why", &e.to_string()),
                ],
            );
            refused(&state, lang, &signed, &text, &problem).await
        }
        Err(SaveError::Db(e)) => page_error(e),
    }
}

/// Saves in one transaction with its audit entry (none when nothing changed).
async fn saved(state: &AppState, signed: &Signed, text: &SegmentText) -> Result<(), SaveError> {
    let mut client = state.pool.get().await.map_err(DbError::from)?;
    let tx = client.transaction().await.map_err(DbError::from)?;
    let (before, after) = store::save_segment(&tx, text).await?;
    if before != after {
        audit::record(
            &*tx,
            Utc::now(),
            &signed.user.name,
            "segment.update",
            &after.code,
            Some(json!(before.text())),
            Some(json!(after.text())),
        )
        .await?;
    }
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// 400: the segment's page again with the form as typed and the reason.
async fn refused(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    text: &SegmentText,
    problem: &str,
) -> Response {
    let client = match state.pool.get().await {
        Ok(client) => client,
        Err(e) => return page_error(e.into()),
    };
    let stored: Result<Option<Segment>, DbError> = store::load_segment(&**client, &text.code).await;
    let segment = match stored {
        Ok(Some(segment)) => segment,
        Ok(None) => {
            return problem_page(
                StatusCode::NOT_FOUND,
                lang,
                Some(signed),
                "segments.not_found",
            );
        }
        Err(e) => return page_error(e),
    };
    let found = match read::members(&**client, &segment.code, 1, read::PER_PAGE_DEFAULT).await {
        Ok(found) => found,
        Err(e) => return page_error(e),
    };
    let body = members_body(
        lang,
        signed,
        &segment,
        &found,
        Some(form(lang, signed, text, Some(problem))),
    );
    let title = match lang {
        Lang::ZhCn => segment.name_zh.clone(),
        Lang::En => segment.name_en.clone(),
    };
    let markup = page(lang, Some(signed), &title, PATH, body);
    (StatusCode::BAD_REQUEST, Html(markup.into_string())).into_response()
}
