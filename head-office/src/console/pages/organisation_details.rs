//! Changing an organisation's qualifications (营业执照, 医疗器械经营许可证,
//! 第二类医疗器械经营备案凭证: number and last valid day) and contacts, from its page
//! (`organisations.rs`, sections in `organisation_sections.rs`): admins and
//! merchandisers, each change audited; a qualification reaches the tills by the feed, a
//! contact never does, and the audit log keeps a contact's phone masked.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use pos_domain::member::mask_phone;
use pos_domain::organisation::QualificationKind;
use serde::Deserialize;
use serde_json::json;

use super::organisation_sections::{PATH, input_problem, may_edit_organisations};
use super::organisations::organisation_page;
use crate::console::i18n::Lang;
use crate::console::session::{CsrfForm, Signed};
use crate::console::{audit, csrf_refused, forbidden, page_error, problem_page, url_part};
use crate::error::DbError;
use crate::organisations::{self, check_contact, check_qualification};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct QualificationForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    valid_until: String,
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    department: String,
}

/// What a change came to.
enum Done {
    Saved,
    Refused(String),
    Gone,
}

/// Back to the organisation's page, or the page again with the problem, or 404.
async fn answer(
    state: &AppState,
    lang: Lang,
    signed: &Signed,
    id: &str,
    done: Result<Done, DbError>,
) -> Response {
    match done {
        Ok(Done::Saved) => (
            StatusCode::SEE_OTHER,
            [(LOCATION, format!("{PATH}/{}", url_part(id)))],
        )
            .into_response(),
        Ok(Done::Refused(problem)) => {
            organisation_page(
                state,
                lang,
                signed,
                id,
                StatusCode::BAD_REQUEST,
                Some(problem),
            )
            .await
        }
        Ok(Done::Gone) => {
            problem_page(StatusCode::NOT_FOUND, lang, Some(signed), "error.not_found")
        }
        Err(e) => page_error(e),
    }
}

/// Runs `change` in a transaction if the organisation exists, with an audit entry
/// (`action`, before and after) when it returns one.
async fn audited<F>(state: &AppState, signed: &Signed, id: &str, change: F) -> Result<Done, DbError>
where
    F: AsyncFnOnce(
        &tokio_postgres::Transaction<'_>,
    )
        -> Result<Option<(&'static str, serde_json::Value, serde_json::Value)>, DbError>,
{
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    if organisations::load(&*tx, id).await?.is_none() {
        return Ok(Done::Gone);
    }
    let Some((action, before, after)) = change(&*tx).await? else {
        return Ok(Done::Gone);
    };
    let none = |v: serde_json::Value| (!v.is_null()).then_some(v);
    audit::record(
        &*tx,
        Utc::now(),
        &signed.user.name,
        action,
        id,
        none(before),
        none(after),
    )
    .await?;
    tx.commit().await?;
    Ok(Done::Saved)
}

/// `POST /organisations/{id}/qualifications`: sets the qualification of a kind.
pub async fn set_qualification(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<String>,
    Form(form): Form<QualificationForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    if !may_edit_organisations(&signed.user) {
        return forbidden(lang, &signed);
    }
    let done = match check_qualification(&form.kind, &form.number, &form.valid_until) {
        Err(e) => Ok(Done::Refused(input_problem(lang, &e))),
        Ok(q) => {
            audited(&state, &signed, &id, async |tx| {
                let before = organisations::qualifications_of(tx, &[id.as_str()])
                    .await?
                    .remove(&id)
                    .unwrap_or_default()
                    .into_iter()
                    .find(|held| held.kind == q.kind);
                organisations::set_qualification(tx, &id, &q).await?;
                Ok(Some((
                    "organisation.qualification_set",
                    json!(before),
                    json!(q),
                )))
            })
            .await
        }
    };
    answer(&state, lang, &signed, &id, done).await
}

/// `POST /organisations/{id}/qualifications/{kind}/remove`.
pub async fn remove_qualification(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path((id, kind)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    if !may_edit_organisations(&signed.user) {
        return forbidden(lang, &signed);
    }
    let Some(kind) = QualificationKind::from_code(&kind) else {
        return problem_page(
            StatusCode::NOT_FOUND,
            lang,
            Some(&signed),
            "error.not_found",
        );
    };
    let done = audited(&state, &signed, &id, async |tx| {
        let before = organisations::qualifications_of(tx, &[id.as_str()])
            .await?
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .find(|held| held.kind == kind);
        let removed = organisations::remove_qualification(tx, &id, kind).await?;
        Ok(removed.then(|| {
            (
                "organisation.qualification_remove",
                json!(before),
                json!(null),
            )
        }))
    })
    .await;
    answer(&state, lang, &signed, &id, done).await
}

/// `POST /organisations/{id}/contacts`: adds a contact (the audit log keeps the phone
/// masked: the log is read by auditors).
pub async fn add_contact(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path(id): Path<String>,
    Form(form): Form<ContactForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    if !may_edit_organisations(&signed.user) {
        return forbidden(lang, &signed);
    }
    let done = match check_contact(&form.name, &form.phone, &form.department) {
        Err(e) => Ok(Done::Refused(input_problem(lang, &e))),
        Ok(contact) => {
            audited(&state, &signed, &id, async |tx| {
                let contact_id = organisations::add_contact(tx, &id, &contact).await?;
                let after = json!({
                    "contact": contact_id, "name": contact.0,
                    "phone": mask_phone(&contact.1), "department": contact.2,
                });
                Ok(Some(("organisation.contact_add", json!(null), after)))
            })
            .await
        }
    };
    answer(&state, lang, &signed, &id, done).await
}

/// `POST /organisations/{id}/contacts/{contact}/remove`.
pub async fn remove_contact(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Path((id, contact)): Path<(String, i64)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !signed.csrf_matches(&form.csrf) {
        return csrf_refused(lang, &signed);
    }
    if !may_edit_organisations(&signed.user) {
        return forbidden(lang, &signed);
    }
    let done = audited(&state, &signed, &id, async |tx| {
        let removed = organisations::remove_contact(tx, &id, contact).await?;
        Ok(removed.map(|c| {
            let before = json!({
                "contact": c.id, "name": c.name,
                "phone": mask_phone(&c.phone), "department": c.department,
            });
            ("organisation.contact_remove", before, json!(null))
        }))
    })
    .await;
    answer(&state, lang, &signed, &id, done).await
}
