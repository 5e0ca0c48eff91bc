//! An organisation's qualifications (营业执照, 医疗器械经营许可证, 第二类医疗器械经营备案凭证:
//! number and last valid day) and contacts, on its page (`organisations.rs`). Admins and
//! merchandisers change them, each change audited; a qualification reaches the tills by
//! the feed, a contact never does. A contact's phone is personal data: masked for every
//! role but admin, and an admin's reading is logged like a member's
//! ([`super::member_privacy`]).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use maud::{Markup, html};
use pos_domain::member::mask_phone;
use pos_domain::organisation::QualificationKind;
use serde::Deserialize;
use serde_json::json;
use tokio_postgres::GenericClient;

use super::member_privacy::may_see_personal_data;
use super::organisations::{PATH, input_problem, may_edit_organisations, organisation_page};
use crate::console::i18n::Lang;
use crate::console::session::{CsrfForm, Signed};
use crate::console::users::User;
use crate::console::{audit, csrf_refused, forbidden, page_error, problem_page, url_part};
use crate::error::DbError;
use crate::organisations::{
    self, OrganisationRecord, check_contact, check_qualification,
};
use crate::state::AppState;

/// The audit action of a page showing an organisation's contacts' full phones.
pub const CONTACTS_READ_ACTION: &str = "organisation.contacts_read";

/// Logs that `user` is shown the full phones of `o`'s contacts; nothing for a person who
/// sees them masked, or when there are none.
pub async fn log_contacts_read(
    client: &impl GenericClient,
    user: &User,
    o: &OrganisationRecord,
) -> Result<(), DbError> {
    if !may_see_personal_data(user) || o.contacts.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = o.contacts.iter().map(|c| c.id).collect();
    audit::record(
        client,
        Utc::now(),
        &user.name,
        CONTACTS_READ_ACTION,
        &o.id,
        None,
        Some(json!({ "page": "/organisations/{id}", "contacts": ids })),
    )
    .await
}

pub fn qualifications_section(lang: Lang, signed: &Signed, o: &OrganisationRecord) -> Markup {
    let editable = may_edit_organisations(&signed.user);
    let base = format!("{PATH}/{}/qualifications", url_part(&o.id));
    html! {
        h2 { (lang.t("organisations.qualifications")) }
        table {
            tr {
                th { (lang.t("organisations.qualification_kind")) }
                th { (lang.t("organisations.number")) }
                th { (lang.t("organisations.valid_until")) }
                @if editable { th {} }
            }
            @for q in &o.qualifications {
                tr {
                    td { (lang.t(&format!("organisations.q_{}", q.kind.code()))) }
                    td { (q.number) }
                    td { @match q.valid_until {
                        Some(d) => (d),
                        None => (lang.t("organisations.no_end")),
                    } }
                    @if editable {
                        td { form.inline method="post" action={ (base) "/" (q.kind.code()) "/remove" } {
                            input type="hidden" name="csrf" value=(signed.csrf);
                            button type="submit" { (lang.t("organisations.remove")) }
                        } }
                    }
                }
            }
        }
        @if editable {
            form method="post" action=(base) {
                input type="hidden" name="csrf" value=(signed.csrf);
                label { (lang.t("organisations.qualification_kind")) " "
                    select name="kind" {
                        @for k in QualificationKind::ALL {
                            option value=(k.code()) { (lang.t(&format!("organisations.q_{}", k.code()))) }
                        }
                    }
                }
                label { (lang.t("organisations.number")) " " input name="number" required; }
                label { (lang.t("organisations.valid_until")) " " input type="date" name="valid_until"; }
                button type="submit" { (lang.t("organisations.set_qualification")) }
            }
        }
    }
}

pub fn contacts_section(lang: Lang, signed: &Signed, o: &OrganisationRecord) -> Markup {
    let editable = may_edit_organisations(&signed.user);
    let full = may_see_personal_data(&signed.user);
    let base = format!("{PATH}/{}/contacts", url_part(&o.id));
    html! {
        h2 { (lang.t("organisations.contacts")) }
        table {
            tr {
                th { (lang.t("organisations.contact_name")) }
                th { (lang.t("organisations.contact_phone")) }
                th { (lang.t("organisations.contact_department")) }
                @if editable { th {} }
            }
            @for c in &o.contacts {
                tr {
                    td { (c.name) }
                    td { @if full { (c.phone) } @else { (mask_phone(&c.phone)) } }
                    td { (c.department.clone().unwrap_or_default()) }
                    @if editable {
                        td { form.inline method="post" action={ (base) "/" (c.id) "/remove" } {
                            input type="hidden" name="csrf" value=(signed.csrf);
                            button type="submit" { (lang.t("organisations.remove")) }
                        } }
                    }
                }
            }
        }
        @if editable {
            form method="post" action=(base) {
                input type="hidden" name="csrf" value=(signed.csrf);
                label { (lang.t("organisations.contact_name")) " " input name="name" required; }
                label { (lang.t("organisations.contact_phone")) " " input name="phone" required; }
                label { (lang.t("organisations.contact_department")) " " input name="department"; }
                button type="submit" { (lang.t("organisations.add_contact")) }
            }
        }
    }
}

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
            organisation_page(state, lang, signed, id, StatusCode::BAD_REQUEST, Some(problem))
                .await
        }
        Ok(Done::Gone) => problem_page(StatusCode::NOT_FOUND, lang, Some(signed), "error.not_found"),
        Err(e) => page_error(e),
    }
}

/// Runs `change` in a transaction if the organisation exists, with an audit entry
/// (`action`, before and after) when it returns one.
async fn audited<F>(state: &AppState, signed: &Signed, id: &str, change: F) -> Result<Done, DbError>
where
    F: AsyncFnOnce(
        &tokio_postgres::Transaction<'_>,
    ) -> Result<Option<(&'static str, serde_json::Value, serde_json::Value)>, DbError>,
{
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    if organisations::load(&*tx, id).await?.is_none() {
        return Ok(Done::Gone);
    }
    let Some((action, before, after)) = change(&tx).await? else {
        return Ok(Done::Gone);
    };
    let none = |v: serde_json::Value| (!v.is_null()).then_some(v);
    audit::record(&*tx, Utc::now(), &signed.user.name, action, id, none(before), none(after))
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
                Ok(Some(("organisation.qualification_set", json!(before), json!(q))))
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
        return problem_page(StatusCode::NOT_FOUND, lang, Some(&signed), "error.not_found");
    };
    let done = audited(&state, &signed, &id, async |tx| {
        let before = organisations::qualifications_of(tx, &[id.as_str()])
            .await?
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .find(|held| held.kind == kind);
        let removed = organisations::remove_qualification(tx, &id, kind).await?;
        Ok(removed.then(|| ("organisation.qualification_remove", json!(before), json!(null))))
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
